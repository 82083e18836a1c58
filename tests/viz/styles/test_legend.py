"""The legend: one piece of text per SVG element, everything the style encodes explained, the stale-gradient note."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from autograd import Value
from autograd.examples import sigmoid_circuit
from viz import draw, run_dot

SVG = "{http://www.w3.org/2000/svg}"


def _legend_texts(root: Value, **options: object) -> list[str]:
    svg = ET.fromstring(run_dot(draw(root, **options).source, "svg"))  # type: ignore[arg-type]
    graph = svg.find(f"{SVG}g")
    assert graph is not None
    # the legend is the graph's own label: the text elements directly in the top group
    return [text.text or "" for text in graph.findall(f"{SVG}text")]


def _worked() -> Value:
    wires = sigmoid_circuit()
    wires["f"].backward()
    return wires["f"]


@pytest.mark.parametrize(
    ("rankdir", "value", "grad"),
    [("LR", "value above the wire", "gradient below the wire"),
     ("TB", "value left of the wire", "gradient right of the wire")],
)
def test_each_piece_of_legend_text_is_one_svg_text(rankdir: str, value: str, grad: str) -> None:
    texts = _legend_texts(_worked(), style="circuit", rankdir=rankdir)
    assert value in texts and grad in texts
    assert "a gate is filled by the gradient of the value it computes" in texts
    assert not any(text.strip() in {",", ""} for text in texts)


def test_the_circuit_legend_explains_the_name_fonts() -> None:
    wires = sigmoid_circuit()
    wires["f"].backward()
    source = draw(wires["f"], style="circuit", parameters=[wires["w0"]]).source
    assert '<FONT FACE="Helvetica-Oblique">parameter</FONT>' in source
    assert '<FONT FACE="Helvetica-Bold">output</FONT>' in source
    assert 'fontname="Helvetica-Oblique"' in source  # the parameter's name is drawn in that font
    assert "parameter</FONT>" not in draw(wires["f"], style="circuit", parameters=[]).source


def test_the_graph_legend_says_what_a_fill_shows() -> None:
    assert "a value is filled by its gradient; ops stay grey" in _legend_texts(_worked())


def test_big_numbers_stay_short_in_the_legend() -> None:
    out = Value(1000.0, label="x") * Value(1e6, label="y")
    out.backward()
    source = draw(out, style="circuit").source
    assert ">1.0e6</TD>" in source and ">-2.5e5</TD>" in source and "1000000" not in source


def test_a_stale_gradient_gets_a_note_naming_the_leaves_and_the_remedy() -> None:
    wires = sigmoid_circuit()
    wires["f"].backward()
    assert "zero_grad" not in draw(wires["f"]).source
    wires["f"].backward()  # the notebook cell run twice: the leaves hold twice what the graph sends
    texts = " ".join(_legend_texts(wires["f"], style="circuit"))
    assert "w0, x0, w1, x1, w2 hold more gradient than this graph" in texts
    assert "zero_grad()" in texts and "fresh leaves" in texts
    assert "zero_grad()" in draw(wires["f"], legend=False).source  # the note stays without the legend


def test_another_graph_from_the_same_leaves_makes_them_stale() -> None:
    x, y = Value(2.0, label="x"), Value(3.0, label="y")
    (x * y).backward()
    second = x + 1.0
    second.backward()
    source = draw(second).source
    assert "x holds more gradient" in source and "y holds" not in source
