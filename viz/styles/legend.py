"""The legend under a diagram: the gradient colour scale, what "—" means, the style's own rows, and notes.

It is an HTML-like table used as the graph's label, so it never moves the diagram's nodes.
Every row has a heading and five equal columns (the five colour swatches); shorter rows end
in empty cells and text spans the columns, so no row stretches another's cells. What a style
encodes (what fills show, roles, names, wires) comes from the style's ``legend_rows``.

Each cell holds one piece of text in one font: Graphviz places the pieces of a mixed line
with its own font metrics, which differ from a browser's, so a sentence split across fonts
shows gaps or overlaps in the browser.

A note about stale gradients (``GraphModel.stale``) is shown even without the legend.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from viz.escaping import html_text
from viz.number_format import NO_GRADIENT, format_number
from viz.palette import gradient_fill

if TYPE_CHECKING:
    from viz.model.graph_model import GraphModel
    from viz.options import DrawOptions
    from viz.styles.style import LegendRow

_SWATCH_STEPS = (-1.0, -0.25, 0.0, 0.25, 1.0)
LEGEND_COLUMNS = len(_SWATCH_STEPS)
_NOTE_WIDTH = 60  # characters: narrower than the legend's five columns


def _row(title: str, cells: Sequence[str], used_columns: int, faint: str) -> str:
    heading = f'<TD ALIGN="LEFT"><FONT COLOR="{faint}">{title}</FONT></TD>'
    # empty cells of the columns' width, so every column keeps its width in every row
    filler = '<TD WIDTH="60"></TD>' * (LEGEND_COLUMNS - used_columns)
    return f"<TR>{heading}{''.join(cells)}{filler}</TR>"


def graph_label(model: GraphModel, options: DrawOptions, scale: float, style_rows: Sequence[LegendRow],
                samples: int = 1) -> str | None:
    """The legend (if ``options.legend``) and the notes as an HTML-like DOT label (``<...>``), or None.

    ``samples``: how many samples a network's loss runs through (``viz.model.network``), noted when several.
    """
    # the legend and the notes are separate tables, so a long note never widens the legend's columns
    tables = [_table(rows) for rows in (legend_rows(model, options, scale, style_rows) if options.legend else [],
                                         note_rows(model, options, samples)) if rows]
    if not tables:
        return None
    if len(tables) == 1:
        return f"<{tables[0]}>"
    cells = "".join(f'<TR><TD ALIGN="LEFT">{table}</TD></TR>' for table in tables)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">{cells}</TABLE>>'


def _table(rows: Sequence[str]) -> str:
    return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="4" CELLPADDING="3" ALIGN="LEFT">{"".join(rows)}</TABLE>'


def note_rows(model: GraphModel, options: DrawOptions, samples: int = 1) -> list[str]:
    """The notes: how a batch loss is drawn (``samples`` > 1), and the leaves whose gradient this graph
    does not explain, with the remedy."""
    palette = options.palette
    sentences = []  # (heading, sentence, colour): the batch note reads as the legend does, a warning in red
    if samples > 1:
        sentences.append(("batch", f"{samples} samples share the parameters, drawn once in the first sample's boxes; "
                                   "the other samples are one gate per layer (their parameter wires are not drawn); "
                                   f"a parameter's gradient sums its {samples} samples' contributions", palette.ink))
    if model.stale:
        names = [options.name_of(model.value(node_id)) or node_id for node_id in model.stale]
        shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
        verb = "holds" if len(names) == 1 else "hold"
        sentences.append(("note", f"{shown} {verb} more gradient than this graph sends back"
                                  " (an earlier backward(), or another graph built from the same leaves)",
                          palette.grad_text))
        sentences.append(("remedy", "call zero_grad() (or set .grad = 0) before backward(), or build the graph "
                                    "from fresh leaves", palette.grad_text))
    rows = []
    for heading, sentence, colour in sentences:
        # short whole lines, each one piece of text, so the note never widens the legend's columns
        for k, line in enumerate(textwrap.wrap(sentence, _NOTE_WIDTH, break_long_words=False)):
            title = f'<FONT COLOR="{colour}">{heading}</FONT>' if k == 0 else ""
            rows.append(f'<TR><TD ALIGN="LEFT">{title}</TD>'
                        f'<TD ALIGN="LEFT"><FONT COLOR="{colour}">{html_text(line)}</FONT></TD></TR>')
    return rows


def legend_rows(model: GraphModel, options: DrawOptions, scale: float, style_rows: Sequence[LegendRow]) -> list[str]:
    """The legend's rows (HTML-like table rows): the gradient scale, then the style's rows."""
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
    return rows
