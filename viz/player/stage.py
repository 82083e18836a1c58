"""The stage of a player: one laid-out SVG that every frame is drawn on, so nodes never move.

``Stage.lay_out`` draws the graph model once with ``draw_model`` and runs ``dot`` once. The
drawing is as compact as the static one: a gradient slot holds a number (as wide as the widest
number any frame writes there), never the step's arithmetic, which the page and the frames'
caption band show beside the drawing (``Frame.work``). Then the SVG's mutable elements are
tagged with a ``data-gt`` key; which elements a value has, and how they change, is the style's
business (``Style.value_elements``, ``value_state``, ``gate_state``):

================  ================================================================
``n7.data``       the forward value's text of value ``n7``
``n7.grad``       its gradient's text
``n7.shape``      its record (graph style; filled by its gradient)
``n7.rule``       its wire's rule (circuit style; highlighted with the edges in use)
``g7``            the gate's group (class ``gt-current`` while it is being worked)
``g7.shape``      the gate's outline (circuit style: filled by its output's gradient)
``g7.halo``       a highlight ring behind the gate, visible while it is being worked
``g7_in0.path``   the edge's line and ``g7_in0.head`` its arrowhead (highlighted in use)
``g7_in0.lead``   in a network, the wire's piece from the column before (highlighted with it)
``caption``       the caption band of a standalone frame (``Stage.svg(caption)``)
================  ================================================================

A frame's *state* gives, for every key, the attributes to set (``"text"`` is the text content).
``Stage.play`` returns frame 0's complete state and, for each later frame, only what changes,
recomputing just the elements the frame touches: linear in the graph plus the steps.
``Stage.state`` works one frame out from scratch (the tests compare the two). Python
(``svg``) and the HTML player's script apply states the same way: set attributes.
"""

from __future__ import annotations

import copy
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence

from viz.dot_runner import DEFAULT_TIMEOUT, run_dot
from viz.draw import draw_model
from viz.model.graph_model import Gate, GraphModel, ValueNode
from viz.number_format import format_number
from viz.options import DrawOptions
from viz.palette import gradient_fill
from viz.player.frames import Frame
from viz.player.passes import Pass
from viz.styles.style import State, svg_shape

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# amber: distinct from both palettes' gradient fills and from the ink, in colour and in lightness
HIGHLIGHT = "#f2a900"
KEY = "data-gt"
_CAPTION_FONT_SIZE = 14.0
_CAPTION_LINE = 18.0  # pt from one caption line to the next
_CAPTION_MARGIN = 8.0
_CAPTION_MIN_CHARACTERS = 48  # a narrow drawing is widened so a caption line holds this many


class Stage:
    """The laid-out SVG of one player and the state of each of its frames (see the module docstring)."""

    def __init__(self, root: ET.Element, model: GraphModel, options: DrawOptions, recorded: Pass) -> None:
        self._root = root
        self.model = model
        self.options = options
        self.recorded = recorded  # the pass: which field of the value being computed is in bold
        self.slots: dict[str, ET.Element] = {}
        self._tag()
        # what Graphviz drew, to restore an element once it is no longer highlighted
        self._originals = {key: dict(element.attrib) for key, element in self.slots.items()}
        # the gates a value's gradient fills (the circuit style fills a gate by its output's gradient)
        self._filled_by: dict[str, list[str]] = {}
        for gate in model.gates:
            self._filled_by.setdefault(gate.outputs[0], []).append(gate.id)

    @classmethod
    def lay_out(
        cls,
        model: GraphModel,
        options: DrawOptions,
        frames: Sequence[Frame],
        recorded: Pass,
        *,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> Stage:
        """Draw ``model`` once (each gradient slot as wide as its widest number in any frame); run ``dot`` once."""
        fmt = options.number_format
        widest: dict[str, str] = {}
        final: dict[str, float | None] = {}
        for frame in frames:  # per-step changes only: linear in the number of steps
            for value, grad in frame.changed.items():
                text = model.value(value).gradient_text(grad, fmt)
                if value not in widest or len(text) > len(widest[value]):
                    widest[value] = text
                final[value] = grad
        # the legend shows the gradient scale when some gradient is known, "not computed yet" otherwise
        drawn = model.with_gradients(final)
        diagram = draw_model(drawn, options, grad_texts=widest)
        svg = run_dot(diagram.source, "svg", timeout=timeout, size=diagram.size_text())
        return cls(_strip_namespaces(ET.fromstring(svg)), model, options, recorded)

    def _tag(self) -> None:
        groups = {group.get("id"): group for group in self._root.iter("g") if group.get("id")}
        style = self.options.style
        for node in self.model.values:
            for part, element in style.value_elements(groups[node.id], self.options).items():
                self._slot(f"{node.id}.{part}", element)
        for gate in self.model.gates:
            group = groups[gate.id]
            shape = svg_shape(group)
            halo = copy.deepcopy(shape)
            halo.attrib.update({"fill": "none", "stroke": HIGHLIGHT, "stroke-width": "7", "stroke-opacity": "0.9"})
            halo.attrib.pop("stroke-dasharray", None)
            group.insert(list(group).index(shape), halo)  # behind the gate's own outline
            self._slot(gate.id, group)
            self._slot(f"{gate.id}.shape", shape)
            self._slot(f"{gate.id}.halo", halo)
        for edge in self.model.edges:
            if edge.id not in groups:  # a batch's shared-parameter wire into a later sample is not drawn
                continue
            group = groups[edge.id]
            self._slot(f"{edge.id}.path", _child(group, "path"))
            self._slot(f"{edge.id}.head", _child(group, "polygon"))
            lead = groups.get(f"{edge.id}_lead")  # a network's wire from an earlier column (styles/canvas.py)
            if lead is not None:
                self._slot(f"{edge.id}.lead", _child(lead, "path"))

    def _slot(self, key: str, element: ET.Element) -> None:
        element.set(KEY, key)
        self.slots[key] = element

    def state(self, frame: Frame) -> State:
        """Every key's attributes in ``frame``, worked out from scratch (``play`` does it step by step)."""
        moment = _Moment(self.model, frame, frame.grads, set(frame.computed))
        state: State = {}
        for node in self.model.values:
            state.update(self._value_state(node, moment))
        for gate in self.model.gates:
            state.update(self._gate_state(gate, moment))
        for edge in self.model.edges:
            state.update(self._edge_state(edge.id, moment))
        return state

    def play(self, frames: Sequence[Frame]) -> tuple[State, list[State]]:
        """Frame 0's complete state, and for each later frame what changes from the frame before.

        Each frame recomputes only what it touches (the values it changes or reveals, the gate
        worked in it and in the frame before, their edges and wires), so this is linear in the
        size of the graph plus the frames' changes.
        """
        model = self.model
        first = frames[0]
        moment = _Moment(model, first, dict(first.grads), set(first.computed))
        current = self.state(first)
        base = {key: dict(attributes) for key, attributes in current.items()}
        deltas: list[State] = []
        previous = first
        for frame in frames[1:]:
            moment.go_to(frame)
            moment.grads.update(frame.changed)
            moment.computed |= frame.revealed
            values = {*frame.changed, *frame.revealed, *previous.changed, *previous.revealed}
            values |= {arrival.value for arrival in (*frame.arrivals, *previous.arrivals)}
            values |= {model.edge(edge).source for edge in (*frame.edges, *previous.edges)}
            values |= {output for output in (frame.output, previous.output) if output is not None}
            gates = {gate for gate in (frame.gate, previous.gate) if gate is not None}
            gates |= {gate for value in frame.changed for gate in self._filled_by.get(value, ())}
            touched: State = {}
            for value in values:
                touched.update(self._value_state(model.value(value), moment))
            for gate_id in gates:
                touched.update(self._gate_state(model.gate(gate_id), moment))
            for edge_id in {*frame.edges, *previous.edges}:
                touched.update(self._edge_state(edge_id, moment))
            delta: State = {}
            for key, attributes in touched.items():
                old = current[key]
                different = {name: text for name, text in attributes.items() if old.get(name) != text}
                if different:
                    delta[key] = different
                    old.update(different)
            deltas.append(delta)
            previous = frame
        return base, deltas

    def _value_state(self, node: ValueNode, moment: _Moment) -> State:
        style, fmt, frame = self.options.style, self.options.number_format, moment.frame
        grad = moment.grads[node.id]
        feeding = node.id in moment.feeding
        # the value being computed shows the pass's field in bold; a gradient that just arrived is bold too
        bold = {self.recorded.working_field} if node.id == frame.output else set()
        if node.id in moment.arrived:
            bold.add("grad")
        state: State = {
            f"{node.id}.data": {
                "text": style.field_text("data", format_number(node.data, fmt) if node.id in moment.computed else ""),
                "font-weight": "bold" if "data" in bold else "normal",
            },
            f"{node.id}.grad": {
                "text": style.field_text("grad", node.gradient_text(grad, fmt)),
                "font-weight": "bold" if "grad" in bold else "normal",
            },
        }
        state.update(style.value_state(node.id, grad, feeding, self))
        return state

    def _gate_state(self, gate: Gate, moment: _Moment) -> State:
        current = gate.id == moment.frame.gate
        state: State = {
            gate.id: {"class": "node gt-current" if current else "node"},
            f"{gate.id}.halo": {"visibility": "visible" if current else "hidden"},
        }
        state.update(self.options.style.gate_state(gate, moment.grads[gate.outputs[0]], self))
        return state

    def _edge_state(self, edge_id: str, moment: _Moment) -> State:
        active = edge_id in moment.frame.edges
        return {f"{edge_id}.{part}": self.line(f"{edge_id}.{part}", active)
                for part in ("path", "head", "lead") if self.has(f"{edge_id}.{part}")}

    # ------------------------------------------------ Paint, for the styles' per-frame attributes
    def fill(self, grad: float | None) -> str:
        """A gradient's fill on the player's one scale (``DrawOptions.gradient_scale``)."""
        return gradient_fill(grad, self.options.gradient_scale or 0.0, self.options.palette)

    def has(self, key: str) -> bool:
        """Whether the SVG has the element ``key``."""
        return key in self.slots

    def line(self, key: str, lit: bool) -> dict[str, str]:
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

    def svg(self, caption: Sequence[str] | None = None, *, standalone: bool = True) -> str:
        """The SVG as currently applied: a standalone document (with a band on top holding the ``caption``
        lines: a frame's caption and its arithmetic), or for inline HTML."""
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


class _Moment:
    """Where ``Stage.play`` is: the frame, and every gradient and computed value as known in it."""

    def __init__(self, model: GraphModel, frame: Frame, grads: dict[str, float | None], computed: set[str]) -> None:
        self.model = model
        self.grads = grads
        self.computed = computed
        self.go_to(frame)

    def go_to(self, frame: Frame) -> None:
        self.frame = frame
        self.arrived = {arrival.value for arrival in frame.arrivals if arrival.kept}  # a number keeps nothing
        self.feeding = {self.model.edge(edge).source for edge in frame.edges}  # the wires the gate uses light up


def _strip_namespaces(root: ET.Element) -> ET.Element:
    """Plain tag names (``g``, not ``{svg-namespace}g``) and ``xlink:`` attribute names, for simple lookups."""
    for element in root.iter():
        element.tag = element.tag.rpartition("}")[2]
        for name in [name for name in element.attrib if name.startswith("{")]:
            namespace, _, local = name[1:].partition("}")
            value = element.attrib.pop(name)
            element.set(f"xlink:{local}" if namespace == XLINK_NS else local, value)
    return root


def _child(group: ET.Element, tag: str) -> ET.Element:
    element = group.find(tag)
    if element is None:
        raise RuntimeError(f"viz.player.stage: edge {group.get('id')} has no {tag} in the SVG")
    return element


def _with_caption(root: ET.Element, caption: Sequence[str], options: DrawOptions) -> ET.Element:
    """A copy of the SVG with a band on top holding the ``caption`` lines, each wrapped to the picture's width.

    The drawing keeps its coordinates: the band is added above it by extending the viewBox.
    """
    framed = copy.deepcopy(root)
    x, y, width, height = (float(part) for part in framed.get("viewBox", "0 0 0 0").split())
    # Helvetica's average glyph is about 0.55 em wide
    glyph = 0.55 * _CAPTION_FONT_SIZE
    width = max(width, 2 * _CAPTION_MARGIN + glyph * _CAPTION_MIN_CHARACTERS)
    columns = max(1, int((width - 2 * _CAPTION_MARGIN) / glyph))
    lines = [line for paragraph in caption for line in textwrap.wrap(paragraph, columns)] or [""]
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
