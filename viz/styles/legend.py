"""The legend under a diagram: the gradient colour scale, what "—" means, then the style's own rows.

It is an HTML-like table used as the graph's label, so it never moves the diagram's nodes.
Every row has a heading and five equal columns (the five colour swatches); shorter rows end
in empty cells and text spans the columns, so no row stretches another's cells. What a style
encodes (roles, wires) comes from the style's ``legend_rows``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from viz.number_format import NO_GRADIENT, format_number
from viz.palette import gradient_fill

if TYPE_CHECKING:
    from viz.model.graph_model import GraphModel
    from viz.options import DrawOptions
    from viz.styles.style import LegendRow

_SWATCH_STEPS = (-1.0, -0.25, 0.0, 0.25, 1.0)
LEGEND_COLUMNS = len(_SWATCH_STEPS)


def _row(title: str, cells: Sequence[str], used_columns: int, faint: str) -> str:
    heading = f'<TD ALIGN="LEFT"><FONT COLOR="{faint}">{title}</FONT></TD>'
    # empty cells of the columns' width, so every column keeps its width in every row
    filler = '<TD WIDTH="60"></TD>' * (LEGEND_COLUMNS - used_columns)
    return f"<TR>{heading}{''.join(cells)}{filler}</TR>"


def legend_label(model: GraphModel, options: DrawOptions, scale: float, style_rows: Sequence[LegendRow]) -> str:
    """The legend as an HTML-like DOT label (``<...>``), for the graph attribute ``label``."""
    palette = options.palette
    box = f'COLOR="{palette.faint}" WIDTH="60"'
    if model.has_gradients:
        cells = [
            f'<TD BGCOLOR="{gradient_fill(step * scale, scale, palette)}" BORDER="1" {box}>'
            f"{format_number(step * scale, options.number_format)}</TD>"
            for step in _SWATCH_STEPS
        ]
    else:
        cells = [
            f'<TD BGCOLOR="{palette.missing}" BORDER="1" {box}>{NO_GRADIENT}</TD>',
            f'<TD COLSPAN="{LEGEND_COLUMNS - 1}" ALIGN="LEFT">not computed yet: run backward()</TD>',
        ]
    rows = [_row("gradient", cells, LEGEND_COLUMNS, palette.faint)]
    rows.extend(_row(row.title, row.cells, row.columns, palette.faint) for row in style_rows)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="4" CELLPADDING="3">{"".join(rows)}</TABLE>>'
