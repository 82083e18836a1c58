"""IEEE-754 versions of the scalar functions the engine needs.

Python's ``math`` module raises where IEEE arithmetic returns a special value
(``math.log(0)`` raises, IEEE says ``-inf``). The engine promises IEEE results
(never a Python math exception), so every op that could raise goes through here.
The fast path is always the plain ``math`` call; the ``except`` branches only run
at the edges of the domain.
"""

from __future__ import annotations

import math
from numbers import Real

INF = math.inf
NAN = math.nan


def as_number(x: object) -> float | None:
    """The float value of a plain real number (int, float, numpy scalar), or None for anything else.

    An int beyond float range is an ``OverflowError`` that says so (callers add which argument it was).

    >>> as_number(3), as_number("3")
    (3.0, None)
    """
    kind = type(x)
    if kind is float:
        return x  # type: ignore[return-value]
    if kind is int or isinstance(x, Real):
        try:
            return float(x)  # type: ignore[arg-type]
        except OverflowError:
            raise OverflowError(f"the number {_short(x)} is beyond float range (about ±1.8e308)") from None
    return None


def to_number(x: object, what: str) -> float | None:
    """``as_number(x)``, with an overflow naming ``what`` (the argument) instead of a bare OverflowError."""
    try:
        return as_number(x)
    except OverflowError as error:
        raise OverflowError(f"{what}: {error}") from None


def _short(x: object) -> str:
    if isinstance(x, int) and x.bit_length() > 200:
        return f"with {len(str(abs(x)))} digits"
    return str(x)


def _is_odd_integer(x: float) -> bool:
    return math.isfinite(x) and x == math.floor(x) and math.fmod(x, 2.0) != 0.0


def divide(a: float, b: float) -> float:
    """``a / b`` with IEEE results for a zero divisor.

    >>> divide(1.0, 0.0), divide(-1.0, 0.0), divide(1.0, -0.0)
    (inf, -inf, -inf)
    """
    try:
        return a / b
    except ZeroDivisionError:
        if a == 0.0 or math.isnan(a):
            return NAN
        # sign of the infinity: sign(a) * sign(b), where b is a signed zero
        return math.copysign(INF, a) * math.copysign(1.0, b)


def power(a: float, b: float) -> float:
    """``a ** b`` with IEEE results: never complex, never an exception.

    >>> power(-8.0, 1 / 3), power(0.0, -1.0), power(10.0, 400.0)
    (nan, inf, inf)
    """
    try:
        return math.pow(a, b)
    except OverflowError:
        # |result| too large: the sign is negative only for a negative base and an odd integer exponent
        return -INF if (a < 0.0 and _is_odd_integer(b)) else INF
    except ValueError:
        if a == 0.0:  # zero to a negative power: a pole, signed like the base for odd integer exponents
            return math.copysign(INF, a) if _is_odd_integer(b) else INF
        return NAN  # negative base, non-integer exponent


def exp(x: float) -> float:
    """``e**x``; ``inf`` instead of ``OverflowError`` (``exp(1000) = inf``)."""
    try:
        return math.exp(x)
    except OverflowError:
        return INF


def log(x: float) -> float:
    """Natural log; ``log(0) = -inf``, ``log(x < 0) = nan``."""
    try:
        return math.log(x)
    except ValueError:
        return -INF if x == 0.0 else NAN


def sqrt(x: float) -> float:
    """Square root; ``sqrt(x < 0) = nan``."""
    try:
        return math.sqrt(x)
    except ValueError:
        return NAN


def sin(x: float) -> float:
    """``sin x``; ``nan`` at ±inf instead of ``ValueError``."""
    try:
        return math.sin(x)
    except ValueError:
        return NAN


def cos(x: float) -> float:
    """``cos x``; ``nan`` at ±inf instead of ``ValueError``."""
    try:
        return math.cos(x)
    except ValueError:
        return NAN


def sigmoid(x: float) -> float:
    """Logistic function 1 / (1 + e^-x), stable at both ends (no overflow at ±1000)."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    if x != x:  # nan
        return NAN
    z = exp(x)  # x < 0, so exp(x) <= 1 cannot overflow
    return z / (1.0 + z)


def sech_squared(x: float) -> float:
    """sech²x = 1 − tanh²x, computed as 4z/(1 + z)² with z = e^(−2|x|): accurate where tanh x rounds to ±1."""
    if x != x:
        return NAN
    z = math.exp(-2.0 * abs(x))  # in (0, 1]: no overflow
    return 4.0 * z / ((1.0 + z) * (1.0 + z))


def softplus(x: float) -> float:
    """log(1 + e^x) computed as max(x, 0) + log1p(e^-|x|), which never overflows."""
    if x != x:
        return NAN
    if math.isinf(x):
        return x if x > 0 else 0.0
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


SQRT_HALF = math.sqrt(0.5)
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def normal_cdf(x: float) -> float:
    """Φ(x) = ½ erfc(−x / √2), the standard normal CDF (erfc: no cancellation in the left tail, unlike 1 + erf)."""
    return 0.5 * math.erfc(-x * SQRT_HALF)


def normal_pdf(x: float) -> float:
    """φ(x) = e^(−x²/2) / √(2π), the standard normal density."""
    return INV_SQRT_2PI * exp(-0.5 * x * x)
