"""``Tensor``: a node holding a float64 numpy array, the matrix view of the same engine.

A Tensor records the op that made it (a row of ``autograd.tensor_ops``, or an elementwise row of
``autograd.OPS`` applied to arrays), its operands and what backward needs; ``backward()`` runs the
chain rule in reverse topological order (Kahn's algorithm on explicit stacks, as ``Value`` does),
each node sending the vector-Jacobian product of its op to each operand, summed back to the
operand's shape when numpy broadcasting stretched it. Leaf gradients accumulate across calls;
every other node's gradient is recomputed on each call.

Numbers and arrays mixed into an op become constant leaves (no gradient is computed for them).
A ``Value`` mixed in becomes a 0-d Tensor linked to it, and ``Tensor.from_values`` links an array
of Values (a layer's weights): after backward, each Value's ``.grad`` has received its share, and a
Value that is itself computed passes it on through its own graph.

>>> from autograd import Tensor
>>> W = Tensor([[0.1, 0.5], [-0.3, 0.8]], label="W")
>>> x = Tensor([0.2, 0.4], label="x")
>>> f = ((W @ x) ** 2).sum()       # cs231n's vectorised example
>>> f.backward()
>>> W.grad.round(3).tolist(), x.grad.round(3).tolist()
([[0.088, 0.176], [0.104, 0.208]], [-0.112, 0.636])
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from operator import attrgetter
from typing import Any, Literal, Union

import numpy as np

from autograd.modes import CURRENT_MODE, Scope
from autograd.ops import OPS, Op
from autograd.tensor_ops import (
    INDEX,
    LOG_SOFTMAX,
    MATMUL,
    MAX,
    MEAN,
    RESHAPE,
    SUM,
    TRANSPOSE,
    Context,
    TensorOp,
    elementwise_op,
)
from autograd.value import CombinesWithValue, Value

Array = np.ndarray
TensorLike = Union["Tensor", Value, float, int, Array, Sequence[Any]]

_new_object = object.__new__
_new_tuple = tuple.__new__
_current_mode = CURRENT_MODE.get
_DATA = attrgetter("data")


def _unary_method(row: Op) -> Callable[[Tensor], Tensor]:
    """Tensor's method for a one-operand row: ``t.exp()`` applies the ``exp`` row to every element."""

    def method(self: Tensor) -> Tensor:
        return self.apply(row)

    method.__name__ = method.__qualname__ = row.name
    method.__doc__ = f"Element by element: {row.doc}"
    return method


def unary_rows() -> list[Op]:
    """The built-in one-operand rows of ``autograd.OPS``, each a Tensor method of the same name."""
    from autograd.ops import BUILT_IN

    return [row for row in BUILT_IN.values() if row.arity == 1]


class Tensor(CombinesWithValue):
    """A float64 array that remembers the op that made it; ``backward()`` fills ``.grad`` (same shape).

    Attributes: ``data``, ``grad`` (zeros before backward), ``shape``, ``label``, ``op`` (``""`` for
    a leaf), ``inputs``, ``params`` (an op's axis, index, shape or parameter) and ``scope``.
    ``constant=True`` makes a leaf that gets no gradient (data, such as a batch of inputs: backward skips it).

    >>> x = Tensor([1.0, -2.0, 3.0], label="x")
    >>> y = (x * x).sum()
    >>> y.backward()
    >>> y.item(), x.grad.tolist()
    (14.0, [2.0, -4.0, 6.0])
    """

    __slots__ = (
        "data", "_grad", "label", "op", "_in", "_row", "_params", "_saved", "_scope", "_constant", "_values", "_sink",
        "_uses",
    )

    # numpy must hand ``array + tensor`` to Tensor.__radd__ instead of looping over the array
    __array_ufunc__ = None

    data: Array
    _grad: Array | None
    label: str
    op: str
    _in: tuple[Tensor, ...] | None
    _row: TensorOp | None
    _params: tuple[Any, ...]
    _saved: Any
    _scope: Scope | None
    _constant: bool
    _values: Array | None
    _sink: Callable[[Array], None] | None
    _uses: int  # consumers not yet released during a backward pass (tensor_fast.backward); 0 otherwise

    def __init__(self, data: Any, label: str = "", *, constant: bool = False) -> None:
        if not isinstance(label, str):
            raise TypeError(f"Tensor label must be a str, got {type(label).__name__}")
        if not isinstance(constant, bool):
            raise TypeError(f"Tensor constant must be True or False, got {constant!r}")
        _leaf(self, checked_array(data, "Tensor()"), label)
        self._constant = constant  # data that needs no gradient (a batch of inputs): backward skips it

    @classmethod
    def from_values(cls, values: Any, label: str = "") -> Tensor:
        """A leaf Tensor whose elements are the given ``Value``s: backward passes each its gradient.

        >>> a, b = Value(1.0), Value(2.0)
        >>> t = Tensor.from_values([a, b])
        >>> (t * t).sum().backward()
        >>> a.grad, b.grad
        (2.0, 4.0)
        """
        array = np.empty(np.shape(values), dtype=object)
        array[...] = values if isinstance(values, Value) else np.asarray(values, dtype=object)
        for index, item in np.ndenumerate(array):
            if not isinstance(item, Value):
                raise TypeError(f"Tensor.from_values: element {index} must be a Value, got {type(item).__name__}")
        return linked(array, label)

    # ------------------------------------------------------------------ reading
    @property
    def grad(self) -> Array:
        """∂root/∂self after ``backward`` (zeros before it), the shape of ``data``."""
        grad = self._grad
        if grad is None:
            grad = self._grad = np.zeros(self.data.shape)
        return grad

    @grad.setter
    def grad(self, value: Any) -> None:
        array = checked_array(value, "Tensor.grad")
        if array.shape != self.data.shape:
            raise ValueError(f"Tensor.grad: a gradient of shape {array.shape} for a Tensor of shape {self.data.shape}")
        self._grad = array

    @property
    def shape(self) -> tuple[int, ...]:
        """The array's shape."""
        return tuple(self.data.shape)

    @property
    def ndim(self) -> int:
        """The number of dimensions."""
        return int(self.data.ndim)

    @property
    def size(self) -> int:
        """The number of elements."""
        return int(self.data.size)

    @property
    def inputs(self) -> tuple[Tensor, ...]:
        """The operand Tensors, in call order (constants included); ``()`` for a leaf."""
        return self._in or ()

    @property
    def params(self) -> tuple[Any, ...]:
        """The op's parameters: an axis, an index, a shape, a slope; ``()`` for none."""
        return self._params

    @property
    def row(self) -> TensorOp | None:
        """The row of ``autograd.tensor_ops`` this node applied (None for a leaf)."""
        return self._row

    @property
    def constant(self) -> bool:
        """True for a number or array mixed into an op: it gets no gradient."""
        return self._constant

    @property
    def values(self) -> Array | None:
        """The ``Value``s this leaf views (``from_values``), else None."""
        return self._values

    @property
    def scope(self) -> Scope | None:
        """The innermost ``autograd.scope`` this node was made in, or None."""
        return self._scope

    def item(self) -> float:
        """The one number of a one-element Tensor."""
        if self.data.size != 1:
            raise ValueError(f"item: the Tensor has shape {self.shape}, not one element")
        return float(self.data.reshape(-1)[0])

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d Tensor")
        return int(self.data.shape[0])

    def __iter__(self) -> Iterator[Tensor]:
        for i in range(len(self)):
            yield self[i]

    def __repr__(self) -> str:
        parts = [f"shape={self.shape}"]
        if self.data.size <= 6:
            parts.append(f"data={np.round(self.data, 4).tolist()!r}")
        if self.op:
            parts.append(f"op={self.op!r}")
        if self.label:
            parts.append(f"label={self.label!r}")
        return f"Tensor({', '.join(parts)})"

    # ------------------------------------------------------------------ arithmetic
    def __add__(self, other: TensorLike) -> Tensor:
        """a + b (broadcast);  ∂/∂a = 1, ∂/∂b = 1, each summed back to its operand's shape."""
        return _binary(_ADD, self, other)

    def __radd__(self, other: TensorLike) -> Tensor:
        return _binary(_ADD, other, self)

    def __sub__(self, other: TensorLike) -> Tensor:
        """a - b (broadcast);  ∂/∂a = 1, ∂/∂b = -1."""
        return _binary(_SUB, self, other)

    def __rsub__(self, other: TensorLike) -> Tensor:
        return _binary(_SUB, other, self)

    def __mul__(self, other: TensorLike) -> Tensor:
        """a * b elementwise (broadcast);  ∂/∂a = b, ∂/∂b = a."""
        return _binary(_MUL, self, other)

    def __rmul__(self, other: TensorLike) -> Tensor:
        return _binary(_MUL, other, self)

    def __truediv__(self, other: TensorLike) -> Tensor:
        """a / b elementwise;  ∂/∂a = 1/b, ∂/∂b = -(a/b)/b."""
        return _binary(_DIV, self, other)

    def __rtruediv__(self, other: TensorLike) -> Tensor:
        return _binary(_DIV, other, self)

    def __pow__(self, other: TensorLike) -> Tensor:
        """a ** b elementwise, with the scalar ``**`` row's conventions."""
        return _binary(_POW, self, other)

    def __rpow__(self, other: TensorLike) -> Tensor:
        return _binary(_POW, other, self)

    def __neg__(self) -> Tensor:
        """-a, recorded as ``*`` with the number -1 (as ``Value`` records it);  ∂/∂a = -1."""
        return _binary(_MUL, self, -1.0)

    def __abs__(self) -> Tensor:
        """|a| elementwise;  ∂/∂a = sign(a), with sign(0) = 0."""
        return self.apply(_ABS)

    def __matmul__(self, other: TensorLike) -> Tensor:
        """A @ B (numpy's 1-D/2-D rules);  ∂L/∂A = ∂L/∂Y·Bᵀ, ∂L/∂B = Aᵀ·∂L/∂Y."""
        return matmul(self, other)

    def __rmatmul__(self, other: TensorLike) -> Tensor:
        return matmul(other, self)

    def maximum(self, other: TensorLike) -> Tensor:
        """max(a, b) elementwise: the gradient goes to the larger element, half each at a tie."""
        return _binary(_MAX_ROW, self, other)

    def minimum(self, other: TensorLike) -> Tensor:
        """min(a, b) elementwise: the gradient goes to the smaller element, half each at a tie."""
        return _binary(_MIN_ROW, self, other)

    # ------------------------------------------------------------------ structure
    @property
    def T(self) -> Tensor:  # noqa: N802 - numpy's name
        """The transpose (reversed axes)."""
        return record(TRANSPOSE, (self,))

    def reshape(self, *shape: int | tuple[int, ...]) -> Tensor:
        """The same numbers in a new shape (numpy's rules, one ``-1`` allowed)."""
        target = shape[0] if len(shape) == 1 and isinstance(shape[0], tuple) else shape
        try:
            np.empty(self.data.shape).reshape(target)
        except (ValueError, TypeError) as error:
            raise ValueError(f"reshape: cannot reshape a Tensor of shape {self.shape} to {target}: {error}") from None
        return record(RESHAPE, (self,), (tuple(target),))  # type: ignore[arg-type]

    def sum(self, axis: int | tuple[int, ...] | None = None) -> Tensor:
        """Σ over ``axis`` (all elements by default);  ∂/∂a_i = 1."""
        return record(SUM, (self,), (_checked_axis(self, axis, "sum"),))

    def mean(self, axis: int | tuple[int, ...] | None = None) -> Tensor:
        """Σ/n over ``axis`` (all elements by default);  ∂/∂a_i = 1/n."""
        return record(MEAN, (self,), (_checked_axis(self, axis, "mean"),))

    def max(self, axis: int | tuple[int, ...] | None = None) -> Tensor:
        """The largest element over ``axis``; the gradient goes to the arg-max (shared evenly by ties)."""
        return record(MAX, (self,), (_checked_axis(self, axis, "max"),))

    def __getitem__(self, key: Any) -> Tensor:
        """``a[key]`` by ints, slices and integer arrays (``logits[np.arange(n), y]``)."""
        key = _checked_key(self, key)
        return record(INDEX, (self,), (key,))

    def log_softmax(self) -> Tensor:
        """log σ(z) over the last axis (each row of logits), stable: the row's max is taken off as a constant.

        >>> Tensor([[1000.0, 1000.0]]).log_softmax().data.round(4).tolist()
        [[-0.6931, -0.6931]]
        """
        if self.ndim == 0:
            raise ValueError("log_softmax: a 0-d Tensor has no axis to normalise over")
        return record(LOG_SOFTMAX, (self,))

    # ------------------------------------------------------------------ functions
    def apply(self, row: Op, *params: float) -> Tensor:
        """Apply a one-operand row of ``autograd.OPS`` (a built-in or a ``gate``) element by element."""
        if row.arity != 1:
            raise ValueError(f"Tensor.apply: {row.name!r} takes {row.arity} operands, not one")
        if len(params) > len(row.params):
            raise TypeError(f"{row.name}: takes {len(row.params)} parameter(s), got {len(params)}")
        values = [float(p) for p in params] + [default for _, default in row.params[len(params):]]
        return record(elementwise_op(row), (self,), tuple(values))

    # One line per one-operand row of ``autograd.OPS`` (``abs`` is ``abs(t)``); the rule comes from the row.
    # tests/autograd/test_tensor_rows.py fails when a built-in row has no method here.
    exp = _unary_method(OPS["exp"])
    log = _unary_method(OPS["log"])
    sqrt = _unary_method(OPS["sqrt"])
    sin = _unary_method(OPS["sin"])
    cos = _unary_method(OPS["cos"])
    tanh = _unary_method(OPS["tanh"])
    sigmoid = _unary_method(OPS["sigmoid"])
    relu = _unary_method(OPS["relu"])
    gelu = _unary_method(OPS["gelu"])
    silu = _unary_method(OPS["silu"])
    softplus = _unary_method(OPS["softplus"])
    normal_cdf = _unary_method(OPS["normal_cdf"])

    def leaky_relu(self, slope: float = 0.01) -> Tensor:
        """a if a > 0 else slope·a, element by element;  ∂/∂a = 1 or slope."""
        return self.apply(OPS["leaky_relu"], slope)

    def elu(self, alpha: float = 1.0) -> Tensor:
        """a if a > 0 else α(e^a − 1), element by element;  ∂/∂a = 1 or α·e^a."""
        return self.apply(OPS["elu"], alpha)

    def combine(self, op: Op, operands: Sequence[object], params: Sequence[object]) -> Tensor:
        """A scalar row applied with this Tensor among its operands (``value * tensor``, ``maximum(v, t)``): the
        Tensor op, each ``Value`` a linked 0-d Tensor (``autograd.value.apply`` hands it here).

        >>> from autograd import Value
        >>> (Value(2.0) * Tensor([1.0, 3.0])).data.tolist()
        [2.0, 6.0]
        """
        if op.arity == 2:
            return _binary(op, *operands)  # type: ignore[arg-type]
        if op.arity == 1:
            return as_tensor(operands[0], f"{op.name}: the operand").apply(op, *params)  # type: ignore[arg-type]
        raise TypeError(f"{op.name}: an op of any number of operands does not take Tensors; use Tensor.sum or @")

    # ------------------------------------------------------------------ backprop
    def backward(self, grad: Any = None) -> None:
        """Fill ``.grad`` of every node in this graph with ∂self/∂node (seeded with ``grad``).

        ``grad`` may be left out for a one-element Tensor; otherwise it has this Tensor's shape.
        Non-leaf gradients are recomputed on each call; leaf gradients (and linked Values') accumulate.
        """
        from autograd.tensor_backprop import backward

        backward(self, grad)


def _leaf(out: Tensor, data: Array, label: str) -> None:
    out.data = data
    out._grad = None
    out.label = label
    out.op = ""
    out._in = out._row = out._saved = out._scope = out._values = out._sink = None
    out._params = ()
    out._constant = False
    out._uses = 0


def linked(
    values: Array, label: str = "", *, data: Array | None = None, sink: Callable[[Array], None] | None = None
) -> Tensor:
    """A leaf viewing ``values`` (an object array holding only Values, not checked): ``from_values`` without the
    checks, for callers that built the array themselves (``nn.matrix``: a layer's weights on every call).

    ``values`` may be a transposed view (a layer's weights, gathered neuron by neuron): read in memory order.
    ``data`` and ``sink``: where the numbers come from and where backward sends the leaf's gradient, when that is
    not the Values one by one (``nn.matrix.affine``: a layer's parameters live in arrays, ``nn.parameter_home``).
    """
    if data is None:
        order = _memory_order(values)
        data = np.fromiter(map(_DATA, values.ravel(order)), dtype=np.float64, count=values.size)
        data = data.reshape(tuple(values.shape), order=order)
    out: Tensor = _new_object(Tensor)
    _leaf(out, data, label)
    out._values = values
    out._sink = sink
    out._scope = _current_mode().scope  # a layer's weights, viewed inside its scope, are drawn in its box
    return out


def _memory_order(array: Array) -> Literal["C", "F"]:
    """``"F"`` for an array laid out column by column (a transposed view), else ``"C"``: ravel without a copy."""
    return "F" if array.flags.f_contiguous and not array.flags.c_contiguous else "C"


def checked_array(data: Any, what: str) -> Array:
    """``data`` as a new float64 array, or an error naming ``what`` and the culprit (strings, objects, ragged rows).

    >>> checked_array([[1, 2], [3]], "Tensor()")
    Traceback (most recent call last):
    ...
    ValueError: Tensor(): rows of different lengths (a ragged list) cannot make an array
    """
    if isinstance(data, Tensor):
        return np.array(data.data)
    try:
        array = np.array(data)
    except ValueError:
        raise ValueError(f"{what}: rows of different lengths (a ragged list) cannot make an array") from None
    if array.dtype.kind in "biuf":
        return array.astype(np.float64)
    for index, item in np.ndenumerate(array.astype(object)):  # Python objects: 'a', not np.str_('a')
        if isinstance(item, Value):
            raise TypeError(f"{what}: element {index} is a Value; link Values with Tensor.from_values(...)")
        if isinstance(item, bool) or not isinstance(item, int | float | np.integer | np.floating):
            where = f"element {index}" if array.ndim else "the argument"
            raise TypeError(f"{what}: {where} is {item!r} ({type(item).__name__}); a Tensor holds real numbers")
    return array.astype(np.float64)


def as_tensor(x: TensorLike, what: str) -> Tensor:
    """``x`` as an operand: a Tensor as it is, a Value as a linked 0-d Tensor, numbers and arrays as constants."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, Value):
        return Tensor.from_values(x)
    out: Tensor = _new_object(Tensor)
    _leaf(out, checked_array(x, what), "")
    out._constant = True
    return out


def _checked_axis(t: Tensor, axis: Any, op: str) -> int | tuple[int, ...] | None:
    if axis is None:
        return None
    axes = axis if isinstance(axis, tuple) else (axis,)
    for a in axes:
        if isinstance(a, bool) or not isinstance(a, int | np.integer) or not -t.ndim <= a < max(t.ndim, 1):
            raise ValueError(f"{op}: axis {axis!r} is not an axis of a Tensor of shape {t.shape}")
    if t.ndim == 0:
        raise ValueError(f"{op}: a 0-d Tensor has no axis {axis!r}")
    return tuple(int(a) % t.ndim for a in axes) if isinstance(axis, tuple) else int(axis) % t.ndim


def _checked_key(t: Tensor, key: Any) -> Any:
    parts = key if isinstance(key, tuple) else (key,)
    cleaned = []
    for part in parts:
        if isinstance(part, Tensor):
            part = part.data
        if isinstance(part, list | np.ndarray):
            array = np.asarray(part)
            if array.dtype.kind not in "iu" and array.size:
                raise IndexError(f"[]: an index array must hold integers, got {array.dtype} (shape {t.shape})")
            part = array.astype(np.intp)
        elif not (part is None or part is Ellipsis or isinstance(part, slice | int | np.integer)) or isinstance(
            part, bool
        ):
            raise IndexError(f"[]: cannot index a Tensor of shape {t.shape} with {type(part).__name__} {part!r}")
        cleaned.append(part)
    key = tuple(cleaned) if isinstance(key, tuple) else cleaned[0]
    try:
        t.data[key]
    except IndexError as error:
        raise IndexError(f"[]: {error} (Tensor of shape {t.shape})") from None
    return key


def _binary(row: Op, a: TensorLike, b: TensorLike) -> Tensor:
    left = a if type(a) is Tensor else as_tensor(a, f"{row.name}: left operand")
    right = b if type(b) is Tensor else as_tensor(b, f"{row.name}: right operand")
    try:
        return record(elementwise_op(row), (left, right))  # type: ignore[arg-type]
    except ValueError:
        shapes = (left.shape, right.shape)  # type: ignore[union-attr]
        try:
            np.broadcast_shapes(*shapes)
        except ValueError:
            raise ValueError(
                f"{row.name}: shapes {shapes[0]} and {shapes[1]} do not broadcast (numpy's rule: trailing "
                "dimensions must be equal or 1)"
            ) from None
        raise


def matmul(a: TensorLike, b: TensorLike) -> Tensor:
    """``a @ b`` with numpy's rules for 1-D and 2-D operands; an error names both shapes when they do not fit.

    >>> (Tensor([[1.0, 2.0]]) @ Tensor([3.0, 4.0])).data.tolist()
    [11.0]
    """
    left, right = as_tensor(a, "@: left operand"), as_tensor(b, "@: right operand")
    if not 1 <= left.ndim <= 2 or not 1 <= right.ndim <= 2:
        raise ValueError(f"@: operands must be 1-D or 2-D, got shapes {left.shape} and {right.shape}")
    inner_left, inner_right = left.shape[-1], right.shape[0]
    if inner_left != inner_right:
        raise ValueError(
            f"@: shapes {left.shape} and {right.shape} do not fit: the inner dimensions {inner_left} and "
            f"{inner_right} differ"
        )
    return record(MATMUL, (left, right))


def record(op: TensorOp, inputs: tuple[Tensor, ...], params: tuple[Any, ...] = ()) -> Tensor:
    """Run ``op``'s forward on the inputs' arrays and record one node; the single place a Tensor node is made.

    Written for speed (a network step records a few dozen nodes, and each costs more here than numpy's own
    work on small arrays): the node is filled in directly, and what its vjp reads is kept as one ``Context``.
    """
    arrays = tuple([t.data for t in inputs])
    out, saved = op.forward(*arrays, *params)
    mode = _current_mode()
    if not mode.plain:  # an anomaly check, or no recording
        if mode.check_anomaly:
            _check_anomaly(op, inputs, out, saved)
        if not mode.recording:
            node = _new_object(Tensor)
            _leaf(node, out, "")
            return node
    return recorded(op, inputs, arrays, params, out, saved, mode.scope)


def recorded(
    op: TensorOp, inputs: tuple[Tensor, ...], arrays: tuple[Array, ...], params: tuple[Any, ...], out: Array,
    saved: Any, scope: Scope | None,
) -> Tensor:
    """The node ``record`` makes once ``op``'s forward has given ``out`` and ``saved``, while recording.

    Inputs that are all constants give a constant (numbers only: nothing to record).
    """
    node = _new_object(Tensor)
    node.data = out
    node._grad = None
    node.label = ""
    node._values = node._sink = None
    node._uses = 0
    if len(inputs) == 1:
        constant = inputs[0]._constant
    else:
        constant = inputs[0]._constant and inputs[1]._constant and all([t._constant for t in inputs])
    node._constant = constant
    if constant:  # numbers only: a constant too, with nothing to record
        node.op = ""
        node._in = node._row = node._saved = node._scope = None
        node._params = ()
        return node
    node.op = op.name
    node._in = inputs
    node._row = op
    node._params = params
    node._saved = _new_tuple(Context, (arrays, params, saved))  # Context(...) without its Python-level __new__
    node._scope = scope
    return node


def context(node: Tensor) -> Context:
    """What ``node``'s row needs for its vjp: the operands' arrays, the parameters, what forward saved."""
    saved: Context = node._saved
    return saved


def _check_anomaly(op: TensorOp, inputs: tuple[Tensor, ...], out: Array, saved: Any) -> None:
    shapes = " and ".join(f"{t.label or 'shape'} {t.shape}" for t in inputs)
    bad = np.argwhere(~np.isfinite(out))
    if bad.size:
        where = tuple(int(i) for i in bad[0])
        raise FloatingPointError(
            f"{op.name} produced value {float(out[where])!r} at {where} from inputs {shapes}"
            f"{_values_at(inputs, where, out.shape)}"
        )
    if op.row is None:
        return
    for position, local in enumerate(saved):
        grid = np.broadcast_to(local, out.shape)
        bad = np.argwhere(~np.isfinite(grid))
        if bad.size:
            where = tuple(int(i) for i in bad[0])
            raise FloatingPointError(
                f"{op.name} produced a non-finite local gradient {float(grid[where])!r} for operand {position} "
                f"at {where} from inputs {shapes}{_values_at(inputs, where, out.shape)}"
            )


def _values_at(inputs: tuple[Tensor, ...], where: tuple[int, ...], shape: tuple[int, ...]) -> str:
    try:
        items = [float(np.broadcast_to(t.data, shape)[where]) for t in inputs]
    except ValueError:
        return ""
    return f" (there: {', '.join(repr(x) for x in items)})"


_ADD, _SUB, _MUL, _DIV, _POW = OPS["+"], OPS["-"], OPS["*"], OPS["/"], OPS["**"]
_ABS, _MAX_ROW, _MIN_ROW = OPS["abs"], OPS["max"], OPS["min"]



# Read autograd/tensor_fast.py after this file, tensor_ops and tensor_backprop: it puts inline versions of the ops a
# network step records most on Tensor, each tested against the method above it replaces.
from autograd import tensor_fast  # noqa: E402 - imported last: it builds on Tensor

tensor_fast.speed_up(Tensor)
