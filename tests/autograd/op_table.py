"""The tests' reference table: one row per engine op, with an independent float64 forward and a valid domain.

Adding an op to the engine means adding one row here. ``forward`` is written with ``math``
only (never the engine), so the centered differences that check each gradient are independent
of the code under test.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from autograd import Value, dot, maximum, minimum, sum_values


@dataclass(frozen=True)
class OpRow:
    name: str
    engine: Callable[..., Value]  # takes Values, returns the op's Value
    forward: Callable[..., float]  # the same function on floats, from math
    domains: Sequence[tuple[float, float]]  # one (low, high) interval per input
    avoid: Callable[..., bool] = lambda *xs: False  # points too near a kink or a pole to difference


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _phi(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _near(x: float, y: float, gap: float = 1e-3) -> bool:
    return abs(x - y) < gap


WIDE = (-20.0, 20.0)
POSITIVE = (1e-2, 50.0)

ROWS: list[OpRow] = [
    OpRow("add", lambda a, b: a + b, lambda a, b: a + b, [WIDE, WIDE]),
    OpRow("add const", lambda a: a + 2.5, lambda a: a + 2.5, [WIDE]),
    OpRow("radd const", lambda a: 2.5 + a, lambda a: 2.5 + a, [WIDE]),
    OpRow("sub", lambda a, b: a - b, lambda a, b: a - b, [WIDE, WIDE]),
    OpRow("sub const", lambda a: a - 1.5, lambda a: a - 1.5, [WIDE]),
    OpRow("rsub const", lambda a: 1.5 - a, lambda a: 1.5 - a, [WIDE]),
    OpRow("mul", lambda a, b: a * b, lambda a, b: a * b, [WIDE, WIDE]),
    OpRow("mul const", lambda a: a * -3.0, lambda a: a * -3.0, [WIDE]),
    OpRow("rmul const", lambda a: -3.0 * a, lambda a: -3.0 * a, [WIDE]),
    OpRow("neg", lambda a: -a, lambda a: -a, [WIDE]),
    OpRow("div", lambda a, b: a / b, lambda a, b: a / b, [WIDE, (0.5, 20.0)]),
    OpRow("div negative", lambda a, b: a / b, lambda a, b: a / b, [WIDE, (-20.0, -0.5)]),
    OpRow("div const", lambda a: a / 4.0, lambda a: a / 4.0, [WIDE]),
    OpRow("rdiv const", lambda a: 1.0 / a, lambda a: 1.0 / a, [(0.5, 20.0)]),
    OpRow("pow const", lambda a: a**3, lambda a: a**3, [WIDE]),
    OpRow("pow fractional", lambda a: a**0.5, lambda a: a**0.5, [POSITIVE]),
    OpRow("pow negative", lambda a: a**-2, lambda a: a**-2, [(0.5, 20.0)]),
    OpRow("rpow const", lambda a: 2.0**a, lambda a: 2.0**a, [WIDE]),
    OpRow("pow values", lambda a, b: a**b, lambda a, b: a**b, [(0.1, 5.0), (-3.0, 3.0)]),
    OpRow("abs", lambda a: abs(a), lambda a: abs(a), [WIDE], lambda a: _near(a, 0.0)),
    OpRow("exp", lambda a: a.exp(), math.exp, [WIDE]),
    OpRow("log", lambda a: a.log(), math.log, [POSITIVE]),
    OpRow("sqrt", lambda a: a.sqrt(), math.sqrt, [POSITIVE]),
    OpRow("sin", lambda a: a.sin(), math.sin, [WIDE]),
    OpRow("cos", lambda a: a.cos(), math.cos, [WIDE]),
    OpRow("sin(x)/x", lambda a: a.sin() / a, lambda a: math.sin(a) / a, [(0.1, 20.0)]),
    OpRow("tanh", lambda a: a.tanh(), math.tanh, [WIDE]),
    OpRow("sigmoid", lambda a: a.sigmoid(), _sigmoid, [WIDE]),
    OpRow("relu", lambda a: a.relu(), lambda a: max(a, 0.0), [WIDE], lambda a: _near(a, 0.0)),
    OpRow(
        "leaky_relu",
        lambda a: a.leaky_relu(0.1),
        lambda a: a if a > 0 else 0.1 * a,
        [WIDE],
        lambda a: _near(a, 0.0),
    ),
    OpRow(
        "elu",
        lambda a: a.elu(1.5),
        lambda a: a if a > 0 else 1.5 * (math.exp(a) - 1.0),
        [WIDE],
        lambda a: _near(a, 0.0),
    ),
    OpRow("gelu", lambda a: a.gelu(), lambda a: a * _phi(a), [WIDE]),
    OpRow("normal_cdf", lambda a: a.normal_cdf(), _phi, [WIDE]),
    OpRow("silu", lambda a: a.silu(), lambda a: a * _sigmoid(a), [WIDE]),
    OpRow("softplus", lambda a: a.softplus(), lambda a: math.log1p(math.exp(a)), [WIDE]),
    OpRow("maximum", maximum, max, [WIDE, WIDE], lambda a, b: _near(a, b)),
    OpRow("minimum", minimum, min, [WIDE, WIDE], lambda a, b: _near(a, b)),
    OpRow("maximum const", lambda a: maximum(a, 0.5), lambda a: max(a, 0.5), [WIDE], lambda a: _near(a, 0.5)),
    OpRow("sum_values", lambda a, b, c: sum_values([a, b, 1.0, c]), lambda a, b, c: a + b + 1.0 + c, [WIDE] * 3),
    OpRow(
        "dot",
        lambda a, b, c, d, e: dot([a, b], [c, d], bias=e),
        lambda a, b, c, d, e: a * c + b * d + e,
        [WIDE] * 5,
    ),
    OpRow("dot with numbers", lambda a, b: dot([a, 2.0], [-1.0, b]), lambda a, b: -a + 2.0 * b, [WIDE] * 2),
]
