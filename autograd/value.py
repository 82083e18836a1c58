"""The scalar ``Value`` node and its primitive ops, each op's forward rule beside its local derivative.

Every op computes its result and its local gradients (∂out/∂input, one float per input) at
creation time and hands both to ``_make``, which records them on a new node. Backprop
(``autograd.backprop``) then needs no per-op code: it multiplies and accumulates the
recorded floats. Storing plain floats instead of a closure per node keeps nodes free of
reference cycles, so graphs are freed by reference counting and never wait for the
cyclic garbage collector.

A number mixed into an op (``x * 2``, ``1 + x``) is not a graph node: it is kept on the
op's node as ``const`` (with ``const_left`` telling which side it stood on) so diagrams can
draw it as a constant box or fold it into the gate's label (``*-1``, ``+1``, ``1/x``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, Union

from autograd import ops
from autograd.derivatives import DotLayout
from autograd.modes import CURRENT_MODE, Scope
from autograd.numerics import to_number

if TYPE_CHECKING:
    from autograd.backprop import BackwardStep

Operand = Union["Value", int, float]
_ADD, _SUB, _MUL, _DIV, _POW, _ABS = (ops.OPS[name] for name in ("+", "-", "*", "/", "**", "abs"))
_LEAKY_RELU, _ELU = ops.OPS["leaky_relu"], ops.OPS["elu"]


def _argument(position: int) -> str:
    return ("first argument", "second argument")[position] if position < 2 else f"argument {position + 1}"


def _unary_method(row: ops.Op) -> Callable[[Value], Value]:
    """``Value``'s method for a one-operand row: ``x.exp()`` applies the ``exp`` row to ``x``."""
    rule = row.rule

    def method(self: Value) -> Value:
        out, local = rule(self.data)
        return _make(out, row, (self,), local)

    method.__name__ = method.__qualname__ = row.name
    method.__doc__ = row.doc
    return method


class CombinesWithValue:
    """A type whose objects take part in a ``Value``'s op themselves (``autograd.Tensor``): ``apply`` hands the whole
    op to the first such operand's ``combine`` (``value * tensor`` is then a Tensor op), in this one place."""

    __slots__ = ()

    def combine(self, op: ops.Op, operands: Sequence[object], params: Sequence[object]) -> Any:
        """``op`` applied to ``operands`` (this object among them), the way this type applies it."""
        raise NotImplementedError


class LeftNumber(NamedTuple):
    """A number operand that stood on the left (``1 / x``, ``2 - x``); kept in a node's ``_const``."""

    value: float


class Value:
    """A float64 scalar that remembers the op that made it and that op's local gradients.

    Attributes: ``data`` (the value), ``grad`` (∂root/∂self after ``backward``), ``label``,
    ``op`` (the name of its row in ``autograd.OPS``, ``""`` for a leaf), ``row`` (that row, as it was
    when the node was made), ``inputs`` (the operand Values, in call order), ``local_grads``
    (∂self/∂input for each input), ``const`` (a number operand or op parameter, else None),
    ``const_left`` (the number was the left operand) and ``scope`` (the group it was made in).

    >>> x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    >>> f = (x + y) * z
    >>> f.backward()
    >>> x.grad, y.grad, z.grad
    (-4.0, -4.0, 3.0)
    """

    # ``_in``/``_local`` hold the inputs and their local gradients; ``autograd.fast`` lays them out
    # (and says why); ``_uses`` is the fast backward's count of a node's consumers. A leaf never uses
    # ``_const``: a parameter whose numbers live in a layer's arrays keeps its place there in it
    # (``nn.parameter_home``), rather than in a slot of its own that every node would carry (1% of the
    # wide graph's instructions).
    __slots__ = ("data", "grad", "label", "_row", "_in", "_local", "_const", "_scope", "_uses")

    # numpy must return NotImplemented for ``np.float64(2) * v`` so Python calls Value.__rmul__
    __array_ufunc__ = None

    data: float
    grad: float
    label: str
    _row: ops.Op | None
    _in: Value | tuple[Value, ...] | None
    _local: float | tuple[float, ...] | None
    _const: float | LeftNumber | DotLayout | None
    _scope: Scope | None
    _uses: int

    def __init__(self, data: float, label: str = "") -> None:
        number = to_number(data, "Value()")
        if number is None:
            raise TypeError(f"Value() needs a real number (int, float or numpy scalar), got {type(data).__name__}")
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}")
        self.data = number
        self.grad = 0.0
        self.label = label
        self._row = self._in = self._local = self._const = self._scope = None
        self._uses = 0

    @property
    def op(self) -> str:
        """The name of the op that made this node (``"*"``, ``"exp"``), or ``""`` for a leaf."""
        row = self._row
        return "" if row is None else row.name

    @property
    def row(self) -> ops.Op | None:
        """The table row this node was made with (kept when a re-run cell redefines the gate), None for a leaf."""
        return self._row

    @property
    def inputs(self) -> tuple[Value, ...]:
        """The operand Values, in call order (``a*a`` lists ``a`` twice); ``()`` for a leaf."""
        return fast.as_tuple(self._in)

    @property
    def local_grads(self) -> tuple[float, ...]:
        """∂self/∂input for each of ``inputs``, recorded when the node was made."""
        return fast.as_tuple(self._local)

    @property
    def const(self) -> float | None:
        """The number operand of this op (``2`` in ``x * 2``) or its parameter (a leaky ReLU's slope), else None."""
        const = self._const
        return const.value if isinstance(const, (LeftNumber, DotLayout)) else const

    @property
    def const_left(self) -> bool:
        """True when the number was the left operand (``1 / x``, ``2 - x``)."""
        return isinstance(self._const, LeftNumber)

    @property
    def scope(self) -> Scope | None:
        """The innermost ``autograd.scope`` this node was made in, or None."""
        return self._scope

    def __repr__(self) -> str:
        parts = [f"data={round(self.data, 4)!r}", f"grad={round(self.grad, 4)!r}"]
        if self.op:
            parts.append(f"op={self.op!r}")
        if self.label:
            parts.append(f"label={self.label!r}")
        return f"Value({', '.join(parts)})"

    # ----------------------------------------------------------------- arithmetic
    # Each operator applies its row of ``autograd.ops`` (``autograd.fast`` replaces ``+ - *`` with the
    # same arithmetic written inline: they are most of every graph).
    def __add__(self, other: Operand) -> Value:
        """a + b;  ∂/∂a = 1, ∂/∂b = 1."""
        return apply(_ADD, (self, other))

    def __radd__(self, other: Operand) -> Value:
        return apply(_ADD, (other, self))

    def __sub__(self, other: Operand) -> Value:
        """a - b;  ∂/∂a = 1, ∂/∂b = -1."""
        return apply(_SUB, (self, other))

    def __rsub__(self, other: Operand) -> Value:
        return apply(_SUB, (other, self))

    def __mul__(self, other: Operand) -> Value:
        """a * b;  ∂/∂a = b, ∂/∂b = a (the mul gate swaps its inputs)."""
        return apply(_MUL, (self, other))

    def __rmul__(self, other: Operand) -> Value:
        return apply(_MUL, (other, self))

    def __neg__(self) -> Value:
        """-a, recorded as a ``*`` gate with the number -1 (as in the cs231n circuit);  ∂/∂a = -1."""
        return apply(_MUL, (self, -1.0))

    def __truediv__(self, other: Operand) -> Value:
        """a / b;  ∂/∂a = 1/b, ∂/∂b = -a/b² (computed as -(a/b)/b)."""
        return apply(_DIV, (self, other))

    def __rtruediv__(self, other: Operand) -> Value:
        """c / a;  ∂/∂a = -c/a²  (``1 / x`` is the cs231n ``1/x`` gate)."""
        return apply(_DIV, (other, self))

    def __pow__(self, other: Operand) -> Value:
        """a ** b;  ∂/∂a = b·a^(b−1) (0 when b = 0), ∂/∂b = a^b·ln a (0 when a = 0 and b ≥ 0, nan where ln a is)."""
        return apply(_POW, (self, other))

    def __rpow__(self, other: Operand) -> Value:
        return apply(_POW, (other, self))

    def __abs__(self) -> Value:
        """|a|;  ∂/∂a = sign(a), with sign(0) = 0."""
        return apply(_ABS, (self,))

    # ----------------------------------------------------------------- functions
    # One line per unary row of ``autograd.ops``: the rule, formula and docstring come from the row.
    exp = _unary_method(ops.OPS["exp"])
    log = _unary_method(ops.OPS["log"])
    sqrt = _unary_method(ops.OPS["sqrt"])
    sin = _unary_method(ops.OPS["sin"])
    cos = _unary_method(ops.OPS["cos"])
    tanh = _unary_method(ops.OPS["tanh"])
    sigmoid = _unary_method(ops.OPS["sigmoid"])
    relu = _unary_method(ops.OPS["relu"])
    gelu = _unary_method(ops.OPS["gelu"])
    silu = _unary_method(ops.OPS["silu"])
    softplus = _unary_method(ops.OPS["softplus"])
    normal_cdf = _unary_method(ops.OPS["normal_cdf"])

    def leaky_relu(self, slope: float = 0.01) -> Value:
        """a if a > 0 else slope·a;  ∂/∂a = 1 or slope."""
        return apply(_LEAKY_RELU, (self,), (slope,))

    def elu(self, alpha: float = 1.0) -> Value:
        """a if a > 0 else α(e^a − 1);  ∂/∂a = 1 or α·e^a."""
        return apply(_ELU, (self,), (alpha,))

    # ----------------------------------------------------------------- backprop
    def backward(self, grad: float = 1.0, *, on_step: Callable[[BackwardStep], None] | None = None) -> None:
        """Backpropagate from this node: fill ``.grad`` of every node in its graph.

        Non-leaf gradients are reset and recomputed on each call; leaf gradients accumulate
        across calls (as in PyTorch). ``on_step`` is called once per processed node with a
        ``BackwardStep`` (see ``autograd.backprop``).
        """
        from autograd.backprop import backward

        backward(self, grad, on_step=on_step)


def _bad_operand(op: str, left: object, right: object) -> TypeError:
    # Raised here rather than returning NotImplemented: Python's fallback for sequences
    # ("can't multiply sequence by non-int of type 'Value'") would not name the culprit.
    return TypeError(f"unsupported operand type(s) for {op}: {type(left).__name__!r} and {type(right).__name__!r}")


def apply(op: ops.Op, operands: Sequence[object], params: Sequence[object] = ()) -> Value:
    """Apply ``op``'s row to ``operands`` (Values or numbers) and record one node.

    Values become the node's inputs, in order, with their local gradients; a number operand
    is recorded as the node's ``const`` (``const_left`` when it comes first), as is a single parameter.

    >>> apply(ops.OPS["max"], (Value(1.0), 3)).data
    3.0

    With a ``Tensor`` among the operands the op is the Tensor's (``CombinesWithValue.combine``).
    """
    floats: list[float] = []
    inputs: list[Value] = []
    const: float | None = None
    const_left = False
    for position, item in enumerate(operands):
        if isinstance(item, Value):
            inputs.append(item)
            floats.append(item.data)
            continue
        if isinstance(item, CombinesWithValue):  # value * tensor: a Tensor op, with the Value as a 0-d Tensor
            return item.combine(op, operands, params)  # type: ignore[no-any-return]
        number = to_number(item, f"{op.name}: {_argument(position)}")
        if number is None:
            if op.arity == 2 and isinstance(op.notation, ops.Infix):
                raise _bad_operand(op.name, *operands)
            culprit = type(item).__name__
            raise TypeError(f"{op.name}: {_argument(position)} must be a Value or a real number, got {culprit}")
        floats.append(number)
        const, const_left = number, not inputs
    values = []
    for (name, _), item in zip(op.params, params, strict=False):
        number = to_number(item, f"{op.name}: {name}")
        if number is None:
            raise TypeError(f"{op.name}: {name} must be a real number, got {type(item).__name__}")
        if not math.isfinite(number):  # a nan slope would turn every negative input into nan, silently
            raise ValueError(f"{op.name}: {name} must be a finite number, got {number!r}")
        values.append(number)
    if len(values) == 1:
        const = values[0]
    out, local_grads = op.rule(*floats, *values)
    if not inputs:
        return Value(out)
    if len(inputs) < len(floats):
        local_grads = tuple(g for g, item in zip(local_grads, operands, strict=True) if isinstance(item, Value))
    const_node = LeftNumber(const) if const_left and const is not None else const
    return _make(out, op, tuple(inputs), local_grads, const_node)


def _make(
    data: float,
    row: ops.Op,
    inputs: tuple[Value, ...],
    local: tuple[float, ...],
    const: float | LeftNumber | DotLayout | None = None,
) -> Value:
    """Create the node for one op: the single place that records the graph.

    ``local`` holds ∂data/∂input for each of ``inputs``; ``const`` is the op's number operand (a
    ``LeftNumber`` when it stood on the left) or parameter. Inside ``no_grad`` the result is a plain
    leaf; inside ``detect_anomaly`` a nan or inf value or local gradient is an error naming the op.
    """
    mode = CURRENT_MODE.get()
    if mode.plain:  # recording, no check: the common case (autograd.fast lays the node out)
        return fast.new_node(data, row, inputs, local, const, mode.scope)
    if mode.check_anomaly:
        plain_const = const.value if isinstance(const, (LeftNumber, DotLayout)) else const
        _check_anomaly(data, row.name, inputs, local if mode.recording else (), plain_const)
    if not mode.recording:
        return Value(data)
    return fast.new_node(data, row, inputs, local, const, mode.scope)


def _describe(node: Value) -> str:
    """A short name for a node in messages: its label, else its op, else ``<leaf>``."""
    if node.label:
        return node.label
    return f"<{node.op}>" if node.op else "<leaf>"


def _check_anomaly(
    data: float, op: str, inputs: tuple[Value, ...], local_grads: tuple[float, ...], const: float | None
) -> None:
    bad_value = not math.isfinite(data)
    bad_grads = [g for g in local_grads if not math.isfinite(g)]
    if not bad_value and not bad_grads:
        return
    operands = [f"{_describe(v)}={v.data!r}" for v in inputs]
    if const is not None:
        operands.append(f"constant={const!r}")
    what = f"value {data!r}" if bad_value else "a non-finite local gradient"
    raise FloatingPointError(
        f"{op} produced {what} (local gradients {local_grads!r}) from inputs {', '.join(operands) or '(none)'}"
    )


# ---------------------------------------------------------------------------------------------------- speed
# Read autograd/fast.py after this file and the reference loop (autograd.backprop): it lays a node out
# compactly (``new_node``, ``as_tuple`` above) and puts ``+ - *`` on Value with their rows' arithmetic
# written inline, the same results bit for bit.
from autograd import fast  # noqa: E402 - imported last: it builds on Value
