"""The options: their one home. ``draw``, the player, ``render`` and the CLI pass them through.

Two kinds: ``ModelOptions`` pick the graph model that is drawn (which groups are collapsed, which
leaves are parameters; ``viz.model.graph_model.describe``), ``DrawOptions`` say how it is drawn.
A caller gives them as keyword arguments (``GraphKeywords``: ``ModelKeywords`` + ``DrawKeywords``);
``STATIC_DRAWING.build`` (``draw``) and ``PLAYER_DRAWING.build`` (the players) check them once,
name an option they do not take, and fill in the defaults: the style (``DEFAULT_STYLE``,
``PLAYER_STYLE``; ``style=None`` means that default) and the style's number format.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from viz.labels import DEFAULT_GROUP_SYMBOLS
from viz.number_format import NumberFormat
from viz.palette import PALETTES, Palette, get_palette
from viz.styles import STYLES as STYLE_OBJECTS
from viz.styles.style import Style

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from autograd import Value
    from viz.model.graph_model import ValueNode

STYLES = tuple(STYLE_OBJECTS)
DEFAULT_STYLE = "graph"  # a static drawing's (draw, render, the CLI's diagram)
PLAYER_STYLE = "circuit"  # a step-through player's: the cs231n look, readable in a browser
# past this many drawn nodes a diagram stops being readable
DEFAULT_MAX_NODES = 300
ON_OVERFLOW = ("collapse", "raise")
DEFAULT_OUTPUT_NAME = "f"  # what cs231n calls the function being drawn
RANKDIRS = ("LR", "TB")
FIELDS = ("label", "data", "grad")


class SharedKeywords(TypedDict, total=False):
    """The options every gradtrace drawing takes, graphs and networks (``viz.draw_network``) alike."""

    rankdir: str
    precision: int | None
    decimals: int | None
    palette: str | Palette
    legend: bool


class DrawKeywords(SharedKeywords, total=False):
    """The options of a graph's drawing as keyword arguments (see ``DrawOptions.build`` and ``viz.draw``).

    ``style=None`` (or none given): the default of whoever draws (``DEFAULT_STYLE``, a player's ``PLAYER_STYLE``).
    """

    style: str | None
    show: Iterable[str]
    clusters: bool
    group_symbols: Mapping[str, str] | None
    gradient_scale: float | None
    output_name: str


class ModelKeywords(TypedDict, total=False):
    """The options that pick the graph model drawn, as keyword arguments (see ``ModelOptions``)."""

    collapse: bool | Collection[str]
    max_nodes: int | None
    on_overflow: str
    parameters: Iterable[Value] | None


class GraphKeywords(DrawKeywords, ModelKeywords, total=False):
    """Everything ``viz.draw`` and the players take as keyword arguments: the model's options and the drawing's."""


# the names of the model options, beside the drawing options
MODEL_OPTIONS = tuple(sorted(ModelKeywords.__optional_keys__))


@dataclass(frozen=True)
class ModelOptions:
    """Which graph model is drawn (``viz.model.graph_model.describe``): the groups drawn collapsed, the parameters.

    ``collapse``: ``True`` (every top-level group), ``False``, or group names (or ``/``-joined
    paths); each collapsed group becomes one gate. ``max_nodes``: past this many drawn values and
    gates, groups collapse innermost level first (``on_overflow="collapse"``) or
    ``TooManyNodesError`` is raised (``on_overflow="raise"``); ``None``: no limit.
    ``parameters``: the leaves marked as parameters (``None``: each leaf whose uses are all in one group).

    >>> ModelOptions.build(collapse="sigmoid gate", parameters=iter([])).collapse
    ('sigmoid gate',)
    >>> ModelOptions(max_nodes=0)
    Traceback (most recent call last):
    ValueError: max_nodes must be a positive int or None, not 0
    """

    collapse: bool | tuple[str, ...] = False
    max_nodes: int | None = DEFAULT_MAX_NODES
    on_overflow: str = "collapse"
    parameters: tuple[Value, ...] | None = None

    def __post_init__(self) -> None:
        if self.max_nodes is not None and (not isinstance(self.max_nodes, int) or self.max_nodes < 1):
            raise ValueError(f"max_nodes must be a positive int or None, not {self.max_nodes!r}")
        if self.on_overflow not in ON_OVERFLOW:
            raise ValueError(f"on_overflow must be 'collapse' or 'raise', not {self.on_overflow!r}")

    @classmethod
    def build(cls, **keywords: Unpack[ModelKeywords]) -> ModelOptions:
        """Options from keyword arguments: ``collapse`` one name or a collection, ``parameters`` any iterable."""
        given: dict[str, Any] = dict(keywords)
        collapse = given.get("collapse")
        if isinstance(collapse, str):
            given["collapse"] = (collapse,)
        elif collapse is not None and not isinstance(collapse, bool):
            given["collapse"] = tuple(collapse)
        if given.get("parameters") is not None:
            given["parameters"] = tuple(given["parameters"])
        return cls(**given)


@dataclass(frozen=True)
class DrawOptions:
    """How a ``GraphModel`` is drawn.

    ``style``: the ``Style`` that draws (``viz.styles``): ``"graph"`` (a record per value, a small
    node per op) or ``"circuit"`` (cs231n: gates on wires that carry value above, gradient below);
    ``build`` looks it up by name once. ``rankdir``: ``"LR"`` or ``"TB"``.
    ``number_format``: how numbers are written (``viz.number_format``). ``show``: which of label, data, grad to write.
    ``clusters``: draw expanded groups as boxes. ``legend``: add the colour legend.
    ``group_symbols``: the text of a collapsed group's gate by group name (else its name).
    ``gradient_scale``: the |gradient| that gets the strongest fill (default: the largest
    drawn); a player fixes it so colours mean the same in every frame. ``output_name``: the
    name of an output that has no label (its wire always ends in an arrow and a name).
    """

    style: Style = STYLE_OBJECTS[DEFAULT_STYLE]
    rankdir: str = "LR"
    number_format: NumberFormat = STYLE_OBJECTS[DEFAULT_STYLE].default_number_format
    show: frozenset[str] = frozenset(FIELDS)
    palette: Palette = field(default_factory=lambda: PALETTES["default"])
    clusters: bool = True
    legend: bool = True
    group_symbols: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_GROUP_SYMBOLS))
    gradient_scale: float | None = None
    output_name: str = DEFAULT_OUTPUT_NAME

    def __post_init__(self) -> None:
        if not isinstance(self.style, Style):
            raise TypeError(f"DrawOptions.style must be a Style (DrawOptions.build takes its name), not {self.style!r}")
        if self.rankdir not in RANKDIRS:
            raise ValueError(f"unknown rankdir {self.rankdir!r}; choose one of {', '.join(RANKDIRS)}")
        unknown = set(self.show) - set(FIELDS)
        if unknown:
            raise ValueError(f"show: unknown fields {sorted(unknown)}; choose from {', '.join(FIELDS)}")
        if self.gradient_scale is not None and not self.gradient_scale >= 0.0:
            raise ValueError(f"gradient_scale must be a number >= 0, not {self.gradient_scale!r}")
        if not isinstance(self.output_name, str) or not self.output_name.strip():
            raise ValueError(f"output_name must be a non-empty str, not {self.output_name!r}")

    def name_of(self, node: ValueNode) -> str:
        """The name a value is drawn with: its label (local inside a box), else ``output_name`` for the output."""
        return node.shown_label(self.clusters) or (self.output_name if node.role == "output" else "")

    @classmethod
    def build(cls, caller: str = "DrawOptions.build", /, **keywords: Unpack[DrawKeywords]) -> DrawOptions:
        """Options from keyword arguments: ``precision`` (significant digits) or ``decimals``, a palette by name.

        ``caller`` names the function in the error for an option it does not take or a bad value.

        >>> DrawOptions.build(style="circuit").number_format, DrawOptions.build(precision=3).number_format
        (NumberFormat(digits=2, decimals=2), NumberFormat(digits=3, decimals=None))
        >>> DrawOptions.build("backprop_steps", colapse=True)
        Traceback (most recent call last):
        TypeError: backprop_steps got an unknown option 'colapse' (did you mean 'collapse'?); ...
        """
        check_keywords(caller, keywords, set(DrawKeywords.__optional_keys__))
        return cls._from(caller, DEFAULT_STYLE, **keywords)

    @classmethod
    def _from(
        cls,
        caller: str,
        default_style: str,
        /,
        *,
        style: str | None = None,
        rankdir: str = "LR",
        precision: int | None = None,
        decimals: int | None = None,
        show: Iterable[str] = FIELDS,
        palette: str | Palette = "default",
        clusters: bool = True,
        legend: bool = True,
        group_symbols: Mapping[str, str] | None = None,
        gradient_scale: float | None = None,
        output_name: str = DEFAULT_OUTPUT_NAME,
    ) -> DrawOptions:
        if style is None:
            style = default_style
        if style not in STYLES:
            raise ValueError(f"unknown style {style!r}; choose one of {', '.join(STYLES)}")
        drawing_style = STYLE_OBJECTS[style]
        number_format = NumberFormat.build(precision, decimals, drawing_style.default_number_format, caller)
        if isinstance(show, str):
            show = (show,)
        return cls(
            style=drawing_style,
            rankdir=rankdir,
            number_format=number_format,
            show=frozenset(show),
            palette=palette if isinstance(palette, Palette) else get_palette(palette),
            clusters=clusters,
            legend=legend,
            group_symbols=dict(DEFAULT_GROUP_SYMBOLS if group_symbols is None else group_symbols),
            gradient_scale=gradient_scale,
            output_name=output_name,
        )


@dataclass(frozen=True)
class DrawingKind:
    """What one kind of graph drawing takes: a static drawing's options (``STATIC_DRAWING``) or a player's.

    ``default_style``: the style drawn when none is asked for; ``not_taken``: the keywords it refuses.
    """

    default_style: str
    not_taken: frozenset[str] = frozenset()

    def build(self, caller: str, keywords: Mapping[str, Any]) -> tuple[ModelOptions, DrawOptions]:
        """The model's and the drawing's options from ``GraphKeywords``, checked once; ``caller`` names the function.

        >>> model, drawing = PLAYER_DRAWING.build("backprop_steps", {"collapse": ["sigmoid gate"], "style": None})
        >>> model.collapse, drawing.style.name
        (('sigmoid gate',), 'circuit')
        >>> PLAYER_DRAWING.build("backprop_steps", {"show": ["data"]})
        Traceback (most recent call last):
        TypeError: backprop_steps got an unknown option 'show'; it takes clusters, collapse, ...
        """
        check_keywords(caller, keywords, set(GraphKeywords.__optional_keys__) - self.not_taken)
        drawing = {name: value for name, value in keywords.items() if name not in MODEL_OPTIONS}
        model = {name: value for name, value in keywords.items() if name in MODEL_OPTIONS}
        return ModelOptions.build(**model), DrawOptions._from(caller, self.default_style, **drawing)


STATIC_DRAWING = DrawingKind(DEFAULT_STYLE)
# a frame writes every field, on one colour scale the player fixes from every frame
PLAYER_DRAWING = DrawingKind(PLAYER_STYLE, frozenset({"show", "gradient_scale"}))


def check_keywords(caller: str, keywords: Mapping[str, Any], known: Iterable[str]) -> None:
    """Raise ``TypeError`` naming the first keyword ``caller`` does not take, with the closest it does."""
    accepted = sorted(known)
    for name in keywords:
        if name not in accepted:
            close = difflib.get_close_matches(name, [*accepted, *MODEL_OPTIONS], n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise TypeError(f"{caller} got an unknown option {name!r}{hint}; it takes {', '.join(accepted)}")
