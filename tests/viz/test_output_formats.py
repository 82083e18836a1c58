"""The format follows the file name, and a PNG's resolution is sharp enough for a slide."""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from autograd import Value
from viz import draw, render
from viz.cli import main
from viz.dot_runner import DEFAULT_DPI

MAGIC = {"svg": b"<?xml", "png": b"\x89PNG", "pdf": b"%PDF", "jpg": b"\xff\xd8\xff", "jpeg": b"\xff\xd8\xff",
         "dot": b"digraph gradtrace {"}


def small() -> Value:
    x = Value(3.0, label="x")
    out = x * x
    out.backward()
    return out


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height in pixels, from the PNG's header chunk."""
    assert data.startswith(MAGIC["png"])
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("suffix", ["svg", "png", "pdf", "jpg", "jpeg", "JPG", "dot"])
def test_the_suffix_picks_the_format_in_the_library_and_the_command_line(suffix: str, tmp_path: Path) -> None:
    magic = MAGIC[suffix.lower()]
    assert render(small(), tmp_path / f"lib.{suffix}").read_bytes().startswith(magic)
    assert main(["render", "x*x", "--set", "x=3", "-o", str(tmp_path / f"cli.{suffix}")]) == 0
    assert (tmp_path / f"cli.{suffix}").read_bytes().startswith(magic)


@pytest.mark.parametrize("name", ["fig.gif", "fig.svgz", "fig", "fig.jpg.bak"])
def test_any_other_suffix_is_an_error_before_anything_runs_or_is_written(
    name: str, tmp_path: Path, fake_dot: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    ran = tmp_path / "dot-ran"
    fake_dot(f": > {ran}")  # a dot that only leaves a mark
    target = tmp_path / name
    with pytest.raises(ValueError, match=rf"^{name}: (unknown file suffix|no file suffix).* \.jpeg or \.dot"):
        render(small(), target)
    with pytest.raises(ValueError, match=name):
        draw(small()).render(outfile=target)
    assert main(["render", "x*x", "--set", "x=3", "-o", str(target)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and name in error
    assert not ran.exists() and not target.exists()


def test_an_explicit_format_must_agree_with_a_known_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError, match=r"fig\.svg: the suffix says svg, but the format asked for is png"):
        render(small(), tmp_path / "fig.svg", output_format="png")
    assert render(small(), tmp_path / "fig.jpeg", output_format="jpg").read_bytes().startswith(MAGIC["jpg"])
    assert main(["render", "x*x", "--set", "x=3", "-o", str(tmp_path / "f.pdf"), "--format", "svg"]) == 2
    assert "the suffix says pdf" in capsys.readouterr().err
    assert main(["render", "x*x", "--set", "x=3", "-o", str(tmp_path / "f.image"), "--format", "jpeg"]) == 0
    assert (tmp_path / "f.image").read_bytes().startswith(MAGIC["jpg"])


def test_the_default_resolution_is_twice_a_screens(wires: dict[str, Value], tmp_path: Path) -> None:
    at_96 = png_size(render(wires["f"], tmp_path / "96.png", style="circuit", dpi=96).read_bytes())
    default = png_size(render(wires["f"], tmp_path / "default.png", style="circuit").read_bytes())
    assert DEFAULT_DPI == 192
    assert default[0] >= 1800  # the whole width of a 1920-pixel slide, not 938 px
    assert all(abs(big - 2 * small) <= 2 for big, small in zip(default, at_96, strict=True))


def test_dpi_from_the_command_line_and_on_a_diagram(tmp_path: Path) -> None:
    assert main(["render", "x*x", "--set", "x=3", "-o", str(tmp_path / "a.png"), "--dpi", "48"]) == 0
    assert main(["render", "x*x", "--set", "x=3", "-o", str(tmp_path / "b.png"), "--dpi", "96"]) == 0
    low, high = (png_size((tmp_path / name).read_bytes()) for name in ("a.png", "b.png"))
    assert abs(high[0] - 2 * low[0]) <= 2
    assert png_size(bytes(draw(small()).pipe("png", dpi=96))) == high


@pytest.mark.parametrize("dpi", [0, -72, math.inf, math.nan, 1e6, "300", True])
def test_bad_resolutions_are_a_clear_error(dpi: object, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="dpi must be a number of dots per inch above 0 and at most 1200"):
        render(small(), tmp_path / "a.png", dpi=dpi)  # type: ignore[arg-type]
    assert not (tmp_path / "a.png").exists()


@pytest.mark.parametrize("name", ["a.svg", "a.pdf", "a.dot"])
def test_a_resolution_for_a_vector_format_is_an_error(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ValueError, match="dpi applies to png, jpg, jpeg images"):
        render(small(), tmp_path / name, dpi=300)
    assert main(["render", "x*x", "--set", "x=3", "-o", str(tmp_path / name), "--dpi", "300"]) == 2
    assert "dpi applies to" in capsys.readouterr().err
    assert not (tmp_path / name).exists()
