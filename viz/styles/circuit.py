"""Style ``"circuit"``: the cs231n look.

Gates are circles labelled with their operation, number operands folded in (``*-1``, ``+1``,
``1/x``); a collapsed group is a rounded box (``σ``). Values travel on wires: each value is
a small two-row table sitting on its wire, the value above the line (green) and the
gradient below (red), the table's rule continuing the wire (with ``rankdir="TB"`` value and
gradient sit left and right of a vertical wire). Inputs and the output carry their names
(parameters in italics, the output in bold).

Element ids are the graph model's: the wire table of value ``n7`` is node ``n7`` (its SVG
text elements: the value, then the gradient), the gate is ``g7`` (or ``s2``), the wire
pieces are ``g7_out0`` (gate to table) and ``g9_in1`` (table to the gate that uses it).
An input's or the output's name is node ``n7_name`` joined by edge ``n7_name_edge``.
"""

from __future__ import annotations

from viz.escaping import html_text, plain_label
from viz.labels import format_gradient, format_number, gate_text
from viz.model.graph_model import Gate, GraphModel, ValueNode
from viz.options import DrawOptions
from viz.palette import gradient_fill
from viz.styles.canvas import FONT, Canvas

# a no-break space keeps an empty row as tall as a written one, so the rule stays on the wire
_EMPTY_CELL = "&#160;"
# where wires attach to a value's table: (incoming, outgoing) compass points per rankdir
_PORTS = {"LR": ("w", "e"), "TB": ("n", "s")}
# names: parameters in italics, the output in bold (PostScript font names, which Graphviz maps for SVG)
_NAME_FONTS = {"parameter": f"{FONT}-Oblique", "output": f"{FONT}-Bold"}


def graph_attributes(options: DrawOptions) -> dict[str, str]:
    """Layout settings of the circuit style."""
    return {"nodesep": "0.25", "ranksep": "0.2"}


def wire_label(node: ValueNode, options: DrawOptions) -> str:
    """The HTML-like table a value sits in on its wire: value, rule, gradient.

    >>> from viz.model.graph_model import ValueNode
    >>> label = wire_label(ValueNode("n0", "w0", 2.0, None, "input", None), DrawOptions(style="circuit"))
    >>> for part in label.split("<HR/>"): print(part)
    <<TABLE ...><TR><TD><FONT COLOR="#1b7f3b">2.0000</FONT></TD></TR>
    <TR><TD><FONT COLOR="#c62828">—</FONT></TD></TR></TABLE>>
    """
    palette = options.palette
    value = grad = _EMPTY_CELL
    if "data" in options.show:
        text = html_text(format_number(node.data, options.number_format))
        value = f'<FONT COLOR="{palette.value_text}">{text}</FONT>'
    if "grad" in options.show:
        text = html_text(format_gradient(node.grad, options.number_format))
        grad = f'<FONT COLOR="{palette.grad_text}">{text}</FONT>'
    if options.rankdir == "LR":
        rows = f"<TR><TD>{value}</TD></TR><HR/><TR><TD>{grad}</TD></TR>"
    else:
        rows = f"<TR><TD>{value}</TD><VR/><TD>{grad}</TD></TR>"
    table = f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1" COLOR="{palette.ink}">'
    return f"<{table}{rows}</TABLE>>"


def emit(model: GraphModel, options: DrawOptions, scale: float, canvas: Canvas) -> None:
    """Add the circuit style's nodes and edges for ``model`` to ``canvas``."""
    palette = options.palette
    incoming, outgoing = _PORTS[options.rankdir]
    wire = {"color": palette.ink, "penwidth": "1.2"}
    named = "label" in options.show
    for node in model.values:
        canvas.node(node.id, node.group, shape="plain", label=wire_label(node, options), fontname=FONT, fontsize="11")
        leaf = node.role in ("input", "parameter")
        if named and node.label and (leaf or node.id == model.root):
            name = f"{node.id}_name"
            canvas.node(name, node.group, shape="plain", label=plain_label(node.label),
                        fontname=_NAME_FONTS.get(node.role, FONT), fontsize="13", fontcolor=palette.ink)
            if leaf:
                canvas.edge(f"{name}_edge", name, node.id, headport=incoming, arrowhead="none", **wire)
            else:
                canvas.edge(f"{name}_edge", node.id, name, tailport=outgoing, arrowsize="0.7", **wire)
    for gate in model.gates:
        _emit_gate(gate, model, options, scale, canvas)
        for edge_id in gate.inputs:
            edge = model.edge(edge_id)
            canvas.edge(edge.id, edge.source, gate.id, tailport=outgoing, arrowsize="0.7", **wire)
        for k, output in enumerate(gate.outputs):
            canvas.edge(f"{gate.id}_out{k}", gate.id, output, headport=incoming, arrowhead="none", **wire)


def _emit_gate(gate: Gate, model: GraphModel, options: DrawOptions, scale: float, canvas: Canvas) -> None:
    palette = options.palette
    # a gate is filled by the gradient of what it computes (a gate with several outputs stays neutral)
    grad = model.value(gate.outputs[0]).grad if len(gate.outputs) == 1 else None
    common = {
        "style": "filled",
        "fillcolor": gradient_fill(grad, scale, palette),
        "color": palette.ink,
        "fontname": FONT,
        "penwidth": "1.2",
    }
    if gate.collapsed is not None:
        group = model.group(gate.collapsed)
        text = options.group_symbols.get(group.name, group.name)
        box = {**common, "style": "rounded,filled", "penwidth": "1.6"}
        canvas.node(gate.id, gate.group, shape="box", label=plain_label(text), fontsize="14", margin="0.1,0.06",
                    width="0.5", **box)
    else:
        text = gate_text(gate.op, gate.const, gate.const_left)
        canvas.node(gate.id, gate.group, shape="circle", label=plain_label(text), fontsize="12", margin="0.03",
                    width="0.42", **common)
