"""The matrix path: ``nn`` models and losses on a 2-D ``Tensor`` (one row per example) as matrix operations.

A model called on a Tensor runs its layers as ``X @ W + b`` and its activation on the whole matrix,
instead of one ``dot`` node per neuron per example. The parameters stay the ``Value``s they are:
each call views them as Tensors (``Tensor.from_values``), so after ``loss.backward()`` each
parameter's ``.grad`` holds what the scalar path would have put there (the sums only run in
another order), and optimizers, ``save``/``load`` and ``p.data -= lr * p.grad`` work unchanged.
Each model class hands off here from its ``__call__`` in one line; the layout of a layer's
parameters as a matrix is in ``weights``.

>>> from autograd import Tensor
>>> from nn.layers import MLP
>>> model = MLP(2, [3, 1], seed=0)
>>> out = model(Tensor([[0.5, -1.0], [1.0, 2.0]]))
>>> out.shape, round(float(out.data[0]) - model([0.5, -1.0]).data, 12)
((2,), 0.0)
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from operator import attrgetter
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from autograd import OPS, Tensor, Value
from autograd.modes import scope
from autograd.tensor import linked
from nn.optim import Optimizer

Array = np.ndarray


def checked_batch(module: Any, xs: Tensor, nin: int) -> None:
    """A ValueError naming the module unless ``xs`` is one example (``nin`` numbers) or a batch (rows × ``nin``)."""
    owner = module.name or type(module).__name__
    if xs.ndim not in (1, 2) or xs.shape[-1] != nin:
        raise ValueError(
            f"{owner}: expected a Tensor of shape (examples, {nin}) (or ({nin},) for one example), got {xs.shape}"
        )


def scoped(module: Any, on: bool, forward: Callable[[Tensor], Tensor], xs: Tensor) -> Tensor:
    """``forward(xs)`` inside the module's scope (its name, its title) when ``on``: drawn as one box."""
    if not on:
        return forward(xs)
    with scope(module.name or type(module).__name__, module.title):
        return forward(xs)


def weights(columns: Sequence[Sequence[Value]], label: str, owner: object = None) -> Tensor:
    """A matrix whose column j views the Values ``columns[j]`` (a neuron's weights): nin × nout, for ``X @ W``.

    ``owner`` (the module) lets ``ParameterArrays``, while ``fit`` trains, find the matrix in its arrays at once.
    """

    shape = (len(columns), len(columns[0]))  # neuron by neuron: Wᵀ, row-major

    def values() -> list[Value]:
        return [value for column in columns for value in column]

    return _viewed(owner, "W", values, shape, label)


def vector(items: Sequence[Value], label: str, owner: object = None, role: str = "b") -> Tensor:
    """A vector viewing the Values ``items`` (a layer's biases); ``owner`` and ``role`` as for ``weights``."""
    return _viewed(owner, role, lambda: list(items), (len(items),), label)


def _viewed(owner: object, role: str, values: Callable[[], list[Value]], shape: tuple[int, ...], label: str) -> Tensor:
    """A leaf viewing the Values ``values()`` laid out in ``shape`` (transposed when it has two axes: X @ W's W).

    Read in one pass over a list (``[v.data for v in flat]``) handed to ``np.fromiter``: an object array's
    iteration and ``attrgetter`` cost twice as much, ``np.array(list)`` twice as much as ``fromiter`` (callgrind).
    """
    arrays = _IN_USE.get()
    if arrays is not None and owner is not None:
        found = arrays.slice(owner, role, lambda: _laid_out(values(), shape))
        if found is not None:
            return arrays.linked(found, label)
    flat = values()
    data = np.fromiter([value.data for value in flat], np.float64, len(flat)).reshape(shape)
    return linked(_laid_out(flat, shape), label, data=data.T if len(shape) == 2 else data)


def _laid_out(flat: list[Value], shape: tuple[int, ...]) -> Array:
    matrix = np.fromiter(flat, dtype=object, count=len(flat)).reshape(shape)
    return matrix.T if len(shape) == 2 else matrix


class ParameterArrays:
    """The parameters' values and gradients kept in two arrays while ``fit`` trains on the matrix path.

    Why: on the matrix path a step's own arithmetic is a few dozen numpy calls, and reading every parameter's
    ``.data`` into arrays and adding every gradient back into ``.grad``, one ``Value`` at a time, was over half of
    it (measured on digits: 0.62 ms of a 1.1 ms step). Inside ``in_use(optimizer)`` the layers read their weights
    from ``theta`` (a gather by precomputed indices), backward adds their gradients into ``grad``, and the optimizer
    reads and writes the two arrays (it is this object's ``ParameterStore``); the Values are written back on the
    way out (``push``, also before each ``on_epoch`` callback, which may read or change them: ``pull`` after it).
    The numbers are the same, bit for bit: the same sums in the same order.

    >>> from nn.layers import MLP
    >>> from nn.optim import SGD
    >>> model = MLP(2, [3, 1], seed=0)
    >>> optimizer = SGD(model.parameters(), lr=0.1)
    >>> arrays = ParameterArrays(optimizer.parameters)
    >>> with arrays.in_use(optimizer):
    ...     model(Tensor([[1.0, 2.0]])).sum().backward()
    ...     optimizer.step()
    >>> model.parameters()[-1].data  # the output bias moved by −0.1 · its gradient, 1
    -0.1
    """

    def __init__(self, parameters: Sequence[Value]) -> None:
        self.parameters = list(parameters)
        self.position = {id(p): i for i, p in enumerate(self.parameters)}
        self.objects = np.fromiter(self.parameters, dtype=object, count=len(self.parameters))
        self.theta = np.zeros(len(self.parameters))
        self.grad = np.zeros(len(self.parameters))
        self._slices: dict[tuple[int, str], tuple[object, Place | None, Array | None]] = {}
        self.pull()

    def pull(self) -> None:
        """The arrays from the Values (their current ``data`` and ``grad``)."""
        self.theta[:] = np.fromiter(map(_DATA, self.parameters), dtype=np.float64, count=len(self.parameters))
        self.grad[:] = np.fromiter(map(_GRAD, self.parameters), dtype=np.float64, count=len(self.parameters))

    def push(self) -> None:
        """The Values from the arrays."""
        for p, data, grad in zip(self.parameters, self.theta.tolist(), self.grad.tolist(), strict=True):
            p.data, p.grad = data, grad

    # ParameterStore: what the optimizer reads and writes meanwhile
    def read(self) -> tuple[Array, Array]:
        """Copies of the values and gradients: an optimizer may keep what it reads (SGD's first momentum buffer is
        the gradient itself), and ``zero_grad`` clears ``grad`` in place."""
        return self.theta.copy(), self.grad.copy()

    def write(self, theta: Array) -> None:
        """New values, in place (the layers' views read them at the next forward pass)."""
        self.theta[:] = theta

    def zero_grad(self) -> None:
        """Every gradient set to 0."""
        self.grad[:] = 0.0

    def slice(self, owner: object, role: str, values: Callable[[], Array]) -> tuple[Place, Array] | None:
        """Where in the arrays the Values ``values()`` are (worked out once per owner and role) and those Values,
        or None when one of them is not among the parameters (then the Values are read as usual)."""
        key = (id(owner), role)
        found = self._slices.get(key)
        if found is None:
            objects = values()
            where = [self.position.get(id(value)) for value in objects.flat]
            if None in where:
                found = (owner, None, None)
            else:
                positions = np.array(where, dtype=np.intp).reshape(objects.shape)
                found = (owner, place(self.theta, self.grad, positions), objects)
            self._slices[key] = found  # the owner is kept too, so its id is not reused meanwhile
        _, at, viewed = found
        return None if at is None or viewed is None else (at, viewed)

    def linked(self, found: tuple[Place, Array], label: str) -> Tensor:
        """A leaf reading its numbers from ``theta`` (a copy: the optimizer then updates ``theta`` in place) and
        adding its gradient into ``grad``."""
        at, objects = found
        return linked(objects, label, data=at.take(), sink=at.add)

    @contextlib.contextmanager
    def in_use(self, optimizer: Optimizer) -> Iterator[ParameterArrays]:
        """Train from the arrays inside the block (the optimizer's store, the layers' weights); the Values are
        written back on every way out, and the optimizer gets its own store back."""
        if optimizer.parameters != self.parameters:
            raise ValueError("ParameterArrays.in_use: the optimizer holds other parameters than these arrays")
        token = _IN_USE.set(self)
        previous, optimizer.store = optimizer.store, self
        try:
            yield self
        finally:
            optimizer.store = previous
            _IN_USE.reset(token)
            self.push()


class Place:
    """Where some parameters sit in ``ParameterArrays``' two arrays: by their positions (a gather and a scatter)."""

    def __init__(self, theta: Array, grad: Array, positions: Array) -> None:
        self.theta, self.grad, self.positions = theta, grad, positions

    def take(self) -> Array:
        """Their values, as a new array of the positions' shape."""
        taken: Array = self.theta[self.positions]
        return taken

    def add(self, g: Array) -> None:
        """``g`` added into their gradients (each parameter appears once: no repeated position)."""
        self.grad[self.positions] += g


class StridedPlace(Place):
    """Parameters at evenly spaced positions along each axis (a layer's weight matrix, its biases): the arrays
    viewed with those strides, so reading and adding skip numpy's index arrays (the demo step: 7 µs of 216)."""

    def __init__(self, theta: Array, grad: Array, positions: Array, steps: tuple[int, ...]) -> None:
        super().__init__(theta, grad, positions)
        start, size = int(positions.flat[0]), theta.itemsize
        strides = tuple(step * size for step in steps)
        self.theta_view = as_strided(theta[start:], positions.shape, strides, writeable=False)
        self.grad_view = as_strided(grad[start:], positions.shape, strides)

    def take(self) -> Array:
        taken: Array = self.theta_view.copy()
        return taken

    def add(self, g: Array) -> None:
        np.add(self.grad_view, g, out=self.grad_view)


def place(theta: Array, grad: Array, positions: Array) -> Place:
    """A ``StridedPlace`` when ``positions`` step evenly along each axis (forwards), else a ``Place``.

    >>> place(np.zeros(9), np.zeros(9), np.array([[1, 4], [2, 5]])).__class__.__name__
    'StridedPlace'
    """
    if positions.size == 0:
        return Place(theta, grad, positions)
    steps = tuple(
        int(np.take(positions, 1, axis=axis).flat[0] - positions.flat[0]) if positions.shape[axis] > 1 else 0
        for axis in range(positions.ndim)
    )
    grid = positions.flat[0] + sum(
        np.arange(n).reshape([-1 if a == axis else 1 for a in range(positions.ndim)]) * step
        for axis, (n, step) in enumerate(zip(positions.shape, steps, strict=True))
    )
    if min(steps, default=0) < 0 or not np.array_equal(grid, positions):
        return Place(theta, grad, positions)
    return StridedPlace(theta, grad, positions, steps)


_IN_USE: ContextVar[ParameterArrays | None] = ContextVar("gradtrace_parameter_arrays", default=None)
_DATA, _GRAD = attrgetter("data"), attrgetter("grad")


def activate(activation_key: str | None, activation: Callable[[Any], Any], z: Tensor, owner: str) -> Tensor:
    """The activation on a whole matrix: its row of ``autograd.OPS`` by name, or a custom function given the Tensor.

    A custom function must work on Tensors (``lambda v: v.tanh()`` does) and keep the shape.
    """
    if activation_key == "identity":
        return z
    if activation_key is not None:
        return z.apply(OPS[activation_key])
    out = activation(z)
    if not isinstance(out, Tensor) or out.shape != z.shape:
        got = out.shape if isinstance(out, Tensor) else type(out).__name__
        raise TypeError(
            f"{owner}: the custom activation must map a Tensor to a Tensor of the same shape on the matrix path "
            f"(write it with Value/Tensor methods, e.g. lambda v: v.tanh()), got {got}"
        )
    return out


def affine(
    xs: Tensor, columns: Sequence[Sequence[Value]], biases: Sequence[Value], name: str, owner: object = None
) -> Tensor:
    """X @ W + b for the neurons whose weights are ``columns`` and biases ``biases`` (``owner``: the module)."""
    prefix = f"{name}." if name else ""
    return xs @ weights(columns, f"{prefix}W", owner) + vector(biases, f"{prefix}b", owner)


def l2_penalty(parameters: Sequence[Value], strength: float, examples: int = 1) -> Tensor:
    """λ/(2m) · Σ θ² as one Tensor sum over the parameters viewed as a vector (``l2_regularization``'s formula).

    The scalar ``l2_regularization`` makes a ``*`` node per parameter and backpropagates through each;
    here it is three array ops, which is what keeps the matrix path's L2 step cheap.

    >>> l2_penalty([Value(1.0), Value(-2.0)], strength=0.5, examples=5).item()
    0.25
    """
    if examples < 1:
        raise ValueError(f"l2_penalty: examples must be at least 1, got {examples}")
    if not parameters:
        raise ValueError("l2_penalty: no parameters")
    theta = vector(list(parameters), "θ", parameters, "θ")  # the list itself: fit passes the same one each step
    return (theta * theta).sum() * (strength / (2.0 * examples))
