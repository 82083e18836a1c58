"""The circuit style's wires: the output always ends in an arrow and a name; TB wires continue the divider."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from autograd import Value
from viz import describe, draw, run_dot

_SVG = "{http://www.w3.org/2000/svg}"


def _xs(*numbers: float) -> list[Value]:
    """A network's inputs as Values (numbers are folded into the first layer and not drawn)."""
    return [Value(float(n)) for n in numbers]


def _worked_unlabelled() -> Value:
    x, y = Value(1.0, label="x"), Value(-2.0, label="y")
    out = -(x * y + x.exp())
    out.backward()
    return out


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_an_unlabelled_output_still_ends_in_an_arrow_and_a_name(rankdir: str) -> None:
    out = _worked_unlabelled()
    source = draw(out, style="circuit", rankdir=rankdir).source
    root = describe(out).root
    assert f"{root}_name [label=f " in source and f"{root} -> {root}_name" in source
    edge = next(line for line in source.splitlines() if f"{root} -> {root}_name" in line)
    assert "arrowhead=none" not in edge
    assert f"{root}_name [label=out " in draw(out, style="circuit", output_name="out").source


def test_the_output_keeps_its_arrow_when_names_are_hidden() -> None:
    source = draw(_worked_unlabelled(), style="circuit", show=["data", "grad"]).source
    assert re.search(r"n\d+_name \[label=\"\"", source) and "x_name" not in source


def test_the_graph_style_names_an_unlabelled_output_too() -> None:
    assert '"{f|data' in draw(_worked_unlabelled()).source


def test_a_blank_output_name_is_refused() -> None:
    with pytest.raises(ValueError, match="output_name must be a non-empty str"):
        draw(_worked_unlabelled(), output_name=" ")


def test_top_to_bottom_wires_attach_where_the_divider_runs() -> None:
    """The wire's end points lie on the vertical rule between value and gradient, not the table's middle."""
    x = Value(-12345.678, label="x")  # a long value: the table's middle is far from the divider
    out = x * Value(0.5, label="y")
    out.backward()
    svg = run_dot(draw(out, style="circuit", rankdir="TB", legend=False).source, "svg").decode()
    group = re.search(r'<g id="n0" class="node">(.*?)</g>', svg, re.S)
    assert group is not None
    rule_xs = [float(p.split(",")[0]) for p in re.search(r'points="([^"]+)"', group.group(1)).group(1).split()]  # type: ignore[union-attr]
    divider = (min(rule_xs) + max(rule_xs)) / 2
    wire = re.search(r'<g id="g2_in0" class="edge">.*?<path[^>]* d="M([-\d.]+),', svg, re.S)
    assert wire is not None and abs(float(wire.group(1)) - divider) < 1.5, (wire.group(1), divider)


@pytest.mark.parametrize("style", ["circuit", "graph"])
def test_a_gate_never_calls_its_wire_by_another_values_name(style: str) -> None:
    """The README's -x*leaky_relu(y, slope=0.2): the gate on y's wire does not read leaky_relu(x,0.2)."""
    x, y = Value(1.0, label="x"), Value(-2.0, label="y")
    source = draw(-x * y.leaky_relu(0.2), style=style).source
    assert "leaky_relu(x" not in source and "leaky_relu(·,0.2)" in source
    z = Value(-2.0, label="x")
    assert "leaky_relu(x,0.2)" in draw(z.leaky_relu(0.2), style=style).source  # its own wire is x


def test_values_leaving_a_box_carry_their_names_on_the_wire() -> None:
    """A network's hidden activations (h1[0], …) are named on their wires, boxes open or collapsed."""
    from nn import MLP

    out = MLP(2, [3, 1], seed=0)(_xs(0.5, -1.0))
    for collapse in (False, True):
        source = draw(out, style="circuit", collapse=collapse).source
        assert all(f"h1[{j}] </FONT>" in source for j in range(3)), collapse


def _svg_texts(svg: bytes, element_id: str) -> list[ET.Element]:
    group = next(g for g in ET.fromstring(svg).iter(f"{_SVG}g") if g.get("id") == element_id)
    return list(group.iter(f"{_SVG}text"))


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_a_labelled_intermediate_value_is_named_by_its_wire(rankdir: str) -> None:
    """(x + y)·z with q = x + y labelled: q is written just before its value on its wire; the player's caption
    names it too. Unlabelled intermediate wires get no name."""
    from autograd.examples import add_mul_circuit
    from viz import backprop_steps
    from viz.model.graph_model import describe

    wires = add_mul_circuit()
    wires["f"].backward()
    q = describe(wires["f"]).value_ids[wires["q"]]
    svg = run_dot(draw(wires["f"], style="circuit", rankdir=rankdir).source, "svg")
    name, value, grad = _svg_texts(svg, q)
    assert ((name.text or "").strip(), value.text, grad.text) == ("q", "3.00", "-4.00")
    assert float(name.get("x", "0")) < float(value.get("x", "0"))  # before the value, on the same line
    assert name.get("y") == value.get("y")
    steps = backprop_steps(add_mul_circuit()["f"], rankdir=rankdir).frames
    assert steps[2].caption.endswith("+ gate sends q's gradient -4.00 back to x and y.")
    assert steps[1].work[0].startswith("q: ")
    unlabelled = Value(2.0, label="a") * Value(3.0, label="b") + 1.0
    unlabelled.backward()
    inner = describe(unlabelled).value_ids[unlabelled.inputs[0]]
    texts = _svg_texts(run_dot(draw(unlabelled, style="circuit", rankdir=rankdir).source, "svg"), inner)
    assert [text.text for text in texts] == ["6.00", "1.00"]


def test_the_2_3_2_network_names_its_hidden_wires_and_inputs() -> None:
    """The course notes' network on plain numbers: x[0], x[1] at the inputs' free ends, h1[0] … h1[2] by their
    wires."""
    from nn import MLP, mse

    net = MLP(2, [3, 2], activation="sigmoid", output_activation="sigmoid", seed=0)
    loss = mse([net([0.5, -1.0])], [[1.0, 0.0]], reduction="sum", half=True)
    loss.backward()
    svg = run_dot(draw(loss, style="circuit").source, "svg")
    words = [(text.text or "").strip() for text in ET.fromstring(svg).iter(f"{_SVG}text")]
    for name in ("x[0]", "x[1]", "h1[0]", "h1[1]", "h1[2]"):
        assert words.count(name) == 1, name
