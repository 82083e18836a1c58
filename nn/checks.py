"""Argument checks shared by ``nn``: each error names the function, the argument and what was given.

Booleans and strings are refused as numbers (``lr=True`` or ``lr="0.1"`` is a mistake, not a rate), and strings
and numbers as flags (``shuffle="no"`` is true in Python, not a no).
"""

from __future__ import annotations

import math
import numbers

import numpy as np


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
    >>> check_real(10**400, "lr", "SGD")
    Traceback (most recent call last):
    ...
    ValueError: SGD: lr must be >= 0.0 and finite, got 1000...
    >>> check_real(0.0, "eps", "Adam", low_open=True)
    Traceback (most recent call last):
    ...
    ValueError: Adam: eps must be > 0.0, got 0.0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{owner}: {argument} must be a number, got {type(value).__name__} {value!r}")
    try:
        number = float(value)
    except OverflowError:  # an int beyond the largest float (lr=10**400): as refused as infinity
        number = math.inf if value > 0 else -math.inf  # type: ignore[operator]  # a Real compares with 0
    above = number > low if low_open else number >= low
    below = number < high if high_open or math.isinf(high) else number <= high
    if not (above and below):  # NaN fails both comparisons
        shown = _shortened(repr(value))
        raise ValueError(f"{owner}: {argument} must be {_interval(low, high, low_open, high_open)}, got {shown}")
    return number


def _interval(low: float, high: float, low_open: bool, high_open: bool) -> str:
    if math.isinf(high):
        return f"> {low}" if low_open else f">= {low} and finite"
    return f"in {'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"


def _shortened(text: str, limit: int = 40) -> str:
    """``text``, cut to ``limit`` characters with an ellipsis (an int of 400 digits is not worth printing whole)."""
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


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
    return int(value)  # a plain int, so that it saves as JSON (numpy's int64 does not)


def check_flag(value: object, argument: str, owner: str) -> bool:
    """``value`` if it is a bool (numpy's included), else ``TypeError``: ``"no"`` and ``1`` are not answers to yes/no.

    >>> check_flag(False, "shuffle", "fit")
    False
    >>> check_flag("no", "shuffle", "fit")
    Traceback (most recent call last):
    ...
    TypeError: fit: shuffle must be True or False, got str 'no'
    """
    if not isinstance(value, bool | np.bool_):
        given = f"{type(value).__name__} {_shortened(repr(value))}"
        raise TypeError(f"{owner}: {argument} must be True or False, got {given}")
    return bool(value)


def check_name(value: object, owner: str) -> str:
    """``value`` if it is a str (a module's dotted name), else ``TypeError``.

    >>> check_name(3, "MLP")
    Traceback (most recent call last):
    ...
    TypeError: MLP: name must be a str, got int 3
    """
    if not isinstance(value, str):
        raise TypeError(f"{owner}: name must be a str, got {type(value).__name__} {_shortened(repr(value))}")
    return value


def check_callable(value: object, argument: str, owner: str, shape: str) -> None:
    """``TypeError`` unless ``value`` can be called; ``shape`` shows the call expected (``on_epoch(history)``).

    >>> check_callable(3, "on_epoch", "fit", "on_epoch(history)")
    Traceback (most recent call last):
    ...
    TypeError: fit: on_epoch must be a function on_epoch(history), got int 3
    """
    if not callable(value):
        raise TypeError(f"{owner}: {argument} must be a function {shape}, got {type(value).__name__} {value!r}")
