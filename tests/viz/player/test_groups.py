"""The player on networks: collapsed groups as one step, stepping into a group and back out, names."""

from __future__ import annotations

import re

import pytest

from autograd import Value, backward_steps
from autograd.examples import sigmoid_circuit
from nn import MLP
from viz import backprop_steps, forward_steps


def _xs(*numbers: float) -> list[Value]:
    """A network's inputs as Values (numbers are folded into the first layer and not drawn)."""
    return [Value(float(n)) for n in numbers]


def mlp_loss(sizes: list[int]) -> tuple[Value, MLP]:
    model = MLP(2, sizes, seed=0)
    out = model([Value(0.5, label="x0"), Value(-1.0, label="x1")])
    assert isinstance(out, Value)
    loss = (out - 1.0) ** 2
    loss.label = "loss"
    return loss, model


def test_the_mlp_player_works_with_default_options_at_neuron_level() -> None:
    loss, model = mlp_loss([16, 16, 1])
    player = backprop_steps(loss)  # default options: layers too tall for a slide show neurons as gates, as in draw
    assert len(player) == 36  # frame 0, the loss's two ops, the output neuron's dot, 32 neurons
    neurons = [g for g in player.model.groups if g.collapsed]
    assert len(neurons) == 32 and all(".neurons." in g.name and not g.name.startswith("layers.2") for g in neurons)
    assert all(len(frame.caption) <= 100 for frame in player.frames)
    # the last frame is exactly backward()'s: the inputs' gradients as the engine left them
    ids = player.model.value_ids
    final = player.frames[-1].grads
    for node, node_id in ids.items():
        if node_id in final:
            assert final[node_id] == node.grad  # exactly the engine's
    # hidden activations carry the course notes' names, on the wires and in the arithmetic
    labels = {value.label for value in player.model.values}
    assert {f"h1[{j}]" for j in range(16)} <= labels and {f"h2[{j}]" for j in range(16)} <= labels
    assert player.frames[3].caption == "Step 3 of 35 · dot gate sends upstream gradient -1.04 back to w0 … b."
    assert [line.split(":")[0] for line in player.frames[3].work][:4] == ["w0", "h2[0]", "w1", "h2[1]"]
    assert player.frames[4].caption == ("Step 4 of 35 · neuron 15 of layer 2 sends h2[15]'s gradient -0.44 "
                                        "back to h1[0] … h1[15].")
    assert [line.split(":")[0] for line in player.frames[4].work] == [f"h1[{j}]" for j in range(16)]
    assert not any("layers." in line for frame in player.frames for line in frame.work)
    assert model.layers[0].neurons[0].w[0].grad != 0.0  # backward ran once


def test_a_collapsed_group_is_one_step_with_the_groups_local_gradients() -> None:
    wires = sigmoid_circuit()
    player = backprop_steps(wires["f"], collapse=["sigmoid gate"])
    assert len(player) == len(backward_steps(sigmoid_circuit()["f"])) + 1 - 3  # 4 ops of the group become 1
    step = player.frames[1]
    gate = player.model.gate(step.gate or "")
    assert gate.collapsed is not None and player.model.group(gate.collapsed).name == "sigmoid gate"
    (arrival,) = step.arrivals
    (term,) = arrival.terms
    assert term.local == player.model.edge(gate.inputs[0]).local_grads[0]  # autograd.gradients, as in draw
    assert round(term.local, 4) == 0.1966 and arrival.after == wires["sum2"].grad
    assert step.work == ("its input: 1.00 × 0.20 = 0.20",)  # 1.00 × 0.20 rounds to 0.20: no extra digit needed


def test_stepping_into_a_group_and_back_out() -> None:
    player = backprop_steps(sigmoid_circuit()["f"], collapse=["sigmoid gate"])
    inside = player.expand("sigmoid gate")
    assert len(inside) == 9 and inside.start == 1
    assert inside.frames[1].caption.startswith("Step 1 of 8 · 1/x gate")
    out = inside.collapse("sigmoid gate")
    assert len(out) == 6 and out.start == 1 and out.frames[1].caption == player.frames[1].caption
    # the page opens on that step
    assert '"start":1' in out.html()
    # the pass is not run again: leaf gradients are backward()'s once, not twice
    assert [f.grads for f in out.frames[-1:]] == [f.grads for f in player.frames[-1:]]


def test_stepping_into_a_neuron_of_a_network() -> None:
    loss, _model = mlp_loss([4, 4, 1])
    player = backprop_steps(loss, collapse=True)  # the whole MLP's layers, collapsed
    layers = [g.name for g in player.model.groups if g.collapsed]
    assert layers == ["layers.0", "layers.1", "layers.2"]
    layer = player.expand("layers.1")
    assert [g.name for g in layer.model.groups if g.collapsed] == [
        "layers.0", *(f"layers.1.neurons.{j}" for j in range(4)), "layers.2"]
    neuron = layer.expand("layers.1.neurons.2")
    inner = neuron.frames[neuron.start]
    assert inner.caption.endswith("sends h2[2]'s gradient " + inner.caption.rsplit("gradient ", 1)[1])
    dot_step = neuron.frames[neuron.start + 1]
    # inside the box a neuron's weights read w0, w1, …, b, in the formula's order
    names = [line.split(":")[0] for line in dot_step.work]
    assert names == ["w0", "h1[0]", "w1", "h1[1]", "w2", "h1[2]", "w3", "h1[3]", "b"]
    back = neuron.collapse("layers.1.neurons.2")
    assert back.frames[back.start].gate == next(g.id for g in back.model.groups if g.name == "layers.1.neurons.2")
    forward = forward_steps(loss, collapse=True)
    assert len(forward) == 1 + 3 + 2 and forward.expand("layers.0").start > 0


def test_bad_groups_and_frames_are_named() -> None:
    player = backprop_steps(sigmoid_circuit()["f"], collapse=["sigmoid gate"])
    with pytest.raises(ValueError, match=re.escape("expand: no group named 'sigmoid' in this graph; "
                                                   "its collapsed groups are 'sigmoid gate'")):
        player.expand("sigmoid")
    with pytest.raises(ValueError, match="already drawn open"):
        player.expand("sigmoid gate").expand("sigmoid gate")
    with pytest.raises(ValueError, match="already collapsed"):
        player.collapse("sigmoid gate")
    with pytest.raises(TypeError, match="group's name or path as a str, not int"):
        player.expand(0)  # type: ignore[arg-type]
    with pytest.raises(IndexError, match="frame index -7 is out of range: this player has 6 frames"):
        player.frame(-7)
    with pytest.raises(ValueError, match=re.escape("collapse: no group named 'layers.0'")):
        backprop_steps(Value(2.0) * 3, collapse=["layers.0"])


def test_a_batch_loss_plays_with_the_drawings_defaults() -> None:
    """MSE over the 4 XOR points: the first sample step by step, each later sample one step, and a parameter
    read from another box is named with its neuron and layer (w0 of neuron 2 of layer 1, not a bare w0)."""
    from nn import MLP, mse

    net = MLP(2, [4, 4, 1], seed=0)
    loss = mse([net(_xs(*x)) for x in [[0, 0], [0, 1], [1, 0], [1, 1]]], [0, 1, 1, 0])
    player = backprop_steps(loss)
    collapsed = [frame for frame in player.frames if frame.gate and player.model.gate(frame.gate).collapsed]
    assert [player.model.gate(frame.gate).collapsed for frame in collapsed] == [  # samples 4, 3, 2: backward order
        next(group.id for group in player.model.groups if group.name == f"sample {k}") for k in (4, 3, 2)]
    for frame in collapsed:  # each sample's two inputs and the 37 parameters it shares
        assert len(frame.work) == 2 + 37
        assert sum(line.startswith("w0 (neuron 2 of layer 1): ") for line in frame.work) == 1
    final = player.frames[-1].grads
    for node, node_id in player.model.value_ids.items():
        if node_id in final:
            assert final[node_id] == node.grad  # the sums over the 4 samples, exactly the engine's


def test_first_layer_neurons_show_their_arithmetic_on_the_named_inputs() -> None:
    """Numbers given to an MLP are its inputs x[0], x[1]: a collapsed first-layer neuron's step names them and
    shows its arithmetic (it used to read "back to ." with none)."""
    from nn import MLP, binary_hinge

    player = backprop_steps(binary_hinge(MLP(2, [16, 16, 1], seed=0)(_xs(0.5, -1.0)), 1))
    first_layer = [frame for frame in player.frames if "of layer 1 sends" in frame.caption]
    assert len(first_layer) == 16
    for frame in first_layer:
        assert frame.caption.endswith("back to x[0] and x[1].")
        assert [line.split(":")[0] for line in frame.work] == ["x[0]", "x[1]"]



def test_a_first_layer_given_numbers_sends_to_its_drawn_inputs_with_arithmetic() -> None:
    """Numbers are drawn as inputs x[0], x[1]: each collapsed first-layer neuron's step names them and shows
    what it sends them (not kept: they are numbers), not "back to ." nor an empty list."""
    from nn import MLP, binary_hinge

    player = backprop_steps(binary_hinge(MLP(2, [16, 16, 1], seed=0)([0.5, -1.0]), 1))
    first_layer = [frame for frame in player.frames if "of layer 1 sends" in frame.caption]
    assert len(first_layer) == 16
    for frame in first_layer:
        assert frame.caption.endswith("back to x[0] and x[1] (numbers: not kept).")
        assert [line.split(":")[0] for line in frame.work] == ["x[0]", "x[1]"]
        assert all(line.endswith("(a number: not kept)") for line in frame.work)
        assert set(frame.edges) == {edge for gate in [player.model.gate(frame.gate)] for edge in gate.wires}
    # nothing is kept for them: the last frame's gradients are backward()'s, and the numbers show none
    assert all(player.frames[-1].grads[value] is None for value in ("c0", "c1"))
    assert all(frame.work for frame in player.frames[1:])
    assert not any(frame.caption.endswith(" to .") for frame in player.frames)
