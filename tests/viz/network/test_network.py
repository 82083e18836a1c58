"""``draw_network``: columns of units, weight sign and size, gradients, summarised wide layers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from autograd import Value
from nn import MLP, SGD, Layer, Maxout, Neuron, mse
from viz import PALETTES, Diagram, draw_network, render
from viz.network.draw import _shown_units

SVG = "{http://www.w3.org/2000/svg}"


def edge_attributes(diagram: Diagram) -> dict[str, dict[str, str]]:
    """Each drawn connection's attributes, by id (``l1_n3_w0``)."""
    found = {}
    for line in diagram.body:
        match = re.search(r"\bid=(l\d+_n\d+_w\d+)\b", line)
        if match:
            found[match.group(1)] = dict(re.findall(r'(\w+)=("[^"]*"|[^ \]]+)', line.split("[", 1)[1]))
    return {key: {name: value.strip('"') for name, value in attrs.items()} for key, attrs in found.items()}


def unit_ids(diagram: Diagram) -> list[str]:
    return re.findall(r"\bid=(c\d+_(?:u\d+|more))\b", diagram.source)


@pytest.mark.parametrize(
    ("nin", "nouts", "max_units", "columns"),
    [
        (2, [1], 10, [[0, 1], [0]]),
        (3, [4, 2], 10, [[0, 1, 2], [0, 1, 2, 3], [0, 1]]),
        (2, [16, 16, 1], 6, [[0, 1], [0, 1, 2, None, 13, 14, 15], [0, 1, 2, None, 13, 14, 15], [0]]),
        (40, [3], 5, [[0, 1, 2, None, 38, 39], [0, 1, 2]]),
        (2, [25, 1], None, [[0, 1], list(range(25)), [0]]),
    ],
)
def test_mlp_shapes_become_columns(nin: int, nouts: list[int], max_units: int | None,
                                   columns: list[list[int | None]]) -> None:
    model = MLP(nin, nouts, seed=1)
    diagram = draw_network(model, max_units=max_units)
    expected_units = [f"c{c}_more" if j is None else f"c{c}_u{j}" for c, shown in enumerate(columns) for j in shown]
    assert unit_ids(diagram) == expected_units
    # one connection per weight between drawn units, named after the parameter
    expected_edges = [
        f"l{c - 1}_n{j}_w{i}"
        for c in range(1, len(columns)) for j in columns[c] if j is not None for i in columns[c - 1] if i is not None
    ]
    assert list(edge_attributes(diagram)) == expected_edges
    assert diagram.size_text() == f"{len(expected_units)} nodes and {len(expected_edges)} edges"
    # width and depth are written above the columns
    sizes = [nin, *nouts]
    for c, size in enumerate(sizes):
        unit = "unit" if size == 1 else "units"
        assert f"{size} {unit}" in re.search(rf'c{c}_title \[.*?label="([^"]*)"', diagram.source).group(1)  # type: ignore[union-attr]


def test_summarised_layers_say_how_many_are_left_out() -> None:
    diagram = draw_network(MLP(2, [16, 1], seed=0), max_units=6)
    assert re.search(r'c1_more \[.*label="…\\n10 more"', diagram.source)
    assert _shown_units(16, 6) == [0, 1, 2, None, 13, 14, 15] and _shown_units(5, 2) == [0, None, 4]


def test_colour_is_the_sign_and_width_the_magnitude() -> None:
    model = MLP(2, [3, 1], seed=0)
    weights = {f"l{layer}_n{j}_w{i}": w for layer, part in enumerate(model.layers)
               for j, neuron in enumerate(part.neurons) for i, w in enumerate(neuron.w)}
    biggest = max(abs(w.data) for w in weights.values())
    palette = PALETTES["default"]
    drawn = edge_attributes(draw_network(model))
    assert set(drawn) == set(weights)
    for edge_id, weight in weights.items():
        attributes = drawn[edge_id]
        width = 0.4 + (4.5 - 0.4) * abs(weight.data) / biggest
        assert float(attributes["penwidth"]) == pytest.approx(width, abs=0.006)
        red, blue = (int(attributes["color"][k:k + 2], 16) for k in (1, 5))
        assert (blue > red) == (weight.data > 0), (edge_id, weight.data, attributes["color"])
        assert attributes["tooltip"].startswith(f"layers.{edge_id[1]}.neurons.{edge_id[4]}.w.{edge_id[-1]}: value ")
    assert max(float(a["penwidth"]) for a in drawn.values()) == 4.5
    # a fixed scale: everything half as wide as the largest weight's own scale would make it
    halved = edge_attributes(draw_network(model, scale=2 * biggest))
    assert max(float(a["penwidth"]) for a in halved.values()) == pytest.approx(0.4 + 4.1 / 2, abs=0.006)
    colorblind = edge_attributes(draw_network(model, palette="colorblind"))
    assert colorblind != drawn and palette.name == "default"


def test_gradients_before_and_after_backward_and_a_forgotten_zero_grad() -> None:
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    before = draw_network(model, show="gradients")
    assert "every gradient is 0: run backward() first" in before.source
    assert {a["style"] for a in edge_attributes(before).values()} == {"dotted"}

    loss = mse([model([0.5, -1.0])], [1.0])
    assert isinstance(loss, Value)
    loss.backward()
    once = draw_network(model, show="gradients")
    grads = {f"l1_n0_w{i}": w.grad for i, w in enumerate(model.layers[1].neurons[0].w)}
    scale = max(abs(w.grad) for w in model.parameters())
    drawn_once = edge_attributes(once)
    for edge_id, grad in grads.items():
        red, blue = (int(drawn_once[edge_id]["color"][k:k + 2], 16) for k in (1, 5))
        assert (blue > red) == (grad > 0)
    # forgetting zero_grad: a second backward doubles every gradient, plain to see at a fixed scale
    fixed = draw_network(model, show="gradients", scale=4 * scale)
    loss.backward()
    twice = draw_network(model, show="gradients", scale=4 * scale)
    doubled = edge_attributes(twice)
    for edge_id, attributes in edge_attributes(fixed).items():
        width_once, width_twice = float(attributes["penwidth"]) - 0.4, float(doubled[edge_id]["penwidth"]) - 0.4
        assert width_twice == pytest.approx(2 * width_once, abs=0.011)


def test_one_optimizer_step_changes_exactly_the_weights_it_moves() -> None:
    model = MLP(2, [2, 1], seed=3)
    loss = mse([model([1.0, 2.0])], [0.0])
    assert isinstance(loss, Value)
    loss.backward()
    scale = max(abs(w.data) for w in model.parameters())
    before = edge_attributes(draw_network(model, scale=scale))
    moved = {f"l{layer}_n{j}_w{i}" for layer, part in enumerate(model.layers) for j, neuron in enumerate(part.neurons)
             for i, w in enumerate(neuron.w) if abs(0.5 * w.grad) > 1e-3}
    SGD(model.parameters(), lr=0.5).step()
    after = edge_attributes(draw_network(model, scale=scale))
    changed = {edge_id for edge_id in before if before[edge_id] != after[edge_id]}
    assert moved and moved <= changed


def test_neurons_layers_names_and_errors() -> None:
    neuron = draw_network(Neuron(3, seed=0), input_names=["a", "b", "c"], output_names=["out"])
    assert unit_ids(neuron) == ["c0_u0", "c0_u1", "c0_u2", "c1_u0"]
    assert 'label=a ' in neuron.source and "label=out " in neuron.source and "w.2: value" in neuron.source
    layer = draw_network(Layer(2, 3, activation="sigmoid", seed=0))
    assert "output · sigmoid" in layer.source and "l0_n2_w1" in layer.source
    assert "output · linear" in draw_network(MLP(2, [1], seed=0)).source
    with pytest.raises(TypeError, match=r"MLP, Layer or Neuron \(columns of units\), not Maxout"):
        draw_network(Maxout(2, 2, seed=0))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="input_names has 1 names for 2 units"):
        draw_network(MLP(2, [1], seed=0), input_names=["x"])
    with pytest.raises(ValueError, match="draw_network: unknown show 'biases'; choose one of weights, gradients"):
        draw_network(MLP(2, [1], seed=0), show="biases")
    with pytest.raises(ValueError, match="max_units"):
        draw_network(MLP(2, [1], seed=0), max_units=1)
    with pytest.raises(ValueError, match="scale"):
        draw_network(MLP(2, [1], seed=0), scale=0.0)
    for bad in (-1, 0, 2.5, True, 18):
        with pytest.raises(ValueError, match="draw_network: precision must be an int from 1 to 17"):
            draw_network(MLP(2, [1], seed=0), precision=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="draw_network: decimals must be an int from 0 to 17"):
        draw_network(MLP(2, [1], seed=0), decimals=-1)


def test_deterministic_and_renders(tmp_path: object) -> None:
    first = draw_network(MLP(3, [8, 8, 2], seed=5), max_units=4, rankdir="TB")
    assert first.source == draw_network(MLP(3, [8, 8, 2], seed=5), max_units=4, rankdir="TB").source
    svg = first.svg()
    root = ET.fromstring(svg)
    ids = {g.get("id") for g in root.iter(f"{SVG}g")}
    assert {"c0_u0", "c1_more", "l1_n7_w0", "l2_n1_w7"} <= ids
    path = render(first, f"{tmp_path}/net.svg")
    assert path.read_text() == svg
