"""Options declared once: each one is a dataclass field, and its ``option(...)`` metadata holds its check.

An options class (``viz.model.options.ModelOptions``, ``viz.options.DrawOptions``,
``viz.network.draw.NetworkOptions``) declares each option as a field: the field's name is the
keyword, its default is the default, and its check runs on every construction, from keywords
or not (``run_checks`` in ``__post_init__``). A check takes the option's name and value and
returns the value as stored (``"LR"``; a palette's name becomes its ``Palette``), or raises a
``ValueError``/``TypeError`` naming the option. ``build`` makes options from a caller's keyword
arguments: an unknown keyword is a ``TypeError`` naming it, and a bad value's message starts
with the caller's name.

>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Example:
...     rankdir: str = option("LR", one_of(("LR", "TB")))
...     def __post_init__(self) -> None:
...         run_checks(self)
>>> build(Example, "example", {"rankdir": "TB"})
Example(rankdir='TB')
>>> build(Example, "example", {"rankdir": "RL"})
Traceback (most recent call last):
ValueError: example: unknown rankdir 'RL'; choose one of LR, TB
>>> build(Example, "example", {"rankdr": "TB"})
Traceback (most recent call last):
TypeError: example got an unknown option 'rankdr' (did you mean 'rankdir'?); it takes rankdir
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import field, fields
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

Check = Callable[[str, Any], Any]
_CHECK = "check"
OptionsType = TypeVar("OptionsType", bound="DataclassInstance")


def option(default: Any, check: Check) -> Any:
    """A field declaring an option: its immutable ``default`` (a check may make ``None`` a fresh dict), its check."""
    return field(default=default, metadata={_CHECK: check})


def run_checks(options: DataclassInstance) -> None:
    """Check every option of ``options`` (a dataclass instance, frozen or not), storing what each check returns."""
    for item in fields(options):
        check = item.metadata.get(_CHECK)
        if check is not None:
            object.__setattr__(options, item.name, check(item.name, getattr(options, item.name)))


def option_names(options_type: type[DataclassInstance]) -> tuple[str, ...]:
    """The keywords an options class takes: its fields that are set at construction, in declaration order."""
    return tuple(item.name for item in fields(options_type) if item.init)


def default_of(options_type: type[DataclassInstance], name: str) -> Any:
    """The declared default of the option ``name`` (for a command line's help text)."""
    return options_type.__dataclass_fields__[name].default


def build(options_type: type[OptionsType], caller: str, keywords: Mapping[str, Any]) -> OptionsType:
    """``options_type`` from a caller's keywords: an unknown one named, a bad value's error naming ``caller``."""
    check_keywords(caller, keywords, option_names(options_type))
    try:
        return options_type(**keywords)
    except (ValueError, TypeError) as error:
        raise type(error)(f"{caller}: {error}") from None


def check_keywords(caller: str, keywords: Iterable[str], known: Collection[str]) -> None:
    """Raise ``TypeError`` naming the first keyword ``caller`` does not take, with the closest one it takes."""
    accepted = sorted(known)
    for name in keywords:
        if name not in accepted:
            close = difflib.get_close_matches(name, accepted, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise TypeError(f"{caller} got an unknown option {name!r}{hint}; it takes {', '.join(accepted)}")


# The checks options share. Each refuses what Python would take silently (True as a count, "no" as a flag).


def one_of(choices: Collection[str]) -> Check:
    """A check: one of the strings ``choices``."""

    def check(name: str, value: Any) -> Any:
        if not isinstance(value, str) or value not in choices:
            raise ValueError(f"unknown {name} {value!r}; choose one of {', '.join(choices)}")
        return value

    return check


def flag(name: str, value: Any) -> bool:
    """A check: ``True`` or ``False`` (a string such as ``"no"`` is refused, not taken as true)."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, not {value!r}")
    return value


def count_or_none(least: int) -> Check:
    """A check: an int of at least ``least`` (not a bool), or ``None``."""

    def check(name: str, value: Any) -> Any:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < least):
            raise ValueError(f"{name} must be an int of at least {least}, or None; not {value!r}")
        return value

    return check


def number_or_none(least: float, *, above: bool) -> Check:
    """A check: a finite real number ``> least`` (``above``) or ``>= least``, as a float; or ``None``."""
    bound = f"above {least:g}" if above else f"of at least {least:g}"

    def check(name: str, value: Any) -> float | None:
        if value is None:
            return None
        number = float(value) if isinstance(value, numbers.Real) and not isinstance(value, bool) else math.nan
        if not (math.isfinite(number) and (number > least if above else number >= least)):
            raise ValueError(f"{name} must be a number {bound}, or None; not {value!r}")
        return number

    return check


def text(name: str, value: Any) -> str:
    """A check: a str with more than spaces in it."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty str, not {value!r}")
    return value
