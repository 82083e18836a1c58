"""The matrix path: ``nn`` models and losses on a 2-D ``Tensor`` (one row per example) as matrix operations.

A model called on a Tensor runs its layers as ``X @ W + b`` and its activation on the whole matrix,
instead of one ``dot`` node per neuron per example. The parameters stay the ``Value``s they are,
living in arrays the layer reads whole (``nn.parameter_home``; read one by one, ``weights``, when
they cannot move there), so after ``loss.backward()`` each parameter's ``.grad`` holds what the
scalar path would have put there (the sums only run in another order), and optimizers,
``save``/``load`` and ``p.data -= lr * p.grad`` work unchanged. Each model class hands off here
from its ``__call__`` in one line.

>>> from autograd import Tensor
>>> from nn.layers import MLP
>>> model = MLP(2, [3, 1], seed=0)
>>> out = model(Tensor([[0.5, -1.0], [1.0, 2.0]]))
>>> out.shape, round(float(out.data[0]) - model([0.5, -1.0]).data, 12)
((2,), 0.0)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd import OPS, Tensor, Value
from autograd.modes import scope
from autograd.tensor import linked
from nn.parameter_home import Gather, ParameterHome

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


def weights(columns: Sequence[Sequence[Value]], label: str) -> Tensor:
    """A matrix whose column j views the Values ``columns[j]`` (a neuron's weights): nin × nout, for ``X @ W``."""
    shape = (len(columns), len(columns[0]))  # neuron by neuron: Wᵀ, row-major
    for neuron, column in enumerate(columns):
        if len(column) != shape[1]:  # a neuron's weights replaced by a list of another length
            raise ValueError(f"{label}: neuron {neuron} has {len(column)} weights, neuron 0 has {shape[1]}")
    return _viewed([value for column in columns for value in column], shape, label)


def vector(items: Sequence[Value], label: str) -> Tensor:
    """A vector viewing the Values ``items`` (a layer's biases, a BatchNorm's γ)."""
    return _viewed(list(items), (len(items),), label)


def _viewed(flat: list[Value], shape: tuple[int, ...], label: str) -> Tensor:
    """A leaf viewing the Values ``flat`` laid out in ``shape`` (transposed when it has two axes: X @ W's W).

    Read in one pass over a list (``[v.data for v in flat]``) handed to ``np.fromiter``: an object array's
    iteration and ``attrgetter`` cost twice as much, ``np.array(list)`` twice as much as ``fromiter`` (callgrind).
    """
    try:
        data = np.fromiter([value.data for value in flat], np.float64, len(flat)).reshape(shape)
    except (AttributeError, TypeError, ValueError) as error:
        raise _not_a_value(flat, shape, label, error) from None
    matrix = np.fromiter(flat, dtype=object, count=len(flat)).reshape(shape)
    if len(shape) == 2:
        return linked(matrix.T, label, data=data.T)
    return linked(matrix, label, data=data)


def _not_a_value(flat: list[Any], shape: tuple[int, ...], label: str, error: Exception) -> Exception:
    """The error for the first item of ``flat`` that is not a Value (a parameter the user replaced by a number: the
    scalar path folds one in, the matrix path views each parameter as a Value), named by its place in ``label``;
    ``error`` itself when all are Values."""
    found = next(((at, item) for at, item in enumerate(flat) if not isinstance(item, Value)), None)
    if found is None:
        return error
    at, item = found
    place = f"[{at}]"
    if len(shape) == 2:  # W of X @ W: row i is weight i, column j neuron j
        neuron, weight = divmod(at, shape[1])
        place = f"[{weight}, {neuron}] (weight {weight} of neuron {neuron})"
    shown = f" ({item!r})" if isinstance(item, int | float | str) else ""
    return TypeError(f"{label}{place} is a {type(item).__name__}{shown}, not a Value: on a Tensor, a layer reads its "
                     f"parameters as Values (Value(x) makes one)")


def homes_side_by_side(modules: Sequence[Any]) -> None:
    """Give ``modules`` (a model's layers, in order: each has ``home_rows()``) homes side by side in one pair of
    arrays, unless each has a live one already: an optimizer over the model then reads and writes one slice.
    A layer whose home later stops serving it (a weight replaced) builds one of its own (``home_for``)."""
    if all(_settled(module) for module in modules):
        return
    previous = [getattr(module, "_parameter_home", None) for module in modules]
    homes = ParameterHome.side_by_side([module.home_rows() for module in modules], previous)
    for module, home in zip(modules, homes, strict=True):
        setattr(module, "_parameter_home", home)  # noqa: B010 - any module may own one; none declares it


def _settled(module: object) -> bool:
    """Whether ``module`` has a live home, or found at its last try that its Values cannot move (its home is None):
    one layer with tied weights must not move the other layers' Values into new arrays at every call."""
    if not hasattr(module, "_parameter_home"):  # never tried
        return False
    home: ParameterHome | None = getattr(module, "_parameter_home")  # noqa: B009 - any module may own one
    return home is None or home.live


def home_for(owner: object, columns: Sequence[Sequence[Value]], biases: Sequence[Value]) -> ParameterHome | None:
    """The ``ParameterHome`` of ``owner``'s neurons (these weight columns and biases): the one it has while it still
    holds exactly them, else a new one (its Values move in); None when they cannot move (``ParameterHome.build``)."""
    home: ParameterHome | None = getattr(owner, "_parameter_home", None)
    if home is not None and home.serves(columns, biases):
        return home
    home = ParameterHome.build(columns, biases, home)
    setattr(owner, "_parameter_home", home)  # noqa: B010 - any module may own one; none declares it
    return home


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


def affine(xs: Tensor, columns: Sequence[Sequence[Value]], biases: Sequence[Value], name: str, owner: object) -> Tensor:
    """X @ W + b for the neurons whose weights are ``columns`` and biases ``biases``; ``owner``: the module, whose
    parameters then live in arrays (``nn.parameter_home``): W and b are read, and their gradients added, whole."""
    prefix = f"{name}." if name else ""
    home = home_for(owner, columns, biases)
    if home is None:
        return xs @ weights(columns, f"{prefix}W") + vector(biases, f"{prefix}b")
    w = linked(home.weight_values, f"{prefix}W", data=home.weights(), sink=home.add_weight_grad)
    b = linked(home.bias_values, f"{prefix}b", data=home.biases_now(), sink=home.add_bias_grad)
    return xs @ w + b


def l2_penalty(parameters: Sequence[Value], strength: float, examples: int = 1) -> Tensor:
    """λ/(2m) · Σ θ² as one Tensor sum over the parameters viewed as a vector (``l2_regularization``'s formula).

    The scalar ``l2_regularization`` makes a ``*`` node per parameter and backpropagates through each;
    here it is three array ops, which is what keeps the matrix path's L2 step cheap.

    >>> l2_penalty([Value(1.0), Value(-2.0)], strength=0.5, examples=5).item()
    0.25
    """
    if examples < 1:
        raise ValueError(f"l2_penalty: examples must be at least 1, got {examples}")
    if not isinstance(parameters, (list, tuple)):  # a generator, as l2_regularization takes: read once
        parameters = list(parameters)
    if not parameters:
        raise ValueError("l2_penalty: no parameters")
    gather = Gather.of(parameters)  # they live in their layers' arrays: read and add to as a few slices
    if gather is None:
        theta = vector(parameters, "θ")
    else:
        theta = linked(gather.values, "θ", data=gather.data(), sink=gather.add_grad)
    return (theta * theta).sum() * (strength / (2.0 * examples))
