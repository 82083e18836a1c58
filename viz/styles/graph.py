"""Style ``"graph"``: the micrograd look, improved.

One record per value (``label | data | grad``, filled by the gradient on the diverging scale,
the border showing its role), one small node per operation, a small constant node for a
number operand, and one edge per use of an input, in input order. A collapsed group is a
rounded box. Element ids are the graph model's (``n7``, ``g7``, ``g7_in0``, ``g7_out0``);
a constant is ``g7_const`` with the edge ``g7_const_in``.

Inside value ``n7``'s SVG group the text elements come in field order: the label's lines,
then ``data …``, then ``grad …`` (a player re-labels the last one per frame).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import TYPE_CHECKING

import graphviz

from viz.escaping import plain_label, record_field
from viz.labels import constant_text, gate_wire, group_text, is_operand_constant, op_text
from viz.number_format import NumberFormat, format_number
from viz.palette import gradient_fill
from viz.styles.canvas import FONT, Canvas
from viz.styles.legend import LEGEND_COLUMNS
from viz.styles.style import LegendRow, Paint, State, Style, svg_shape

if TYPE_CHECKING:
    from viz.model.graph_model import Gate, GraphModel, ValueNode
    from viz.options import DrawOptions

# the border that shows a value's role (the legend draws the same)
ROLE_BORDERS: dict[str, dict[str, str]] = {
    "input": {"style": "filled", "penwidth": "1.2"},
    "parameter": {"style": "filled,dashed", "penwidth": "1.4"},
    "output": {"style": "filled", "penwidth": "3"},
    "intermediate": {"style": "filled", "penwidth": "0.8"},
    "constant": {"style": "filled,dotted", "penwidth": "1.2"},  # a number drawn as a network's input
}
# a number operand's small node (no penwidth: Graphviz's 1)
CONSTANT_BORDER: dict[str, str] = {"style": "rounded,dotted"}
# the roles the legend explains, in its order (intermediate values need no explaining)
LEGEND_ROLES = ("input", "parameter", "output", "constant")


class GraphStyle(Style):
    """The micrograd look (see the module docstring)."""

    name = "graph"
    default_number_format = NumberFormat(digits=4)

    def graph_attributes(self, options: DrawOptions) -> dict[str, str]:
        return {"nodesep": "0.18", "ranksep": "0.3"}

    def network_attributes(self, options: DrawOptions) -> dict[str, str]:
        return {"nodesep": "0.05"}

    def emit(self, model: GraphModel, options: DrawOptions, scale: float, canvas: Canvas,
             grad_texts: Mapping[str, str] | None = None) -> None:
        palette = options.palette
        for node in model.values:
            canvas.node(
                node.id,
                node.group,
                shape="Mrecord",
                label=record_label(node, options, None if grad_texts is None else grad_texts[node.id]),
                fillcolor=gradient_fill(node.grad, scale, palette),
                color=palette.ink,
                fontname=FONT,
                fontsize="11",
                **ROLE_BORDERS[node.role],
            )
        names = {options.name_of(node) for node in model.values}
        for gate in model.gates:
            _emit_gate(gate, model, options, canvas, gate_wire(gate, model, options, names))

    def field_text(self, field: str, text: str) -> str:
        return _named_field(field, text)

    def value_elements(self, group: ET.Element, options: DrawOptions) -> dict[str, ET.Element]:
        # the record's texts in field order: label lines, "data …", "grad …"
        texts = group.findall("text")
        return {"data": texts[-2], "grad": texts[-1], "shape": svg_shape(group)}

    def value_state(self, value_id: str, grad: float | None, feeding: bool, paint: Paint) -> State:
        return {f"{value_id}.shape": {"fill": paint.fill(grad)}}

    def gate_state(self, gate: Gate, output_grad: float | None, paint: Paint) -> State:
        return {}  # op nodes stay grey: the records carry the gradients

    def legend_rows(self, model: GraphModel, options: DrawOptions) -> list[LegendRow]:
        roles: set[str] = {node.role for node in model.values}
        if any(gate.const is not None and is_operand_constant(gate.op) for gate in model.gates):
            roles.add("constant")
        cells = tuple(
            f'<TD {_legend_border(CONSTANT_BORDER if role == "constant" else ROLE_BORDERS[role])} '
            f'COLOR="{options.palette.ink}" WIDTH="60">{role}</TD>'
            for role in LEGEND_ROLES if role in roles
        )
        fill = (f'<TD COLSPAN="{LEGEND_COLUMNS}" ALIGN="LEFT">a value is filled by its gradient; ops stay grey</TD>',)
        return [LegendRow("fill", fill, LEGEND_COLUMNS), *([LegendRow("roles", cells, len(cells))] if cells else [])]


def _named_field(field: str, text: str) -> str:
    """A record field's text: named (``grad 0.2000``); an empty one says there is none (a constant's gradient).

    >>> _named_field("grad", "0.2000"), _named_field("grad", "")
    ('grad 0.2000', 'no grad')
    """
    return f"{field} {text}" if text else f"no {field}"


def _legend_border(border: Mapping[str, str]) -> str:
    """A node border as a legend table cell's border: the same width (rounded to whole points) and dashes.

    >>> _legend_border(ROLE_BORDERS["parameter"]), _legend_border(ROLE_BORDERS["output"])
    ('BORDER="1" STYLE="rounded,dashed"', 'BORDER="3" STYLE="rounded"')
    """
    width = max(1, round(float(border.get("penwidth", "1"))))
    lines = [part for part in border["style"].split(",") if part in ("dashed", "dotted")]
    return f'BORDER="{width}" STYLE="{",".join(["rounded", *lines])}"'


def record_label(node: ValueNode, options: DrawOptions, grad_text: str | None = None) -> str:
    """The record label of a value: ``{label|data 2.0000|grad -0.1966}`` (braces in LR, so the fields sit side by side).

    ``grad_text``: what the gradient field says instead of the formatted gradient.

    >>> from viz.model.graph_model import ValueNode
    >>> from viz.options import DrawOptions
    >>> record_label(ValueNode("n0", "w0", 2.0, None, "input", None), DrawOptions())
    '{w0|data 2.000|grad —}'
    """
    fields = []
    name = options.name_of(node)
    if "label" in options.show and name:
        fields.append(record_field(name))
    if "data" in options.show:
        fields.append(record_field(f"data {format_number(node.data, options.number_format)}"))
    if "grad" in options.show:
        text = node.gradient_text(node.grad, options.number_format) if grad_text is None else grad_text
        fields.append(record_field(_named_field("grad", text)))
    body = "|".join(fields) or record_field(node.id)
    # nohtml: a label that happens to start with "<" and end with ">" is still a record, not HTML
    return graphviz.nohtml("{" + body + "}" if options.rankdir == "LR" else body)  # type: ignore[no-any-return]


def _emit_gate(gate: Gate, model: GraphModel, options: DrawOptions, canvas: Canvas, wire: str) -> None:
    palette = options.palette
    if gate.collapsed is not None:
        group = model.group(gate.collapsed)
        canvas.node(
            gate.id,
            gate.group,
            shape="box",
            style="rounded,filled",
            label=plain_label(group_text(group, options.group_symbols, options.clusters)),
            fillcolor=palette.cluster_fill,
            color=palette.ink,
            penwidth="1.4",
            fontname=FONT,
            fontsize="12",
        )
    else:
        canvas.node(
            gate.id,
            gate.group,
            shape="circle",
            style="filled",
            label=plain_label(op_text(gate.op, gate.const, wire)),
            fillcolor="#eeeeee",
            color=palette.faint,
            fontname=FONT,
            fontsize="11",
            margin="0.02",
            width="0.3",
        )
    constant = gate.const is not None and is_operand_constant(gate.op)
    if constant and gate.const_left:
        _emit_constant(gate, options, canvas)
    for edge_id in gate.wires:
        edge = model.edge(edge_id)
        canvas.edge(edge.id, edge.source, gate.id, color=palette.ink, arrowsize="0.6")
    if constant and not gate.const_left:
        _emit_constant(gate, options, canvas)
    for edge_id, output in zip(gate.output_edges, gate.outputs, strict=True):
        canvas.edge(edge_id, gate.id, output, color=palette.ink, arrowsize="0.6")


def _emit_constant(gate: Gate, options: DrawOptions, canvas: Canvas) -> None:
    assert gate.const is not None
    palette = options.palette
    name = f"{gate.id}_const"
    canvas.node(
        name,
        gate.group,
        shape="box",
        **CONSTANT_BORDER,
        label=plain_label(constant_text(gate.const)),
        color=palette.faint,
        fontcolor=palette.faint,
        fontname=FONT,
        fontsize="10",
        margin="0.04,0.02",
        width="0.2",
        height="0.2",
    )
    canvas.edge(f"{name}_in", name, gate.id, color=palette.faint, style="dotted", arrowsize="0.5")
    canvas.same_rank(gate.group, [name, gate.id])
