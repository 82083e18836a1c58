"""Style objects: each owns its gradient slot's text, its legend rows and its SVG parts; options have one home."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from autograd import Value
from autograd.examples import sigmoid_circuit
from nn import MLP
from viz import ModelOptions, backprop_steps, describe, draw, draw_model, draw_network, forward_steps
from viz.options import DrawOptions
from viz.styles import STYLES
from viz.styles.graph import CONSTANT_BORDER, ROLE_BORDERS, GraphStyle


def _worked() -> Value:
    circuit = sigmoid_circuit()
    circuit["f"].backward()
    return circuit["f"]


@pytest.mark.parametrize("style", sorted(STYLES))
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_a_gradient_slot_holds_the_text_it_is_given(style: str, rankdir: str) -> None:
    model = describe(_worked())
    options = DrawOptions.build(style=style, rankdir=rankdir)
    texts = {node.id: f"wide text {node.id}" for node in model.values}
    source = draw_model(model, options, grad_texts=texts).source
    plain = draw_model(model, options).source
    for node in model.values:
        assert f"wide text {node.id}" in source and f"wide text {node.id}" not in plain


def test_the_graph_legend_draws_each_role_with_the_border_its_nodes_have() -> None:
    out = Value(2.0, label="x") * 3.0 + Value(1.0, label="b")
    out.backward()
    model = describe(out, ModelOptions.build(parameters=[]))
    rows = GraphStyle().legend_rows(model, DrawOptions())
    fill, roles = rows
    assert "filled by its gradient" in fill.cells[0]
    assert [cell.rsplit(">", 2)[-2].split("<")[0] for cell in roles.cells] == ["input", "output", "constant"]
    assert 'BORDER="1" STYLE="rounded"' in roles.cells[0] and ROLE_BORDERS["input"]["penwidth"] == "1.2"
    assert 'BORDER="3" STYLE="rounded"' in roles.cells[1] and ROLE_BORDERS["output"]["penwidth"] == "3"
    assert 'STYLE="rounded,dotted"' in roles.cells[2] and CONSTANT_BORDER["style"] == "rounded,dotted"


@pytest.mark.parametrize(
    ("call", "option"),
    [
        (lambda: draw(_worked(), colour="red"), "colour"),  # type: ignore[call-arg]
        (lambda: backprop_steps(_worked(), colapse=True), "colapse"),  # type: ignore[call-arg]
        (lambda: backprop_steps(_worked(), show=["grad"]), "show"),
        (lambda: forward_steps(_worked(), precison=3), "precison"),  # type: ignore[call-arg]
        (lambda: draw_network(MLP(2, [2, 1], seed=1), style="circuit"), "style"),  # type: ignore[call-arg]
    ],
)
def test_an_option_a_caller_does_not_take_is_named(call: Callable[[], object], option: str) -> None:
    with pytest.raises(TypeError, match=f"unknown option '{option}'"):
        call()


def test_a_misspelt_option_suggests_the_one_meant() -> None:
    with pytest.raises(TypeError, match="did you mean 'precision'"):
        draw(_worked(), precison=3)  # type: ignore[call-arg]


@pytest.mark.parametrize("style", ["graph", "circuit"])
def test_boxes_and_collapsed_groups_read_like_the_course_notes(style: str) -> None:
    out = MLP(2, [4, 1], seed=0)([Value(0.5, label="x0"), Value(-1.0, label="x1")])
    assert isinstance(out, Value)
    neurons = [f"layers.0.neurons.{i}" for i in range(4)]
    boxed = draw(out, style=style, collapse=neurons).source
    assert 'label="layer 1"' in boxed and 'label="layer 2"' in boxed and 'label="neuron 0"' in boxed
    assert "layers.0" not in boxed  # no dotted path is written anywhere
    assert all(f"label=\"neuron {i}\"" in boxed for i in range(4))
    unboxed = draw(out, style=style, collapse=neurons, clusters=False).source
    assert 'label="neuron 3 of layer 1"' in unboxed
