"""Shared example graphs: cs231n's "Backpropagation, Intuitions" circuits, and a deeply nested chain.

Tests check their published numbers, the demo prints and draws them, notebooks step
through them, benchmarks time them: one construction, used everywhere.
"""

from __future__ import annotations

import contextlib

from autograd.modes import scope
from autograd.value import Value

# The sigmoid circuit's inputs as printed in the course notes' figure.
SIGMOID_INPUTS = {"w0": 2.0, "x0": -1.0, "w1": -3.0, "x1": -2.0, "w2": -3.0}


def add_mul_circuit(x: float = -2.0, y: float = 5.0, z: float = -4.0) -> dict[str, Value]:
    """f = (x + y) · z, the notes' first example; returns the wires by name (``q`` is x + y).

    >>> wires = add_mul_circuit()
    >>> wires["f"].backward()
    >>> [wires[name].grad for name in ("x", "y", "z")]
    [-4.0, -4.0, 3.0]
    """
    vx, vy, vz = Value(x, label="x"), Value(y, label="y"), Value(z, label="z")
    q = vx + vy
    q.label = "q"
    f = q * vz
    f.label = "f"
    return {"x": vx, "y": vy, "z": vz, "q": q, "f": f}


def sigmoid_circuit(gate_by_gate: bool = True, **inputs: float) -> dict[str, Value]:
    """f = 1 / (1 + exp(−(w0·x0 + w1·x1 + w2))), the 2-D neuron with a sigmoid activation.

    ``gate_by_gate=True`` builds the notes' figure (``*-1``, ``exp``, ``+1``, ``1/x`` gates, grouped
    in an ``autograd.scope("sigmoid gate")`` so renderers can collapse them); ``False`` uses the
    single ``sigmoid`` node (local gradient σ(1−σ)). Returns the wires by the names used in
    ``tests/autograd/data/cs231n-sigmoid.json`` (the figure's published numbers); ``f`` is the output. As in
    the figure, only the inputs and ``f`` are labelled (a drawing writes a label by its wire).

    >>> wires = sigmoid_circuit()
    >>> wires["f"].backward()
    >>> round(wires["f"].data, 4), round(wires["w0"].grad, 4)
    (0.7311, -0.1966)
    """
    values = {**SIGMOID_INPUTS, **inputs}
    unknown = set(values) - set(SIGMOID_INPUTS)
    if unknown:
        raise TypeError(f"sigmoid_circuit: unknown inputs {sorted(unknown)}; expected {sorted(SIGMOID_INPUTS)}")
    wires = {name: Value(number, label=name) for name, number in values.items()}
    wires["w0*x0"] = wires["w0"] * wires["x0"]
    wires["w1*x1"] = wires["w1"] * wires["x1"]
    wires["sum1"] = wires["w0*x0"] + wires["w1*x1"]
    wires["sum2"] = wires["sum1"] + wires["w2"]
    if gate_by_gate:
        with scope("sigmoid gate"):
            wires["neg"] = -wires["sum2"]
            wires["exp"] = wires["neg"].exp()
            wires["plus1"] = 1 + wires["exp"]
            wires["f"] = 1 / wires["plus1"]
    else:
        wires["f"] = wires["sum2"].sigmoid()
    # only the inputs and f are labelled, as the figure names them: the circuit style writes a labelled
    # value's name by its wire (the dict's names above are for tests and lessons)
    wires["f"].label = "f"
    return wires


def nested(depth: int) -> Value:
    """A chain of ``depth`` ops ``out * 1.0001 + 1``, each one scope deeper than the last, after ``backward``.

    The worst case for anything that walks scopes (the collapse planner, drawing nested boxes).

    >>> root = nested(3)
    >>> root.op, root.scope, round(root.data, 4)
    ('+', Scope('s0/s1/s2'), 4.0006)
    """
    out = Value(1.0, label="x")
    with contextlib.ExitStack() as stack:
        for level in range(depth):
            stack.enter_context(scope(f"s{level}"))
            out = out * 1.0001 + 1.0
    out.backward()
    return out
