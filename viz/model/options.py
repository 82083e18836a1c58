"""The options that pick the graph model drawn (``describe``): which groups are collapsed, which leaves are parameters.

They sit beside the model, which reads nothing of the styles; ``viz.options`` adds the drawing's options.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from autograd import Value
from viz.option_fields import build, count_or_none, option, option_names, run_checks

if TYPE_CHECKING:
    from typing_extensions import Unpack

# past this many drawn nodes a diagram stops being readable
DEFAULT_MAX_NODES = 300
ON_OVERFLOW = ("collapse", "raise")


def _collapse(name: str, value: Any) -> bool | tuple[str, ...]:
    if isinstance(value, bool):
        return value
    names = (value,) if isinstance(value, str) else value
    if isinstance(names, Iterable):
        names = tuple(names)
        if all(isinstance(item, str) for item in names):
            return names
    raise TypeError(f"{name} must be True, False, or group names (str), not {value!r}")


def _on_overflow(name: str, value: Any) -> str:
    if value not in ON_OVERFLOW:
        raise ValueError(f"{name} must be 'collapse' or 'raise', not {value!r}")
    return str(value)


def _parameters(name: str, value: Any) -> tuple[Value, ...] | None:
    if value is None:
        return None
    if isinstance(value, Iterable) and not isinstance(value, (str, Value)):
        leaves = tuple(value)
        if all(isinstance(leaf, Value) for leaf in leaves):
            return leaves
    raise TypeError(f"{name} must be Values (any iterable of them) or None, not {value!r}")


@dataclass(frozen=True)
class ModelOptions:
    """Which graph model is drawn (``viz.model.graph_model.describe``): the groups drawn collapsed, the parameters.

    ``collapse``: ``True`` (every top-level group), ``False``, or group names (or ``/``-joined
    paths; one name alone is a str); each collapsed group becomes one gate. ``max_nodes``: past
    this many drawn values and gates, groups collapse innermost level first
    (``on_overflow="collapse"``) or ``TooManyNodesError`` is raised (``on_overflow="raise"``);
    ``None``: no limit. ``parameters``: the leaves marked as parameters (any iterable; ``None``:
    each leaf whose uses are all in one group).

    >>> ModelOptions(collapse="sigmoid gate", parameters=iter([]))
    ModelOptions(collapse=('sigmoid gate',), max_nodes=300, on_overflow='collapse', parameters=())
    >>> ModelOptions(max_nodes=0)
    Traceback (most recent call last):
    ValueError: max_nodes must be an int of at least 1, or None; not 0
    """

    collapse: bool | tuple[str, ...] = option(False, _collapse)
    max_nodes: int | None = option(DEFAULT_MAX_NODES, count_or_none(1))
    on_overflow: str = option("collapse", _on_overflow)
    parameters: tuple[Value, ...] | None = option(None, _parameters)

    def __post_init__(self) -> None:
        run_checks(self)

    @classmethod
    def build(cls, caller: str = "ModelOptions.build", /, **keywords: Unpack[ModelKeywords]) -> ModelOptions:
        """Options from keyword arguments; ``caller`` names the function in the error for an unknown option or value."""
        return build(cls, caller, keywords)


class ModelKeywords(TypedDict, total=False):
    """``ModelOptions`` as keyword arguments, for type checkers (a test holds it to the fields)."""

    collapse: bool | str | Collection[str]
    max_nodes: int | None
    on_overflow: str
    parameters: Iterable[Value] | None


# the names of the model's options, beside the drawing's
MODEL_OPTIONS = option_names(ModelOptions)
