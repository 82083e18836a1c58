"""The backward pass drawn as a graph: ``draw`` and the forward stepper on a gradient from ``autograd.grad``."""

from __future__ import annotations

import pytest

from autograd import Value, grad
from autograd.examples import sigmoid_circuit
from viz import ModelOptions, draw, forward_steps
from viz.model.graph_model import describe


def gradient_of_the_sigmoid_circuit() -> tuple[dict[str, Value], Value]:
    wires = sigmoid_circuit()
    (df_dx0,) = grad(wires["f"], [wires["x0"]], create_graph=True)
    return wires, df_dx0


def test_each_piece_is_a_group_named_after_the_forward_gate_it_differentiates() -> None:
    _, df_dx0 = gradient_of_the_sigmoid_circuit()
    model = describe(df_dx0)
    assert {group.name for group in model.groups} == {"sigmoid gate", "∂ of 1/x", "∂ of exp", "∂ of x*(-1)", "∂ of *"}
    root = model.value(model.root)
    assert root.label == "∂f/∂x0"


def test_the_forward_values_of_the_backward_graph_are_the_first_order_gradients() -> None:
    wires, df_dx0 = gradient_of_the_sigmoid_circuit()
    model = describe(df_dx0)
    assert all(node.grad is None for node in model.values)  # nothing backpropagated yet: "—" everywhere
    names = {group.id: group.name for group in model.groups}
    pieces = {round(node.data, 12) for node in model.values if names.get(node.group or "", "").startswith("∂ of")}
    wires["f"].backward()
    for name in ("plus1", "neg", "sum2", "x0"):  # ∂f/∂(1+exp), ∂f/∂(−sum2), ∂f/∂sum2, ∂f/∂x0
        assert round(wires[name].grad, 12) in pieces, name
    assert df_dx0.data == wires["x0"].grad


def test_a_piece_collapses_to_one_gate_named_after_it() -> None:
    _, df_dx0 = gradient_of_the_sigmoid_circuit()
    source = draw(df_dx0, collapse=["∂ of exp", "∂ of 1/x"]).source
    assert "∂ of exp" in source and "∂ of 1/x" in source
    collapsed = describe(df_dx0, ModelOptions.build(collapse=["∂ of exp"]))
    assert [gate.collapsed for gate in collapsed.gates if gate.collapsed] != []


def test_the_forward_stepper_steps_through_the_backward_graph() -> None:
    _, df_dx0 = gradient_of_the_sigmoid_circuit()
    player = forward_steps(df_dx0)
    captions = [frame.caption for frame in player.frames]
    assert captions[-1] == "Step 13 of 13 · ∂ of * · * gate: 2.00, 0.20 → ∂f/∂x0 = 0.39"
    assert any(caption.startswith("Step 6 of 13 · sigmoid gate · exp gate") for caption in captions)
    assert sum("∂ of " in caption for caption in captions) == 5


def test_the_backward_graph_can_itself_be_backpropagated_and_drawn_with_second_derivatives() -> None:
    wires, df_dx0 = gradient_of_the_sigmoid_circuit()
    df_dx0.backward()
    model = describe(df_dx0)
    x0 = model.value(model.value_ids[wires["x0"]])
    (second,) = grad(df_dx0, [wires["x0"]])
    assert x0.grad == pytest.approx(second.data)
