"""The four panels of the training theatre, each laid out once and changed per moment by setting attributes.

A panel is an SVG whose changing elements are tagged ``data-gt`` (as a player's stage is: the
page's script and ``Panel.apply`` set their attributes), and a ``state`` method that reads the
moment from the model itself: the model holds that moment's parameters when it is called
(``nn.theatre.Recording.parameters_of``, or the live model during training).

- ``CurvesPanel``: the loss and accuracy curves so far (each batch's loss, the epoch means of
  training and validation), with a cursor at the moment's iteration.
- ``BoundaryPanel``: for 2-D inputs, the model's decision over the input plane as a heatmap (the
  class the model decides, stronger where it is surer), with the training points (filled, each
  clickable to choose the example shown in the graph) and the validation points (rings); for
  other inputs, or without classification, a note saying why it is absent.
- ``NetworkPanel``: the network as ``viz.draw_network`` draws it (``dot`` once; each moment
  repaints the connections and units with ``draw_network``'s own colours and widths).
- ``GraphPanel``: one training example's loss graph in the circuit style, collapsed to neurons
  (and a loss of more than ``GraphPlan.MOST_LOSS_NODES`` nodes to one gate), with the engine's
  forward values and gradients (its own ``backward()``) and the example's own op gates at the moment.

Keys are prefixed with the panel's name (``curves.``, ``boundary.``, ``network.``, ``graph.``).
A panel serialises its SVG once, around its tagged slots (``PanelTemplate``); each moment writes the
slots' values into that text. A ``TemplatePanel`` is a panel made from such plain data (the live
view's layout comes from another process).
"""

from __future__ import annotations

import html
import math
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from autograd import Tensor, Value, no_grad, scope, topological_order
from nn.layers import MLP, Layer, Neuron
from nn.module import Module
from nn.train import decided_rows, run_batch
from viz.diagram import Diagram
from viz.draw import draw_model
from viz.escaping import visible_text
from viz.labels import gate_text, gate_wire
from viz.model.graph_model import describe
from viz.network.draw import draw_network, network_looks
from viz.number_format import NumberFormat, format_gradient, format_number
from viz.options import STATIC_DRAWING, DrawOptions
from viz.palette import PALETTES, blend
from viz.player.stage import KEY, _strip_namespaces
from viz.styles import STYLES
from viz.styles.style import State, svg_shape
from viz.training.png import png_data_uri

if TYPE_CHECKING:
    from nn.theatre import Recording
    from nn.train import History

PALETTE = PALETTES["default"]
PT_PER_PX = 0.75
FONT = "Helvetica, Arial, sans-serif"
# class colours: the palette's two ends for two classes, then distinct hues (ColorBrewer Set1-like)
CLASS_COLOURS = (PALETTE.negative, PALETTE.positive, "#4daf4a", "#984ea3", "#ff7f00", "#a65628", "#f781bf", "#999999")
TRAIN_COLOUR, VALIDATION_COLOUR, BATCH_COLOUR = "#1f5f99", "#e08214", "#b9c7d6"


class Panel:
    """An SVG with tagged elements (see the module docstring): ``root``, ``slots`` by key, ``apply``, ``svg``."""

    name = "panel"

    def __init__(self, root: ET.Element, title: str) -> None:
        self.root = root
        self.title = title
        self.slots: dict[str, ET.Element] = {}
        self._applied: dict[tuple[str, str], str] = {}  # (key, attribute) -> the value set last
        self._template: tuple[list[str], list[tuple[str, str]]] | None = None

    def tag(self, key: str, element: ET.Element) -> ET.Element:
        """Mark ``element`` as changing per moment, under ``<panel name>.<key>``; returns it."""
        full = f"{self.name}.{key}"
        element.set(KEY, full)
        self.slots[full] = element
        return element

    def apply(self, state: Mapping[str, Mapping[str, str]]) -> None:
        """Set the attributes ``state`` gives for this panel's keys (``"text"``: the element's text)."""
        for key, attributes in state.items():
            element = self.slots.get(key)
            if element is None:
                continue
            for attribute, value in attributes.items():
                if (key, attribute) not in self._applied:
                    self._template = None  # a slot not in the template yet
                self._applied[key, attribute] = value
                _set(element, attribute, value)

    def changed(self) -> None:
        """Say that an untagged part of the SVG changed (the next ``svg`` serialises it again)."""
        self._template = None

    def svg(self) -> str:
        """The SVG as currently applied, for inline HTML.

        Serialised once with a marker in each applied slot (``template``); each later call writes the
        slots' values into that template (a live panel redraws without walking the whole SVG again).
        """
        return TemplatePanel(self.template()).svg()

    def template(self) -> PanelTemplate:
        """The panel as a picklable template: its SVG with the applied slots to fill, and their values now."""
        if self._template is None:
            self._template = self._serialised_template()
        pieces, slots = self._template
        return PanelTemplate(self.name, self.title, tuple(pieces), tuple(slots),
                             tuple(self._applied[slot] for slot in slots))

    def _serialised_template(self) -> tuple[list[str], list[tuple[str, str]]]:
        slots = list(self._applied)
        for index, (key, attribute) in enumerate(slots):
            _set(self.slots[key], attribute, f"{_MARK}{index}{_MARK}")
        try:
            text = ET.tostring(self.root, encoding="unicode")
        finally:
            for (key, attribute), value in self._applied.items():
                _set(self.slots[key], attribute, value)
        parts = text.split(_MARK)  # text, slot index, text, slot index, ..., text
        order = [slots[int(index)] for index in parts[1::2]]
        return parts[0::2], order


@dataclass(frozen=True)
class PanelTemplate:
    """A panel's SVG text around its slots (``pieces`` = one more than ``slots``, each slot a (key, attribute)),
    and the slots' values; plain data, so a laid-out panel can be sent from another process (``TemplatePanel``)."""

    name: str
    title: str
    pieces: tuple[str, ...]
    slots: tuple[tuple[str, str], ...]
    values: tuple[str, ...]


class TemplatePanel:
    """A panel made from a ``PanelTemplate``: ``apply`` sets its slots, ``svg`` writes them into the template."""

    def __init__(self, template: PanelTemplate) -> None:
        self.name, self.title = template.name, template.title
        self._pieces = template.pieces
        self._slots = template.slots
        self._values = dict(zip(template.slots, template.values, strict=True))

    def apply(self, state: Mapping[str, Mapping[str, str]]) -> None:
        """Set the values ``state`` gives for this panel's slots (a moment sets the same slots as the template's)."""
        prefix = f"{self.name}."
        for key, attributes in state.items():
            if not key.startswith(prefix):
                continue
            for attribute, value in attributes.items():
                if (key, attribute) not in self._values:
                    raise ValueError(f"training theatre: the {self.name} panel's template has no slot "
                                     f"{key}/{attribute}")
                self._values[key, attribute] = value

    def svg(self) -> str:
        """The SVG with the slots' values written in."""
        out = [self._pieces[0]]
        for (key, attribute), piece in zip(self._slots, self._pieces[1:], strict=True):
            out.append(html.escape(self._values[key, attribute], quote=attribute != "text"))
            out.append(piece)
        return "".join(out)


# a private-use character: no SVG or number text holds it, and XML serialisation leaves it as it is
_MARK = "\ue000"


def _set(element: ET.Element, attribute: str, value: str) -> None:
    if attribute == "text":
        element.text = value
    else:
        element.set(attribute, value)


def _canvas(width: float, height: float) -> ET.Element:
    """An empty SVG of ``width`` × ``height`` px, its size written in points (as Graphviz writes it)."""
    return ET.Element("svg", {
        "width": f"{width * PT_PER_PX:.0f}pt", "height": f"{height * PT_PER_PX:.0f}pt",
        "viewBox": f"0 0 {width:.0f} {height:.0f}", "font-family": FONT, "role": "img",
    })


def _text(parent: ET.Element, x: float, y: float, text: str, size: float = 12, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, "text", {"x": f"{x:.1f}", "y": f"{y:.1f}", "font-size": f"{size:g}",
                                             "fill": attributes.pop("fill", PALETTE.ink), **attributes})
    element.text = text
    return element


def fitted_width(root: ET.Element, width_pt: float) -> ET.Element:
    """``root`` (an SVG from ``dot``) drawn at most ``width_pt`` points wide, its proportions kept."""
    width, height = (float(part) for part in root.get("viewBox", "0 0 1 1").split()[2:])
    scale = min(1.0, width_pt / width) if width > 0 else 1.0
    root.set("width", f"{width * scale:.0f}pt")
    root.set("height", f"{height * scale:.0f}pt")
    return root


# --------------------------------------------------------------------------------------- curves
class CurvesPanel(Panel):
    """Loss (each batch's, and the epoch means) and accuracy, training and validation, up to the moment."""

    name = "curves"
    WIDTH, HEIGHT = 430.0, 300.0
    LEFT, RIGHT = 46.0, 12.0
    CHARTS = (("loss", 34.0, 100.0), ("accuracy", 180.0, 80.0))  # (name, top, height) in px

    def __init__(self, total_iterations: int, iterations_per_epoch: int, loss_top: float | None) -> None:
        super().__init__(_canvas(self.WIDTH, self.HEIGHT), "Loss and accuracy")
        self.total = max(1, total_iterations)
        self.per_epoch = iterations_per_epoch
        self.loss_top = loss_top  # None: the largest loss so far, read at each moment
        root = self.root
        right = self.WIDTH - self.RIGHT
        for chart, top, height in self.CHARTS:
            bottom = top + height
            ET.SubElement(root, "rect", {"x": f"{self.LEFT}", "y": f"{top}", "width": f"{right - self.LEFT}",
                                         "height": f"{height}", "fill": "#fafafa", "stroke": "#d0d0d0"})
            _text(root, self.LEFT, top - 8, chart, 13, **{"font-weight": "bold"})
            top_label = _text(root, self.LEFT - 5, top + 10, "100%" if chart == "accuracy" else "",
                              11, **{"text-anchor": "end"})
            if chart == "loss":
                self.tag("loss_top", top_label)
            _text(root, self.LEFT - 5, bottom, "0%" if chart == "accuracy" else "0", 11, **{"text-anchor": "end"})
            lines = [("train", TRAIN_COLOUR, "2"), ("val", VALIDATION_COLOUR, "2")]
            if chart == "loss":
                lines.insert(0, ("batch", BATCH_COLOUR, "1"))
            for line, colour, width in lines:
                attributes = {"points": "", "fill": "none", "stroke": colour, "stroke-width": width,
                              "stroke-linejoin": "round"}
                if line == "val":
                    attributes["stroke-dasharray"] = "5 3"
                self.tag(f"{chart}.{line}", ET.SubElement(root, "polyline", attributes))
            self.tag(f"{chart}.cursor", ET.SubElement(root, "line", {
                "x1": f"{self.LEFT}", "x2": f"{self.LEFT}", "y1": f"{top}", "y2": f"{bottom}",
                "stroke": "#f2a900", "stroke-width": "2"}))
        axis = self.CHARTS[-1][1] + self.CHARTS[-1][2]
        _text(root, self.LEFT, axis + 15, "0", 11)
        _text(root, right, axis + 15, f"{self.total} iterations", 11, **{"text-anchor": "end"})
        key = _text(root, self.LEFT, self.HEIGHT - 4, "", 11)
        for label, colour in (("batch loss", "#8a9bb0"), ("training", TRAIN_COLOUR), ("validation", VALIDATION_COLOUR)):
            span = ET.SubElement(key, "tspan", {"fill": colour, "dx": "0" if label == "batch loss" else "14"})
            span.text = f"━ {label}"
        self.tag("cursor_label", _text(root, right, 22, "", 11, **{"text-anchor": "end", "fill": "#555555"}))

    def _x(self, iteration: float) -> float:
        return self.LEFT + (self.WIDTH - self.RIGHT - self.LEFT) * iteration / self.total

    def state(self, history: History, iteration: int) -> State:
        """The curves up to ``iteration`` (``history`` may run further: a replay's holds the whole run)."""
        epochs = min(len(history.epochs), iteration // max(1, self.per_epoch))
        ends = [(e + 1) * self.per_epoch for e in range(epochs)]
        batch = history.batch_loss[:iteration]
        seen = [*batch, *history.train_loss[:epochs], *history.val_loss[:epochs]]
        finite = [v for v in seen if math.isfinite(v)]
        top = self.loss_top if self.loss_top is not None else _nice_top(max(finite, default=1.0))
        series = {
            "loss.batch": (range(1, len(batch) + 1), batch, top),
            "loss.train": (ends, history.train_loss[:epochs], top),
            "loss.val": (ends, history.val_loss[:epochs], top),
            "accuracy.train": (ends, history.train_accuracy[:epochs], 1.0),
            "accuracy.val": (ends, history.val_accuracy[:epochs], 1.0),
        }
        state: State = {}
        charts = {chart: (top_px, height) for chart, top_px, height in self.CHARTS}
        for key, (xs, ys, scale) in series.items():
            top_px, height = charts[key.split(".")[0]]
            points = [
                f"{self._x(x):.1f},{top_px + height * (1.0 - min(1.0, max(0.0, y / scale))):.1f}"
                for x, y in zip(xs, ys, strict=False) if math.isfinite(y)
            ]
            state[f"curves.{key}"] = {"points": " ".join(points)}
        cursor = f"{self._x(iteration):.1f}"
        for chart, _, _ in self.CHARTS:
            state[f"curves.{chart}.cursor"] = {"x1": cursor, "x2": cursor}
        state["curves.loss_top"] = {"text": format_number(top, _TICKS)}
        epoch = iteration / self.per_epoch if self.per_epoch else 0.0
        state["curves.cursor_label"] = {"text": f"iteration {iteration} · epoch {epoch:.1f}"}
        return state


def _nice_top(largest: float) -> float:
    """The top of a loss axis: ``largest`` rounded up to 1, 2 or 5 times a power of ten.

    >>> _nice_top(0.83), _nice_top(1.7), _nice_top(0.0)
    (1.0, 2.0, 1.0)
    """
    if not largest > 0.0 or not math.isfinite(largest):
        return 1.0
    power = 10.0 ** math.floor(math.log10(largest))
    return next(step * power for step in (1.0, 2.0, 5.0, 10.0) if step * power >= largest)


def loss_top(history: History) -> float:
    """The loss axis's top for a whole run (a replay's axis stays put from frame to frame)."""
    values = [v for v in (*history.batch_loss, *history.train_loss, *history.val_loss) if math.isfinite(v)]
    return _nice_top(max(values, default=1.0))


# --------------------------------------------------------------------------------------- boundary
MAX_CHOICES = 150  # the examples a replay keeps a graph of (each: its values and gradients at every snapshot)


def choosable_examples(count: int, sample: int, most: int = MAX_CHOICES) -> list[int]:
    """The training examples whose graph can be chosen: every one up to ``most``, else ``most`` evenly spaced
    ones and ``sample``; so a replay's page stays small whatever the size of the training set.

    >>> choosable_examples(4, 2), choosable_examples(100, 7, most=4)
    ([0, 1, 2, 3], [0, 7, 33, 66, 99])
    """
    if count <= most:
        return list(range(count))
    return sorted({round(k * (count - 1) / (most - 1)) for k in range(most)} | {sample})


class BoundaryPanel(Panel):
    """The decision over the input plane, with the data (see the module docstring)."""

    name = "boundary"
    SIZE = 430.0
    PLOT = (40.0, 30.0, 380.0, 340.0)  # left, top, width, height (px)

    def __init__(self, recording: Recording, resolution: int, choosable: list[int]) -> None:
        super().__init__(_canvas(self.SIZE, self.SIZE), "Decision boundary")
        self.recording = recording
        self.resolution = resolution
        inputs = recording.data.X
        reason = _why_no_boundary(inputs, recording.decide is not None)
        self.drawn = reason is None
        if reason is not None:
            ET.SubElement(self.root, "rect", {"x": "0", "y": "0", "width": f"{self.SIZE:.0f}", "height": "60",
                                              "fill": "#f6f6f6"})
            _text(self.root, 12, 26, "No decision boundary", 13, **{"font-weight": "bold"})
            _text(self.root, 12, 46, reason, 12)
            self.root.set("viewBox", f"0 0 {self.SIZE:.0f} 60")
            self.root.set("height", f"{60 * PT_PER_PX:.0f}pt")
            return
        everything = inputs if recording.validation is None else np.vstack([inputs, recording.validation.X])
        low, high = everything.min(axis=0), everything.max(axis=0)
        pad = 0.08 * np.maximum(high - low, 1e-9)
        self.low, self.high = low - pad, high + pad
        labels = _class_labels(recording.data.y)
        self.classes = {label: k for k, label in enumerate(sorted(set(labels.tolist())))}
        left, top, width, height = self.PLOT
        self.tag("heat", ET.SubElement(self.root, "image", {
            "x": f"{left}", "y": f"{top}", "width": f"{width}", "height": f"{height}", "href": "",
            "preserveAspectRatio": "none"}))
        ET.SubElement(self.root, "rect", {"x": f"{left}", "y": f"{top}", "width": f"{width}", "height": f"{height}",
                                          "fill": "none", "stroke": "#9a9a9a"})
        _text(self.root, left, top - 10, "the model's decision over the input plane", 13, **{"font-weight": "bold"})
        choice = {example: index for index, example in enumerate(choosable)}
        for k, (point, label) in enumerate(zip(inputs, labels, strict=True)):
            x, y = self._at(point)
            circle = ET.SubElement(self.root, "circle", {
                "cx": f"{x:.1f}", "cy": f"{y:.1f}", "r": "4", "fill": self._colour(label), "stroke": "white",
                "stroke-width": "0.8"})
            if k in choice:  # the page's choice k is the k-th choosable example
                circle.attrib.update({"class": "gt-choice", "data-gt-choice": str(choice[k])})
            ET.SubElement(circle, "title").text = _example_text(recording, k)
        if recording.validation is not None:
            for point, label in zip(recording.validation.X, _class_labels(recording.validation.y), strict=True):
                x, y = self._at(point)
                ET.SubElement(self.root, "circle", {
                    "cx": f"{x:.1f}", "cy": f"{y:.1f}", "r": "3.6", "fill": "white", "fill-opacity": "0.6",
                    "stroke": self._colour(label), "stroke-width": "1.8", "pointer-events": "none"})
        key = _text(self.root, left, top + height + 22, "", 12)
        for text, dx in (("● training (click one to see its graph)", "0"), ("○ validation", "14")):
            ET.SubElement(key, "tspan", {"dx": dx}).text = text

    def _at(self, point: np.ndarray) -> tuple[float, float]:
        left, top, width, height = self.PLOT
        fx = (point[0] - self.low[0]) / (self.high[0] - self.low[0])
        fy = (point[1] - self.low[1]) / (self.high[1] - self.low[1])
        return left + width * float(fx), top + height * (1.0 - float(fy))

    def _colour(self, label: float) -> str:
        index = self.classes.get(float(label))
        return PALETTE.invalid if index is None else CLASS_COLOURS[index % len(CLASS_COLOURS)]

    def state(self) -> State:
        """The heatmap of the model's decision now (the model holds the moment's parameters): the whole grid in one
        call on the matrix path (``nn.train.run_batch``) when the model has one, else one forward pass per point."""
        if not self.drawn:
            return {}
        n = self.resolution
        xs = self.low[0] + (np.arange(n) + 0.5) / n * (self.high[0] - self.low[0])
        ys = self.high[1] - (np.arange(n) + 0.5) / n * (self.high[1] - self.low[1])
        grid = np.column_stack([np.tile(xs, n), np.repeat(ys, n)])  # row by row from the top, x fastest
        model = self.recording.model
        with no_grad():  # the decision only: no graph to record
            outputs = run_batch(model, grid, matrix=hasattr(model, "forward_matrix"))
        scores = outputs.data if isinstance(outputs, Tensor) else np.array(
            [o.data if isinstance(o, Value) else [v.data for v in o] for o in outputs], dtype=np.float64)
        decide = self.recording.decide
        assert decide is not None  # drawn only when classifying
        labels = decided_rows(scores, decide)
        colours = [blend("#ffffff", self._colour(label), 0.12 + 0.5 * sure)
                   for label, sure in zip(labels.tolist(), _sureness(scores).tolist(), strict=True)]
        pixels = [colours[r * n:(r + 1) * n] for r in range(n)]
        return {"boundary.heat": {"href": png_data_uri(pixels)}}


def _why_no_boundary(inputs: np.ndarray, classifying: bool) -> str | None:
    if inputs.shape[1] != 2:
        return f"it is drawn for 2-D inputs; these have {inputs.shape[1]} features"
    if not classifying:
        return "it is drawn for classification; this run has classify=False"
    return None


def _class_labels(targets: np.ndarray) -> np.ndarray:
    """Class labels: one-hot rows as their index, labels as they are (floats, as ``decide`` returns them)."""
    labels = np.argmax(targets, axis=1) if targets.ndim == 2 else targets
    return np.asarray(labels, dtype=np.float64)


def _sureness(scores: np.ndarray) -> np.ndarray:
    """How sure each decision is, 0..1: tanh|s| for one score per example, the top softmax share above chance for
    several (a row of scores); 0 where a score is not finite.

    >>> _sureness(np.array([0.0, 2.0, np.nan])).round(3).tolist()
    [0.0, 0.964, 0.0]
    >>> _sureness(np.array([[0.0, 0.0], [9.0, -9.0], [1.0, np.inf]])).round(3).tolist()
    [0.0, 1.0, 0.0]
    """
    if scores.ndim == 1:
        return np.where(np.isfinite(scores), np.tanh(np.abs(np.nan_to_num(scores))), 0.0)
    classes = scores.shape[1]
    finite = np.all(np.isfinite(scores), axis=1)
    if classes < 2:
        return np.zeros(len(scores))
    safe = np.where(finite[:, None], scores, 0.0)
    shares = np.exp(safe - safe.max(axis=1, keepdims=True))
    top = shares.max(axis=1) / shares.sum(axis=1)
    chance = 1.0 / classes
    return np.where(finite, (top - chance) / (1.0 - chance), 0.0)


def _example_text(recording: Recording, k: int) -> str:
    point = ", ".join(format_number(float(v), _TICKS) for v in recording.data.X[k][:4])
    more = ", …" if recording.data.X.shape[1] > 4 else ""
    target = recording.data.y[k]
    if np.ndim(target) != 0:  # a one-hot row: its class
        label = str(int(np.argmax(target)))
    else:  # a class (or a sign) as an integer, "1" not "1.000"; a regression target as a number
        label = f"{float(target):.0f}" if float(target).is_integer() else format_number(float(target), _TICKS)
    return f"training example {k}: x = ({point}{more}), label {label}"


# --------------------------------------------------------------------------------------- network
class NetworkPanel(Panel):
    """The network as ``viz.draw_network`` draws it, laid out once; each moment repaints its units and connections.

    ``diagram`` describes the drawing (it reads the model) that ``dot`` lays out; the panel is made
    from that SVG. A moment's ``state`` is ``draw_network``'s own look of each unit and connection
    (``viz.network.draw.network_looks``: colours and widths from the parameters), written as the SVG
    attributes Graphviz writes for them, so no moment needs ``dot`` again.
    """

    name = "network"
    WIDTH_PT = 630.0  # within a notebook column (850 px, tests/notebooks)

    def __init__(self, model: Any, svg: str | None) -> None:
        if svg is None:
            root = _canvas(430, 40)
            _text(root, 10, 24, f"draw_network draws an MLP, Layer or Neuron, not a {type(model).__name__}", 12)
            super().__init__(root, "The network")
            return
        root = fitted_width(_strip_namespaces(ET.fromstring(svg)), self.WIDTH_PT)
        super().__init__(root, "The network: weights (colour = sign, width = size), units filled by their bias")
        for group in root.iter("g"):
            kind, ident, shape = group.get("class"), group.get("id"), svg_shape_or_none(group)
            if kind in ("node", "edge") and ident and shape is not None:
                self.tag(ident, shape)
        for link in root.iter("a"):  # a tooltip names one moment's value: it would be wrong in the others
            link.attrib.pop("xlink:title", None)

    @staticmethod
    def diagram(model: Any, scale: float | None) -> Diagram | None:
        """``draw_network``'s drawing of the model now (``scale``: the weight at full width; None: the largest),
        or None when it draws no such model."""
        if not isinstance(model, (MLP, Layer, Neuron)):
            return None
        return draw_network(model, legend=False, scale=scale)

    @classmethod
    def state(cls, model: Any, scale: float | None) -> State:
        """The model's units and connections now, as ``draw_network`` (``scale`` as for ``diagram``) paints them."""
        if not isinstance(model, (MLP, Layer, Neuron)):
            return {}
        return {f"{cls.name}.{ident}": svg_paint(look) for ident, look in network_looks(model, scale=scale).items()}


# Graphviz's SVG renderer: a dashed line is drawn with stroke-dasharray 5,2, a dotted one with 1,5
_DASHES = {"dashed": "5,2", "dotted": "1,5"}


def svg_paint(look: Mapping[str, str]) -> dict[str, str]:
    """The SVG attributes Graphviz writes for a node's ``fillcolor`` or an edge's ``color``, ``penwidth`` and
    ``style`` (DOT attributes, as ``network_looks`` gives them).

    >>> svg_paint({"fillcolor": "#ffffff"}), svg_paint({"color": "#757575", "penwidth": "0.40", "style": "dotted"})
    ({'fill': '#ffffff'}, {'stroke': '#757575', 'stroke-width': '0.4', 'stroke-dasharray': '1,5'})
    """
    if "fillcolor" in look:
        return {"fill": look["fillcolor"]}
    return {"stroke": look["color"], "stroke-width": f"{float(look['penwidth']):g}",
            "stroke-dasharray": _DASHES.get(look.get("style", ""), "none")}


def svg_shape_or_none(group: ET.Element) -> ET.Element | None:
    """A node's or an edge's drawn shape (its first ellipse, path or polygon), or None (a plaintext node)."""
    return next((element for element in group.iter() if element.tag in ("ellipse", "path", "polygon")), None)


# --------------------------------------------------------------------------------------- graph
@dataclass(frozen=True)
class GraphShape:
    """Where an example's drawn texts are in its graph, found from one example's description (plain data).

    ``positions``: each drawn value's topological position, -1 or the input whose number it is (a number
    drawn as an input, ``x[0]``: kept as a ``dot`` node's local gradient), and part (``"data"``, ``"grad"``);
    ``gates``: each drawn engine-op gate's id, its node's position and the letter its text calls its
    wire; ``inputs``: how many inputs each node has (every example's graph must have the same).
    """

    sample: int
    positions: tuple[tuple[int, int, str], ...]
    gates: tuple[tuple[str, int, str], ...]
    inputs: tuple[int, ...]


LOSS = "loss"  # the scope the loss's nodes are made in (the panel's own graph only: training has none)


def example_loss(recording: Recording, k: int) -> Value:
    """The loss of training example ``k`` alone, through the model as it is now, after ``backward()``; the
    loss's own nodes in a scope (``LOSS``, titled by the loss's name), so that the panel may collapse them."""
    data, loss = recording.data, recording.loss
    output = recording.model(data.X[k].tolist())
    name = getattr(getattr(loss, "func", loss), "__name__", LOSS)  # a functools.partial: its function's
    with scope(LOSS, title=name.replace("_", " ")):
        value = loss([output], data.y[k:k + 1])
    value.backward()
    return value


def example_order(recording: Recording, k: int, parameters: list[Value]) -> list[Value]:
    """Example ``k``'s loss graph now, in topological order, its backward run from zero gradients (as after
    ``zero_grad()``) on the model's ``parameters``; the model must be in a ``nn.theatre.model_moment``."""
    for parameter in parameters:
        parameter.grad = 0.0
    return topological_order(example_loss(recording, k))


class NodeNumbers(Protocol):
    """What the graph panel writes of a node: a ``Value``'s, or a ``NodeReading``'s copy of them."""

    @property
    def data(self) -> float: ...
    @property
    def grad(self) -> float: ...
    @property
    def local_grads(self) -> tuple[float, ...]: ...
    @property
    def op(self) -> str: ...
    @property
    def const(self) -> float | None: ...
    @property
    def const_left(self) -> bool: ...


@dataclass(frozen=True)
class NodeReading:
    """A node's numbers copied at a moment (plain data, which later training leaves alone)."""

    data: float
    grad: float
    local_grads: tuple[float, ...]
    op: str
    const: float | None
    const_left: bool


@dataclass(frozen=True)
class GraphReading:
    """Example ``sample``'s graph read at a moment, before its layout is known (``read``): every node's numbers in
    topological order and its number of inputs; ``GraphReader.written`` makes the panel's texts of it later.
    The live view's final frame reads the model this way when training ends before the layout is in."""

    sample: int
    nodes: tuple[NodeReading, ...]
    inputs: tuple[int, ...]

    @classmethod
    def read(cls, recording: Recording, k: int) -> GraphReading:
        """Example ``k``'s graph through the model now (which must be in a ``nn.theatre.model_moment``)."""
        order = example_order(recording, k, recording.model.parameters())
        nodes = tuple(NodeReading(n.data, n.grad, n.local_grads, n.op, n.const, n.const_left) for n in order)
        return cls(k, nodes, tuple(len(node.inputs) for node in order))


class GraphReader:
    """Reads any example's drawn texts from its graph by their places (``GraphShape``), as the panel writes them:
    the engine's values and gradients straight from the nodes, without describing each graph again, and the
    gates that are engine ops by their own op (a hinge loss is ``1-s`` or ``1+s`` by the label, and a
    ``log_softmax`` drawn gate by gate folds each example's largest score into its ``x-m`` gate)."""

    FIELDS = ("data", "grad")

    def __init__(self, recording: Recording, shape: GraphShape) -> None:
        self.recording = recording
        self.shape = shape
        self.parameters = recording.model.parameters()
        self.drawing = DrawOptions.build("training theatre", style="circuit")  # the texts' style and numbers

    def texts(self, k: int) -> list[str]:
        """Example ``k``'s drawn values and gradients now (in ``positions`` order), then its gates' texts.

        The model must be in a ``nn.theatre.model_moment`` (its gradients are restored afterwards)."""
        order = example_order(self.recording, k, self.parameters)
        return self.written(k, order, tuple(len(node.inputs) for node in order))

    def written(self, k: int, order: Sequence[NodeNumbers], inputs: tuple[int, ...]) -> list[str]:
        """The texts of example ``k``'s graph, its nodes in topological ``order`` (Values, or a ``GraphReading``'s
        nodes read earlier) with ``inputs`` inputs each."""
        if inputs != self.shape.inputs:
            raise ValueError(f"training theatre: example {k}'s graph has another shape than example "
                             f"{self.shape.sample}'s; the graph panel needs the same graph for every example")
        style, fmt = self.drawing.style, self.drawing.number_format
        values = [
            style.field_text(part, _number_text(order[p], k, part, fmt))
            for p, k, part in self.shape.positions
        ]
        gates = [gate_text(order[p].op, order[p].const, order[p].const_left, wire) for _, p, wire in self.shape.gates]
        return values + gates

    def caption(self, k: int) -> str:
        """What the panel shows, naming the example."""
        return visible_text(f"The graph of {_example_text(self.recording, k)}: its loss, values above "
                            "the wires, gradients below")


def _number_text(node: NodeNumbers, k: int, part: str, fmt: NumberFormat) -> str:
    """A drawn value's ``part`` as the graph panel writes it: the node's own (``k`` = -1), or the number its
    input ``k`` is multiplied by (a number drawn as an input: it has no gradient)."""
    if k >= 0:
        return format_number(node.local_grads[k], fmt) if part == "data" else ""
    return format_number(node.data, fmt) if part == "data" else format_gradient(node.grad, fmt)


class GraphPlan:
    """One example's graph as the graph panel draws it, described from the model (``diagram``: ``dot`` not run yet);
    ``reader`` reads any example's texts from its graph (the graph model's ids are topological positions)."""

    FIELDS = GraphReader.FIELDS
    LOSS = LOSS
    # a loss of more nodes than this is drawn as one gate (softmax cross-entropy's ten would take half
    # the panel's width and shrink the network's numbers below 10 px); the hinge's 1-s and relu are drawn
    MOST_LOSS_NODES = 4

    def __init__(self, recording: Recording) -> None:
        model = recording.model
        neurons = [m for m in model.modules() if isinstance(m, Neuron)] if isinstance(model, Module) else []
        collapse = tuple(n.name for n in neurons if n.name)
        symbols = {n.name: f"{n.activation_name} {n.name.rpartition('.')[2]}" for n in neurons if n.name}
        root_value = example_loss(recording, recording.sample)
        order = topological_order(root_value)
        in_loss = sum(1 for node in order if node.scope is not None and node.scope.name == LOSS)
        self.loss_collapsed = in_loss > self.MOST_LOSS_NODES
        if self.loss_collapsed:
            collapse = (*collapse, LOSS)
        # without the wires' names (a gate says which neuron it is), the graph fits a 900 px page with
        # its numbers at 10 px or more
        request = STATIC_DRAWING.build("training theatre", {
            "style": "circuit", "collapse": collapse, "group_symbols": symbols, "legend": False,
            "output_name": "loss", "parameters": model.parameters(), "show": self.FIELDS})
        self.layout = describe(root_value, request.model_options)
        self.drawing = request.drawing_for(self.layout)
        self.diagram = draw_model(self.layout, self.drawing)
        index = {id(node): i for i, node in enumerate(order)}
        # where each drawn value's numbers are: a node's own (input -1), or a number drawn as an input
        # (x[0]), kept as a dot node's local gradient
        positions = {name: (index[id(node)], -1) for node, name in self.layout.value_ids.items()}
        positions.update(self.layout.numbers_from)
        names = {self.drawing.name_of(node) for node in self.layout.values}
        self.reader = GraphReader(recording, GraphShape(
            recording.sample,
            tuple((*positions[node.id], part) for node in self.layout.values for part in self.FIELDS),
            tuple((gate.id, positions[gate.outputs[0]][0], gate_wire(gate, self.layout, self.drawing, names))
                  for gate in self.layout.gates if gate.collapsed is None and len(gate.outputs) == 1),
            tuple(len(node.inputs) for node in order)))

    def example_root(self, k: int) -> Value:
        """The loss of training example ``k`` alone, after ``backward()`` (``example_loss``)."""
        return example_loss(self.reader.recording, k)


class GraphPanel(Panel):
    """One training example's loss graph, collapsed to neurons, with the engine's values and gradients.

    Drawn at most as wide as a notebook column (``WIDTH_PT``: 850 px, the notebook tests' column).
    """

    name = "graph"
    WIDTH_PT = 630.0

    def __init__(self, plan: GraphPlan, svg: str) -> None:
        root = fitted_width(_strip_namespaces(ET.fromstring(svg)), self.WIDTH_PT)
        super().__init__(root, "")
        self.plan = plan
        groups = {group.get("id"): group for group in root.iter("g") if group.get("id")}
        style = plan.drawing.style
        self.keys: list[tuple[str, str]] = []  # (key, "text") of each of plan.reader.texts' texts
        for node in plan.layout.values:
            elements = style.value_elements(groups[node.id], plan.drawing)
            for part in plan.FIELDS:
                self.keys.append((self.tag(f"{node.id}.{part}", elements[part]).get(KEY, ""), "text"))
        for gate_id, _, _ in plan.reader.shape.gates:
            self.keys.append((self.tag(f"{gate_id}.text", _gate_label(groups[gate_id])).get(KEY, ""), "text"))
        for gate in plan.layout.gates:  # a gate's fill would show one moment's gradient in every moment: none
            svg_shape(groups[gate.id]).set("fill", PALETTE.neutral)

    def state_of(self, texts: list[str]) -> State:
        """A state writing ``texts`` (``GraphReader.texts``) into the graph."""
        return texts_state(self.keys, texts)


def texts_state(keys: list[tuple[str, str]], texts: list[str]) -> State:
    """A state writing ``texts`` into the slots ``keys`` (each a (key, attribute))."""
    return {key: {attribute: text} for (key, attribute), text in zip(keys, texts, strict=True)}


def _gate_label(group: ET.Element) -> ET.Element:
    """A gate's text element (Graphviz writes a one-line label as one ``<text>`` in the node's group)."""
    [text] = group.findall("text")
    return text


_TICKS = STYLES["graph"].default_number_format
