"""Style ``"circuit"``: the cs231n look.

Gates are circles labelled with their operation, number operands folded in (``*-1``, ``+1``,
``1/x``); a collapsed group is a rounded box (``σ``). Values travel on wires: each value is
a small two-row table sitting on its wire, the value above the line (green) and the
gradient below (red), the table's rule continuing the wire (with ``rankdir="TB"`` value and
gradient sit left and right of a vertical wire). Inputs and the output carry their names
(parameters in italics, the output in bold) at the wire's free end; a labelled intermediate value
(``q`` in (x + y)·z, a network's ``h1[0]``) has its name in grey before its value, on its wire,
so a caption's "q's gradient" can be found in the drawing. Unlabelled wires stay unnamed.

Element ids are the graph model's: the wire table of value ``n7`` is node ``n7`` (its SVG
text elements: the value, then the gradient), the gate is ``g7`` (or ``s2``), the wire
pieces are ``g7_out0`` (gate to table) and ``g9_in1`` (table to the gate that uses it).
An input's or the output's name is node ``n7_name`` joined by edge ``n7_name_edge``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from itertools import pairwise
from typing import TYPE_CHECKING

from viz.escaping import html_text, plain_label
from viz.labels import gate_text, gate_wire, group_text
from viz.number_format import NumberFormat, format_number
from viz.palette import gradient_fill
from viz.styles.canvas import FONT, Canvas
from viz.styles.legend import LEGEND_COLUMNS
from viz.styles.style import LegendRow, Paint, State, Style

if TYPE_CHECKING:
    from viz.model.graph_model import Gate, GraphModel, ValueNode
    from viz.options import DrawOptions

# a no-break space keeps an empty row as tall as a written one, so the rule stays on the wire
_EMPTY_CELL = "&#160;"
# where wires attach to a value's table: (incoming, outgoing) compass points per rankdir
# (TB: the corners of the value cell where the divider runs, so the wire continues the divider)
_PORTS = {"LR": ("w", "e"), "TB": ("value:ne", "value:se")}
# names: parameters in italics, the output in bold (PostScript font names, which Graphviz maps for SVG)
_NAME_FONTS = {"parameter": f"{FONT}-Oblique", "output": f"{FONT}-Bold"}
_WIRE_SIDES = {"LR": ("above the wire", "below the wire"), "TB": ("left of the wire", "right of the wire")}
# the names the legend explains, in its order, and what each says
_NAME_ROLES = (("input", "input"), ("constant", "number input"), ("parameter", "parameter"),
               ("output", "output"))
_LEAF_ROLES = frozenset({"input", "parameter", "constant"})  # wires with a free end at the left
_RULE_GAP = 3.0  # pt between a TB wire and the texts beside it
# the longest gate text drawn in a circle (x*(-1), the cs231n figure's longest); longer texts get an ellipse
_CIRCLE_TEXT = 6


class CircuitStyle(Style):
    """The cs231n look (see the module docstring)."""

    name = "circuit"
    default_number_format = NumberFormat(decimals=2)  # the cs231n figure's two decimals

    def graph_attributes(self, options: DrawOptions) -> dict[str, str]:
        return {"nodesep": "0.25", "ranksep": "0.2"}

    def network_attributes(self, options: DrawOptions) -> dict[str, str]:
        # a neuron's wires come in side by side (its weights' tables between its inputs' wires): the
        # tables keep them apart, so a batch loss's layer of 4 neurons × 4 inputs fits a slide (the
        # XOR loss was 2,873 px tall at 0.25 in); the tighter ranks keep its columns within 1,920 px
        # (1,849 at 0.12; 1,916 at 0.15)
        return {"nodesep": "0.05", "ranksep": "0.12"}

    def emit(self, model: GraphModel, options: DrawOptions, scale: float, canvas: Canvas,
             grad_texts: Mapping[str, str] | None = None) -> None:
        palette = options.palette
        incoming, outgoing = _PORTS[options.rankdir]
        wire = {"color": palette.ink, "penwidth": "1.2"}
        named = "label" in options.show
        for node in model.values:
            shown = options.name_of(node) if named else ""
            leaf = node.role in _LEAF_ROLES
            # in a network a boxed parameter's name is written on its wire (see Canvas.network)
            on_wire = leaf and canvas.is_network and node.group is not None
            end = (leaf and not on_wire) or node.id == model.root  # a wire with a free end: the name sits there
            # a labelled intermediate value's name sits by its value (an unlabelled one has none to show)
            label = wire_label(node, options, None if grad_texts is None else grad_texts[node.id],
                               shown if on_wire or node.role == "intermediate" else "")
            canvas.node(node.id, node.group, shape="plain", label=label, fontname=FONT, fontsize="11")
            # the output's wire always ends in an arrow (and its name, unless names are hidden)
            if (shown and end) or node.id == model.root:
                name = f"{node.id}_name"
                canvas.node(name, node.group, shape="plain", label=plain_label(shown),
                            fontname=_NAME_FONTS.get(node.role, FONT), fontsize="13", fontcolor=palette.ink)
                if leaf:
                    canvas.edge(f"{name}_edge", name, node.id, headport=incoming, arrowhead="none", **wire)
                else:
                    canvas.edge(f"{name}_edge", node.id, name, tailport=outgoing, arrowsize="0.7", **wire)
        names = {options.name_of(node) for node in model.values}
        for gate in model.gates:
            _emit_gate(gate, model, options, scale, canvas, gate_wire(gate, model, options, names))
            for edge_id in gate.wires:
                edge = model.edge(edge_id)
                canvas.edge(edge.id, edge.source, gate.id, tailport=outgoing, arrowsize="0.7", **wire)
            # in a network, a gate's output wire runs straight, so a unit's value (h1[0]) sits level with it
            straight = {"weight": "16"} if canvas.is_network else {}
            for edge_id, output in zip(gate.output_edges, gate.outputs, strict=True):
                canvas.edge(edge_id, gate.id, output, headport=incoming, arrowhead="none", **wire, **straight)
        if options.clusters:
            _order_shared_inputs(model, canvas)

    def field_text(self, field: str, text: str) -> str:
        return text  # the colour and the side of the wire say which is which

    def value_elements(self, group: ET.Element, options: DrawOptions) -> dict[str, ET.Element]:
        texts = group.findall("text")  # [name,] value, gradient
        elements = {"data": texts[-2], "grad": texts[-1]}
        rule = group.find("polygon")
        if rule is not None:
            elements["rule"] = rule
            _hug_rule(texts[-2], texts[-1], rule, options.rankdir)  # the value, not a name before it
        return elements

    def value_state(self, value_id: str, grad: float | None, feeding: bool, paint: Paint) -> State:
        # the wires the gate being worked uses light up, the value's rule with them
        rule = f"{value_id}.rule"
        return {rule: paint.line(rule, feeding)} if paint.has(rule) else {}

    def gate_state(self, gate: Gate, output_grad: float | None, paint: Paint) -> State:
        return {f"{gate.id}.shape": {"fill": paint.fill(output_grad)}}

    def legend_rows(self, model: GraphModel, options: DrawOptions) -> list[LegendRow]:
        # one piece of text per cell (see viz.styles.legend)
        palette = options.palette
        value_side, grad_side = _WIRE_SIDES[options.rankdir]
        wires = (
            f'<TD COLSPAN="2" ALIGN="LEFT"><FONT COLOR="{palette.value_text}">value {value_side}</FONT></TD>',
            f'<TD COLSPAN="2" ALIGN="LEFT"><FONT COLOR="{palette.grad_text}">gradient {grad_side}</FONT></TD>',
        )
        fill = (f'<TD COLSPAN="{LEGEND_COLUMNS}" ALIGN="LEFT">a gate is filled by the gradient of the value it computes'
                "</TD>",)
        rows = [LegendRow("gate fill", fill, LEGEND_COLUMNS), LegendRow("wires", wires, 4)]
        if "label" in options.show:
            roles = {node.role for node in model.values}
            names = tuple(
                f'<TD ALIGN="LEFT"><FONT FACE="{_NAME_FONTS.get(role, FONT)}">{text}</FONT></TD>'
                for role, text in _NAME_ROLES if role in roles
            )
            rows.append(LegendRow("names", names, len(names)))
        return rows


def _order_shared_inputs(model: GraphModel, canvas: Canvas) -> None:
    """The inputs from outside every box that a boxed gate takes (an MLP's x0, x1), in input order.

    Inside a box ``dot`` keeps the written order (``styles/canvas.py``), but a top-level input
    that only feeds boxes is placed by ``dot``'s crossing heuristics, which can put x1 above x0
    and cross each neuron's wires; an invisible edge between consecutive ones keeps their order.
    """
    pairs: dict[tuple[str, str], None] = {}  # in order of first use, once each
    for gate in model.gates:
        if gate.group is None:
            continue
        outside: list[str] = []
        for edge_id in gate.wires:  # a number drawn as an input (x[0]) too
            node = model.value(model.edge(edge_id).source)
            if node.group is None and node.gate is None and node.id not in outside:
                outside.append(node.id)
        for first, second in pairwise(outside):
            if (second, first) not in pairs:  # a gate taking them the other way round does not undo it
                pairs[(first, second)] = None
    if pairs:
        canvas.keep_in_order(list(pairs))


def wire_label(node: ValueNode, options: DrawOptions, grad_text: str | None = None, name: str = "") -> str:
    """The HTML-like table a value sits in on its wire: value, rule, gradient.

    ``name``: written before the value, in grey (the value's text stays its own SVG element).
    ``grad_text``: what the gradient cell says instead of the formatted gradient. In a TB
    circuit the value cell then holds it too, so both cells are as wide and the wire stays in
    the middle of the table, where the edges attach (a player rewrites both texts per frame).

    >>> from viz.model.graph_model import ValueNode
    >>> from viz.options import DrawOptions
    >>> label = wire_label(ValueNode("n0", "w0", 2.0, None, "input", None), DrawOptions())
    >>> for part in label.split("<HR/>"): print(part)
    <<TABLE ...><TR><TD><FONT COLOR="#1b7f3b">2.000</FONT></TD></TR>
    <TR><TD><FONT COLOR="#c62828">—</FONT></TD></TR></TABLE>>
    """
    palette = options.palette
    value = grad = _EMPTY_CELL
    if "data" in options.show:
        balance = bool(grad_text) and options.rankdir == "TB"  # a constant's empty gradient: nothing to balance
        text = html_text(grad_text if grad_text and balance else format_number(node.data, options.number_format))
        value = f'<FONT COLOR="{palette.value_text}">{text}</FONT>'
        if name:
            value = f'<FONT COLOR="{palette.faint}" POINT-SIZE="10">{html_text(name)} </FONT>{value}'
    if "grad" in options.show:
        text = html_text(node.gradient_text(node.grad, options.number_format) if grad_text is None else grad_text)
        grad = f'<FONT COLOR="{palette.grad_text}">{text or _EMPTY_CELL}</FONT>'
    if options.rankdir == "LR":
        rows = f"<TR><TD>{value}</TD></TR><HR/><TR><TD>{grad}</TD></TR>"
    else:
        rows = f'<TR><TD PORT="value">{value}</TD><VR/><TD>{grad}</TD></TR>'
    table = f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1" COLOR="{palette.ink}">'
    return f"<{table}{rows}</TABLE>>"


def _emit_gate(gate: Gate, model: GraphModel, options: DrawOptions, scale: float, canvas: Canvas, wire: str) -> None:
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
        text = group_text(group, options.group_symbols, options.clusters)
        box = {**common, "style": "rounded,filled", "penwidth": "1.6"}
        canvas.node(gate.id, gate.group, shape="box", label=plain_label(text), fontsize="14", margin="0.1,0.06",
                    width="0.5", **box)
    else:
        text = gate_text(gate.op, gate.const, gate.const_left, wire)
        # a circle grows with its text both ways: past the cs231n figure's longest gate text (x*(-1)) an ellipse
        # keeps the gate one wire tall (softmax's x-0.494085 was a circle 1.1 in across, stacked 12 high)
        shape = "circle" if len(text) <= _CIRCLE_TEXT else "ellipse"
        canvas.node(gate.id, gate.group, shape=shape, label=plain_label(text), fontsize="12", margin="0.03",
                    width="0.42", **common)



def _hug_rule(data: ET.Element, grad: ET.Element, rule: ET.Element, rankdir: str) -> None:
    """Place a wire's texts against its rule, so every frame's text sits where it belongs.

    LR: the gradient centred under the wire, as the value is above it. TB: the value ends just
    left of the wire and the gradient starts just right of it.
    """
    xs = [float(point.split(",")[0]) for point in rule.get("points", "").split()]
    if rankdir == "LR":
        grad.set("text-anchor", "middle")
        grad.set("x", f"{(min(xs) + max(xs)) / 2:.2f}")
    else:
        data.set("text-anchor", "end")
        data.set("x", f"{min(xs) - _RULE_GAP:.2f}")
        grad.set("text-anchor", "start")
        grad.set("x", f"{max(xs) + _RULE_GAP:.2f}")
