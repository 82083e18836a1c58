"""A gate's inputs come out in the order of the formula, measured in what ``dot`` draws.

Read from the SVG (the same for ``draw`` and the player): each input edge's path starts at its
value and ends on the gate. Along the gate's input side (top to bottom in LR, left to right in
TB) the values must sit in formula order (w0, x0, w1, x1, …, b), and the wires must arrive on
the gate in that same order, so they never cross. Wires that converge onto one point of the
gate (closer than ``_SAME_POINT``) count as arriving together.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest

from autograd import Value
from nn import MLP, Neuron
from viz import backprop_steps, draw
from viz.dot_runner import run_dot
from viz.model.graph_model import GraphModel, describe

_SVG = "{http://www.w3.org/2000/svg}"
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_SAME_POINT = 1.5  # pt: endpoints this close arrive together (dot converges them)

Point = tuple[float, float]


class Drawing:
    """The positions ``dot`` gave: where each edge starts and ends, and each gate's centre (SVG coordinates)."""

    def __init__(self, svg: str | bytes) -> None:
        root = ET.fromstring(svg)
        self.edges: dict[str, tuple[Point, Point]] = {}
        self.centres: dict[str, Point] = {}
        for group in root.iter(f"{_SVG}g"):
            kind, name = group.get("class"), group.get("id", "")
            if kind == "edge":
                path = group.find(f"{_SVG}path")
                if path is None:  # an invisible edge
                    continue
                numbers = [float(n) for n in _NUMBER.findall(path.get("d", ""))]
                self.edges[name] = ((numbers[0], numbers[1]), (numbers[-2], numbers[-1]))
            elif kind == "node" and group.find(f"{_SVG}ellipse") is not None:  # a gate
                ellipse = group.find(f"{_SVG}ellipse")
                assert ellipse is not None
                self.centres[name] = float(ellipse.get("cx", "0")), float(ellipse.get("cy", "0"))


def input_order(
    model: GraphModel, drawing: Drawing, gate_id: str, rankdir: str, *, uncrossed: bool = True
) -> list[str]:
    """The gate's input values as they sit along its input side; ``uncrossed``: asserts that their wires
    arrive on the gate in that order."""
    gate = model.gate(gate_id)
    cx, cy = drawing.centres[gate_id]
    along = 1 if rankdir == "LR" else 0  # SVG y grows downwards: top to bottom, or left to right

    def arrival(point: Point) -> float:
        # the angle around the gate, growing in the same direction as `along` on the input side
        angle = math.atan2(point[1] - cy, point[0] - cx)
        return math.cos(angle) if rankdir == "TB" else math.sin(angle)

    wires = sorted(gate.wires, key=lambda edge_id: drawing.edges[edge_id][0][along])
    for k, first in enumerate(wires):
        for second in wires[k + 1:] if uncrossed else []:
            end_first, end_second = drawing.edges[first][1], drawing.edges[second][1]
            if math.dist(end_first, end_second) > _SAME_POINT:
                assert arrival(end_first) < arrival(end_second), (
                    f"{gate_id}: the wires of {first} and {second} cross before the gate"
                )
    return [model.value(model.edge(edge_id).source).shown_label(True) for edge_id in wires]


def neuron(nin: int) -> Value:
    xs = [Value(float(i + 1), label=f"x{i}") for i in range(nin)]
    return Neuron(nin, "tanh", seed=0)(xs)


def mlp_output() -> Value:
    out = MLP(2, [4, 1], seed=0)([Value(0.5, label="x0"), Value(-1.0, label="x1")])
    assert isinstance(out, Value)
    return out


def formula(nin: int) -> list[str]:
    return [name for i in range(nin) for name in (f"w{i}", f"x{i}")] + ["b"]


@pytest.mark.parametrize("nin", [2, 3])
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
@pytest.mark.parametrize("style", ["graph", "circuit"])
def test_a_single_neurons_wires_come_in_formula_order_and_never_cross(style: str, rankdir: str, nin: int) -> None:
    root = neuron(nin)
    model = describe(root)
    drawing = Drawing(run_dot(draw(root, style=style, rankdir=rankdir).source, "svg"))
    (gate,) = [gate for gate in model.gates if gate.op == "dot"]
    assert input_order(model, drawing, gate.id, rankdir) == formula(nin)


def _weights_in_order(model: GraphModel, drawing: Drawing, rankdir: str) -> None:
    """Inside each neuron's box its weights w0, w1, …, b; the activations it gets (x0, x1 or h1[0], h1[1], …) in order.

    The activations come from other boxes and dot keeps a box together, so they cannot interleave with the
    weights; only the order within each kind is fixed.
    """
    for gate in model.gates:
        if gate.op != "dot":
            continue
        order = input_order(model, drawing, gate.id, rankdir, uncrossed=False)
        inside = [name for name in order if name[0] in "wb"]
        assert inside == [f"w{i}" for i in range(len(inside) - 1)] + ["b"], gate.id
        activations = [name for name in order if name[0] not in "wb"]
        layer = "x{}" if activations[0].startswith("x") else "h1[{}]"  # the network's inputs, or layer 1's
        assert activations == [layer.format(i) for i in range(len(activations))], gate.id


@pytest.mark.parametrize(("style", "rankdir"), [("graph", "LR"), ("circuit", "TB")])
def test_every_neuron_of_an_mlp_shows_its_weights_in_order(style: str, rankdir: str) -> None:
    root = mlp_output()
    model = describe(root)
    assert len([gate for gate in model.gates if gate.op == "dot"]) == 5
    _weights_in_order(model, Drawing(run_dot(draw(root, style=style, rankdir=rankdir).source, "svg")), rankdir)


def test_the_players_layout_keeps_the_order() -> None:
    player = backprop_steps(mlp_output(), max_nodes=None)
    _weights_in_order(player.model, Drawing(player.frame_svg(0, caption=False)), player.options.rankdir)
