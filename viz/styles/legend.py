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

    ``samples``: how many samples a network's loss runs through (``viz.model.network``), noted when several,
    beside the legend (a batch drawing is wide, and a note under the legend would make it taller than a slide);
    the stale-gradient note goes under both.
    """
    # separate tables, so a long note never widens the legend's columns
    legend = legend_rows(model, options, scale, style_rows) if options.legend else []
    beside = [_table(rows) for rows in (legend, batch_rows(options, samples)) if rows]
    below = [_table(rows) for rows in (stale_rows(model, options),) if rows]
    if len(beside) + len(below) == 1:
        return f"<{(beside + below)[0]}>"
    top = "".join(f'<TD ALIGN="LEFT" VALIGN="TOP">{table}</TD>' for table in beside)
    cells = f"<TR>{top}</TR>" if top else ""
    cells += "".join(f'<TR><TD ALIGN="LEFT" COLSPAN="{max(len(beside), 1)}">{table}</TD></TR>' for table in below)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">{cells}</TABLE>>' if cells else None


def _table(rows: Sequence[str]) -> str:
    return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="4" CELLPADDING="3" ALIGN="LEFT">{"".join(rows)}</TABLE>'


def batch_rows(options: DrawOptions, samples: int) -> list[str]:
    """How a batch loss is drawn (``samples`` > 1): the parameters once, the later samples as gates, gradients summed.

    >>> from viz.options import DrawOptions
    >>> len(batch_rows(DrawOptions(), 1)), "summed over the 4 samples" in " ".join(batch_rows(DrawOptions(), 4))
    (0, True)
    """
    if samples < 2:
        return []
    later = "sample 2" if samples == 2 else f"samples 2–{samples}"
    return _note_rows("batch", f"gradients summed over the {samples} samples: the parameters are drawn once, in "
                               f"sample 1's boxes; {later} drawn as one gate each (their parameter wires left out)",
                      options.palette.ink)


def stale_rows(model: GraphModel, options: DrawOptions) -> list[str]:
    """The leaves whose gradient this graph does not explain, with the remedy (none: no rows)."""
    if not model.stale:
        return []
    names = [options.name_of(model.value(node_id)) or node_id for node_id in model.stale]
    shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
    verb = "holds" if len(names) == 1 else "hold"
    colour = options.palette.grad_text  # a warning, in red
    return [
        *_note_rows("note", f"{shown} {verb} more gradient than this graph sends back"
                            " (an earlier backward(), or another graph built from the same leaves)", colour),
        *_note_rows("remedy", "call zero_grad() (or set .grad = 0) before backward(), or build the graph "
                              "from fresh leaves", colour),
    ]


def _note_rows(heading: str, sentence: str, colour: str) -> list[str]:
    """A note as short whole lines, each one piece of text, under its heading."""
    rows = []
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
