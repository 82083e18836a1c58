"""The cs231n "Backpropagation, Intuitions" examples with their published numbers."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from autograd import Value
from autograd.examples import add_mul_circuit, sigmoid_circuit

REFERENCE = json.loads((Path(__file__).parent / "data" / "cs231n-sigmoid.json").read_text())
WIRES = REFERENCE["wires"]


def test_add_mul_circuit_published_gradients() -> None:
    wires = add_mul_circuit()
    wires["f"].backward()
    assert wires["q"].data == 3.0 and wires["f"].data == -12.0
    assert (wires["x"].grad, wires["y"].grad, wires["z"].grad) == (-4.0, -4.0, 3.0)
    assert wires["q"].grad == -4.0


@pytest.mark.parametrize("wire", WIRES, ids=[w["wire"] for w in WIRES])
def test_sigmoid_circuit_gate_by_gate_matches_figure(wire: dict) -> None:
    wires = sigmoid_circuit(gate_by_gate=True)
    wires["f"].backward()
    node = wires[wire["wire"]]
    # the figure prints two decimals; the exact values are the reference's float64 results
    assert round(node.data, 2) == wire["value_2dp"]
    assert round(node.grad, 2) == wire["grad_2dp"]
    assert node.data == pytest.approx(wire["value"], rel=1e-15, abs=1e-15)
    assert node.grad == pytest.approx(wire["grad"], rel=1e-14, abs=1e-15)


def test_sigmoid_circuit_gates_are_the_figures_gates() -> None:
    wires = sigmoid_circuit(gate_by_gate=True)
    gates = {w["wire"]: w["gate"] for w in WIRES}
    folded = {"*": "*", "+": "+", "exp": "exp"}
    for name in ("w0*x0", "w1*x1", "sum1", "sum2", "exp"):
        assert wires[name].op == folded[gates[name]]
    assert (wires["neg"].op, wires["neg"].const) == ("*", -1.0)  # the *-1 gate
    assert (wires["plus1"].op, wires["plus1"].const, wires["plus1"].const_left) == ("+", 1.0, True)  # +1
    assert (wires["f"].op, wires["f"].const, wires["f"].const_left) == ("/", 1.0, True)  # 1/x


def test_single_sigmoid_node_agrees_with_the_gates() -> None:
    gates = sigmoid_circuit(gate_by_gate=True)
    single = sigmoid_circuit(gate_by_gate=False)
    gates["f"].backward()
    single["f"].backward()
    assert single["f"].op == "sigmoid"
    sigma = single["f"].data
    assert single["f"].local_grads[0] == pytest.approx(sigma * (1 - sigma), rel=1e-15)
    assert single["f"].data == pytest.approx(gates["f"].data, rel=1e-15)
    for name in ("w0", "x0", "w1", "x1", "w2", "sum2"):
        assert single[name].grad == pytest.approx(gates[name].grad, rel=1e-14)
    # the published five-input gradients, four decimals
    published = {"w0": -0.1966, "x0": 0.3932, "w1": -0.3932, "x1": -0.5898, "w2": 0.1966}
    for name, grad in published.items():
        assert round(single[name].grad, 4) == grad
    assert round(single["f"].data, 4) == 0.7311


def test_sigmoid_circuit_rejects_unknown_inputs() -> None:
    with pytest.raises(TypeError, match="w3"):
        sigmoid_circuit(w3=1.0)


def test_gate_patterns() -> None:
    """add distributes, mul swaps, max routes (the notes' three gate intuitions)."""
    x, y = Value(3.0), Value(-4.0)
    (x + y).backward(2.0)
    assert (x.grad, y.grad) == (2.0, 2.0)  # add distributes the upstream gradient unchanged

    x, y = Value(3.0), Value(-4.0)
    (x * y).backward(2.0)
    assert (x.grad, y.grad) == (-8.0, 6.0)  # mul swaps: each input gets the other's value times upstream

    from autograd import maximum

    x, y = Value(3.0), Value(-4.0)
    maximum(x, y).backward(2.0)
    assert (x.grad, y.grad) == (2.0, 0.0)  # max routes everything to the larger input


def test_sigmoid_local_gradient_formula() -> None:
    for x in (-3.0, 0.0, 1.0, 4.5):
        s = Value(x).sigmoid()
        sigma = 1.0 / (1.0 + math.exp(-x))
        assert s.local_grads[0] == pytest.approx(sigma * (1.0 - sigma), rel=1e-15)
