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
from collections.abc import Callable
from numbers import Real
from typing import TYPE_CHECKING, NamedTuple, Union

from autograd import numerics
from autograd.modes import CURRENT_MODE, DEFAULT_MODE, Mode, Scope

if TYPE_CHECKING:
    from autograd.backprop import BackwardStep

Operand = Union["Value", int, float]

# Shared local-gradient tuples: ops whose derivative is a fixed number reuse one tuple
# instead of allocating a new one per node.
_ONE = (1.0,)
_MINUS_ONE = (-1.0,)
_ONE_ONE = (1.0, 1.0)
_ONE_MINUS_ONE = (1.0, -1.0)
_ZERO = (0.0,)

_new_object = object.__new__
_current_mode = CURRENT_MODE.get


def as_number(x: object) -> float | None:
    """The float value of a plain real number (int, float, numpy scalar), or None for anything else."""
    kind = type(x)
    if kind is float or kind is int:
        return float(x)  # type: ignore[arg-type]
    if isinstance(x, Real):
        return float(x)
    return None


class NodeExtra(NamedTuple):
    """The rarely needed part of a node: a left-hand number operand, or the scope it was made in."""

    const: float | None
    const_left: bool = False
    scope: Scope | None = None


class Value:
    """A float64 scalar that remembers the op that made it and that op's local gradients.

    Attributes: ``data`` (the value), ``grad`` (∂root/∂self after ``backward``), ``label``,
    ``op`` (``""`` for a leaf), ``inputs`` (the operand Values, in call order), ``local_grads``
    (∂self/∂input for each input), ``const`` (a number operand or op parameter, else None),
    ``const_left`` (the number was the left operand) and ``scope`` (the group it was made in).

    >>> x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    >>> f = (x + y) * z
    >>> f.backward()
    >>> x.grad, y.grad, z.grad
    (-4.0, -4.0, 3.0)
    """

    # ``_extra`` holds the number operand directly (the common case), or a ``NodeExtra`` when the
    # node also needs a side or a scope; one slot instead of three keeps a node at 88 bytes.
    __slots__ = ("data", "grad", "label", "op", "inputs", "local_grads", "_extra")

    # numpy must return NotImplemented for ``np.float64(2) * v`` so Python calls Value.__rmul__
    __array_ufunc__ = None

    data: float
    grad: float
    label: str
    op: str
    inputs: tuple[Value, ...]
    local_grads: tuple[float, ...]
    _extra: float | NodeExtra | None

    def __init__(self, data: float, label: str = "") -> None:
        number = as_number(data)
        if number is None:
            raise TypeError(f"Value() needs a real number (int, float or numpy scalar), got {type(data).__name__}")
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}")
        self.data = number
        self.grad = 0.0
        self.label = label
        self.op = ""
        self.inputs = ()
        self.local_grads = ()
        self._extra = None

    @property
    def const(self) -> float | None:
        """The number operand of this op (``2`` in ``x * 2``) or its parameter (a leaky ReLU's slope), else None."""
        extra = self._extra
        return extra.const if isinstance(extra, NodeExtra) else extra

    @property
    def const_left(self) -> bool:
        """True when the number was the left operand (``1 / x``, ``2 - x``)."""
        extra = self._extra
        return isinstance(extra, NodeExtra) and extra.const_left

    @property
    def scope(self) -> Scope | None:
        """The innermost ``autograd.scope`` this node was made in, or None."""
        extra = self._extra
        return extra.scope if isinstance(extra, NodeExtra) else None

    def __repr__(self) -> str:
        parts = [f"data={round(self.data, 4)!r}", f"grad={round(self.grad, 4)!r}"]
        if self.op:
            parts.append(f"op={self.op!r}")
        if self.label:
            parts.append(f"label={self.label!r}")
        return f"Value({', '.join(parts)})"

    # ----------------------------------------------------------------- arithmetic
    def __add__(self, other: Operand) -> Value:
        """a + b;  ∂/∂a = 1, ∂/∂b = 1."""
        if isinstance(other, Value):
            return _make(self.data + other.data, "+", (self, other), _ONE_ONE)
        c = as_number(other)
        if c is None:
            raise _bad_operand('+', self, other)
        return _make(self.data + c, "+", (self,), _ONE, c)

    def __radd__(self, other: Operand) -> Value:
        c = as_number(other)
        if c is None:
            raise _bad_operand('+', other, self)
        return _make(c + self.data, "+", (self,), _ONE, NodeExtra(c, True))

    def __sub__(self, other: Operand) -> Value:
        """a - b;  ∂/∂a = 1, ∂/∂b = -1."""
        if isinstance(other, Value):
            return _make(self.data - other.data, "-", (self, other), _ONE_MINUS_ONE)
        c = as_number(other)
        if c is None:
            raise _bad_operand('-', self, other)
        return _make(self.data - c, "-", (self,), _ONE, c)

    def __rsub__(self, other: Operand) -> Value:
        c = as_number(other)
        if c is None:
            raise _bad_operand('-', other, self)
        return _make(c - self.data, "-", (self,), _MINUS_ONE, NodeExtra(c, True))

    def __mul__(self, other: Operand) -> Value:
        """a * b;  ∂/∂a = b, ∂/∂b = a (the mul gate swaps its inputs)."""
        if isinstance(other, Value):
            return _make(self.data * other.data, "*", (self, other), (other.data, self.data))
        c = as_number(other)
        if c is None:
            raise _bad_operand('*', self, other)
        return _make(self.data * c, "*", (self,), (c,), c)

    def __rmul__(self, other: Operand) -> Value:
        c = as_number(other)
        if c is None:
            raise _bad_operand('*', other, self)
        return _make(c * self.data, "*", (self,), (c,), NodeExtra(c, True))

    def __neg__(self) -> Value:
        """-a, recorded as a ``*-1`` gate (as in the cs231n circuit);  ∂/∂a = -1."""
        return _make(-self.data, "*", (self,), _MINUS_ONE, -1.0)

    def __truediv__(self, other: Operand) -> Value:
        """a / b;  ∂/∂a = 1/b, ∂/∂b = -a/b² (computed as -(a/b)/b)."""
        if isinstance(other, Value):
            b = other.data
            out = numerics.divide(self.data, b)
            return _make(out, "/", (self, other), (numerics.divide(1.0, b), numerics.divide(-out, b)))
        c = as_number(other)
        if c is None:
            raise _bad_operand('/', self, other)
        return _make(numerics.divide(self.data, c), "/", (self,), (numerics.divide(1.0, c),), c)

    def __rtruediv__(self, other: Operand) -> Value:
        """c / a;  ∂/∂a = -c/a²  (``1 / x`` is the cs231n ``1/x`` gate)."""
        c = as_number(other)
        if c is None:
            raise _bad_operand('/', other, self)
        out = numerics.divide(c, self.data)
        return _make(out, "/", (self,), (numerics.divide(-out, self.data),), NodeExtra(c, True))

    def __pow__(self, other: Operand) -> Value:
        """a ** b;  ∂/∂a = b·a^(b−1) (0 when b = 0), ∂/∂b = a^b·ln a (0 when a = 0 and b ≥ 0, nan where ln a is)."""
        a = self.data
        if isinstance(other, Value):
            b = other.data
            out = numerics.power(a, b)
            return _make(out, "**", (self, other), (_pow_base_grad(a, b), _pow_exponent_grad(a, b, out)))
        c = as_number(other)
        if c is None:
            raise _bad_operand('**', self, other)
        return _make(numerics.power(a, c), "**", (self,), (_pow_base_grad(a, c),), c)

    def __rpow__(self, other: Operand) -> Value:
        c = as_number(other)
        if c is None:
            raise _bad_operand('**', other, self)
        out = numerics.power(c, self.data)
        return _make(out, "**", (self,), (_pow_exponent_grad(c, self.data, out),), NodeExtra(c, True))

    def __abs__(self) -> Value:
        """|a|;  ∂/∂a = sign(a), with sign(0) = 0."""
        a = self.data
        local = 1.0 if a > 0.0 else -1.0 if a < 0.0 else a * 0.0  # a*0 keeps nan as nan
        return _make(abs(a), "abs", (self,), (local,))

    # ----------------------------------------------------------------- functions
    def exp(self) -> Value:
        """e^a;  ∂/∂a = e^a."""
        out = numerics.exp(self.data)
        return _make(out, "exp", (self,), (out,))

    def log(self) -> Value:
        """ln a;  ∂/∂a = 1/a.  ``log(0) = -inf``, ``log(a < 0) = nan``."""
        return _make(numerics.log(self.data), "log", (self,), (numerics.divide(1.0, self.data),))

    def sqrt(self) -> Value:
        """√a;  ∂/∂a = 1/(2√a)."""
        out = numerics.sqrt(self.data)
        return _make(out, "sqrt", (self,), (numerics.divide(0.5, out),))

    def tanh(self) -> Value:
        """tanh a;  ∂/∂a = 1 − tanh²a = sech²a (computed without the cancellation in 1 − tanh²)."""
        a = self.data
        return _make(math.tanh(a), "tanh", (self,), (numerics.sech_squared(a),))

    def sigmoid(self) -> Value:
        """σ(a) = 1/(1 + e^−a);  ∂/∂a = σ(a)(1 − σ(a)) = σ(a)·σ(−a).  One node for the cs231n sigmoid gate."""
        a = self.data
        out = numerics.sigmoid(a)
        # σ(−a) instead of 1 − σ(a): the subtraction loses every digit once σ(a) rounds to 1
        return _make(out, "sigmoid", (self,), (out * numerics.sigmoid(-a),))

    def relu(self) -> Value:
        """max(0, a);  ∂/∂a = 1 if a > 0 else 0 (0 at the kink, as in PyTorch)."""
        a = self.data
        if a > 0.0:
            return _make(a, "relu", (self,), _ONE)
        if a != a:  # nan passes through
            return _make(a, "relu", (self,), (a,))
        return _make(0.0, "relu", (self,), _ZERO)

    def leaky_relu(self, slope: float = 0.01) -> Value:
        """a if a > 0 else slope·a;  ∂/∂a = 1 or slope."""
        s = _parameter(slope, "leaky_relu", "slope")
        a = self.data
        if a > 0.0:
            return _make(a, "leaky_relu", (self,), _ONE, s)
        return _make(s * a, "leaky_relu", (self,), (s if a == a else a,), s)

    def elu(self, alpha: float = 1.0) -> Value:
        """a if a > 0 else α(e^a − 1);  ∂/∂a = 1 or α·e^a."""
        al = _parameter(alpha, "elu", "alpha")
        a = self.data
        if a > 0.0:
            return _make(a, "elu", (self,), _ONE, al)
        return _make(al * math.expm1(a) if a == a else a, "elu", (self,), (al * numerics.exp(a),), al)

    def gelu(self) -> Value:
        """a·Φ(a) with Φ the normal CDF (erf form);  ∂/∂a = Φ(a) + a·φ(a)."""
        a = self.data
        cdf = numerics.normal_cdf(a)
        return _make(a * cdf, "gelu", (self,), (cdf + a * numerics.normal_pdf(a),))

    def silu(self) -> Value:
        """a·σ(a) (swish);  ∂/∂a = σ(a)(1 + a·σ(−a))  (σ(−a) = 1 − σ(a), without the cancellation)."""
        a = self.data
        s = numerics.sigmoid(a)
        return _make(a * s, "silu", (self,), (s * (1.0 + a * numerics.sigmoid(-a)),))

    def softplus(self) -> Value:
        """ln(1 + e^a), computed stably;  ∂/∂a = σ(a)."""
        a = self.data
        return _make(numerics.softplus(a), "softplus", (self,), (numerics.sigmoid(a),))

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


def _pow_base_grad(a: float, b: float) -> float:
    # PyTorch masks the exponent-zero case: d(a**0)/da = 0 even at a = 0, where b*a**(b-1) is 0*inf
    return 0.0 if b == 0.0 else b * numerics.power(a, b - 1.0)


def _pow_exponent_grad(a: float, b: float, out: float) -> float:
    # a**b * ln a; PyTorch defines it as 0 for a zero base with b >= 0 (where the formula gives 0 * -inf)
    if a == 0.0 and b >= 0.0:
        return 0.0
    return out * numerics.log(a)


def _parameter(x: object, op: str, name: str) -> float:
    number = as_number(x)
    if number is None:
        raise TypeError(f"{op}: {name} must be a real number, got {type(x).__name__}")
    return number


def _make(
    data: float,
    op: str,
    inputs: tuple[Value, ...],
    local_grads: tuple[float, ...],
    extra: float | NodeExtra | None = None,
) -> Value:
    """Create the node for one op; the single place that records the graph.

    ``extra`` is the op's number operand (right-hand side) or a ``NodeExtra`` for a left-hand one.
    """
    out: Value = _new_object(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    mode = _current_mode()
    if mode is DEFAULT_MODE:  # fast path: recording, no anomaly check, no scope
        out.op = op
        out.inputs = inputs
        out.local_grads = local_grads
        out._extra = extra
        return out
    return _record_in_mode(out, mode, op, inputs, local_grads, extra)


def _record_in_mode(
    out: Value,
    mode: Mode,
    op: str,
    inputs: tuple[Value, ...],
    local_grads: tuple[float, ...],
    extra: float | NodeExtra | None,
) -> Value:
    const, const_left = (extra.const, extra.const_left) if isinstance(extra, NodeExtra) else (extra, False)
    if mode.check_anomaly:
        _check_anomaly(out.data, op, inputs, local_grads if mode.recording else (), const)
    if mode.recording:
        out.op = op
        out.inputs = inputs
        out.local_grads = local_grads
        out._extra = NodeExtra(const, const_left, mode.scope) if mode.scope is not None else extra
    else:  # no_grad: the result is a plain leaf
        out.op = ""
        out.inputs = ()
        out.local_grads = ()
        out._extra = None
    return out


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
