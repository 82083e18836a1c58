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

import graphviz

from viz.escaping import plain_label, record_field
from viz.labels import constant_text, format_gradient, format_number, is_operand_constant, op_text
from viz.model.graph_model import Gate, GraphModel, ValueNode
from viz.options import DrawOptions
from viz.palette import gradient_fill
from viz.styles.canvas import FONT, Canvas

# the border that shows a value's role (the legend draws the same)
ROLE_BORDERS: dict[str, dict[str, str]] = {
    "input": {"style": "filled", "penwidth": "1.2"},
    "parameter": {"style": "filled,dashed", "penwidth": "1.4"},
    "output": {"style": "filled", "penwidth": "3"},
    "intermediate": {"style": "filled", "penwidth": "0.8"},
}


def graph_attributes(options: DrawOptions) -> dict[str, str]:
    """Layout settings of the graph style."""
    return {"nodesep": "0.18", "ranksep": "0.3"}


def record_label(node: ValueNode, options: DrawOptions) -> str:
    """The record label of a value: ``{label|data 2.0000|grad -0.1966}`` (braces in LR, so the fields sit side by side).

    >>> from viz.model.graph_model import ValueNode
    >>> record_label(ValueNode("n0", "w0", 2.0, None, "input", None), DrawOptions())
    '{w0|data 2.0000|grad —}'
    """
    fields = []
    if "label" in options.show and node.label:
        fields.append(record_field(node.label))
    if "data" in options.show:
        fields.append(record_field(f"data {format_number(node.data, options.number_format)}"))
    if "grad" in options.show:
        fields.append(record_field(f"grad {format_gradient(node.grad, options.number_format)}"))
    body = "|".join(fields) or record_field(node.id)
    # nohtml: a label that happens to start with "<" and end with ">" is still a record, not HTML
    return graphviz.nohtml("{" + body + "}" if options.rankdir == "LR" else body)  # type: ignore[no-any-return]


def emit(model: GraphModel, options: DrawOptions, scale: float, canvas: Canvas) -> None:
    """Add the graph style's nodes and edges for ``model`` to ``canvas``."""
    palette = options.palette
    for node in model.values:
        canvas.node(
            node.id,
            node.group,
            shape="Mrecord",
            label=record_label(node, options),
            fillcolor=gradient_fill(node.grad, scale, palette),
            color=palette.ink,
            fontname=FONT,
            fontsize="11",
            **ROLE_BORDERS[node.role],
        )
    for gate in model.gates:
        _emit_gate(gate, model, options, canvas)


def _emit_gate(gate: Gate, model: GraphModel, options: DrawOptions, canvas: Canvas) -> None:
    palette = options.palette
    if gate.collapsed is not None:
        group = model.group(gate.collapsed)
        canvas.node(
            gate.id,
            gate.group,
            shape="box",
            style="rounded,filled",
            label=plain_label(options.group_symbols.get(group.name, group.name)),
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
            label=plain_label(op_text(gate.op, gate.const)),
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
    for edge_id in gate.inputs:
        edge = model.edge(edge_id)
        canvas.edge(edge.id, edge.source, gate.id, color=palette.ink, arrowsize="0.6")
    if constant and not gate.const_left:
        _emit_constant(gate, options, canvas)
    for k, output in enumerate(gate.outputs):
        canvas.edge(f"{gate.id}_out{k}", gate.id, output, color=palette.ink, arrowsize="0.6")


def _emit_constant(gate: Gate, options: DrawOptions, canvas: Canvas) -> None:
    assert gate.const is not None
    palette = options.palette
    name = f"{gate.id}_const"
    canvas.node(
        name,
        gate.group,
        shape="box",
        style="rounded,dotted",
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
