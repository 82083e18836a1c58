"""The panels' per-moment work without ``dot``: the network repainted from ``draw_network``'s own looks as Graphviz
would paint it, the SVG template filled with the applied values, and each example's own gate texts (a hinge loss is
``1-s`` or ``1+s`` by the label; ``log_softmax`` folds each example's largest score into its gate) in the replay and
in the live view."""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from typing import Any

import numpy as np
import pytest

import viz
from nn.data import Dataset, make_moons, make_spiral
from nn.layers import MLP, Neuron
from nn.losses import binary_hinge, softmax_cross_entropy
from nn.optim import SGD
from nn.theatre import Recording
from nn.train import History, fit
from viz.network.draw import draw_network
from viz.training import live
from viz.training.panels import GraphPlan, NetworkPanel, Panel

# the attributes Graphviz's SVG gives a shape when the DOT source does not set them
_SVG_DEFAULTS = {"stroke-width": "1", "stroke-dasharray": "none"}


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def dot_paint(svg: str) -> dict[str, dict[str, str]]:
    """Each node's and edge's first shape's paint as ``dot`` wrote it, by SVG id."""
    paint = {}
    for group in ET.fromstring(svg).iter():
        if _local(group.tag) == "g" and group.get("class") in ("node", "edge"):
            shape = next((e for e in group.iter() if _local(e.tag) in ("ellipse", "path", "polygon")), None)
            if shape is not None:
                paint[f"network.{group.get('id')}"] = {
                    name: shape.get(name, _SVG_DEFAULTS.get(name, "")) for name in
                    ("fill", "stroke", "stroke-width", "stroke-dasharray")}
    return paint


@pytest.mark.parametrize("scale", [None, 0.5])
def test_the_network_is_repainted_as_dot_paints_draw_networks_drawing(scale: float | None) -> None:
    model = MLP(3, [12, 4, 2], seed=0)
    layer = model.layers[0].neurons
    layer[0].w[0].data, layer[1].w[1].data, layer[2].w[2].data = 0.0, math.nan, math.inf
    layer[3].b.data, layer[4].b.data, layer[11].b.data = -0.4, 0.9, math.nan
    expected = dot_paint(draw_network(model, legend=False, scale=scale).svg())
    state = NetworkPanel.state(model, scale)
    assert state  # every hidden and output unit, every drawn connection
    for key, attributes in state.items():
        for name, value in attributes.items():
            assert value == expected[key][name] or (name == "stroke-width" and float(value) == float(
                expected[key][name])), (key, name, value, expected[key])
    drawn = {key for key in expected if re.fullmatch(r"network\.(l\d+_n\d+_w\d+|c[1-9]\d*_u\d+)", key)}
    assert set(state) == drawn


def test_the_template_writes_the_applied_values_as_a_fresh_serialisation_would() -> None:
    root = ET.Element("svg")
    panel = Panel(root, "a panel")
    panel.name = "p"
    panel.tag("label", ET.SubElement(root, "text"))
    panel.tag("line", ET.SubElement(root, "polyline", {"points": ""}))
    for state in ({"p.label": {"text": "a < b & c"}, "p.line": {"points": "1,2 3,4"}},
                  {"p.label": {"text": 'say "x"'}, "p.line": {"points": '5,6"', "stroke": "#123456"}},
                  {"p.label": {"text": "\u2014"}}):
        panel.apply(state)
        assert ET.tostring(ET.fromstring(panel.svg())) == ET.tostring(root), state
    ET.SubElement(root, "circle", {"r": "4"})  # an untagged change, announced
    panel.changed()
    assert "<circle" in panel.svg()


# ------------------------------------------------------------------ gate texts
def gate_texts(svg: str) -> dict[str, str]:
    """Each gate's text in an SVG (a node group whose id is a gate's, ``g7``, or a collapsed group's, ``s3``), by id."""
    texts = {}
    for group in ET.fromstring(svg).iter():
        if _local(group.tag) == "g" and group.get("class") == "node" and re.fullmatch(r"[gs]\d+", group.get("id", "")):
            texts[group.get("id", "")] = "".join(t.text or "" for t in group.iter() if _local(t.tag) == "text")
    return texts


def own_gate_texts(recording: Recording, k: int) -> dict[str, str]:
    """Example ``k``'s graph (the model as it is now) drawn by ``viz.draw`` with the panel's options: its gates'
    texts."""
    model = recording.model
    plan = GraphPlan(recording)  # the panel's choice: its loss drawn or collapsed
    neurons = [m for m in model.modules() if isinstance(m, Neuron)]
    for parameter in model.parameters():
        parameter.grad = 0.0
    value = plan.example_root(k)  # the loss in a scope, so that it may be collapsed
    collapse = [*(n.name for n in neurons), *([plan.LOSS] if plan.loss_collapsed else [])]
    diagram = viz.draw(value, style="circuit", collapse=collapse,
                       group_symbols={n.name: f"{n.activation_name} {n.name.rpartition('.')[2]}" for n in neurons},
                       legend=False, output_name="loss", parameters=model.parameters(), show=("data", "grad"))
    return gate_texts(diagram.svg())


def graph_svg(stage_html: str) -> str:
    """The graph panel's SVG: the stage's last figure."""
    figures = re.findall(r"<figure>.*?</figure>", stage_html, re.S)
    found = re.search(r"<svg.*</svg>", figures[-1], re.S)
    assert found
    return found.group(0)


def hinge_run(**keywords: Any) -> tuple[MLP, Dataset, History]:
    moons = make_moons(30, noise=0.1, seed=0)
    data = Dataset(moons.X, 2 * moons.y - 1)
    model = MLP(2, [3, 1], seed=0)
    history = fit(model, binary_hinge, SGD(model.parameters(), lr=0.2), data, epochs=2, batch_size=10, **keywords)
    return model, data, history


def softmax_run(**keywords: Any) -> tuple[MLP, Dataset, History]:
    data = make_spiral(8, classes=3, noise=0.2, seed=0)
    model = MLP(2, [3, 3], seed=0)
    history = fit(model, softmax_cross_entropy, SGD(model.parameters(), lr=0.2), data, epochs=2, batch_size=8,
                  **keywords)
    return model, data, history


def replayed_graph(page: str, frame: int, choice: int) -> str:
    """The replay page's graph SVG at ``frame`` with example ``choice`` chosen, as the page's script sets it."""
    data = json.loads(re.findall(r'<script type="application/json" class="gt-data">(.*?)</script>', page, re.S)[0])
    state = {key: dict(attributes) for key, attributes in data["base"].items()}
    for delta in data["deltas"][:frame]:
        for key, attributes in delta.items():
            state.setdefault(key, {}).update(attributes)
    for (key, attribute), text in zip(data["choices"]["keys"], data["choices"]["rows"][frame][choice].split("\t"),
                                      strict=True):
        state.setdefault(key, {})[attribute] = text
    root = ET.fromstring(graph_svg(page))
    for element in root.iter():
        attributes = state.get(element.get("data-gt", ""), {})
        for name, value in attributes.items():
            if name == "text":
                element.text = value
            else:
                element.set(name, value)
    return ET.tostring(root, encoding="unicode")


# the hinge loss (drawn gate by gate: its two nodes), and softmax cross-entropy drawn gate by gate too (by default
# its ten nodes are one gate)
GATE_BY_GATE = [(hinge_run, GraphPlan.MOST_LOSS_NODES), (softmax_run, 100)]


@pytest.mark.parametrize(("run", "most"), GATE_BY_GATE)
def test_the_replays_graph_shows_each_examples_own_gates_at_every_snapshot(run: Any, most: int,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(GraphPlan, "MOST_LOSS_NODES", most)
    _, data, history = run(quiet=True, record=3)
    page = viz.training_replay(history, resolution=3).html()
    recording = history.recording
    labels = np.asarray(data.y)
    examples = [0, *(int(np.flatnonzero(labels != labels[0])[0]),)]  # one of another class than example 0's
    seen = set()
    for frame in (0, len(recording.snapshots) - 1):
        for k in examples:
            with recording.parameters_of(recording.snapshots[frame]):
                expected = own_gate_texts(recording, k)
            drawn = gate_texts(replayed_graph(page, frame, k))
            assert drawn == expected, (frame, k)
            seen.add(tuple(sorted(drawn.values())))
    assert len(seen) > 1  # the examples' gates differ: the test can tell them apart


@pytest.mark.parametrize(("run", "most"), GATE_BY_GATE)
def test_the_live_view_shows_the_watched_examples_own_gates(run: Any, most: int,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(GraphPlan, "MOST_LOSS_NODES", most)
    shown: list[str] = []
    monkeypatch.setattr(live, "in_notebook", lambda: True)
    monkeypatch.setattr(live, "_notebook_display", lambda: shown.append)
    _, data, _ = run(quiet=True)
    labels = np.asarray(data.y)
    other = int(np.flatnonzero(labels != labels[0])[0])
    for k in (0, other):
        shown.clear()
        _, _, history = run(watch=True, watch_sample=k, record=2)
        assert live.wait_for_final_frames(timeout=120)  # drawn when the layout is in, maybe after fit returns
        recording = history.recording
        assert recording is not None and gate_texts(graph_svg(shown[-1])) == own_gate_texts(recording, k), k


def test_a_long_loss_is_one_gate_and_a_short_one_is_drawn_gate_by_gate() -> None:
    for run, collapsed, texts in ((softmax_run, True, {"softmax cross entropy"}), (hinge_run, False, {"1-x", "relu"})):
        _, _, history = run(quiet=True, record=2)
        assert history.recording is not None
        plan = GraphPlan(history.recording)
        assert plan.loss_collapsed is collapsed
        drawn = set(gate_texts(plan.diagram.svg()).values())
        assert texts <= drawn and not any(t.startswith(("exp", "log", "x-")) for t in drawn), drawn
