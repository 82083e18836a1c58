"""The ``gradtrace`` command: render and demo, --help, and one-line errors with exit status 2."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from autograd import Value
from viz import backprop_steps
from viz.cli import commands, main
from viz.cli.expression import FUNCTION_NAMES
from viz.dot_runner import DotTimeoutError
from viz.palette import PALETTES, gradient_fill

SIGMOID = "1/(1+exp(-(w0*x0 + w1*x1 + w2)))"
INPUTS = ["w0=2", "x0=-1", "w1=-3", "x1=-2", "w2=-3"]


def test_render_writes_the_cs231n_circuit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], svg_texts: Callable[[bytes], list[str]]
) -> None:
    out = tmp_path / "sigmoid.svg"
    assert main(["render", SIGMOID, "--set", *INPUTS, "-o", str(out), "--style", "circuit"]) == 0
    assert capsys.readouterr().out == f"wrote {out}\n"
    texts = svg_texts(out.read_bytes())
    for number in ["0.73", "1.00", "-0.20", "0.39", "-0.39", "-0.59", "0.20", "-0.53", "1.37", "0.37"]:
        assert number in texts


def test_render_options_reach_the_drawing(tmp_path: Path) -> None:
    out = tmp_path / "g.dot"
    expression = f'scope("sigmoid gate", {SIGMOID})'
    arguments = ["render", expression, "--set", *INPUTS, "-o", str(out), "--collapse", "--precision", "3",
                 "--rankdir", "TB", "--palette", "colorblind", "--format", "dot"]
    assert main(arguments) == 0
    source = out.read_text()
    assert "rankdir=TB" in source and "data 0.731" in source and 's0 [label="σ"' in source
    # the output's gradient 1 is the largest: the colorblind palette's strongest positive fill
    assert f'fillcolor="{gradient_fill(1.0, 1.0, PALETTES["colorblind"])}"' in source


@pytest.mark.parametrize(("expression", "style", "drawn"), [
    ('scope("layer", scope("neuron", w*x) + 1)', None, "circuit"),  # a network: the course's look
    ('scope("layer", scope("neuron", w*x) + 1)', "graph", "graph"),  # a style given is kept
    ('scope("neuron", w*x) + 1', None, "graph"),  # not a network: micrograd's look
])
def test_render_draws_a_network_as_a_circuit_unless_told(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], expression: str, style: str | None, drawn: str
) -> None:
    out = tmp_path / "f.dot"
    given = ["--style", style] if style else []
    assert main(["render", expression, "--set", "w=2", "x=-1", "-o", str(out), *given]) == 0
    assert ("shape=Mrecord" in out.read_text()) == (drawn == "graph")
    with pytest.raises(SystemExit):
        main(["render", "--help"])
    assert "default: circuit for a network" in " ".join(capsys.readouterr().out.split())


def test_missing_variable_is_one_line_with_the_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["render", SIGMOID, "--set", "w0=2", "x0=-1", "-o", str(tmp_path / "x.svg")])
    error = capsys.readouterr().err
    assert status == 2
    assert error == "gradtrace render: error: column 20: no value for 'w1' (give one with --set w1=NUMBER)\n"
    assert not (tmp_path / "x.svg").exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["x +", "--set", "x=1"], "column 4: invalid syntax"),
        (["foo(x)", "--set", "x=1"], "column 1: unknown function 'foo'"),
        (["x", "--set", "x=one"], "--set 'x=one': 'one' is not a number"),
        (["x", "--set", "x=1", "y=2"], "--set y: the expression has no variable 'y'"),
        (["x * 2", "--set", "x=1", "--collapse", "layer"], "collapse: no group named 'layer'"),
        (["x * 2", "--set", "x=1", "--precision", "99"], "precision must be an int from 1 to 17"),
        # issue 20, item 6: these were an IndexError traceback with exit status 1
        (["scope('a', x=x)", "--set", "x=1"], "column 12: scope() does not take the keyword 'x'"),
        (["scope(name='a', x=x)", "--set", "x=1"], "column 7: scope() does not take the keyword 'name'"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    assert main(["render", *arguments, "-o", str(tmp_path / "x.svg")]) == 2
    error = capsys.readouterr().err
    assert error.startswith("gradtrace render: error: ") and message in error
    assert error.count("\n") == 1 and "Traceback" not in error


def test_the_installed_command_has_help_for_every_subcommand() -> None:
    command = shutil.which("gradtrace", path=str(Path(sys.executable).parent))
    assert command is not None
    for arguments in (["--help"], ["render", "--help"], ["demo", "--help"]):
        result = subprocess.run([command, *arguments], capture_output=True, text=True, check=True)
        assert result.stdout.startswith("usage: gradtrace")
    render_help = subprocess.run([command, "render", "--help"], capture_output=True, text=True, check=True).stdout
    for option in ("--set", "--output", "--style", "--format", "--collapse", "--rankdir", "--timeout"):
        assert option in render_help


def test_render_help_names_every_function_the_parser_takes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["render", "--help"])
    words = set(" ".join(capsys.readouterr().out.split()).replace(",", " ").replace("(", " ").replace(")", " ").split())
    assert set(FUNCTION_NAMES) - words == set()


def test_a_bad_expression_from_the_shell_exits_2_without_a_traceback() -> None:
    command = [sys.executable, "-m", "viz.cli", "render", "x // 2", "--set", "x=1", "-o", "unused.svg"]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr == "gradtrace render: error: column 3: operator '//' is not supported (use + - * / **)\n"


def test_demo_writes_both_styles_and_says_where(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    for name in ("sigmoid-graph.svg", "sigmoid-circuit.svg", "sigmoid-circuit-collapsed.svg"):
        path = tmp_path / name
        assert path.read_bytes().startswith(b"<?xml") and f"wrote {path}" in printed
    assert "0.7311" in printed  # the worked table comes first


@pytest.mark.parametrize("expression", ["-x*y", "-(x + y)", "-x"])
def test_an_expression_may_start_with_a_minus(tmp_path: Path, expression: str) -> None:
    out = tmp_path / "neg.dot"
    assert main(["render", expression, "--set", "x=2", *(["y=-1"] if "y" in expression else []),
                 "-o", str(out), "--precision", "3"]) == 0
    assert "data -" in out.read_text()


def test_the_output_wire_is_named_f_or_by_name(tmp_path: Path) -> None:
    out = tmp_path / "f.dot"
    assert main(["render", "x * 2", "--set", "x=1", "-o", str(out), "--style", "circuit"]) == 0
    assert "_name [label=f " in out.read_text()
    assert main(["render", "x * 2", "--set", "x=1", "-o", str(out), "--style", "circuit", "--name", "loss"]) == 0
    assert "_name [label=loss " in out.read_text()


def test_a_missing_output_folder_is_named_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no such folder"
    arguments = ["render", "x * 2", "--set", "x=1", "-o", str(tmp_path / "f.svg"), "--steps", str(missing / "s.html")]
    assert main(arguments) == 1
    error = capsys.readouterr().err
    assert error == f"gradtrace render: error: the folder {str(missing)!r} for 's.html' does not exist\n"
    assert not (tmp_path / "f.svg").exists() and not missing.exists()


def test_a_steps_failure_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def too_slow(*args: object, **kwargs: object) -> object:
        raise DotTimeoutError("dot took longer than 0.1 s on a graph of 5 nodes and 4 edges")

    monkeypatch.setattr(commands, "backprop_steps", too_slow)
    out, steps = tmp_path / "f.svg", tmp_path / "steps.html"
    assert main(["render", "x * 2", "--set", "x=1", "-o", str(out), "--steps", str(steps)]) == 1
    assert "dot took longer" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("which", ["--steps", "-o"])
def test_a_folder_as_a_target_is_named_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], which: str
) -> None:
    # issue 20, item 10: --steps given a folder exited 1 after writing the diagram
    folder = tmp_path / "pages"
    folder.mkdir()
    files = {"-o": str(tmp_path / "f.svg"), "--steps": str(tmp_path / "steps.html")}
    files[which] = str(folder)
    assert main(["render", "x * 2", "--set", "x=1", "-o", files["-o"], "--steps", files["--steps"]]) == 1
    error = capsys.readouterr().err
    assert error == f"gradtrace render: error: {str(folder)!r} is a folder; give a file name in it, like " \
                    f"{str(folder / 'diagram.svg')!r}\n"
    assert sorted(tmp_path.iterdir()) == [folder] and list(folder.iterdir()) == []


def test_the_player_and_the_diagram_need_two_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "f.svg"
    assert main(["render", "x * 2", "--set", "x=1", "-o", str(out), "--steps", str(tmp_path / "." / "f.svg")]) == 2
    assert "is the diagram's own file" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_no_new_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_bytes = Path.write_bytes

    def disk_full(path: Path, data: bytes) -> int:
        if path.suffix == ".html":
            raise OSError(28, "No space left on device", str(path))
        return write_bytes(path, data)

    monkeypatch.setattr(Path, "write_bytes", disk_full)
    arguments = ["render", "x * 2", "--set", "x=1", "-o", str(tmp_path / "f.svg"), "--steps", str(tmp_path / "s.html")]
    assert main(arguments) == 1
    assert "No space left on device" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_the_player_page_survives_any_label_text(tmp_path: Path) -> None:
    x = Value(2.0, label="x\udc80")
    out = x * 3.0
    out.label = "lone \ud800 surrogate"
    page = backprop_steps(out).to_html(tmp_path / "steps.html").read_text(encoding="utf-8")
    assert "lone \ufffd surrogate" in page
