"""The stage of a player: one laid-out SVG that every frame is drawn on, so nodes never move.

``Stage.lay_out`` draws the graph model once with the style's own ``draw_model`` and runs
``dot`` once. Each value's gradient slot is first widened in the DOT text to the longest text
any frame writes there (``0.40 + 0.30 × 1.00 = 0.70``), so every frame's text fits the one
layout. Then the SVG's mutable elements are tagged with a ``data-gt`` key:

================  ================================================================
``n7.data``       the forward value's text of value ``n7``
``n7.grad``       its gradient's text (the last text of the value's group)
``n7.shape``      its record (graph style; filled by its gradient)
``n7.rule``       its wire's rule (circuit style; highlighted with the edges in use)
``g7``            the gate's group (class ``gt-current`` while it is being worked)
``g7.shape``      the gate's outline (circuit style: filled by its output's gradient)
``g7.halo``       a highlight ring behind the gate, visible while it is being worked
``g7_in0.path``   the edge's line and ``g7_in0.head`` its arrowhead (highlighted in use)
``caption``       the caption band of a standalone frame (``Stage.svg(caption)``)
================  ================================================================

A frame is a *state*: for every key, the attributes to set (``"text"`` is the text content).
States are complete (every key, every attribute), so applying one never depends on the
frame shown before; a player stores the first state and the differences between neighbours.
Python (``svg``) and the HTML player's script apply states the same way: set attributes.
"""

from __future__ import annotations

import copy
import re
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence

from viz.diagram import Diagram
from viz.dot_runner import DEFAULT_TIMEOUT, run_dot
from viz.draw import draw_model
from viz.escaping import html_text, record_field
from viz.labels import format_gradient, format_number
from viz.model.graph_model import GraphModel
from viz.options import DrawOptions
from viz.palette import gradient_fill
from viz.player.frames import Frame, gradient_text

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# amber: distinct from both palettes' gradient fills and from the ink, in colour and in lightness
HIGHLIGHT = "#f2a900"
KEY = "data-gt"
_CAPTION_FONT_SIZE = 14.0
_CAPTION_LINE = 18.0  # pt from one caption line to the next
_CAPTION_MARGIN = 8.0
_CAPTION_MIN_CHARACTERS = 48  # a narrow drawing is widened so a caption line holds this many
_SHAPES = ("ellipse", "polygon", "path")
_RULE_GAP = 3.0  # pt between a TB wire and the texts beside it
_NODE_ID = re.compile(r"\bid=(n\d+)[ \]]")

State = dict[str, dict[str, str]]


class Stage:
    """The laid-out SVG of one player and the state of each of its frames (see the module docstring)."""

    def __init__(self, root: ET.Element, model: GraphModel, options: DrawOptions) -> None:
        self._root = root
        self.model = model
        self.options = options
        self.slots: dict[str, ET.Element] = {}
        self._tag()
        # what Graphviz drew, to restore an element once it is no longer highlighted
        self._originals = {key: dict(element.attrib) for key, element in self.slots.items()}

    @classmethod
    def lay_out(
        cls,
        model: GraphModel,
        options: DrawOptions,
        frames: Sequence[Frame],
        *,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> Stage:
        """Draw ``model`` once, widened for every frame's text, and run ``dot`` once."""
        last = frames[-1].grads
        # the legend shows the gradient scale when some gradient is known, "not computed yet" otherwise
        drawn = model.with_gradients({node.id: last[node.id] for node in model.values})
        diagram = draw_model(drawn, options)
        widest = {node.id: max((gradient_text(frame, node.id, options.number_format) for frame in frames), key=len)
                  for node in model.values}
        source = _widen_gradient_slots(diagram, drawn, options, widest)
        svg = run_dot(source, "svg", timeout=timeout, size=diagram.size_text())
        return cls(_strip_namespaces(ET.fromstring(svg)), model, options)

    def _tag(self) -> None:
        groups = {group.get("id"): group for group in self._root.iter("g") if group.get("id")}
        circuit = self.options.style == "circuit"
        for node in self.model.values:
            group = groups[node.id]
            texts = group.findall("text")
            self._slot(f"{node.id}.data", texts[0] if circuit else texts[-2])
            grad = self._slot(f"{node.id}.grad", texts[-1])
            rule = group.find("polygon")
            if circuit and rule is not None:
                self._slot(f"{node.id}.rule", rule)
                _hug_rule(self.slots[f"{node.id}.data"], grad, rule, self.options.rankdir)
            if not circuit:
                self._slot(f"{node.id}.shape", _shape(group))
        for gate in self.model.gates:
            group = groups[gate.id]
            shape = _shape(group)
            halo = copy.deepcopy(shape)
            halo.attrib.update({"fill": "none", "stroke": HIGHLIGHT, "stroke-width": "7", "stroke-opacity": "0.9"})
            halo.attrib.pop("stroke-dasharray", None)
            group.insert(list(group).index(shape), halo)  # behind the gate's own outline
            self._slot(gate.id, group)
            self._slot(f"{gate.id}.shape", shape)
            self._slot(f"{gate.id}.halo", halo)
        for edge in self.model.edges:
            group = groups[edge.id]
            self._slot(f"{edge.id}.path", _child(group, "path"))
            self._slot(f"{edge.id}.head", _child(group, "polygon"))

    def _slot(self, key: str, element: ET.Element) -> ET.Element:
        element.set(KEY, key)
        self.slots[key] = element
        return element

    def state(self, frame: Frame) -> State:
        """Every key's attributes in ``frame``."""
        options, palette, fmt = self.options, self.options.palette, self.options.number_format
        scale = options.gradient_scale or 0.0
        arrived = {arrival.value for arrival in frame.arrivals}
        feeding = {self.model.edge(edge).source for edge in frame.edges}  # the wires the gate uses light up
        state: State = {}
        for node in self.model.values:
            computed = node.id in frame.computed
            working = node.id == frame.output
            state[f"{node.id}.data"] = {
                "text": self._field("data", format_number(node.data, fmt) if computed else ""),
                "font-weight": "bold" if working and frame.kind == "forward" else "normal",
            }
            state[f"{node.id}.grad"] = {
                "text": self._field("grad", gradient_text(frame, node.id, fmt)),
                "font-weight": "bold" if node.id in arrived or (working and frame.kind == "backward") else "normal",
            }
            if options.style == "graph":
                state[f"{node.id}.shape"] = {"fill": gradient_fill(frame.grads[node.id], scale, palette)}
            elif f"{node.id}.rule" in self.slots:
                state[f"{node.id}.rule"] = self._line(f"{node.id}.rule", node.id in feeding)
        for gate in self.model.gates:
            current = gate.id == frame.gate
            state[gate.id] = {"class": "node gt-current" if current else "node"}
            state[f"{gate.id}.halo"] = {"visibility": "visible" if current else "hidden"}
            if options.style == "circuit":
                state[f"{gate.id}.shape"] = {"fill": gradient_fill(frame.grads[gate.outputs[0]], scale, palette)}
        for edge in self.model.edges:
            active = edge.id in frame.edges
            state[f"{edge.id}.path"] = self._line(f"{edge.id}.path", active)
            state[f"{edge.id}.head"] = self._line(f"{edge.id}.head", active)
        return state

    def _field(self, name: str, text: str) -> str:
        """A value's text as the style writes it: the graph style's record fields are named (``grad 0.2000``)."""
        return f"{name} {text}" if self.options.style == "graph" else text

    def _line(self, key: str, lit: bool) -> dict[str, str]:
        """A wire, rule or arrowhead: highlighted, or as Graphviz drew it."""
        original = self._originals[key]
        attributes = {
            "stroke": HIGHLIGHT if lit else original.get("stroke", self.options.palette.ink),
            "stroke-width": "2.6" if lit else original.get("stroke-width", "1"),
        }
        if key.endswith((".head", ".rule")):  # filled shapes: the fill is the line's colour
            attributes["fill"] = HIGHLIGHT if lit else original.get("fill", self.options.palette.ink)
        return attributes

    def apply(self, state: Mapping[str, Mapping[str, str]]) -> None:
        """Set every attribute ``state`` names (``"text"``: the element's text)."""
        for key, attributes in state.items():
            element = self.slots[key]
            for name, value in attributes.items():
                if name == "text":
                    element.text = value
                else:
                    element.set(name, value)

    def svg(self, caption: str | None = None, *, standalone: bool = True) -> str:
        """The SVG as currently applied: a standalone document (with a caption band on top), or for inline HTML."""
        root = self._root
        if caption is not None:
            root = _with_caption(root, caption, self.options)
        if standalone:
            root = copy.copy(root)
            root.set("xmlns", SVG_NS)
            if any(name.startswith("xlink:") for element in root.iter() for name in element.attrib):
                root.set("xmlns:xlink", XLINK_NS)
        text = ET.tostring(root, encoding="unicode")
        return f'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n{text}\n' if standalone else text


def _widen_gradient_slots(diagram: Diagram, model: GraphModel, options: DrawOptions, widest: Mapping[str, str]) -> str:
    """The DOT source with each value's gradient text replaced by ``widest[value]``.

    The style wrote ``format_gradient(grad)`` into the gradient slot of each value's label
    (circuit: the red cell below the wire; graph: the ``grad …`` field); the replacement is
    escaped the same way. A label without that slot means the style changed: a clear error.
    """
    palette, fmt = options.palette, options.number_format

    def slot(text: str) -> str:
        if options.style == "circuit":
            return f'<FONT COLOR="{palette.grad_text}">{html_text(text)}</FONT>'
        return record_field(f"grad {text}")

    def value_slot(text: str) -> str:
        return f'<FONT COLOR="{palette.value_text}">{html_text(text)}</FONT>'

    # in a TB circuit the value and the gradient sit either side of the wire: both cells as wide, so the
    # wire stays in the middle of its table, where the edges attach
    balance = options.style == "circuit" and options.rankdir == "TB"

    lines = []
    for line in diagram.body:
        match = _NODE_ID.search(line)
        if match is not None:
            node = model.value(match.group(1))
            written = slot(format_gradient(node.grad, fmt))
            head, found, tail = line.rpartition(written)
            if not found:
                raise RuntimeError(f"viz.player.stage: the {options.style} style's label of {node.id} has no gradient "
                                   f"slot "
                                   f"{written!r}; the player needs it to size the layout")
            line = head + slot(widest[node.id]) + tail
            if balance:
                head, found, tail = line.partition(value_slot(format_number(node.data, fmt)))
                if found:
                    line = head + value_slot(widest[node.id]) + tail
        lines.append(line)
    widened = diagram.copy()
    widened.body = lines
    return str(widened.source)


def _strip_namespaces(root: ET.Element) -> ET.Element:
    """Plain tag names (``g``, not ``{svg-namespace}g``) and ``xlink:`` attribute names, for simple lookups."""
    for element in root.iter():
        element.tag = element.tag.rpartition("}")[2]
        for name in [name for name in element.attrib if name.startswith("{")]:
            namespace, _, local = name[1:].partition("}")
            value = element.attrib.pop(name)
            element.set(f"xlink:{local}" if namespace == XLINK_NS else local, value)
    return root


def _shape(group: ET.Element) -> ET.Element:
    for element in group:
        if element.tag in _SHAPES:
            return element
    raise RuntimeError(f"viz.player.stage: node {group.get('id')} has no outline in the SVG")


def _child(group: ET.Element, tag: str) -> ET.Element:
    element = group.find(tag)
    if element is None:
        raise RuntimeError(f"viz.player.stage: edge {group.get('id')} has no {tag} in the SVG")
    return element


def _hug_rule(data: ET.Element, grad: ET.Element, rule: ET.Element, rankdir: str) -> None:
    """Place a circuit wire's texts against its rule, so every frame's text sits where it belongs.

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


def _with_caption(root: ET.Element, caption: str, options: DrawOptions) -> ET.Element:
    """A copy of the SVG with a band on top holding ``caption``, wrapped to the picture's width.

    The drawing keeps its coordinates: the band is added above it by extending the viewBox.
    """
    framed = copy.deepcopy(root)
    x, y, width, height = (float(part) for part in framed.get("viewBox", "0 0 0 0").split())
    # Helvetica's average glyph is about 0.55 em wide
    glyph = 0.55 * _CAPTION_FONT_SIZE
    width = max(width, 2 * _CAPTION_MARGIN + glyph * _CAPTION_MIN_CHARACTERS)
    lines = textwrap.wrap(caption, max(1, int((width - 2 * _CAPTION_MARGIN) / glyph))) or [""]
    band = _CAPTION_LINE * len(lines) + _CAPTION_MARGIN
    top = y - band
    framed.set("viewBox", f"{x:.2f} {top:.2f} {width:.2f} {height + band:.2f}")
    framed.set("width", f"{width:.0f}pt")
    framed.set("height", f"{height + band:.0f}pt")
    background = ET.Element("rect", {
        "x": f"{x:.2f}", "y": f"{top:.2f}", "width": f"{width:.2f}", "height": f"{band:.2f}", "fill": "white",
    })
    text = ET.Element("text", {
        "x": f"{x + _CAPTION_MARGIN:.2f}", "y": f"{top + _CAPTION_LINE:.2f}", "font-family": "Helvetica,sans-Serif",
        "font-size": f"{_CAPTION_FONT_SIZE:.0f}", "fill": options.palette.ink, KEY: "caption",
    })
    for k, line in enumerate(lines):
        step = "0" if k == 0 else f"{_CAPTION_LINE:.0f}"
        row = ET.SubElement(text, "tspan", {"x": f"{x + _CAPTION_MARGIN:.2f}", "dy": step})
        row.text = line
    framed.insert(0, background)
    framed.append(text)
    return framed
