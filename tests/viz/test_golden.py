"""The cs231n sigmoid circuit drawn in both styles: golden DOT text, and the SVG carries the figure's numbers.

Golden files are compared as DOT text (SVG embeds Graphviz's version). After a deliberate
change of the drawing, rewrite them with ``GRADTRACE_UPDATE_GOLDEN=1 pytest tests/viz/test_golden.py``
and inspect the diff and a rendering by eye before committing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from autograd import Value
from autograd.examples import sigmoid_circuit
from viz import Diagram, draw, run_dot
from viz.number_format import NumberFormat, format_number

GOLDEN = Path(__file__).parent / "golden"

# name -> keyword arguments of draw (the three weights are marked as parameters, as the demo does)
CASES = {
    "sigmoid-graph": {"style": "graph"},
    "sigmoid-graph-collapsed": {"style": "graph", "collapse": ["sigmoid gate"]},
    "sigmoid-circuit": {"style": "circuit"},
    "sigmoid-circuit-collapsed": {"style": "circuit", "collapse": ["sigmoid gate"]},
}


def drawn(wires: dict[str, Value], **options: object) -> Diagram:
    return draw(wires["f"], parameters=[wires["w0"], wires["w1"], wires["w2"]], **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", sorted(CASES))
def test_dot_text_matches_the_golden_file(wires: dict[str, Value], name: str) -> None:
    source = drawn(wires, **CASES[name]).source
    golden = GOLDEN / f"{name}.dot"
    if os.environ.get("GRADTRACE_UPDATE_GOLDEN"):
        golden.write_text(source, encoding="utf-8")
        pytest.skip(f"rewrote {golden.name}")
    assert source == golden.read_text(encoding="utf-8")


def test_dot_text_is_identical_in_a_fresh_process_with_another_hash_seed(wires: dict[str, Value]) -> None:
    code = (
        "from autograd.examples import sigmoid_circuit; from viz import draw\n"
        "w = sigmoid_circuit(); w['f'].backward()\n"
        "print(draw(w['f'], style='circuit', parameters=[w['w0'], w['w1'], w['w2']]).source, end='')"
    )
    environment = {**os.environ, "PYTHONHASHSEED": "12345"}
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True)
    assert other.stdout == drawn(wires, style="circuit").source


@pytest.mark.parametrize("style", ["graph", "circuit"])
def test_expanded_and_collapsed_show_the_same_numbers(wires: dict[str, Value], style: str) -> None:
    expanded = drawn(wires, style=style).model
    collapsed = drawn(wires, style=style, collapse=["sigmoid gate"]).model
    for value in collapsed.values:
        same = expanded.value(value.id)
        assert (same.label, same.data, same.grad, same.role) == (value.label, value.data, value.grad, value.role)
    # the σ gate's local gradient is σ(x)(1 − σ(x)) at x = sum2 = 1
    f = wires["f"].data
    (edge,) = [collapsed.edge(edge_id) for edge_id in collapsed.gate("s0").inputs]
    assert edge.source == "n8" and edge.local_grads == pytest.approx((f * (1 - f),), rel=1e-15)
    assert collapsed.edge_gradient(edge.id) == pytest.approx(wires["sum2"].grad, rel=1e-15)


def test_collapsed_circuit_has_one_sigma_gate_instead_of_four(wires: dict[str, Value]) -> None:
    expanded = drawn(wires, style="circuit").source
    collapsed = drawn(wires, style="circuit", collapse=["sigmoid gate"]).source
    for gate in ('label="x*(-1)"', "label=exp", 'label="1+x"', 'label="1/x"'):
        assert gate in expanded and gate not in collapsed
    assert 'label="σ"' in collapsed and 'label="σ"' not in expanded


CS231N_TEXT = {
    # wire name in the reference -> how its value and gradient print in each style
    "graph": lambda value, grad: [f"data {format_number(value, NumberFormat(digits=4))}",
                                  f"grad {format_number(grad, NumberFormat(digits=4))}"],
    "circuit": lambda value, grad: [f"{value:.2f}", f"{grad:.2f}"],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_svg_is_well_formed_and_shows_every_value_and_gradient_of_the_figure(
    wires: dict[str, Value],
    reference: list[dict[str, object]],
    svg_texts: Callable[[bytes], list[str]],
    name: str,
) -> None:
    options = CASES[name]
    svg = run_dot(drawn(wires, **options).source, "svg")
    texts = svg_texts(svg)  # parsing proves well-formed XML
    hidden = {"neg", "exp", "plus1"} if "collapse" in options else set()  # inside the σ gate
    shown = [wire for wire in reference if wire["wire"] not in hidden]
    for wire in shown:
        value, grad = float(wire["value"]), float(wire["grad"])  # type: ignore[arg-type]
        for text in CS231N_TEXT[str(options["style"])](value, grad):
            assert any(text in item for item in texts), (wire["wire"], text)
    if options["style"] == "circuit":  # the printed figure's two decimals, exactly
        assert {f"{float(w['grad_2dp']):.2f}" for w in shown} <= set(texts)  # type: ignore[arg-type]
        assert {f"{float(w['value_2dp']):.2f}" for w in shown} <= set(texts)  # type: ignore[arg-type]


def test_svg_elements_carry_the_model_ids(wires: dict[str, Value], svg_ids: Callable[[bytes], set[str]]) -> None:
    diagram = drawn(wires, style="circuit")
    ids = svg_ids(run_dot(diagram.source, "svg"))
    model = diagram.model
    expected = {node.id for node in model.values} | {gate.id for gate in model.gates} | {e.id for e in model.edges}
    expected |= {f"{gate.id}_out0" for gate in model.gates} | {"s0"}  # the sigmoid gate's cluster
    assert expected <= ids


def test_before_backward_every_gradient_shows_as_a_dash() -> None:
    circuit = sigmoid_circuit()
    source = draw(circuit["f"], style="circuit").source
    # no gradients yet: each of the 13 wires shows "—" below it, never a misleading 0
    assert source.count('<FONT COLOR="#c62828">—</FONT>') == 13
    assert '<FONT COLOR="#c62828">0.00</FONT>' not in source
