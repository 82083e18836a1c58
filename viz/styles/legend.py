"""The legend under a diagram: the gradient colour scale, what "—" means, and the node roles shown.

It is an HTML-like table used as the graph's label, so it never moves the diagram's nodes.
Every row has a heading and five equal columns (the five colour swatches); shorter rows end
in empty cells and text spans the columns, so no row stretches another's cells.
"""

from __future__ import annotations

from viz.labels import NO_GRADIENT, format_number, is_operand_constant
from viz.model.graph_model import GraphModel
from viz.options import DrawOptions
from viz.palette import gradient_fill

_SWATCH_STEPS = (-1.0, -0.25, 0.0, 0.25, 1.0)
_COLUMNS = len(_SWATCH_STEPS)
ROLE_ORDER = ("input", "parameter", "output", "constant")
# how each role looks in the graph style (graph_style.ROLE_BORDERS), as a table cell
_ROLE_CELLS = {
    "input": 'BORDER="1" STYLE="rounded"',
    "parameter": 'BORDER="1" STYLE="rounded,dashed"',
    "output": 'BORDER="3" STYLE="rounded"',
    "constant": 'BORDER="1" STYLE="rounded,dotted"',
}
_WIRE_SIDES = {"LR": ("above the wire", "below"), "TB": ("left of the wire", "right")}


def _row(title: str, cells: list[str], used_columns: int, faint: str) -> str:
    heading = f'<TD ALIGN="LEFT"><FONT COLOR="{faint}">{title}</FONT></TD>'
    # empty cells of the columns' width, so every column keeps its width in every row
    filler = '<TD WIDTH="60"></TD>' * (_COLUMNS - used_columns)
    return f"<TR>{heading}{''.join(cells)}{filler}</TR>"


def legend_label(model: GraphModel, options: DrawOptions, scale: float) -> str:
    """The legend as an HTML-like DOT label (``<...>``), for the graph attribute ``label``."""
    palette = options.palette
    box = f'COLOR="{palette.faint}" WIDTH="60"'
    rows: list[str] = []
    if model.has_gradients:
        swatches = [
            f'<TD BGCOLOR="{gradient_fill(step * scale, scale, palette)}" BORDER="1" {box}>'
            f"{format_number(step * scale, options.number_format)}</TD>"
            for step in _SWATCH_STEPS
        ]
        rows.append(_row("gradient", swatches, _COLUMNS, palette.faint))
    else:
        cells = [
            f'<TD BGCOLOR="{palette.missing}" BORDER="1" {box}>{NO_GRADIENT}</TD>',
            f'<TD COLSPAN="{_COLUMNS - 1}" ALIGN="LEFT">not computed yet: run backward()</TD>',
        ]
        rows.append(_row("gradient", cells, _COLUMNS, palette.faint))
    if options.style == "circuit":
        value_side, grad_side = _WIRE_SIDES[options.rankdir]
        wires = (
            f'<TD COLSPAN="{_COLUMNS}" ALIGN="LEFT"><FONT COLOR="{palette.value_text}">value {value_side}</FONT>, '
            f'<FONT COLOR="{palette.grad_text}">gradient {grad_side}</FONT></TD>'
        )
        rows.append(_row("wires", [wires], _COLUMNS, palette.faint))
    else:
        roles: set[str] = {node.role for node in model.values}
        if any(gate.const is not None and is_operand_constant(gate.op) for gate in model.gates):
            roles.add("constant")
        shown = [role for role in ROLE_ORDER if role in roles]
        cells = [f'<TD {_ROLE_CELLS[role]} COLOR="{palette.ink}" WIDTH="60">{role}</TD>' for role in shown]
        if cells:
            rows.append(_row("roles", cells, len(cells), palette.faint))
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="4" CELLPADDING="3">{"".join(rows)}</TABLE>>'
