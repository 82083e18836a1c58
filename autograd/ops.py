"""The table of op rules: one row per op, the one place an op's maths and its written form live.

Each row (an ``Op``) gives the op's ``name`` (what ``Value.op`` records), its ``rule`` (a function
of floats that returns the value and the local gradients, one per operand), how it is written
(``notation`` and ``symbol``), its ``params`` (numbers that tune it but get no gradient, such as a
leaky ReLU's slope) and its ``derivative``: the local gradients written in ops, so that a gradient
can be differentiated again (``autograd.derivatives``; ``exp`` → its output, ``log`` → ``1/a``).

``Value``'s methods and operators, the command line's function names, ``nn``'s activation names
and the diagrams' gate labels are all read from this table. Users add rows of their own with
``autograd.gate``, the same constructor the built-in rows use.

Every rule returns IEEE results (±0, ±inf, nan in, a float out) and never raises: the math calls
that would raise go through ``autograd.numerics``.

Local gradients are floats, so one that is beyond float range is inf: ``log``'s 1/x at a subnormal x
(below about 5.6e-309). Backward sends nothing along an edge where either factor is zero, so a branch
that gets no gradient stays harmless (``maximum(x, x.log())`` at 5e-324: x's gradient is 1). What a rule
cannot fix: where such a gradient does flow, the product is not the exact one (``x * x.log()`` at
5e-324: +inf where the exact derivative is −743.4, since x·(1/x) is 5e-324·inf), and a derivative of a
derivative loses a term that underflows (``x * x.log()``'s second derivative at 1e300 is 2e-300, exact
1e-300: the term x·(−1/x²) is 0 once 1/x² underflows). Both need x beyond about 1e±300.

>>> OPS["sin"].rule(0.0)
(0.0, (1.0,))
>>> OPS["*"].label(-1.0, const_left=False), OPS["/"].label(1.0, const_left=True)
('x*(-1)', '1/x')
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from autograd import numerics
from autograd.derivatives import BILINEAR, CONSTANT, Derivative, WrittenInOps

Rule = Callable[..., tuple[float, tuple[float, ...]]]


def number_text(c: float) -> str:
    """A number as written in a label: short (``1`` not ``1.0``), and in parentheses when negative.

    Parentheses make one rule for every op and side: ``x-(-1)``, never ``x--1``.

    >>> number_text(1.0), number_text(-1.0), number_text(0.125), number_text(float("-inf"))
    ('1', '(-1)', '0.125', '(-inf)')
    """
    if math.isfinite(c) and c == int(c) and abs(c) < 1e15:
        text = str(int(c))
    elif math.isnan(c):
        text = "nan"
    else:
        text = format(c, "g")
    return f"({text})" if text.startswith("-") else text


class Notation:
    """How an op is written; each kind of notation owns its label rule."""

    def written(self, symbol: str, operands: tuple[str, ...]) -> str:
        """The op applied to ``operands`` (each ``"x"`` for a wire or a number's text)."""
        raise NotImplementedError


class Infix(Notation):
    """``a + b``: the symbol between its two operands."""

    def written(self, symbol: str, operands: tuple[str, ...]) -> str:
        return symbol.join(operands)


class Call(Notation):
    """``max(a, b)``, ``exp(a)``: the symbol applied to its operands."""

    def written(self, symbol: str, operands: tuple[str, ...]) -> str:
        return f"{symbol}({','.join(operands)})"


class Total(Notation):
    """``Σ``, ``dot``: an n-ary op whose number operand is added to the result (``Σ+1``)."""

    def written(self, symbol: str, operands: tuple[str, ...]) -> str:
        return "+".join((symbol, *operands[1:]))


INFIX, CALL, TOTAL = Infix(), Call(), Total()


@dataclass(frozen=True, eq=False)
class Op:
    """One row of the table: an op's name, rule, written form and parameters.

    ``rule(*operands, *params)`` returns ``(value, local_gradients)`` with one local gradient per
    operand; ``arity`` is the number of operands (None for any number); ``params`` are (name, default)
    pairs; ``activation`` marks the rows ``nn`` offers as activations by name. ``derivative`` gives the
    same local gradients written in ops (gradients of gradients); the first-order engine never reads it.
    """

    name: str
    rule: Rule
    arity: int | None = 1
    notation: Notation = CALL
    symbol: str = ""
    params: tuple[tuple[str, float], ...] = ()
    doc: str = ""
    activation: bool = False  # offered by name as a neuron's activation (``nn``)
    derivative: Derivative | None = None

    @property
    def shown(self) -> str:
        """The symbol the op is drawn with (its name unless the row gives one)."""
        return self.symbol or self.name

    def label(self, const: float | None, const_left: bool = False, wire: str = "x") -> str:
        """The gate's text: its symbol, or with a number folded in, the op written with ``wire`` for its wire.

        One rule for every op and side; a negative number is in parentheses. A drawing passes
        another ``wire`` (``·``) when ``x`` names a different value of its graph.

        >>> [OPS[op].label(c, left) for op, c, left in [("+", 1.0, True), ("-", -1.0, False), ("**", 2.0, False)]]
        ['1+x', 'x-(-1)', 'x**2']
        >>> OPS["leaky_relu"].label(0.01), OPS["sum"].label(-3.0), OPS["exp"].label(None)
        ('leaky_relu(x,0.01)', 'Σ+(-3)', 'exp')
        """
        if const is None:
            return self.shown
        number = number_text(const)
        operands = (number, wire) if const_left else (wire, number)
        return self.notation.written(self.shown, operands)

    @property
    def const_is_operand(self) -> bool:
        """True when a node's ``const`` is a number operand (``2`` in ``x * 2``), not a parameter."""
        return not self.params


OPS: dict[str, Op] = {}
BUILT_IN: dict[str, Op] = {}  # the rows below, which no gate may replace


def define(op: Op) -> Op:
    """Put a row in the table under its name (``autograd.gate`` decides first whether a taken name may be reused)."""
    if not isinstance(op.name, str) or not op.name:
        raise ValueError(f"an op needs a non-empty str name, got {op.name!r}")
    if op.name in BUILT_IN and BUILT_IN[op.name] is not op:
        raise ValueError(f"the built-in op {op.name!r} cannot be redefined")
    OPS[op.name] = op
    return op


def op_row(name: str) -> Op:
    """The row of the op recorded as ``name`` (``Value.op``); a KeyError naming it if there is none."""
    try:
        return OPS[name]
    except KeyError:
        raise KeyError(f"no op named {name!r} in the table") from None


# ---------------------------------------------------------------------------------------------- rules
# Each rule: floats in, (value, local gradients) out. Fixed local gradients share one tuple.
_ONE = (1.0,)
_ONE_ONE = (1.0, 1.0)
_ONE_MINUS_ONE = (1.0, -1.0)


def _add(a: float, b: float) -> tuple[float, tuple[float, ...]]:
    return a + b, _ONE_ONE


def _sub(a: float, b: float) -> tuple[float, tuple[float, ...]]:
    return a - b, _ONE_MINUS_ONE


def _mul(a: float, b: float) -> tuple[float, tuple[float, ...]]:
    return a * b, (b, a)  # the mul gate swaps its inputs


def _div(a: float, b: float) -> tuple[float, tuple[float, ...]]:
    out = numerics.divide(a, b)
    return out, (numerics.divide(1.0, b), numerics.divide(-out, b))  # -a/b² as -(a/b)/b


def _pow(a: float, b: float) -> tuple[float, tuple[float, ...]]:
    out = numerics.power(a, b)
    # torch's conventions: d(a**0)/da = 0 even at a = 0; d(a**b)/db = 0 at a = 0 for b >= 0
    # b·a^b/a instead of b·a^(b−1) where it is finite: b − 1 rounds, and a^(b−1) amplifies that by |ln a|
    if b == 0.0:
        base = 0.0
    elif a != 0.0 and out != 0.0 and math.isfinite(out):
        base = b * (out / a)
    else:
        base = b * numerics.power(a, b - 1.0)
    exponent = 0.0 if (a == 0.0 and b >= 0.0) else out * numerics.log(a)
    return out, (base, exponent)


def _abs(a: float) -> tuple[float, tuple[float, ...]]:
    return abs(a), (1.0 if a > 0.0 else -1.0 if a < 0.0 else a * 0.0,)  # sign(0) = 0; a*0 keeps nan


def _exp(a: float) -> tuple[float, tuple[float, ...]]:
    out = numerics.exp(a)
    return out, (out,)


def _log(a: float) -> tuple[float, tuple[float, ...]]:
    return numerics.log(a), (numerics.divide(1.0, a),)


def _sqrt(a: float) -> tuple[float, tuple[float, ...]]:
    out = numerics.sqrt(a)
    return out, (numerics.divide(0.5, out),)


def _sin(a: float) -> tuple[float, tuple[float, ...]]:
    return numerics.sin(a), (numerics.cos(a),)


def _cos(a: float) -> tuple[float, tuple[float, ...]]:
    return numerics.cos(a), (-numerics.sin(a),)


def _tanh(a: float) -> tuple[float, tuple[float, ...]]:
    return math.tanh(a), (numerics.sech_squared(a),)  # sech² avoids the cancellation in 1 − tanh²


def _sigmoid(a: float) -> tuple[float, tuple[float, ...]]:
    out = numerics.sigmoid(a)
    # σ(−a) instead of 1 − σ(a): the subtraction loses every digit once σ(a) rounds to 1
    return out, (out * numerics.sigmoid(-a),)


def _relu(a: float) -> tuple[float, tuple[float, ...]]:
    if a > 0.0:
        return a, _ONE
    if a != a:  # nan passes through
        return a, (a,)
    return 0.0, (0.0,)


def _leaky_relu(a: float, slope: float) -> tuple[float, tuple[float, ...]]:
    if a > 0.0:
        return a, _ONE
    return slope * a, (slope if a == a else a,)


def _elu(a: float, alpha: float) -> tuple[float, tuple[float, ...]]:
    if a > 0.0:
        return a, _ONE
    return (alpha * math.expm1(a) if a == a else a), (alpha * numerics.exp(a),)


def _gelu(a: float) -> tuple[float, tuple[float, ...]]:
    cdf = numerics.normal_cdf(a)
    return a * cdf, (cdf + a * numerics.normal_pdf(a),)


def _normal_cdf(a: float) -> tuple[float, tuple[float, ...]]:
    return numerics.normal_cdf(a), (numerics.normal_pdf(a),)


def _silu(a: float) -> tuple[float, tuple[float, ...]]:
    s = numerics.sigmoid(a)
    return a * s, (s * (1.0 + a * numerics.sigmoid(-a)),)


def _softplus(a: float) -> tuple[float, tuple[float, ...]]:
    return numerics.softplus(a), (numerics.sigmoid(a),)


def _extremum(larger_wins: bool) -> Rule:
    def rule(a: float, b: float) -> tuple[float, tuple[float, ...]]:
        if (a > b) if larger_wins else (a < b):
            return a, (1.0, 0.0)
        if (b > a) if larger_wins else (b < a):
            return b, (0.0, 1.0)
        if a == b:
            return a, (0.5, 0.5)  # a tie splits the gradient evenly, as torch.maximum does
        nan = a + b  # a nan operand: the value and both local gradients are nan
        return nan, (nan, nan)

    return rule


def _sum(*xs: float) -> tuple[float, tuple[float, ...]]:
    total = 0.0
    for x in xs:
        total += x  # left to right, as a chain of +
    return total, (1.0,) * len(xs)


def _dot(*operands: float) -> tuple[float, tuple[float, ...]]:
    # operands: w0, x0, w1, x1, …, bias
    pairs, bias = operands[:-1], operands[-1]
    total = 0.0
    local: list[float] = []
    for w, x in zip(pairs[::2], pairs[1::2], strict=True):
        total += w * x
        local += (x, w)
    return total + bias, (*local, 1.0)


# ------------------------------------------------------------------------------------ derivatives
# Each row's local gradients again, written with Value ops on the node's operands (``out`` is the
# node itself), so the backward pass is a graph too. Number operands arrive as plain floats and
# need no gradient: ``_varies`` skips them, so no unused node is made for them.
def _varies(x: Any) -> bool:
    return not isinstance(x, float)


def _normal_pdf(a: Any) -> Any:
    return (a**2 * -0.5).exp() * numerics.INV_SQRT_2PI  # φ(a) = e^(−a²/2)/√(2π)


def _mul_derivative(out: Any, a: Any, b: Any) -> tuple[Any, ...]:
    return b, a


def _div_derivative(out: Any, a: Any, b: Any) -> tuple[Any, ...]:
    over_b = (1 / b if _varies(b) else numerics.divide(1.0, b)) if _varies(a) else 0.0
    return over_b, (-out / b if _varies(b) else 0.0)


def _pow_derivative(out: Any, a: Any, b: Any) -> tuple[Any, ...]:
    a_now = a.data if _varies(a) else a
    b_now = b.data if _varies(b) else b
    base: Any = 0.0
    # the rule's conventions, at this point: d(a**0)/da = 0 (a written-out 0·a^(−1) would be nan at a = 0
    # and at a = nan; where b varies, 0·a^(−1) is kept elsewhere for its derivative in b, a^(−1)) …
    if _varies(a) and (b_now != 0.0 or (_varies(b) and a_now != 0.0 and not math.isnan(a_now))):
        base = b * a ** (b - 1.0)
    exponent: Any = 0.0
    # … and d(a**b)/db = 0 at a = 0 for b ≥ 0
    if _varies(b) and not (a_now == 0.0 and b_now >= 0.0):
        exponent = out * (a.log() if _varies(a) else numerics.log(a))
    return base, exponent


def _elu_derivative(out: Any, a: Any, alpha: float) -> tuple[Any, ...]:
    return (1.0 if a.data > 0.0 else alpha * a.exp(),)


def _silu_derivative(out: Any, a: Any) -> tuple[Any, ...]:
    return (a.sigmoid() * (1.0 + a * (-a).sigmoid()),)


_ROWS = [
    # name, rule, arity, notation, symbol, params, doc (the formula), activation, derivative (written in ops)
    Op("+", _add, 2, INFIX, doc="a + b;  ∂/∂a = 1, ∂/∂b = 1.", derivative=CONSTANT),
    Op("-", _sub, 2, INFIX, doc="a - b;  ∂/∂a = 1, ∂/∂b = -1.", derivative=CONSTANT),
    Op(
        "*", _mul, 2, INFIX, doc="a * b;  ∂/∂a = b, ∂/∂b = a (the mul gate swaps its inputs).",
        derivative=WrittenInOps(_mul_derivative),
    ),
    Op(
        "/", _div, 2, INFIX, doc="a / b;  ∂/∂a = 1/b, ∂/∂b = -a/b² (computed as -(a/b)/b).",
        derivative=WrittenInOps(_div_derivative),
    ),
    Op(
        "**", _pow, 2, INFIX,
        doc="a ** b;  ∂/∂a = b·a^(b−1) (0 when b = 0), ∂/∂b = a^b·ln a (0 when a = 0 and b ≥ 0, nan where ln a is).",
        derivative=WrittenInOps(_pow_derivative),
    ),
    Op("abs", _abs, symbol="|x|", doc="|a|;  ∂/∂a = sign(a), with sign(0) = 0.", derivative=CONSTANT),
    Op("exp", _exp, doc="e^a;  ∂/∂a = e^a.", derivative=WrittenInOps(lambda out, a: (out,))),
    Op(
        "log", _log, doc="ln a;  ∂/∂a = 1/a.  log(0) = -inf, log(a < 0) = nan.",
        derivative=WrittenInOps(lambda out, a: (1 / a,)),
    ),
    Op("sqrt", _sqrt, symbol="√", doc="√a;  ∂/∂a = 1/(2√a).", derivative=WrittenInOps(lambda out, a: (0.5 / out,))),
    Op("sin", _sin, doc="sin a;  ∂/∂a = cos a.", derivative=WrittenInOps(lambda out, a: (a.cos(),))),
    Op("cos", _cos, doc="cos a;  ∂/∂a = −sin a.", derivative=WrittenInOps(lambda out, a: (-a.sin(),))),
    Op(
        "tanh", _tanh, doc="tanh a;  ∂/∂a = 1 − tanh²a = sech²a (written in ops as 1 − out²).",
        activation=True,
        derivative=WrittenInOps(lambda out, a: (1.0 - out**2,)),
    ),
    Op(
        "sigmoid", _sigmoid, symbol="σ",
        doc="σ(a) = 1/(1 + e^−a);  ∂/∂a = σ(a)(1 − σ(a)) = σ(a)σ(−a).",
        activation=True,
        # σ(−a), not 1 − out: the subtraction loses every digit once σ(a) rounds to 1
        derivative=WrittenInOps(lambda out, a: (out * (-a).sigmoid(),)),
    ),
    Op(
        "relu", _relu, doc="max(0, a);  ∂/∂a = 1 if a > 0 else 0 (0 at the kink, as in PyTorch).",
        activation=True,
        derivative=CONSTANT,
    ),
    Op(
        "leaky_relu", _leaky_relu, params=(("slope", 0.01),), doc="a if a > 0 else slope·a;  ∂/∂a = 1 or slope.",
        activation=True,
        derivative=CONSTANT,
    ),
    Op(
        "elu", _elu, params=(("alpha", 1.0),), doc="a if a > 0 else α(e^a − 1);  ∂/∂a = 1 or α·e^a.",
        activation=True,
        derivative=WrittenInOps(_elu_derivative),
    ),
    Op(
        "gelu", _gelu, doc="a·Φ(a), Φ the normal CDF;  ∂/∂a = Φ(a) + a·φ(a).",
        activation=True,
        derivative=WrittenInOps(lambda out, a: (a.normal_cdf() + a * _normal_pdf(a),)),
    ),
    Op(
        "normal_cdf", _normal_cdf, symbol="Φ", doc="Φ(a), the standard normal CDF;  ∂/∂a = φ(a) = e^(−a²/2)/√(2π).",
        derivative=WrittenInOps(lambda out, a: (_normal_pdf(a),)),
    ),
    Op(
        "silu", _silu, doc="a·σ(a) (swish);  ∂/∂a = σ(a)(1 + a·σ(−a)).",
        activation=True,
        derivative=WrittenInOps(_silu_derivative),
    ),
    Op(
        "softplus", _softplus, doc="ln(1 + e^a), computed stably;  ∂/∂a = σ(a).",
        activation=True,
        derivative=WrittenInOps(lambda out, a: (a.sigmoid(),)),
    ),
    Op(
        "max", _extremum(True), 2, doc="max(a, b);  ∂ = 1 to the larger input, 0 to the other, ½ each at a tie.",
        derivative=CONSTANT,
    ),
    Op(
        "min", _extremum(False), 2, doc="min(a, b);  ∂ = 1 to the smaller input, 0 to the other, ½ each at a tie.",
        derivative=CONSTANT,
    ),
    Op("sum", _sum, None, TOTAL, symbol="Σ", doc="Σ a_i;  ∂/∂a_i = 1.", derivative=CONSTANT),
    Op(
        "dot", _dot, None, TOTAL, doc="Σ w_i·x_i + bias;  ∂/∂w_i = x_i, ∂/∂x_i = w_i, ∂/∂bias = 1.",
        derivative=BILINEAR,
    ),
]
BUILT_IN.update((row.name, row) for row in _ROWS)
for _row in _ROWS:
    define(_row)

# Unary rows without parameters: the ones written as one-argument functions (``exp(x)``).
FUNCTIONS = tuple(row.name for row in _ROWS if row.arity == 1 and row.notation is CALL and not row.params)
# Unary rows with one parameter (``leaky_relu(x, slope)``), two-operand functions (``max(x, y)``), activations.
PARAMETER_FUNCTIONS = tuple(row.name for row in _ROWS if row.arity == 1 and len(row.params) == 1)
PAIR_FUNCTIONS = tuple(row.name for row in _ROWS if row.arity == 2 and row.notation is CALL)
ACTIVATIONS = tuple(row.name for row in _ROWS if row.activation)
