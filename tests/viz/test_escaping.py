"""Labels made of any text render as written, and drawing twice gives the same DOT."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import example, given, settings
from hypothesis import strategies as st

from autograd import Value, scope
from viz import draw, run_dot
from viz.escaping import printable


def labelled_graph(name: str) -> Value:
    """A leaf, an op result and a group all named ``name``."""
    leaf = Value(2.0, label=name)
    with scope(name):
        out = leaf * 3
    out.label = name
    out.backward()
    return out


NASTY = ['a<b>{c}|d"e', "<b>bold</b>", "\\N \\G \\l", "one\ntwo\r\nthree", "  spaced  out  ", "&amp; &#45;",
         "tab\there", "\x00\x07", "\ud800", "trailing\\", '\\\\"', "", "σ ∂ 中 🙂"]


def with_nasty_examples(test: Callable[..., None]) -> Callable[..., None]:
    for text in NASTY:
        test = example(text)(test)
    return test


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=20))
@with_nasty_examples
def test_any_label_renders_as_written(svg_texts: Callable[[bytes], list[str]], name: str) -> None:
    root = labelled_graph(name)
    lines = [line.replace("\xa0", " ") for line in printable(name) if line.strip()]
    for style in ("graph", "circuit"):
        diagram = draw(root, style=style)
        texts = svg_texts(run_dot(diagram.source, "svg"))  # parses: well-formed XML
        for line in lines:
            # graph style: the record field of each value; circuit: the input's name; both: the group's box
            assert sum(line.strip() == text.strip() for text in texts) >= 2, (style, line, texts)


@given(st.text(max_size=30))
def test_drawing_twice_gives_identical_dot(name: str) -> None:
    first = draw(labelled_graph(name), style="circuit").source
    second = draw(labelled_graph(name), style="circuit").source
    assert first == second
    assert draw(labelled_graph(name)).source == draw(labelled_graph(name)).source
