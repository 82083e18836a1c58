"""The frames of the step-through players, checked against the engine (no Graphviz needed)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, backward_steps, topological_order
from autograd.examples import sigmoid_circuit
from nn import MLP
from viz import backprop_steps, describe, forward_steps
from viz.number_format import NumberFormat
from viz.player.frames import arrival_text, backward_frames, forward_frames, gradient_text

# a recipe builds the same graph any number of times: (op, index of the first input, index of the second)
Recipe = tuple[tuple[float, ...], tuple[tuple[str, int, int], ...]]
OPS: dict[str, Callable[[Value, Value], Value]] = {
    "+": lambda a, b: a + b,
    "*": lambda a, b: a * b,
    "-": lambda a, b: a - b,
    "tanh": lambda a, b: a.tanh(),
    "sigmoid": lambda a, b: a.sigmoid(),
    "relu": lambda a, b: a.relu(),
    "square": lambda a, b: a * a,
    "scale": lambda a, b: 3 * a - 1,
}

TWO_DECIMALS = NumberFormat(decimals=2)


@st.composite
def recipes(draw: st.DrawFn) -> Recipe:
    leaves = tuple(draw(st.lists(st.floats(-3, 3, allow_nan=False), min_size=1, max_size=4)))
    ops = []
    for k in range(draw(st.integers(1, 8))):
        available = len(leaves) + k
        ops.append((draw(st.sampled_from(sorted(OPS))), draw(st.integers(0, available - 1)),
                    draw(st.integers(0, available - 1))))
    return leaves, tuple(ops)



def build(recipe: Recipe) -> Value:
    leaves, ops = recipe
    nodes = [Value(x, label=f"x{i}") for i, x in enumerate(leaves)]
    for op, i, j in ops:
        nodes.append(OPS[op](nodes[i], nodes[j]))
    return nodes[-1]



@settings(max_examples=60, deadline=None)
@given(recipes())
def test_one_frame_per_engine_step_and_the_last_frame_is_backward(recipe: Recipe) -> None:
    stepped, reference, counted = build(recipe), build(recipe), build(recipe)
    player = backprop_steps(stepped)
    reference.backward()
    # frame 0 is the forward pass done; then one frame per BackwardStep of the engine
    assert len(player) == len(backward_steps(counted)) + 1
    last = player.frames[-1].grads
    for position, node in enumerate(topological_order(reference)):
        assert last[f"n{position}"] == node.grad  # exactly: the engine's own numbers, not recomputed
    # backprop_steps leaves the gradients filled in, as backward() does
    assert [node.grad for node in topological_order(stepped)] == [node.grad for node in topological_order(reference)]



@settings(max_examples=40, deadline=None)
@given(recipes())
def test_gradients_appear_only_when_reached_and_are_final_once_their_gate_is_worked(recipe: Recipe) -> None:
    frames = backprop_steps(build(recipe)).frames
    assert frames[0].gate is None and set(frames[0].grads.values()) == {None}
    reached: set[str] = set()
    finished: dict[str, float | None] = {}
    for frame in frames[1:]:
        assert frame.output is not None
        reached.add(frame.output)
        finished[frame.output] = frame.grads[frame.output]
        reached.update(arrival.value for arrival in frame.arrivals)
        assert {v for v, g in frame.grads.items() if g is not None} == reached
        for value, grad in finished.items():
            assert frame.grads[value] == grad



def test_each_arrival_carries_the_engines_step_record() -> None:
    root = sigmoid_circuit()["f"]
    model = describe(root)
    steps = backward_steps(root)
    frames = backward_frames(model, steps, {}, TWO_DECIMALS)
    for frame, step in zip(frames[1:], steps, strict=True):
        assert frame.gate == "g" + model.value_ids[step.node][1:]
        terms = [term for arrival in frame.arrivals for term in arrival.terms]
        assert [(t.edge, t.upstream, t.local, t.contribution) for t in terms] == [
            (f"{frame.gate}_in{e.position}", step.grad, e.local_grad, e.contribution) for e in step.edges
        ]
        assert frame.edges == tuple(t.edge for t in terms)



def test_cs231n_walkthrough_texts(reference: list[dict[str, object]]) -> None:
    wires = sigmoid_circuit()
    player = backprop_steps(wires["f"])
    ids = player.model.value_ids
    captions = [frame.caption for frame in player.frames]
    assert captions[0] == "Step 0 of 8 · Forward pass done: f = 0.73. No gradients yet (— means not reached)."
    assert captions[1] == "Step 1 of 8 · 1/x gate sends f's gradient 1.00 back to its input."
    assert player.frames[1].work == ("its input: 1.00 × -0.53 = -0.53",)
    assert captions[3] == "Step 3 of 8 · exp gate sends upstream gradient -0.53 back to its input."
    assert player.frames[3].work == ("its input: -0.53 × 0.37 = -0.20",)
    assert captions[8] == "Step 8 of 8 · * gate sends upstream gradient 0.20 back to w0 and x0."
    # the factor that needs it gets a third digit, so the product checks out (not "0.20 × 2.00 = 0.39")
    assert player.frames[8].work == ("w0: 0.20 × -1.00 = -0.20", "x0: 0.197 × 2.00 = 0.39")
    assert player.frames[7].work == ("w1: 0.197 × -2.00 = -0.39", "x1: 0.197 × -3.00 = -0.59")
    last = player.frames[-1]
    assert gradient_text(last, ids[wires["x0"]], TWO_DECIMALS) == "0.39"  # the slot holds the gradient only
    for wire in reference:  # every wire ends with the figure's gradient
        assert round(last.grads[ids[wires[str(wire["wire"])]]] or 0.0, 2) == wire["grad_2dp"]
    assert player.step_labels == [f"step {k} of 8" for k in range(9)]



def test_a_fork_shows_both_contributions_and_the_running_sum() -> None:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    d = c + a  # a is used twice: by * (c) and by + (d)
    e = d * d  # and d twice by the same gate
    player = backprop_steps(e)
    ids = player.model.value_ids
    frames = player.frames
    assert [gradient_text(frame, ids[a], TWO_DECIMALS) for frame in frames] == ["—", "—", "-8.00", "16.00"]
    assert frames[2].work == ("input 1: -8.00 × 1.00 = -8.00", "a: -8.00 × 1.00 = -8.00")
    assert frames[3].work == ("a: -8.00 + (-8.00 × -3.00) = 16.00", "b: -8.00 × 2.00 = -16.00")
    # d * d: both terms of one step, one sum
    assert frames[1].work == ("its input: (1.00 × -4.00) + (1.00 × -4.00) = -8.00",)
    assert (a.grad, b.grad) == (16.0, -16.0)



def test_a_leaf_that_kept_its_gradient_starts_from_it() -> None:
    """The forgot-zero_grad case: the stale gradient is shown in frame 0 and the arrival adds to it."""
    x, w = Value(2.0, label="x"), Value(-1.5, label="w")
    out = w * x
    out.backward()  # leaves now hold w.grad = 2 and x.grad = -1.5
    player = backprop_steps(out)  # a second backward without zero_grad
    ids = player.model.value_ids
    first, last = player.frames[0], player.frames[-1]
    assert first.grads[ids[w]] == 2.0 and first.grads[ids[out]] is None
    assert last.work[0] == "w: 2.00 + (1.00 × 2.00) = 4.00"
    assert last.grads[ids[w]] == w.grad == 4.0
    # never silent: frame 0 says so, and the drawing carries draw's stale-gradient note
    assert "w, x already hold gradients from an earlier backward()" in first.caption
    assert "zero_grad()" in first.caption and "No gradients yet" not in first.caption
    assert set(player.model.stale) == {ids[w], ids[x]}
    assert "zero_grad()" in player.frame_svg(0, caption=False)



def test_arrival_text_with_several_terms_and_an_earlier_sum() -> None:
    frames = backprop_steps(Value(3.0, label="x") ** 2 + 1).frames
    assert [frame.gate for frame in frames] == [None, "g2", "g1"]
    assert arrival_text(frames[2].arrivals[0], NumberFormat(decimals=3)) == "1.000 × 6.000 = 6.000"



_NUMBER = r"-?(?:\d+(?:\.\d*)?(?:e[-+]?\d+)?|inf|nan)"
# the second factor may name the value it is (``0.30 × x[0]=0.50``, a dot's partner)
_PRODUCT = re.compile(rf"\(?({_NUMBER}) × (?:[^\s=×]+=)?({_NUMBER})\)?")
_NOT_KEPT = " (a number: not kept)"


def check_honest(line: str) -> None:
    """The rule: work out the left side with the numbers shown, round like the result is shown, get the result."""
    expression, result = line.removesuffix(_NOT_KEPT).split(": ", 1)[1].rsplit(" = ", 1)
    total = 0.0
    for part in expression.split(" + "):
        product = _PRODUCT.fullmatch(part)
        total += float(product[1]) * float(product[2]) if product else float(part)
    if "e" in result:  # scientific: as many significant digits as the mantissa shows
        significant = len(result.split("e")[0].lstrip("-").replace(".", ""))
        mantissa, exponent = format(total, f".{significant - 1}e").split("e")
        assert f"{mantissa}e{int(exponent)}" == result, line
    else:
        decimals = len(result.partition(".")[2])
        assert format(total, f".{decimals}f") == result, line


def honest_graphs() -> list[Value]:
    wires = sigmoid_circuit()
    x1, x2, w1, w2 = Value(2.0, label="x1"), Value(0.0, label="x2"), Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    neuron = (x1 * w1 + x2 * w2 + b).tanh()
    a = Value(0.3333, label="a")
    fork = (a * a * 1.7 + a.exp() * a + (a * 3.1).sigmoid()) * 0.77
    return [wires["f"], neuron, fork]


@pytest.mark.parametrize("precision", [None, 1, 3])
@pytest.mark.parametrize("collapse", [False, True])
def test_every_displayed_product_and_sum_checks_out(precision: int | None, collapse: bool) -> None:
    model = MLP(2, [4, 4, 1], seed=3)
    network = model([Value(0.7, label="x0"), Value(-0.2, label="x1")])
    assert isinstance(network, Value)
    for root in [*honest_graphs(), (network - 0.5) ** 2]:
        player = backprop_steps(root, precision=precision, collapse=collapse)  # groups as one step, or op by op
        lines = [line for frame in player.frames for line in frame.work]
        assert len(lines) >= len(player.frames) - 1
        for line in lines:
            check_honest(line)
        for frame in player.frames:
            assert frame.caption.startswith(f"Step {frame.index} of {len(player.frames) - 1} · ")


@settings(max_examples=40, deadline=None)
@given(recipes())
def test_the_arithmetic_checks_out_on_random_graphs(recipe: Recipe) -> None:
    for frame in backprop_steps(build(recipe)).frames:
        for line in frame.work:
            if "inf" not in line and "nan" not in line:
                check_honest(line)


def test_forward_frames_reveal_values_in_topological_order() -> None:
    wires = sigmoid_circuit()
    root = wires["f"]
    order = topological_order(root)
    model = describe(root)
    frames = forward_frames(model, order, TWO_DECIMALS)
    ops = [node for node in order if node.inputs]
    assert len(frames) == len(ops) + 1 == len(forward_steps(root))
    assert frames[0].computed == {model.value_ids[node] for node in order if not node.inputs}
    assert frames[0].caption == ("Step 0 of 8 · Inputs: w0 = 2.00, x0 = -1.00, w1 = -3.00, x1 = -2.00, w2 = -3.00. "
                                 "Forward: each gate computes its value in turn.")
    for k, node in enumerate(ops, start=1):
        value = model.value_ids[node]
        assert frames[k].output == value and frames[k].gate == "g" + value[1:]
        assert frames[k].computed == frames[k - 1].computed | {value}
        assert set(frames[k].grads.values()) == {None}
    assert frames[5].caption == "Step 5 of 8 · sigmoid gate · x*(-1) gate: 1.00 → -1.00"
    assert frames[8].caption == "Step 8 of 8 · sigmoid gate · 1/x gate: 1.37 → f = 0.73"



def test_wrong_roots_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="root is a leaf"):
        backprop_steps(Value(1.0))
    with pytest.raises(TypeError, match="backprop_steps needs a Value, got float"):
        backprop_steps(1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="forward_steps needs a Value"):
        forward_steps([Value(1.0)])  # type: ignore[arg-type]
