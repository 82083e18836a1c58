"""The legend in a real browser (headless Chromium: the ``browser`` fixture of ``tests/conftest.py``).

Graphviz places each SVG text with its own font metrics; a browser's fonts differ. Every piece
of legend text is one SVG element, so the browser can only widen it, and each must still sit
inside its own swatch and never run into the next piece of its row.
"""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograd.examples import sigmoid_circuit
from viz import draw, run_dot

SCREENSHOT_DIR = Path("/tmp/gradtrace-legend")  # for people looking at it; the test measures


@pytest.mark.parametrize("style", ["circuit", "graph"])
def test_legend_texts_fit_their_cells_in_a_browser(browser: object, tmp_path: Path, style: str) -> None:
    wires = sigmoid_circuit()
    wires["f"].backward()
    wires["f"].backward()  # twice: the stale-gradient note shows too
    svg = run_dot(draw(wires["f"], style=style).source, "svg")
    ET.fromstring(svg)
    # inline in a page at a notebook column's width, as people see it
    inline = svg.decode("utf-8")[svg.decode("utf-8").index("<svg"):]
    path = tmp_path / "legend.html"
    path.write_text(f"<!doctype html><html><body style='margin:0'>{inline}</body></html>", encoding="utf-8")
    page = browser.new_page(viewport={"width": 900, "height": 600})  # type: ignore[attr-defined]
    try:
        page.goto(path.as_uri())
        boxes = page.evaluate(
            """() => {
                const graph = document.querySelector('svg > g');
                const kids = Array.from(graph.children);
                const box = (e) => { const b = e.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height]; };
                return kids.filter(e => e.tagName === 'text' || e.tagName === 'polygon')
                           .map(e => [e.tagName, e.textContent, box(e)]);
            }"""
        )
        SCREENSHOT_DIR.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT_DIR / f"{style}.png"))
    finally:
        page.close()
    texts = [(text, box) for tag, text, box in boxes if tag == "text"]
    swatches = [box for tag, _, box in boxes if tag == "polygon" and box[2] - box[0] < 200]  # not the background
    for text, (left, top, right, bottom) in texts:
        around = [s for s in swatches if s[0] <= (left + right) / 2 <= s[2] and s[1] <= (top + bottom) / 2 <= s[3]]
        for s in around:  # a number on a swatch stays inside it
            assert s[0] <= left and right <= s[2], (text, (left, right), s)
    rows: dict[int, list[tuple[str, list[float]]]] = {}
    for text, box in texts:
        rows.setdefault(round(box[3]), []).append((text, box))
    for row in rows.values():
        ordered = sorted(row, key=lambda item: item[1][0])
        for (first, a), (second, b) in itertools.pairwise(ordered):
            assert a[2] <= b[0], f"{first!r} runs into {second!r}"
    pieces = [text for text, _ in texts]
    assert "gradient below the wire" in pieces or style == "graph"
    assert any("zero_grad()" in piece for piece in pieces)
