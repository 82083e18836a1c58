"""Argument checks shared by ``nn``: each error names the function, the argument and what was given.

Booleans and strings are refused as numbers (``lr=True`` or ``lr="0.1"`` is a mistake, not a rate).
"""

from __future__ import annotations

import math
import numbers


def check_real(
    value: object,
    argument: str,
    owner: str,
    *,
    low: float = 0.0,
    high: float = math.inf,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """``value`` as a float if it is a real number (not a bool) in the interval, else ``TypeError`` / ``ValueError``.

    The interval is [low, high], open at ``low`` with ``low_open`` (at ``high`` with ``high_open``);
    an infinite ``high`` is always open, so infinity and NaN are refused.

    >>> check_real(0.1, "lr", "SGD")
    0.1
    >>> check_real("0.1", "lr", "SGD")
    Traceback (most recent call last):
    ...
    TypeError: SGD: lr must be a number, got str '0.1'
    >>> check_real(0.0, "eps", "Adam", low_open=True)
    Traceback (most recent call last):
    ...
    ValueError: Adam: eps must be > 0.0, got 0.0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{owner}: {argument} must be a number, got {type(value).__name__} {value!r}")
    number = float(value)
    above = number > low if low_open else number >= low
    below = number < high if high_open or math.isinf(high) else number <= high
    if not (above and below):  # NaN fails both comparisons
        raise ValueError(f"{owner}: {argument} must be {_interval(low, high, low_open, high_open)}, got {value!r}")
    return number


def _interval(low: float, high: float, low_open: bool, high_open: bool) -> str:
    if math.isinf(high):
        return f"> {low}" if low_open else f">= {low} and finite"
    return f"in {'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"


def check_count(value: object, argument: str, owner: str, minimum: int = 1) -> int:
    """``value`` if it is an int (not a bool) of at least ``minimum``, else ``TypeError`` / ``ValueError``.

    >>> check_count(3, "epochs", "fit", 0)
    3
    >>> check_count(2.0, "epochs", "fit")
    Traceback (most recent call last):
    ...
    TypeError: fit: epochs must be an int, got float 2.0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{owner}: {argument} must be an int, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{owner}: {argument} must be at least {minimum}, got {value}")
    return int(value)
