"""A network called on plain numbers draws them as its inputs ``x[0]``, ``x[1]``, measured in the SVG.

``MLP(...)([0.5, -1.0])`` folds the numbers into its first layer's ``dot`` nodes; the drawing shows
them as named wires in a first column (``viz.model.constants``), in both styles and both directions,
open or collapsed, and the player's arithmetic points at them.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from autograd import Value
from nn import MLP, mse
from tests.viz.styles.test_input_order import Drawing, input_order
from tests.viz.styles.test_network_layout import _boxes, _check_columns, foreign_crossings
from viz import backprop_steps, draw
from viz.dot_runner import run_dot
from viz.model.graph_model import GraphModel, describe
from viz.model.network import network_columns
from viz.options import ModelOptions

_SVG = "{http://www.w3.org/2000/svg}"


def _two_three_two(xs: list[float] | list[Value], backward: bool = True) -> Value:
    """The course notes' 2-3-2 sigmoid network with its ½Σ(y − t)² loss, called on ``xs``."""
    net = MLP(2, [3, 2], activation="sigmoid", output_activation="sigmoid", seed=0)
    loss = mse([net(xs)], [[1.0, 0.0]], reduction="sum", half=True)
    if backward:
        loss.backward()
    return loss


def _texts(svg: bytes, element_id: str) -> list[str]:
    group = next(g for g in ET.fromstring(svg).iter(f"{_SVG}g") if g.get("id") == element_id)
    return [text.text or "" for text in group.iter(f"{_SVG}text")]


@pytest.mark.parametrize("style", ["circuit", "graph"])
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
@pytest.mark.parametrize("collapse", [False, True])
def test_numbers_are_drawn_as_inputs_in_the_first_column(style: str, rankdir: str, collapse: bool) -> None:
    loss = _two_three_two([0.5, -1.0])
    model = describe(loss, ModelOptions(collapse=collapse))
    columns = network_columns(model)
    assert columns is not None and columns.inputs == ("c0", "c1")
    assert [(model.value(v).label, model.value(v).data, model.value(v).role) for v in columns.inputs] == [
        ("x[0]", 0.5, "constant"), ("x[1]", -1.0, "constant")]
    svg = run_dot(draw(loss, style=style, rankdir=rankdir, collapse=collapse).source, "svg")
    boxes = _boxes(svg.decode())
    layer_1 = columns.layers[0][0]  # layer 1's box, or its gate when collapsed
    start, end = (0, 2) if rankdir == "LR" else (1, 3)
    for value_id, name in (("c0", "x[0]"), ("c1", "x[1]")):
        named = [value_id, f"{value_id}_name"] if style == "circuit" else [value_id]
        assert any(name in _texts(svg, element) for element in named), (value_id, name)
        assert all(boxes[element][end] < boxes[layer_1][start] for element in named)
    # x[0] before x[1] across the column (top to bottom in LR, left to right in TB)
    across = 1 if rankdir == "LR" else 0
    assert boxes["c0"][across] < boxes["c1"][across]
    if not collapse:
        _check_columns(model, svg.decode(), rankdir)
    assert foreign_crossings(model, svg.decode()) == []
    # a number's gradient slot is empty: the engine keeps none for it
    grad_text = _texts(svg, "c0")[-1]
    assert grad_text.strip() == "" if style == "circuit" else grad_text == "no grad"


@pytest.mark.parametrize("style", ["circuit", "graph"])
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_a_wide_network_on_numbers_keeps_them_in_order_before_its_collapsed_neurons(style: str, rankdir: str) -> None:
    """MLP(2, [16, 16, 1]) collapses its neurons (inside their layers' boxes) by default: x[0] before x[1], both
    before layer 1's box, columns as for Value inputs."""
    net = MLP(2, [16, 16, 1], seed=0)
    loss = mse(net([0.5, -1.0]), 1.0)
    loss.backward()
    model = describe(loss)
    assert any(group.collapsed for group in model.groups)
    svg = run_dot(draw(loss, style=style, rankdir=rankdir).source, "svg").decode()
    _check_columns(model, svg, rankdir)
    boxes = _boxes(svg)
    across = 1 if rankdir == "LR" else 0
    assert boxes["c0"][across] < boxes["c1"][across]


@pytest.mark.parametrize("style", ["circuit", "graph"])
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_a_softmax_network_on_numbers_draws_its_inputs_and_logits_in_index_order(style: str, rankdir: str) -> None:
    from nn import softmax_cross_entropy

    net = MLP(2, [3], activation="relu", output_activation="identity", seed=0)
    loss = softmax_cross_entropy(net([0.5, -1.0]), 2)
    loss.backward()
    model = describe(loss)
    columns = network_columns(model)
    assert columns is not None and columns.inputs == ("c0", "c1")
    _check_columns(model, run_dot(draw(loss, style=style, rankdir=rankdir).source, "svg").decode(), rankdir)


@pytest.mark.parametrize("style", ["circuit", "graph"])
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_each_first_layer_neuron_takes_w0_x0_w1_x1_b_in_order(style: str, rankdir: str) -> None:
    loss = _two_three_two([0.5, -1.0])
    model = describe(loss)
    drawing = Drawing(run_dot(draw(loss, style=style, rankdir=rankdir).source, "svg"))
    first = [gate for gate in model.gates if gate.op == "dot" and len(gate.wires) > len(gate.inputs)]
    assert len(first) == 3
    for gate in first:
        assert input_order(model, drawing, gate.id, rankdir, uncrossed=False) == ["w0", "x[0]", "w1", "x[1]", "b"]


def _into(model: GraphModel, names: tuple[str, ...]) -> dict[tuple[str, str], tuple[float, ...]]:
    """(the input's name, the group of the gate it enters) → the edge's local gradients, for the inputs ``names``."""
    found = {}
    for edge in model.edges:
        if model.value(edge.source).label in names:
            gate = model.gate(edge.target)
            found[(model.value(edge.source).label, model.group(gate.group or gate.collapsed or "").path)] = (
                edge.local_grads)
    return found


@pytest.mark.parametrize("collapse", [False, True])
def test_a_numbers_local_gradients_are_what_the_same_input_as_a_value_gets(collapse: bool) -> None:
    """The wires from x[0], x[1] carry the local gradients the engine computes for Value inputs x[0], x[1]."""
    numbers = describe(_two_three_two([0.5, -1.0]), ModelOptions(collapse=collapse))
    values = describe(_two_three_two([Value(0.5), Value(-1.0)]), ModelOptions(collapse=collapse))
    expected = _into(values, ("x[0]", "x[1]"))
    found = _into(numbers, ("x[0]", "x[1]"))
    assert len(found) == (2 if collapse else 6)
    assert found.keys() == expected.keys()  # the same gates (by id) take them
    for key, local in found.items():
        assert local == pytest.approx(expected[key], rel=1e-12, abs=1e-15), key


@pytest.mark.parametrize("style", ["circuit", "graph"])
def test_a_batch_draws_its_first_samples_numbers_and_folds_the_later_samples(style: str) -> None:
    """The first sample's path is drawn in full, its numbers as x[0], x[1] before layer 1; each later sample has
    its own numbers, folded into its gate (they were all folded, so the XOR loss showed no inputs at all)."""
    net = MLP(2, [4, 4, 1], seed=0)
    points = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    loss = mse([net(x) for x in points], [0, 1, 1, 0])
    loss.backward()
    model = describe(loss)
    assert [(node.id, node.label, node.data) for node in model.values if node.role == "constant"] == [
        ("c0", "x[0]", 0.0), ("c1", "x[1]", 0.0)]
    columns = network_columns(model)
    assert columns is not None and columns.inputs == ("c0", "c1")
    svg = run_dot(draw(loss, style=style).source, "svg").decode()
    boxes = _boxes(svg)
    assert all(boxes[value_id][2] < boxes[columns.layers[0][0]][0] for value_id in ("c0", "c1"))
    assert foreign_crossings(model, svg) == []


def test_a_lone_dot_or_neuron_is_not_a_network_and_keeps_its_numbers_folded() -> None:
    from autograd import dot
    from nn import Neuron

    lone = dot([Value(2.0), Value(3.0)], [0.5, -1.0], bias=Value(1.0))
    neuron = Neuron(2, seed=0)([0.5, -1.0])
    for root in (lone, neuron):
        root.backward()
        assert not any(node.role == "constant" for node in describe(root).values)


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_the_players_arithmetic_points_at_the_numbers(rankdir: str) -> None:
    player = backprop_steps(_two_three_two([0.5, -1.0], backward=False), rankdir=rankdir)
    first = [frame for frame in player.frames
             if frame.gate is not None and len(player.model.gate(frame.gate).wires) > 3
             and player.model.gate(frame.gate).op == "dot" and "c0" in {a.value for a in frame.arrivals}]
    assert len(first) == 3
    for frame in first:
        assert [line.split(": ")[0] for line in frame.work] == ["w0", "x[0]", "w1", "x[1]", "b"]
        assert " × x[0]=0.50 = " in frame.work[0] and " × x[1]=-1.00 = " in frame.work[2]
        assert " × w0=" in frame.work[1] and frame.work[1].endswith("(a number: not kept)")
        assert frame.caption.endswith("back to w0 … b (x[0] and x[1]: numbers, not kept).")
        assert {"c0", "c1"} <= {player.model.edge(edge).source for edge in frame.edges}  # their wires light up
    # what backward() left: the numbers hold no gradient, and nothing else changed
    assert player.frames[-1].grads["c0"] is None and player.frames[-1].grads["c1"] is None
    # their slots stay empty and plain in every frame (a gradient that arrives is bold: none arrives here)
    _, base, deltas = player._drawn()
    for state in (base, *deltas):
        for key in ("c0.grad", "c1.grad"):
            assert state.get(key, {}).get("text", "").strip() == ""
            assert state.get(key, {}).get("font-weight", "normal") == "normal"
    page = player.html()
    assert "x[0]" in page and "x[1]" in page


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
@pytest.mark.parametrize("collapse", [False, True])
def test_a_hidden_value_sits_level_with_the_gate_computing_it(rankdir: str, collapse: bool) -> None:
    """h1[k]'s wire leaves neuron k (its σ gate, or the collapsed neuron) straight, so its value and name sit level
    with it, not beside the next neuron (MLP(2, [16, 16, 1]) put h1[0] beside neuron 1)."""
    net = MLP(2, [16, 16, 1], seed=0)
    loss = mse(net([0.5, -1.0]), 1.0)
    loss.backward()
    options = ModelOptions() if collapse else ModelOptions(max_nodes=None)
    model = describe(loss, options)
    drawing = Drawing(run_dot(draw(loss, style="circuit", rankdir=rankdir, max_nodes=options.max_nodes).source, "svg"))
    across = 1 if rankdir == "LR" else 0
    hidden = [node for node in model.values if node.label.startswith("h1[")]
    assert len(hidden) == 16
    for node in hidden:
        assert node.gate is not None
        gate = model.gate(node.gate)
        start, end = drawing.edges[gate.output_edges[gate.outputs.index(node.id)]]
        assert abs(start[across] - end[across]) < 6.0, (node.label, start, end)


def test_the_forward_player_gives_the_numbers_first_and_lights_their_wires() -> None:
    from viz import forward_steps

    player = forward_steps(_two_three_two([0.5, -1.0], backward=False))
    first = player.frames[0]
    assert "Inputs: x[0] = 0.50, x[1] = -1.00, w0 = " in first.caption
    assert {"c0", "c1"} <= first.revealed  # their values are shown from the start
    dot = player.frames[1]
    assert ": 0.27, 0.50, -0.46, -1.00, 0.00 → 0.60" in dot.caption  # w0, x[0], w1, x[1], b
    assert {"c0", "c1"} <= {player.model.edge(edge).source for edge in dot.edges}
