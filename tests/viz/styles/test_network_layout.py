"""A network is drawn in columns, measured in the SVG ``dot`` draws.

The boxes (clusters, by group id) of a network's layers must follow each other along the rank
axis (x in LR, y in TB) without overlapping, the inputs ``x[0]``, ``x[1]`` must come before the
first layer's box, the neuron boxes of a layer must sit in index order across it, and the loss
after the last layer.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from autograd import Value
from nn import MLP, mse, softmax_cross_entropy
from tests.viz.styles.test_input_order import Drawing, input_order
from viz import draw
from viz.dot_runner import run_dot
from viz.model.graph_model import GraphModel, describe
from viz.model.network import network_columns
from viz.options import ModelOptions

_SVG = "{http://www.w3.org/2000/svg}"
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")

Box = tuple[float, float, float, float]  # left, top, right, bottom


def _xs(*numbers: float) -> list[Value]:
    """A network's inputs as Values (numbers are folded into the first layer and not drawn)."""
    return [Value(float(n)) for n in numbers]


def _boxes(svg: str) -> dict[str, Box]:
    """Every cluster's and node's bounding box by id, from its outline (and a node's texts)."""
    boxes: dict[str, Box] = {}
    for group in ET.fromstring(svg).iter(f"{_SVG}g"):
        if group.get("class") not in ("cluster", "node"):
            continue
        xs: list[float] = []
        ys: list[float] = []
        for element in group:
            if element.tag in (f"{_SVG}polygon", f"{_SVG}path"):
                numbers = [float(n) for n in _NUMBER.findall(element.get("points", element.get("d", "")))]
                xs += numbers[0::2]
                ys += numbers[1::2]
            elif element.tag == f"{_SVG}text":
                xs.append(float(element.get("x", "0")))
                ys.append(float(element.get("y", "0")))
            elif element.tag == f"{_SVG}ellipse":
                cx, cy = float(element.get("cx", "0")), float(element.get("cy", "0"))
                rx, ry = float(element.get("rx", "0")), float(element.get("ry", "0"))
                xs += [cx - rx, cx + rx]
                ys += [cy - ry, cy + ry]
        if xs:
            boxes[group.get("id", "")] = (min(xs), min(ys), max(xs), max(ys))
    return boxes


def _cubic_points(d: str, steps: int = 12) -> list[tuple[float, float]]:
    """Points along an SVG path of cubic Béziers (``M p C p p p p p p …``, as Graphviz writes edges)."""
    numbers = [float(n) for n in _NUMBER.findall(d)]
    points = list(zip(numbers[0::2], numbers[1::2], strict=True))
    sampled = [points[0]]
    for k in range(1, len(points) - 2, 3):
        p0, p1, p2, p3 = points[k - 1], points[k], points[k + 1], points[k + 2]
        for step in range(1, steps + 1):
            t = step / steps
            sampled.append(tuple(  # type: ignore[arg-type]
                (1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t * t * c + t**3 * e
                for a, b, c, e in zip(p0, p1, p2, p3, strict=True)
            ))
    return sampled


def foreign_crossings(model: GraphModel, svg: str, margin: float = 2.0) -> list[tuple[str, str]]:
    """(edge id, box id) for every wire that runs through a box holding neither of its ends.

    An edge's ends are the model's (a value and a gate, or a name and its value); the boxes that
    hold an end are its group and the group's ancestors. A point counts when it is more than
    ``margin`` inside the box.
    """
    boxes = _boxes(svg)
    parents = {group.id: group.parent for group in model.groups}

    def holders(node_id: str) -> set[str]:
        if node_id.endswith("_name"):
            node_id = node_id.removesuffix("_name")
        group: str | None
        if node_id in {value.id for value in model.values}:
            group = model.value(node_id).group
        elif node_id in {gate.id for gate in model.gates}:
            gate = model.gate(node_id)
            group = gate.group
        else:
            group = None
        found = set()
        while group is not None:
            found.add(group)
            group = parents[group]
        return found

    crossings = []
    for group in ET.fromstring(svg).iter(f"{_SVG}g"):
        if group.get("class") != "edge":
            continue
        edge_id = group.get("id", "")
        path = group.find(f"{_SVG}path")
        if path is None:
            continue
        base = edge_id.removesuffix("_lead").removesuffix("_edge")
        if base in {edge.id for edge in model.edges}:
            edge = model.edge(base)
            ends = holders(edge.source) | holders(edge.target)
        elif edge_id.endswith("_name_edge"):
            ends = holders(edge_id.removesuffix("_name_edge"))
        else:
            owner = base.split("_")[0]  # a gate's output edge (g7_out0) or constant (g7_const_in), a group's (s2_out0)
            ends = holders(owner) | ({owner} if owner.startswith("s") else set())
        for box_id in {g.id for g in model.groups} - ends:
            if box_id not in boxes:
                continue
            left, top, right, bottom = boxes[box_id]
            if any(left + margin < x < right - margin and top + margin < y < bottom - margin
                   for x, y in _cubic_points(path.get("d", ""))):
                crossings.append((edge_id, box_id))
    return crossings


def _two_three_two() -> Value:
    """The course notes' 2-3-2 sigmoid network with its ½Σ(y − t)² loss."""
    net = MLP(2, [3, 2], activation="sigmoid", output_activation="sigmoid", seed=0)
    loss = mse([net(_xs(0.5, -1.0))], [[1.0, 0.0]], reduction="sum", half=True)
    loss.backward()
    return loss


def _softmax_net() -> Value:
    net = MLP(2, [3], activation="relu", output_activation="identity", seed=0)
    loss = softmax_cross_entropy(net(_xs(0.5, -1.0)), 2)
    loss.backward()
    return loss


def _check_columns(model: GraphModel, svg: str, rankdir: str) -> None:
    columns = network_columns(model)
    assert columns is not None
    boxes = _boxes(svg)
    start, end = (0, 2) if rankdir == "LR" else (1, 3)  # along the rank axis
    across = 1 if rankdir == "LR" else 0
    inputs = [model.value(v) for v in columns.inputs]
    assert [node.label for node in inputs] == [f"x[{i}]" for i in range(len(inputs))]
    edge_of_inputs = max(boxes[node.id][end] for node in inputs)
    previous = edge_of_inputs
    for layer in columns.layers:
        for group_id in layer:
            box = boxes[group_id]
            assert box[start] > previous, f"{group_id} starts before the column before it ends"
            neurons = [group for group in model.groups if group.parent == group_id and not group.hidden]
            centres = [(boxes[n.id][across] + boxes[n.id][across + 2]) / 2 for n in neurons]
            assert centres == sorted(centres), f"neurons of {group_id} out of index order"
        previous = max(boxes[g][end] for g in layer)
    assert boxes[model.root][start] > previous  # the loss after the last layer
    assert foreign_crossings(model, svg) == []


@pytest.mark.parametrize("style", ["circuit", "graph"])
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_the_2_3_2_network_is_drawn_in_columns(style: str, rankdir: str) -> None:
    loss = _two_three_two()
    model = describe(loss)
    svg = run_dot(draw(loss, style=style, rankdir=rankdir).source, "svg")
    _check_columns(model, svg, rankdir)


@pytest.mark.parametrize("style", ["circuit", "graph"])
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_a_softmax_network_draws_its_logits_in_index_order(style: str, rankdir: str) -> None:
    """A 3-class softmax net: the logits' neurons in index order (the target's logit, which runs on to the end,
    used to pull its neuron out of order), inputs first, the loss last, no wire through a foreign box."""
    loss = _softmax_net()
    model = describe(loss)
    _check_columns(model, run_dot(draw(loss, style=style, rankdir=rankdir).source, "svg"), rankdir)


@pytest.mark.parametrize("style", ["circuit", "graph"])
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_every_neuron_takes_its_inputs_in_formula_order(style: str, rankdir: str) -> None:
    """w0, x[0], w1, x[1], …, b along each gate's input side: the weights in the box, the inputs between them."""
    loss = _two_three_two()
    model = describe(loss)
    drawing = Drawing(run_dot(draw(loss, style=style, rankdir=rankdir).source, "svg"))
    for gate in model.gates:
        if gate.op == "dot":
            names = [model.value(model.edge(e).source).shown_label(True) for e in gate.inputs]
            assert input_order(model, drawing, gate.id, rankdir, uncrossed=False) == names, gate.id


def test_the_crossing_check_finds_a_wire_through_a_foreign_box() -> None:
    """The check itself: a hand-placed wire through neuron 1's box is found."""
    loss = _two_three_two()
    model = describe(loss)
    svg = run_dot(draw(loss, style="circuit").source, "svg").decode()
    boxes = _boxes(svg)
    left, top, right, bottom = boxes["s2"]
    edge = model.gates[0].inputs[0]
    through = (f'<g id="{edge}" class="edge"><path d="M{left - 50},{(top + bottom) / 2} '
               f'C{left},{(top + bottom) / 2} {right},{(top + bottom) / 2} {right + 50},{(top + bottom) / 2}"/></g>')
    spliced = svg.replace("</svg>", f'<g xmlns="http://www.w3.org/2000/svg">{through}</g></svg>')
    assert (edge, "s2") in foreign_crossings(model, spliced)


@pytest.mark.parametrize("style", ["circuit", "graph"])
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_a_wide_network_with_collapsed_neurons_stays_in_columns_and_compact(style: str, rankdir: str) -> None:
    """MLP(2, [16, 16, 1]) collapses its neurons by default: the 16 gates of a layer in index order, and no
    rank of bends between the columns (it made the drawing ten times as tall as it is)."""
    net = MLP(2, [16, 16, 1], seed=0)
    loss = mse(net(_xs(0.5, -1.0)), 1.0)
    loss.backward()
    model = describe(loss)
    assert any(group.collapsed for group in model.groups)
    svg = run_dot(draw(loss, style=style, rankdir=rankdir).source, "svg").decode()
    _check_columns(model, svg, rankdir)
    width, height = (float(n) for n in re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups())
    assert max(width, height) < 4000 and min(width, height) < 1100, (width, height)


def test_a_graph_without_nested_groups_is_not_a_network() -> None:
    from autograd.examples import sigmoid_circuit

    assert network_columns(describe(sigmoid_circuit()["f"])) is None


def test_nn_losses_build_no_gates_that_do_nothing() -> None:
    """No x-0 for a zero target, no one-input Σ and no x/1 for a single example."""
    net = MLP(2, [3, 2], activation="sigmoid", output_activation="sigmoid", seed=0)
    loss = mse([net(_xs(0.5, -1.0))], [[1.0, 0.0]], reduction="sum", half=True)
    model = describe(loss)
    ops = [(gate.op, gate.const) for gate in model.gates]
    assert ("-", 0.0) not in ops
    assert ("/", 1.0) not in ops
    assert all(len(gate.inputs) > 1 for gate in model.gates if gate.op == "sum")
    single = mse(net(_xs(0.5, -1.0))[0], 0.0)
    assert single.op == "*" and {gate.op for gate in describe(single).gates} == {"dot", "sigmoid", "*"}


def _xor_loss() -> Value:
    net = MLP(2, [4, 4, 1], seed=0)
    loss = mse([net(_xs(*x)) for x in [[0, 0], [0, 1], [1, 0], [1, 1]]], [0, 1, 1, 0])
    loss.backward()
    return loss


def test_a_batch_loss_draws_its_parameters_once_and_the_later_samples_as_one_gate_each() -> None:
    """MSE over the 4 XOR points: the parameters in the first sample's boxes by short names, each later sample one
    gate (its parameter wires not drawn) in a column of their own before the loss, and the drawing says that the
    gradients sum over the samples."""
    loss = _xor_loss()
    model = describe(loss)
    parameters = [node for node in model.values if node.role == "parameter"]
    assert len(parameters) == 2 * 4 + 4 + 4 * 4 + 4 + 4 + 1  # 37, each once
    assert all(node.group is not None and "." not in node.shown_label(True) for node in parameters)
    columns = network_columns(model)
    assert columns is not None and columns.samples == 4
    samples = [group for group in model.groups if group.sample]
    assert [(group.title, group.collapsed) for group in samples] == [(f"sample {k}", True) for k in (2, 3, 4)]
    assert [len(layer) for layer in columns.layers] == [1, 1, 1, 3] and set(columns.layers[-1]) == {
        group.id for group in samples}
    assert [model.value(v).label for v in columns.inputs] == ["x[0]", "x[1]"]
    for group in samples:  # each later sample's inputs are drawn, wired to its gate
        drawn = [model.value(model.edge(e).source) for e in model.gate(group.id).inputs
                 if model.edge(e).id not in columns.shared]
        assert [node.label for node in drawn] == ["x[0]", "x[1]"]
    source = draw(loss, style="circuit").source
    note = " ".join(re.findall(r'<FONT COLOR="[^"]*">([^<]*)</FONT>', source))
    assert "gradients summed over the 4 samples" in note and "samples 2–4 drawn as one gate each" in note
    assert len(columns.shared) == 3 * 37
    assert not any(re.search(rf"\bid={edge}[\s\]]", source) for edge in columns.shared)
    assert re.search(rf"\bid={model.edges[0].id}[\s\]]", source)  # the check finds a drawn wire
    everything = describe(loss, ModelOptions(max_nodes=None))  # max_nodes=None draws every sample open
    assert not any(group.collapsed for group in everything.groups)
    assert sum(group.sample for group in everything.groups) == 3


def test_a_batch_losss_samples_are_collapsed_and_expanded_by_name() -> None:
    """``collapse`` by name: ``sample 3`` is a group like any other, and a layer's name names it in every sample
    (its path, ``sample 2/layers.0``, one sample's); the player expands a sample and collapses it back."""
    from viz import backprop_steps

    loss = _xor_loss()
    model = describe(loss, ModelOptions(collapse=("sample 3", "layers.0")))
    collapsed = {group.path for group in model.groups if group.collapsed}
    assert collapsed == {"layers.0", "sample 2/layers.0", "sample 3", "sample 4/layers.0"}
    one = describe(loss, ModelOptions(collapse=("sample 2/layers.0",)))
    assert {group.path for group in one.groups if group.collapsed} == {"sample 2/layers.0"}
    player = backprop_steps(loss)
    opened = player.expand("sample 3")
    assert not opened.model.group(next(g.id for g in opened.model.groups if g.name == "sample 3")).collapsed
    closed = opened.collapse("sample 3").model
    assert (closed.gates, closed.groups) == (player.model.gates, player.model.groups)


def test_a_batch_loss_collapsed_draws_no_parameter_outside_its_layer() -> None:
    """``collapse=True`` on the XOR batch loss: the first sample's layers and the later samples are gates; the
    parameters stay inside the layers' gates (they used to be drawn as 37 loose values by their long names, since the
    later samples use them), and the drawing fits a slide (it was 4,023 × 4,706 px)."""
    loss = _xor_loss()
    model = describe(loss, ModelOptions(collapse=True))
    assert [group.title for group in model.groups if group.collapsed] == [
        "layer 1", "layer 2", "layer 3", "sample 2", "sample 3", "sample 4"]
    assert not [node for node in model.values if node.role == "parameter"]
    drawn = {node.id for node in model.values}
    assert all(edge.source in drawn for edge in model.edges)
    svg = run_dot(draw(loss, style="circuit", collapse=True).source, "svg").decode()
    width, height = _slide(svg)
    assert width <= 1920 and height <= 1440, (width, height)
    assert foreign_crossings(model, svg) == []


def test_a_wide_batch_loss_collapses_its_first_samples_neurons_to_fit_max_nodes() -> None:
    """MLP(2, [16, 16, 1]) over 4 samples: past max_nodes the first sample's neurons collapse (innermost first) and
    the drawing is planned without the later samples' uses of the parameters, which are not drawn (it raised
    TooManyNodesError: "399 nodes to draw even with every group collapsed")."""
    net = MLP(2, [16, 16, 1], seed=0)
    loss = mse([net(_xs(0.1 * i, -0.2 * i)) for i in range(4)], [0.0] * 4)
    loss.backward()
    model = describe(loss)
    assert model.size <= 300
    # layers 1 and 2 (48 and 272 parameters) are too tall to draw open on a slide; the output neuron (17) stays open
    assert sum(group.collapsed and group.depth == 1 for group in model.groups) == 16 + 16
    assert [group.title for group in model.groups if group.sample and group.collapsed] == [
        "sample 2", "sample 3", "sample 4"]
    svg = run_dot(draw(loss, style="circuit").source, "svg").decode()
    _check_columns(model, svg, "LR")
    width, height = _slide(svg)
    assert width <= 1920 and height <= 1440, (width, height)


def test_an_opened_later_sample_stays_in_the_samples_column_with_its_inputs() -> None:
    """``sample 3`` opened (its layers collapsed, as the player's ``expand`` gives): its box and its inputs stand after
    the first sample's last layer. Its inputs used to share one invisible rank with the first sample's (one rank for
    every input pair kept in order), which pulled its box into the first column and its wires backwards."""
    loss = _xor_loss()
    options = ModelOptions(collapse=("sample 2", "sample 4", "sample 3/layers.0", "sample 3/layers.1",
                                     "sample 3/layers.2"))
    model = describe(loss, options)
    svg = run_dot(draw(loss, style="circuit", **{"collapse": options.collapse}).source, "svg").decode()
    boxes = _boxes(svg)
    first = [group for group in model.groups if group.depth == 0 and not group.sample]
    last_layer = max(boxes[group.id][2] for group in first)
    sample = next(group for group in model.groups if group.name == "sample 3")
    assert boxes[sample.id][0] > last_layer
    columns = network_columns(model)
    assert columns is not None
    inputs = {model.edge(e).source for gate in model.gates if gate.group == sample.id for e in gate.inputs
              if model.value(model.edge(e).source).gate is None and e not in columns.shared}
    assert [model.value(v).label for v in sorted(inputs)] == ["x[0]", "x[1]"]
    assert all(boxes[v][0] > max(boxes[group.id][2] for group in first[:-1]) for v in inputs)
    assert foreign_crossings(model, svg) == []


def test_a_softmax_batch_loss_fits_a_slide_in_columns() -> None:
    """A 3-class softmax cross-entropy over 4 samples, circuit style: the logits' neurons in index order (z0, z2, z1
    before), the later samples' gates after the layer, on one slide."""
    net = MLP(2, [3], activation="relu", output_activation="identity", seed=0)
    points = [(0.5, -1.0), (1.0, 0.5), (-0.5, 0.2), (0.3, 0.9)]
    loss = softmax_cross_entropy([net(_xs(*point)) for point in points], [2, 0, 1, 1])
    loss.backward()
    model = describe(loss)
    svg = run_dot(draw(loss, style="circuit").source, "svg").decode()
    _check_columns(model, svg, "LR")
    width, height = _slide(svg)
    assert width <= 1920 and height <= 1440, (width, height)


def test_a_softmax_batch_loss_on_numbers_with_a_hidden_layer_fits_a_slide() -> None:
    """MLP(2, [4, 3]) on plain points, softmax cross-entropy over 4 samples, default options: on one slide (it was
    1899 × 1752 px: each x-0.494085 gate, softmax's max taken off, was a circle as wide as its text, 12 stacked);
    a gate text longer than x*(-1) is an ellipse one wire tall."""
    net = MLP(2, [4, 3], seed=0)
    points = [[0.5, -1.0], [1.0, 0.5], [-0.5, 0.2], [0.3, 0.3]]
    loss = softmax_cross_entropy([net(point) for point in points], [0, 1, 2, 1])
    loss.backward()
    diagram = draw(loss)
    svg = run_dot(diagram.source, "svg").decode()
    width, height = _slide(svg)
    assert width <= 1920 and height <= 1440, (width, height)
    assert re.search(r'shape=ellipse[^]]*label="x-0\.494085"|label="x-0\.494085"[^]]*shape=ellipse', diagram.source)
    assert re.search(r'label="x\*\(-1\)"[^]]*shape=circle', diagram.source)


def _slide(svg: str) -> tuple[float, float]:
    """The drawing's size in px at 96 dpi (Graphviz writes it in points)."""
    width, height = (float(n) for n in re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups())
    return width * 96 / 72, height * 96 / 72


@pytest.mark.parametrize("style", ["circuit", "graph"])
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_a_batch_loss_is_drawn_in_columns(style: str, rankdir: str) -> None:
    """The XOR batch loss with default options: inputs first, the first sample's neurons in index order (they came
    out 2, 3, 0, 1), the later samples' gates in the last column and the loss after them, no wire through a foreign
    box (4 later-sample wires ran through the first sample's layer 2)."""
    loss = _xor_loss()
    model = describe(loss)
    _check_columns(model, run_dot(draw(loss, style=style, rankdir=rankdir).source, "svg").decode(), rankdir)


@pytest.mark.parametrize("options", [{}, {"style": None}, {"style": "circuit"}], ids=["default", "None", "circuit"])
def test_a_batch_loss_fits_a_slide(options: dict[str, str | None]) -> None:
    """The XOR batch loss with default options (no style given: a network is drawn in the circuit style): at most
    1920 × 1440 px at 96 dpi (1849 × 1373; it was 1887 × 2873 in the circuit style; the graph style, the default
    before, was 5780 × 2839, then 5157 × 1620)."""
    loss = _xor_loss()
    diagram = draw(loss, **options)  # type: ignore[arg-type]
    svg = run_dot(diagram.source, "svg").decode()
    width, height = _slide(svg)
    assert width <= 1920 and height <= 1440, (width, height)
    assert diagram.options.style.name == "circuit"


@pytest.mark.parametrize("hidden", [[5, 5, 1], [6, 6, 1], [8, 8, 1], [10, 10, 1]])
def test_wider_networks_fit_a_slide_with_their_tall_layers_as_neuron_gates(hidden: list[int]) -> None:
    """A layer whose open neuron boxes would run off a slide shows each neuron as one gate by default (the XOR
    points through MLP(2, [8, 8, 1]) were 1717 × 4056 px, [6, 6, 1] 1688 × 2523); the caller's own collapse list
    draws it open."""
    net = MLP(2, hidden, seed=0)
    points = [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)]
    loss = mse([net(list(point)) for point in points], [0.0, 1.0, 1.0, 0.0])
    loss.backward()
    svg = run_dot(draw(loss).source, "svg").decode()
    width, height = _slide(svg)
    assert width <= 1920 and height <= 1440, (width, height)
    model = describe(loss)
    collapsed = {group.name for group in model.groups if group.collapsed and group.depth == 1}
    assert "layers.1.neurons.0" in collapsed and not any(name.startswith("layers.2") for name in collapsed)
    assert foreign_crossings(model, svg) == []
    opened = describe(loss, ModelOptions(collapse=["sample 2", "sample 3", "sample 4"]))
    assert not any(group.collapsed and group.depth == 1 for group in opened.groups)  # asked for: drawn open


def test_a_batch_loss_asked_for_in_the_graph_style_gets_it() -> None:
    """An explicit style is honoured on a network: the XOR loss in records (label | data | grad). Too wide for a
    slide (5157 × 1620 px at 96 dpi: records side by side): the reason a network's default is the circuit."""
    diagram = draw(_xor_loss(), style="graph")
    assert diagram.options.style.name == "graph" and "shape=Mrecord" in diagram.source
    width, height = _slide(run_dot(diagram.source, "svg").decode())
    assert width > height and width <= 3 * 1920, (width, height)


def _two_three_two_batch(samples: int) -> Value:
    """The 2-3-2 sigmoid net with ½Σ(y − t)² over ``samples`` points."""
    net = MLP(2, [3, 2], activation="sigmoid", output_activation="sigmoid", seed=0)
    points = [(0.5, -1.0), (1.0, 0.5), (-0.5, 0.2)][:samples]
    targets = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]][:samples]
    loss = mse([net(_xs(*point)) for point in points], targets, reduction="sum", half=True)
    loss.backward()
    return loss


@pytest.mark.parametrize("samples", [2, 3])
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_the_2_3_2_batch_loss_fits_a_slide_in_columns(samples: int, rankdir: str) -> None:
    """The course's 2-3-2 net over 2 and 3 samples, circuit style: the last layer's two neurons in index order
    (the later samples' gates beside that layer's box pulled neuron 1 above neuron 0), on one slide."""
    loss = _two_three_two_batch(samples)
    model = describe(loss)
    svg = run_dot(draw(loss, style="circuit", rankdir=rankdir).source, "svg").decode()
    _check_columns(model, svg, rankdir)
    width, height = _slide(svg)
    assert width <= 1920 and height <= 1440, (width, height)


@pytest.mark.parametrize("style", ["circuit", "graph"])
@pytest.mark.parametrize("options", [{}, {"collapse": True}, {"clusters": False}, {"rankdir": "TB"}])
def test_every_nn_module_and_nested_user_scopes_draw(style: str, options: dict[str, object]) -> None:
    """Networks without drawn inputs (a Layer or Maxout given numbers), a lone Neuron, and a user's own nested
    scopes all lay out (a network with no input column raised IndexError)."""
    from autograd import scope
    from nn import Layer, Maxout, Neuron

    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    with scope("layer A"):
        with scope("unit 0"):
            first = (a * Value(0.5, label="p") + b).tanh()
        with scope("unit 1"):
            second = (a * Value(-0.5, label="r")).relu()
    with scope("layer B"), scope("unit 0"):
        user = (first * second).sigmoid()
    roots = [user, sum(Layer(2, 3, seed=0)([0.5, 1.0]), Value(0.0)), Maxout(2, 2, pieces=2, seed=0)([0.5, 1.0])[0],
             Neuron(3, seed=0)([0.5, 1.0, 2.0])]
    for root in roots:
        root.backward()
        assert run_dot(draw(root, style=style, **options).source, "svg")  # type: ignore[arg-type]
    assert network_columns(describe(user)) is not None


def test_a_batch_networks_dot_text_is_identical_in_a_fresh_process_with_another_hash_seed() -> None:
    """The network layout's constraints (bands, entry points, shared wires left out) are written deterministically."""
    import os
    import subprocess
    import sys

    code = (
        "from autograd import Value; from nn import MLP, mse; from viz import draw\n"
        "net = MLP(2, [4, 4, 1], seed=0)\n"
        "rows = [[Value(a), Value(b)] for a, b in [[0, 0], [0, 1], [1, 0], [1, 1]]]\n"
        "loss = mse([net(row) for row in rows], [0, 1, 1, 0]); loss.backward()\n"
        "print(draw(loss, style='circuit').source + draw(loss, rankdir='TB').source, end='')"
    )
    environment = {**os.environ, "PYTHONHASHSEED": "12345"}
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True)
    loss = _xor_loss()
    assert other.stdout == draw(loss, style="circuit").source + draw(loss, rankdir="TB").source
