"""The drawing options shared by both styles, checked once when they are made."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from viz.labels import DEFAULT_GROUP_SYMBOLS, check_number_format
from viz.palette import PALETTES, Palette, get_palette

STYLES = ("graph", "circuit")
RANKDIRS = ("LR", "TB")
FIELDS = ("label", "data", "grad")
# Default precision per style: micrograd's four decimals, the cs231n figure's two.
DEFAULT_NUMBER_FORMATS: Mapping[str, str] = {"graph": ".4f", "circuit": ".2f"}


@dataclass(frozen=True)
class DrawOptions:
    """How a ``GraphModel`` is drawn.

    ``style``: ``"graph"`` (a record per value, a small node per op) or ``"circuit"`` (cs231n:
    gates on wires that carry value above, gradient below). ``rankdir``: ``"LR"`` or ``"TB"``.
    ``number_format``: a float format spec. ``show``: which of label, data, grad to write.
    ``clusters``: draw expanded groups as boxes. ``legend``: add the colour legend.
    ``group_symbols``: the text of a collapsed group's gate by group name (else its name).
    ``gradient_scale``: the |gradient| that gets the strongest fill (default: the largest
    drawn); a player fixes it so colours mean the same in every frame.
    """

    style: str = "graph"
    rankdir: str = "LR"
    number_format: str = DEFAULT_NUMBER_FORMATS["graph"]
    show: frozenset[str] = frozenset(FIELDS)
    palette: Palette = field(default_factory=lambda: PALETTES["default"])
    clusters: bool = True
    legend: bool = True
    group_symbols: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_GROUP_SYMBOLS))
    gradient_scale: float | None = None

    def __post_init__(self) -> None:
        if self.style not in STYLES:
            raise ValueError(f"unknown style {self.style!r}; choose one of {', '.join(STYLES)}")
        if self.rankdir not in RANKDIRS:
            raise ValueError(f"unknown rankdir {self.rankdir!r}; choose one of {', '.join(RANKDIRS)}")
        check_number_format(self.number_format)
        unknown = set(self.show) - set(FIELDS)
        if unknown:
            raise ValueError(f"show: unknown fields {sorted(unknown)}; choose from {', '.join(FIELDS)}")
        if self.gradient_scale is not None and not self.gradient_scale >= 0.0:
            raise ValueError(f"gradient_scale must be a number >= 0, not {self.gradient_scale!r}")

    @classmethod
    def build(
        cls,
        *,
        style: str = "graph",
        rankdir: str = "LR",
        precision: int | None = None,
        number_format: str | None = None,
        show: Iterable[str] = FIELDS,
        palette: str | Palette = "default",
        clusters: bool = True,
        legend: bool = True,
        group_symbols: Mapping[str, str] | None = None,
        gradient_scale: float | None = None,
    ) -> DrawOptions:
        """Options from ``draw``'s keyword arguments: ``precision`` (decimals) or ``number_format``, a palette by name.

        >>> DrawOptions.build(style="circuit").number_format, DrawOptions.build(precision=3).number_format
        ('.2f', '.3f')
        """
        if precision is not None and number_format is not None:
            raise ValueError("give precision or number_format, not both")
        if precision is not None:
            if not isinstance(precision, int) or isinstance(precision, bool) or not 0 <= precision <= 20:
                raise ValueError(f"precision must be an int from 0 to 20, not {precision!r}")
            number_format = f".{precision}f"
        if isinstance(show, str):
            show = (show,)
        return cls(
            style=style,
            rankdir=rankdir,
            number_format=number_format or DEFAULT_NUMBER_FORMATS.get(style, ".4f"),
            show=frozenset(show),
            palette=palette if isinstance(palette, Palette) else get_palette(palette),
            clusters=clusters,
            legend=legend,
            group_symbols=dict(DEFAULT_GROUP_SYMBOLS if group_symbols is None else group_symbols),
            gradient_scale=gradient_scale,
        )
