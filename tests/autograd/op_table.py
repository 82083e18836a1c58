"""The tests' reference table: one row per engine op, with an independent forward and a valid domain.

Adding an op to the engine means adding one row here. Each row's ``formula(m, *xs)`` is written
with a math module ``m`` only (never the engine): ``forward`` runs it in float64 with ``math``
(the centered differences that check each gradient), ``exact`` at high precision with ``mpmath``
(the oracle, tests/autograd/test_oracle.py), so both are independent of the code under test.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from autograd import Value, dot, maximum, minimum, sum_values


@dataclass(frozen=True)
class OpRow:
    name: str
    engine: Callable[..., Value]  # takes Values, returns the op's Value
    formula: Callable[..., Any]  # formula(m, *xs): the same function, with the math module m (math or mpmath)
    domains: Sequence[tuple[float, float]]  # one (low, high) interval per input
    avoid: Callable[..., bool] = lambda *xs: False  # points too near a kink or a pole to difference

    def forward(self, *xs: float) -> float:
        """The function on floats, computed with ``math``."""
        return float(self.formula(math, *xs))

    def exact(self, mp: Any, *xs: Any) -> Any:
        """The function at ``mp``'s precision (``mp`` is the mpmath module)."""
        return self.formula(mp, *xs)


def _sigmoid(m: Any, x: Any) -> Any:
    return 1 / (1 + m.exp(-x))


def _phi(m: Any, x: Any) -> Any:
    # erfc, not 1 + erf: far in the left tail 1 + erf(x/√2) cancels every digit (even mpmath's 50)
    return m.erfc(-x / m.sqrt(2)) / 2


def _near(x: float, y: float, gap: float = 1e-3) -> bool:
    return abs(x - y) < gap


WIDE = (-20.0, 20.0)
POSITIVE = (1e-2, 50.0)

ROWS: list[OpRow] = [
    OpRow("add", lambda a, b: a + b, lambda m, a, b: a + b, [WIDE, WIDE]),
    OpRow("add const", lambda a: a + 2.5, lambda m, a: a + 2.5, [WIDE]),
    OpRow("radd const", lambda a: 2.5 + a, lambda m, a: 2.5 + a, [WIDE]),
    OpRow("sub", lambda a, b: a - b, lambda m, a, b: a - b, [WIDE, WIDE]),
    OpRow("sub const", lambda a: a - 1.5, lambda m, a: a - 1.5, [WIDE]),
    OpRow("rsub const", lambda a: 1.5 - a, lambda m, a: 1.5 - a, [WIDE]),
    OpRow("mul", lambda a, b: a * b, lambda m, a, b: a * b, [WIDE, WIDE]),
    OpRow("mul const", lambda a: a * -3.0, lambda m, a: a * -3.0, [WIDE]),
    OpRow("rmul const", lambda a: -3.0 * a, lambda m, a: -3.0 * a, [WIDE]),
    OpRow("neg", lambda a: -a, lambda m, a: -a, [WIDE]),
    OpRow("div", lambda a, b: a / b, lambda m, a, b: a / b, [WIDE, (0.5, 20.0)]),
    OpRow("div negative", lambda a, b: a / b, lambda m, a, b: a / b, [WIDE, (-20.0, -0.5)]),
    OpRow("div const", lambda a: a / 4.0, lambda m, a: a / 4.0, [WIDE]),
    OpRow("rdiv const", lambda a: 1.0 / a, lambda m, a: 1.0 / a, [(0.5, 20.0)]),
    OpRow("pow const", lambda a: a**3, lambda m, a: a**3, [WIDE]),
    OpRow("pow fractional", lambda a: a**0.5, lambda m, a: a**0.5, [POSITIVE]),
    OpRow("pow negative", lambda a: a**-2, lambda m, a: a**-2, [(0.5, 20.0)]),
    OpRow("rpow const", lambda a: 2.0**a, lambda m, a: 2.0**a, [WIDE]),
    OpRow("pow values", lambda a, b: a**b, lambda m, a, b: a**b, [(0.1, 5.0), (-3.0, 3.0)]),
    OpRow("abs", lambda a: abs(a), lambda m, a: abs(a), [WIDE], lambda a: _near(a, 0.0)),
    OpRow("exp", lambda a: a.exp(), lambda m, a: m.exp(a), [WIDE]),
    OpRow("log", lambda a: a.log(), lambda m, a: m.log(a), [POSITIVE]),
    OpRow("sqrt", lambda a: a.sqrt(), lambda m, a: m.sqrt(a), [POSITIVE]),
    OpRow("sin", lambda a: a.sin(), lambda m, a: m.sin(a), [WIDE]),
    OpRow("cos", lambda a: a.cos(), lambda m, a: m.cos(a), [WIDE]),
    OpRow("sin(x)/x", lambda a: a.sin() / a, lambda m, a: m.sin(a) / a, [(0.1, 20.0)]),
    OpRow("tanh", lambda a: a.tanh(), lambda m, a: m.tanh(a), [WIDE]),
    OpRow("sigmoid", lambda a: a.sigmoid(), _sigmoid, [WIDE]),
    OpRow("relu", lambda a: a.relu(), lambda m, a: max(a, 0 * a), [WIDE], lambda a: _near(a, 0.0)),
    OpRow(
        "leaky_relu",
        lambda a: a.leaky_relu(0.1),
        lambda m, a: a if a > 0 else a / 10,
        [WIDE],
        lambda a: _near(a, 0.0),
    ),
    OpRow(
        "elu",
        lambda a: a.elu(1.5),
        lambda m, a: a if a > 0 else 1.5 * m.expm1(a),
        [WIDE],
        lambda a: _near(a, 0.0),
    ),
    OpRow("gelu", lambda a: a.gelu(), lambda m, a: a * _phi(m, a), [WIDE]),
    OpRow("normal_cdf", lambda a: a.normal_cdf(), _phi, [WIDE]),
    OpRow("silu", lambda a: a.silu(), lambda m, a: a * _sigmoid(m, a), [WIDE]),
    OpRow("softplus", lambda a: a.softplus(), lambda m, a: m.log1p(m.exp(a)), [WIDE]),
    OpRow("maximum", maximum, lambda m, a, b: max(a, b), [WIDE, WIDE], lambda a, b: _near(a, b)),
    OpRow("minimum", minimum, lambda m, a, b: min(a, b), [WIDE, WIDE], lambda a, b: _near(a, b)),
    OpRow("maximum const", lambda a: maximum(a, 0.5), lambda m, a: max(a, 0.5), [WIDE], lambda a: _near(a, 0.5)),
    OpRow("sum_values", lambda a, b, c: sum_values([a, b, 1.0, c]), lambda m, a, b, c: a + b + 1.0 + c, [WIDE] * 3),
    OpRow(
        "dot",
        lambda a, b, c, d, e: dot([a, b], [c, d], bias=e),
        lambda m, a, b, c, d, e: a * c + b * d + e,
        [WIDE] * 5,
    ),
    OpRow("dot with numbers", lambda a, b: dot([a, 2.0], [-1.0, b]), lambda m, a, b: -a + 2.0 * b, [WIDE] * 2),
]
