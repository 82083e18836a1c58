"""How every drawn number is written: a ``NumberFormat`` and ``format_number``, the one formatter.

Two kinds of format, both readable at any magnitude:

- ``NumberFormat(digits=4)``: four significant digits (``-0.1966``, ``2.000``, ``1368``);
- ``NumberFormat(decimals=2)``: two decimals, as the cs231n figures print them (``-0.20``, ``2.00``).

Either way a number outside ``[1e-3, 1e5)`` in magnitude is written in scientific notation with
the same number of significant digits (``2.000e-5``, ``1.0e6`` with two decimals), and so is a number the fixed
decimals would round to zero (``0.002`` with two decimals is ``2.0e-3``, never a misleading
``0.00``). ``nan`` and the infinities are spelled out; zero is ``0`` padded like its neighbours
(``0.000``, ``0.00``). The text never grows past about ``digits + 7`` characters.

``format_number(x, number_format)`` is the interface every renderer (and the player's
arithmetic) calls; ``NumberFormat.build`` checks a user's ``precision`` / ``decimals``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

NO_GRADIENT = "—"
MAX_DIGITS = 17  # a float64 has at most 17 significant decimal digits
# positional notation for magnitudes in [10**SMALLEST_EXPONENT, 10**LARGEST_EXPONENT)
SMALLEST_EXPONENT = -3
LARGEST_EXPONENT = 5


@dataclass(frozen=True)
class NumberFormat:
    """``digits`` significant digits, or (when ``decimals`` is set) that many decimals; see the module docstring.

    >>> NumberFormat(digits=3), NumberFormat(decimals=2).digits
    (NumberFormat(digits=3, decimals=None), 2)
    """

    digits: int = 4
    decimals: int | None = None

    def __post_init__(self) -> None:
        if self.decimals is not None:
            _check_count("decimals", self.decimals, 0)
            # the scientific fallback keeps as many significant digits as decimals (at least one)
            object.__setattr__(self, "digits", max(1, self.decimals))
        _check_count("precision", self.digits, 1)

    @classmethod
    def build(cls, precision: int | None, decimals: int | None, default: NumberFormat) -> NumberFormat:
        """The format a user asked for: ``precision`` significant digits or ``decimals``, else ``default``.

        >>> NumberFormat.build(None, 2, NumberFormat())
        NumberFormat(digits=2, decimals=2)
        >>> NumberFormat.build(-1, None, NumberFormat())
        Traceback (most recent call last):
        ValueError: precision must be an int from 1 to 17 (significant digits), not -1
        """
        if precision is not None and decimals is not None:
            raise ValueError("give precision (significant digits) or decimals, not both")
        if precision is not None:
            return cls(digits=precision)
        if decimals is not None:
            return cls(decimals=decimals)
        return default


def _check_count(name: str, count: object, least: int) -> None:
    if not isinstance(count, int) or isinstance(count, bool) or not least <= count <= MAX_DIGITS:
        what = "significant digits" if name == "precision" else "digits after the point"
        raise ValueError(f"{name} must be an int from {least} to {MAX_DIGITS} ({what}), not {count!r}")


def format_number(x: float, number_format: NumberFormat) -> str:
    """``x`` as text in ``number_format`` (see the module docstring).

    >>> four, two = NumberFormat(digits=4), NumberFormat(decimals=2)
    >>> [format_number(x, four) for x in (-0.19661193324148188, 2.0, 1368.0, 0.002, 1e6, 0.0)]
    ['-0.1966', '2.000', '1368', '0.002000', '1.000e6', '0.000']
    >>> [format_number(x, two) for x in (-0.19661193324148188, 2.0, 0.002, 1e6, -2.5e-7, float("-inf"))]
    ['-0.20', '2.00', '2.0e-3', '1.0e6', '-2.5e-7', '-inf']
    """
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    digits = number_format.digits
    if x == 0.0:
        zeros = digits - 1 if number_format.decimals is None else number_format.decimals
        return format(0.0, f".{zeros}f")
    # the exponent after rounding to the significant digits (0.99996 is 1.000, exponent 0)
    mantissa, exponent_text = format(abs(x), f".{digits - 1}e").split("e")
    exponent = int(exponent_text)
    decimals = number_format.decimals
    if decimals is not None:
        # positional unless the decimals would show no digit of x, or too many before the point
        if -decimals <= exponent < LARGEST_EXPONENT:
            return format(x, f".{decimals}f")
    elif SMALLEST_EXPONENT <= exponent < LARGEST_EXPONENT:
        return format(x, f".{max(digits - 1 - exponent, 0)}f")
    sign = "-" if x < 0 else ""
    return f"{sign}{mantissa}e{exponent}"


def format_gradient(grad: float | None, number_format: NumberFormat) -> str:
    """A gradient as text, or ``NO_GRADIENT`` ("—") when it was never computed.

    >>> format_gradient(None, NumberFormat()), format_gradient(0.25, NumberFormat())
    ('—', '0.2500')
    """
    return NO_GRADIENT if grad is None else format_number(grad, number_format)
