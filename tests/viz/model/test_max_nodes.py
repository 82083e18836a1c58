"""Big graphs stay usable: ``max_nodes`` on a 5,000-node MLP-shaped graph."""

from __future__ import annotations

import contextlib
import itertools
import random

import pytest

from autograd import Value, dot, scope, topological_order
from viz import DEFAULT_MAX_NODES, ModelOptions, TooManyNodesError, describe, draw

WIDTHS = [2, 70, 70, 1]  # about 5,500 values


def mlp_graph(widths: list[int], scoped: bool = True) -> Value:
    """One forward pass of an MLP of ``dot`` + tanh neurons, each in ``scope("layers.i")`` / ``scope("neurons.j")``."""
    rng = random.Random(4)
    activations = [Value(rng.uniform(-1, 1), label=f"x{i}") for i in range(widths[0])]
    for layer, (fan_in, width) in enumerate(itertools.pairwise(widths)):
        outputs = []
        with scope(f"layers.{layer}") if scoped else contextlib.nullcontext():
            for neuron in range(width):
                weights = [Value(rng.uniform(-1, 1)) for _ in range(fan_in)]
                bias = Value(0.0)
                with scope(f"neurons.{neuron}") if scoped else contextlib.nullcontext():
                    outputs.append(dot(weights, activations, bias).tanh())
        activations = outputs
    return activations[0]


@pytest.fixture(scope="module")
def big() -> Value:
    root = mlp_graph(WIDTHS)
    root.backward()
    assert len(topological_order(root)) > 5000
    return root


def test_past_max_nodes_neurons_are_collapsed_first(big: Value) -> None:
    model = describe(big)
    assert model.size <= DEFAULT_MAX_NODES
    collapsed = [group for group in model.groups if group.collapsed]
    assert {group.path.split("/")[1].split(".")[0] for group in collapsed} == {"neurons"}  # layers stay as boxes
    assert len(collapsed) == 70 + 70 + 1
    assert {node.label for node in model.values if node.role == "input"} == {"x0", "x1"}
    # collapsing shows the same numbers: every drawn value carries the engine's value and gradient
    for node in model.values:
        value = next(v for v, i in model.value_ids.items() if i == node.id)
        assert (node.data, node.grad) == (value.data, value.grad)


def test_a_smaller_limit_collapses_whole_layers(big: Value) -> None:
    model = describe(big, ModelOptions.build(max_nodes=150))
    assert [group.path for group in model.groups if group.collapsed] == ["layers.0", "layers.1", "layers.2"]
    assert model.size <= 150  # 2 inputs, 3 layer gates, 70 + 70 + 1 layer outputs
    layer = model.gate("s0")
    assert len(layer.outputs) == 70 and len(layer.inputs) == 2
    assert len(model.edge(layer.inputs[0]).local_grads) == 70  # one column of the layer's Jacobian


def test_raise_instead_of_collapsing_names_the_size_and_the_options(big: Value) -> None:
    with pytest.raises(TooManyNodesError) as caught:
        describe(big, ModelOptions.build(on_overflow="raise"))
    message = str(caught.value)
    assert f"max_nodes={DEFAULT_MAX_NODES}" in message
    assert "collapse=True" in message and "max_nodes=None" in message
    assert any(word.isdigit() and int(word) > 5000 for word in message.split())


def test_even_collapsed_too_big_raises(big: Value) -> None:
    with pytest.raises(TooManyNodesError, match="even with every group collapsed"):
        describe(big, ModelOptions.build(max_nodes=3))


def test_a_graph_without_groups_says_how_to_make_them() -> None:
    root = mlp_graph([2, 8, 8, 1], scoped=False)
    with pytest.raises(TooManyNodesError, match=r"no groups to collapse.*autograd\.scope"):
        draw(root, max_nodes=50)


def test_no_limit_draws_everything(big: Value) -> None:
    model = describe(big, ModelOptions.build(max_nodes=None))
    assert not any(group.collapsed for group in model.groups)
    assert len(model.values) == len(topological_order(big))
