"""The drawing options, and the keywords every drawing takes; ``draw``, the player, ``render`` and the CLI pass them on.

Each option is declared once, as a field of its options class (``viz.option_fields``): the
field's name is the keyword, its default the default, its check runs on every construction.
Two kinds: ``ModelOptions`` (``viz.model.options``, beside the model) pick the graph model
that is drawn (which groups are collapsed, which leaves are parameters), ``DrawOptions`` say
how it is drawn; ``SharedOptions`` are the ones every gradtrace drawing takes, networks
(``viz.network.draw.NetworkOptions``) included. A caller gives them as keyword arguments
(``GraphKeywords`` = ``ModelKeywords`` + ``DrawKeywords``: the same options, typed for type
checkers; a test holds them to the fields). ``STATIC_DRAWING.build`` (``draw``) and
``PLAYER_DRAWING.build`` (the players) check them once, name an option they do not take, and
fill in the defaults; the style's (``style=None`` or none given) is a ``StyleDefault`` that picks
by the graph model, once it is described (``DrawingRequest.drawing_for``): a static drawing
draws a network in the circuit style and anything else in the graph style (``DEFAULT_STYLE``), a
player draws everything in the circuit style (``PLAYER_STYLE``); the style picks the number format.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypedDict

from viz.labels import DEFAULT_GROUP_SYMBOLS
from viz.model.network import is_network
from viz.model.options import DEFAULT_MAX_NODES, MODEL_OPTIONS, ON_OVERFLOW, ModelKeywords, ModelOptions
from viz.number_format import NumberFormat
from viz.option_fields import (
    build,
    check_keywords,
    flag,
    number_or_none,
    one_of,
    option,
    option_names,
    run_checks,
    text,
)
from viz.palette import PALETTES, Palette, get_palette
from viz.styles import STYLES as STYLE_OBJECTS
from viz.styles.style import Style

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from viz.model.graph_model import GraphModel, ValueNode

__all__ = [
    "DEFAULT_MAX_NODES", "DEFAULT_OUTPUT_NAME", "DEFAULT_STYLE", "FIELDS", "ON_OVERFLOW", "PLAYER_DRAWING",
    "PLAYER_STYLE", "RANKDIRS", "STATIC_DRAWING", "STYLES", "DrawKeywords", "DrawOptions", "DrawingKind",
    "DrawingRequest", "GraphKeywords", "ModelKeywords", "ModelOptions", "SharedKeywords", "SharedOptions",
    "StyleDefault",
]

STYLES = tuple(STYLE_OBJECTS)


@dataclass(frozen=True)
class StyleDefault:
    """The style drawn when none is asked for, picked by the graph model: ``network`` for a graph the model finds
    to be a network (``viz.model.network.is_network``: nn's layers and neurons, or a user's scopes nested alike),
    ``other`` for anything else. Its text is what the CLI's ``--help`` says.

    >>> str(DEFAULT_STYLE), str(PLAYER_STYLE)
    ("circuit for a network (scopes nested in scopes, nn's layers), graph otherwise", 'circuit')
    """

    network: str = option("circuit", one_of(STYLES))
    other: str = option("graph", one_of(STYLES))

    def __post_init__(self) -> None:
        run_checks(self)

    def pick(self, model: GraphModel) -> str:
        """The name of the style ``model`` is drawn in."""
        return self.network if is_network(model) else self.other

    def __str__(self) -> str:
        if self.network == self.other:
            return self.other
        return f"{self.network} for a network (scopes nested in scopes, nn's layers), {self.other} otherwise"


# a static drawing's (draw, render, the CLI's diagram): a network as the course draws it (cs231n's gates and wires:
# the graph style's records make the XOR batch loss 4500-5200 px wide), anything else as micrograd does
DEFAULT_STYLE = StyleDefault(network="circuit", other="graph")
PLAYER_STYLE = StyleDefault(network="circuit", other="circuit")  # a player's: the cs231n look, readable in a browser
DEFAULT_OUTPUT_NAME = "f"  # what cs231n calls the function being drawn
RANKDIRS = ("LR", "TB")
FIELDS = ("label", "data", "grad")


def _digits(name: str, value: Any) -> int | None:
    # precision / decimals: checked by the NumberFormat they make (an int from 1 or 0 to 17)
    if value is None:
        return None
    NumberFormat(**{"digits" if name == "precision" else "decimals": value})
    return int(value)


def _palette(name: str, value: Any) -> Palette:
    return value if isinstance(value, Palette) else get_palette(value)


def _style(name: str, value: Any) -> Style:
    if isinstance(value, Style):
        return value
    return STYLE_OBJECTS[one_of(STYLES)(name, DEFAULT_STYLE.other if value is None else value)]


def _show(name: str, value: Any) -> frozenset[str]:
    chosen = (value,) if isinstance(value, str) else value
    if not isinstance(chosen, Iterable):
        raise TypeError(f"{name} must be field names (any of {', '.join(FIELDS)}), not {value!r}")
    shown = frozenset(chosen)
    unknown = shown - set(FIELDS)
    if unknown:
        raise ValueError(f"{name}: unknown fields {sorted(unknown, key=str)}; choose from {', '.join(FIELDS)}")
    return shown


def _group_symbols(name: str, value: Any) -> Mapping[str, str]:
    symbols = DEFAULT_GROUP_SYMBOLS if value is None else value
    if not (isinstance(symbols, Mapping) and all(isinstance(x, str) for item in symbols.items() for x in item)):
        raise TypeError(f"{name} must map group names to text (str to str), or be None; not {value!r}")
    return dict(symbols)


@dataclass(frozen=True)
class SharedOptions:
    """The options every gradtrace drawing takes, graphs and networks alike.

    ``rankdir``: ``"LR"`` or ``"TB"``. ``precision`` (significant digits) or ``decimals``: how
    numbers are written, made into ``number_format`` (``viz.number_format``; neither: the
    drawing's own default, ``default_number_format``). ``palette``: a ``Palette`` or its name
    (``viz.palette``). ``legend``: add the legend.
    """

    rankdir: str = option("LR", one_of(RANKDIRS))
    precision: int | None = option(None, _digits)
    decimals: int | None = option(None, _digits)
    palette: Palette = option(PALETTES["default"], _palette)
    legend: bool = option(True, flag)
    number_format: NumberFormat = field(init=False)

    def __post_init__(self) -> None:
        run_checks(self)
        chosen = NumberFormat.build(self.precision, self.decimals, self.default_number_format())
        object.__setattr__(self, "number_format", chosen)

    def default_number_format(self) -> NumberFormat:
        """How numbers are written when neither ``precision`` nor ``decimals`` is given."""
        return NumberFormat()


class SharedKeywords(TypedDict, total=False):
    """``SharedOptions`` as keyword arguments (``viz.draw`` and ``viz.draw_network`` take them)."""

    rankdir: str
    precision: int | None
    decimals: int | None
    palette: str | Palette
    legend: bool


@dataclass(frozen=True)
class DrawOptions(SharedOptions):
    """How a ``GraphModel`` is drawn: the ``SharedOptions``, and

    ``style``: the ``Style`` that draws (``viz.styles``), or its name: ``"graph"`` (a record
    per value, a small node per op) or ``"circuit"`` (cs231n: gates on wires that carry value
    above, gradient below); it picks the default number format. Options made without a model
    (``None``) say ``"graph"``; ``draw`` picks by the model (``DrawingRequest.drawing_for``). ``show``: which of label,
    data, grad to write. ``clusters``: draw expanded groups as boxes. ``group_symbols``: the
    text of a collapsed group's gate by group name (else its name). ``gradient_scale``: the
    |gradient| that gets the strongest fill (default: the largest drawn); a player fixes it so
    colours mean the same in every frame. ``output_name``: the name of an output that has no
    label (its wire always ends in an arrow and a name).

    >>> DrawOptions(style="circuit").number_format, DrawOptions(precision=3).number_format
    (NumberFormat(digits=2, decimals=2), NumberFormat(digits=3, decimals=None))
    >>> DrawOptions(legend="no")
    Traceback (most recent call last):
    TypeError: legend must be True or False, not 'no'
    """

    style: Style = option(STYLE_OBJECTS[DEFAULT_STYLE.other], _style)
    show: frozenset[str] = option(frozenset(FIELDS), _show)
    clusters: bool = option(True, flag)
    group_symbols: Mapping[str, str] = option(None, _group_symbols)  # None: DEFAULT_GROUP_SYMBOLS
    gradient_scale: float | None = option(None, number_or_none(0.0, above=False))
    output_name: str = option(DEFAULT_OUTPUT_NAME, text)

    def default_number_format(self) -> NumberFormat:
        """The style's: 4 significant digits (graph), 2 decimals (circuit, as the cs231n figure)."""
        return self.style.default_number_format

    def name_of(self, node: ValueNode) -> str:
        """The name a value is drawn with: its label (local inside a box), else ``output_name`` for the output."""
        return node.shown_label(self.clusters) or (self.output_name if node.role == "output" else "")

    @classmethod
    def build(cls, caller: str = "DrawOptions.build", /, **keywords: Unpack[DrawKeywords]) -> DrawOptions:
        """Options from keyword arguments; ``caller`` names the function in the error for an unknown option or value.

        >>> DrawOptions.build("draw_model", precison=3)
        Traceback (most recent call last):
        TypeError: draw_model got an unknown option 'precison' (did you mean 'precision'?); ...
        """
        return build(cls, caller, keywords)


class DrawKeywords(SharedKeywords, total=False):
    """``DrawOptions`` as keyword arguments (see ``viz.draw``).

    ``style=None`` (or none given): the default of whoever draws, picked by the graph (``DEFAULT_STYLE``: the
    circuit style for a network, else the graph style; a player's ``PLAYER_STYLE``: the circuit style).
    """

    style: str | None
    show: Iterable[str]
    clusters: bool
    group_symbols: Mapping[str, str] | None
    gradient_scale: float | None
    output_name: str


class GraphKeywords(DrawKeywords, ModelKeywords, total=False):
    """Everything ``viz.draw`` and the players take as keyword arguments: the model's options and the drawing's."""


DRAW_OPTIONS = option_names(DrawOptions)


@dataclass(frozen=True)
class DrawingRequest:
    """The options a drawing was asked for, checked: ``model_options`` to describe the graph with, then
    ``drawing_for(model)``: the drawing's options, the style given or else the one ``default_style`` picks for it.
    """

    model_options: ModelOptions
    drawing: DrawOptions  # checked; its style is the one given, or a stand-in until the model is known
    default_style: StyleDefault | None  # None: a style was given

    def drawing_for(self, model: GraphModel) -> DrawOptions:
        """The drawing's options for ``model`` (the model ``model_options`` described).

        >>> from nn import MLP
        >>> from viz.model.graph_model import describe
        >>> request = STATIC_DRAWING.build("draw", {"precision": 3})
        >>> network = describe(MLP(2, [2, 1], seed=0)([1.0, 2.0]), request.model_options)
        >>> request.drawing_for(network).style.name, request.drawing_for(network).number_format.digits
        ('circuit', 3)
        """
        if self.default_style is None:
            return self.drawing
        return replace(self.drawing, style=STYLE_OBJECTS[self.default_style.pick(model)])


@dataclass(frozen=True)
class DrawingKind:
    """What one kind of graph drawing takes: a static drawing's options (``STATIC_DRAWING``) or a player's.

    ``default_style``: picks the style drawn when none is asked for; ``not_taken``: the keywords it refuses.
    """

    default_style: StyleDefault
    not_taken: frozenset[str] = frozenset()

    def build(self, caller: str, keywords: Mapping[str, Any]) -> DrawingRequest:
        """The model's and the drawing's options from ``GraphKeywords``, checked once; ``caller`` names the function.

        >>> request = PLAYER_DRAWING.build("backprop_steps", {"collapse": ["sigmoid gate"], "style": None})
        >>> request.model_options.collapse, request.default_style
        (('sigmoid gate',), StyleDefault(network='circuit', other='circuit'))
        >>> PLAYER_DRAWING.build("backprop_steps", {"show": ["data"]})
        Traceback (most recent call last):
        TypeError: backprop_steps got an unknown option 'show'; it takes clusters, collapse, ...
        """
        check_keywords(caller, keywords, {*DRAW_OPTIONS, *MODEL_OPTIONS} - self.not_taken)
        drawing = {name: value for name, value in keywords.items() if name not in MODEL_OPTIONS}
        default = self.default_style if drawing.get("style") is None else None
        if default is not None:  # a stand-in, so every option is checked before the graph is described
            drawing["style"] = default.other
        model = {name: value for name, value in keywords.items() if name in MODEL_OPTIONS}
        return DrawingRequest(build(ModelOptions, caller, model), build(DrawOptions, caller, drawing), default)


STATIC_DRAWING = DrawingKind(DEFAULT_STYLE)
# a frame writes every field, on one colour scale the player fixes from every frame
PLAYER_DRAWING = DrawingKind(PLAYER_STYLE, frozenset({"show", "gradient_scale"}))
