"""The drawing options: their one home. ``draw``, the player, ``render`` and the CLI pass them through.

A caller gives them as keyword arguments (``DrawKeywords``); ``DrawOptions.build`` checks them
once, names an option it does not know, and fills in the defaults (the style's number format).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from viz.labels import DEFAULT_GROUP_SYMBOLS
from viz.number_format import NumberFormat
from viz.palette import PALETTES, Palette, get_palette
from viz.styles import STYLES as STYLE_OBJECTS
from viz.styles.style import Style

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from viz.model.graph_model import ValueNode

STYLES = tuple(STYLE_OBJECTS)
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
    """The options of a graph's drawing as keyword arguments (see ``DrawOptions.build`` and ``viz.draw``)."""

    style: str
    show: Iterable[str]
    clusters: bool
    group_symbols: Mapping[str, str] | None
    gradient_scale: float | None
    output_name: str


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

    style: Style = STYLE_OBJECTS["graph"]
    rankdir: str = "LR"
    number_format: NumberFormat = STYLE_OBJECTS["graph"].default_number_format
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
        return cls._from(caller, **keywords)

    @classmethod
    def _from(
        cls,
        caller: str,
        /,
        *,
        style: str = "graph",
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


# the options that pick and shape the graph model, beside the drawing options (see ``viz.draw``)
MODEL_OPTIONS = ("collapse", "max_nodes", "on_overflow", "parameters")


def check_keywords(caller: str, keywords: Mapping[str, Any], known: Iterable[str]) -> None:
    """Raise ``TypeError`` naming the first keyword ``caller`` does not take, with the closest it does."""
    accepted = sorted(known)
    for name in keywords:
        if name not in accepted:
            close = difflib.get_close_matches(name, [*accepted, *MODEL_OPTIONS], n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise TypeError(f"{caller} got an unknown option {name!r}{hint}; it takes {', '.join(accepted)}")
