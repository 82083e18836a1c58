"""Rendering files, the timeout, and the one clear error when ``dot`` is missing (at every entry point)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

import graphviz
import pytest

from autograd import Tensor, Value
from viz import Diagram, DotFailedError, DotNotFoundError, DotTimeoutError, draw, render, run_dot
from viz.cli import main

INSTALL_WORDS = ("apt-get install graphviz", "brew install graphviz", "conda install", "DOT source is still available")


def small() -> Value:
    x = Value(3.0, label="x")
    out = x * x
    out.backward()
    return out


@pytest.mark.parametrize(("suffix", "magic"), [("svg", b"<?xml"), ("png", b"\x89PNG"), ("pdf", b"%PDF"),
                                               ("dot", b"digraph gradtrace {")])
def test_each_format_from_the_suffix(tmp_path: Path, suffix: str, magic: bytes) -> None:
    written = render(small(), tmp_path / "sub" / f"square.{suffix}")
    assert written == tmp_path / "sub" / f"square.{suffix}"
    assert written.read_bytes().startswith(magic)


def test_explicit_format_wins_over_an_unknown_suffix(tmp_path: Path) -> None:
    assert render(small(), tmp_path / "a.txt", output_format="dot").read_text().startswith("digraph")
    with pytest.raises(ValueError, match="unknown format 'gif'"):
        render(small(), tmp_path / "c.gif", output_format="gif")
    with pytest.raises(TypeError, match="output_format=, not format="):  # graphviz's name is not a drawing option
        render(small(), tmp_path / "a.txt", format="dot")


def test_render_takes_drawing_options_for_a_value_and_any_graphviz_graph(tmp_path: Path) -> None:
    circuit = render(small(), tmp_path / "c.dot", style="circuit").read_text()
    assert "shape=circle" in circuit and "shape=Mrecord" not in circuit
    foreign = graphviz.Digraph()
    foreign.edge("a", "b")
    assert render(foreign, tmp_path / "f.svg").read_bytes().startswith(b"<?xml")
    with pytest.raises(TypeError, match="apply only when rendering a Value"):
        render(foreign, tmp_path / "g.svg", style="circuit")
    with pytest.raises(TypeError, match="needs a Value or a graphviz graph"):
        render("x * x", tmp_path / "h.svg")  # type: ignore[arg-type]


@pytest.mark.parametrize("script", ["exec {sleep} 30", "{sleep} 30 & {sleep} 30"])  # the second leaves a child
def test_timeout_kills_dot_and_names_the_graph_size(
    fake_dot: Callable[[str], Path], tmp_path: Path, script: str
) -> None:
    fake_dot(script.format(sleep=shutil.which("sleep")))
    diagram = draw(small())
    start = time.perf_counter()
    with pytest.raises(DotTimeoutError) as caught:
        render(diagram, tmp_path / "slow.svg", timeout=0.3)
    assert time.perf_counter() - start < 5
    message = str(caught.value)
    assert "within 0.3 s" in message and diagram.size_text() in message and "collapse" in message
    assert not (tmp_path / "slow.svg").exists()  # nothing half-written


def test_a_failing_dot_reports_its_message(fake_dot: Callable[[str], Path], tmp_path: Path) -> None:
    fake_dot("echo 'Error: something broke' >&2; exit 3")
    with pytest.raises(DotFailedError, match="something broke"):
        render(small(), tmp_path / "x.svg")


@pytest.mark.usefixtures("no_dot")
def test_missing_dot_is_one_clear_error_everywhere(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    diagram = draw(small())
    entry_points: list[Callable[[], object]] = [
        lambda: render(diagram, tmp_path / "a.svg"),
        lambda: run_dot(diagram.source, "svg"),
        lambda: diagram.pipe(format="svg"),
        lambda: diagram.render(tmp_path / "b"),
        diagram.svg,
    ]
    for entry_point in entry_points:
        with pytest.raises(DotNotFoundError) as caught:
            entry_point()
        assert all(word in str(caught.value) for word in INSTALL_WORDS)
        assert isinstance(caught.value, graphviz.ExecutableNotFound)  # code catching graphviz's error still works
    # a notebook shows the message, not a traceback
    bundle = diagram._repr_mimebundle_()
    assert "image/svg+xml" not in bundle and all(word in bundle["text/plain"] for word in INSTALL_WORDS)
    # the DOT source is still there, and writing it needs no Graphviz
    assert render(diagram, tmp_path / "c.dot").read_text() == diagram.source
    # the command line: one line, exit status 1
    assert main(["render", "x*x", "--set", "x=3", "-o", str(tmp_path / "d.svg")]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "brew install graphviz" in error


def test_notebook_display_is_svg_with_no_extra_call() -> None:
    diagram = draw(small())
    bundle = diagram._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml"} and bundle["image/svg+xml"].startswith("<?xml")


def test_a_diagram_is_a_digraph_and_copies_keep_the_model() -> None:
    diagram = draw(small())
    assert isinstance(diagram, graphviz.Digraph) and isinstance(diagram, Diagram)
    copied = diagram.copy()
    assert copied.model is diagram.model and copied.source == diagram.source
    assert diagram.size_text() == "3 nodes and 3 edges"


def test_a_tensor_renders_as_draw_draws_it(tmp_path: Path) -> None:
    weights = Tensor([[0.1, 0.5], [-0.3, 0.8]], label="W")
    total = (weights @ Tensor([0.2, 0.4], label="x")).sum()
    total.backward()
    written = render(total, tmp_path / "f.dot")
    assert written.read_text() == draw(total).source
