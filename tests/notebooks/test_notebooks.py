"""Every notebook is committed clean, executes top to bottom (nbclient, per-cell timeout) and shows what it draws.

Each notebook is executed once per session (``executed``); the tests then read its outputs: every
cell that plots has a PNG, diagrams fit the notebook column, and the lessons' numbers are right.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from viz.fitting import COLUMN_PX

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = REPO / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"), key=lambda path: int(path.name.split("-", 1)[0]))  # 10 after 9
CELL_TIMEOUT_SECONDS = 120
REFERENCE = REPO / "tests" / "autograd" / "data"  # the lectures' published numbers, copied into the repository
PLOTTING = re.compile(r"plt\.show\(\)|\.plot\(per=|history\.plot\(\)")
COLUMN_PT = COLUMN_PX * 0.75  # JupyterLab's output column (~850 px), in the SVG's points (0.75 pt per px)
FITTED = NOTEBOOKS

_executed: dict[Path, nbformat.NotebookNode] = {}


def executed(path: Path, tmp_path_factory: pytest.TempPathFactory) -> nbformat.NotebookNode:
    """The notebook after running every cell, as ``make notebooks-html`` would, but with ``MPLBACKEND=Agg`` set:
    the worst case, under which ``plt.show()`` draws nothing unless the notebook picks the inline backend."""
    if path not in _executed:
        notebook = nbformat.read(path, as_version=4)
        folder = tmp_path_factory.mktemp(path.stem)
        client = NotebookClient(
            notebook,
            timeout=CELL_TIMEOUT_SECONDS,
            kernel_name="python3",
            resources={"metadata": {"path": str(folder)}},  # files a notebook writes land in the test's folder
        )
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("MPLBACKEND", "Agg")
            client.execute()
        _executed[path] = notebook
    return _executed[path]


def code_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def text_of(cell: nbformat.NotebookNode) -> str:
    """Everything a cell printed or displayed as text."""
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif "data" in output and "text/plain" in output.data:
            parts.append(output.data["text/plain"])
    return "".join(parts)


def notebook_named(prefix: str) -> Path:
    return next(path for path in NOTEBOOKS if path.name.startswith(prefix))


def test_notebooks_exist_in_reading_order() -> None:
    names = [path.name for path in NOTEBOOKS]
    assert names, "no notebooks found"
    numbers = [int(name.split("-", 1)[0]) for name in names]
    assert numbers == list(range(1, len(names) + 1)), names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name} cell {index} has outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_opens_with_its_lesson_and_ends_with_an_exercise(path: Path) -> None:
    cells = nbformat.read(path, as_version=4).cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# ")
    assert "exercise" in cells[-1].source.lower() and cells[-1].cell_type == "markdown"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes_and_every_plotting_cell_shows_an_image(
    path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    notebook = executed(path, tmp_path_factory)
    errors = [output for cell in code_cells(notebook) for output in cell.outputs if output.output_type == "error"]
    assert not errors, errors
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code" and PLOTTING.search(cell.source):
            images = [output for output in cell.outputs if "image/png" in output.get("data", {})]
            assert images, f"{path.name} cell {index} plots but shows no image (is the inline backend on?)"


@pytest.mark.parametrize("path", FITTED, ids=[p.stem for p in FITTED])
def test_every_diagram_fits_the_notebook_column(path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    for index, cell in enumerate(code_cells(executed(path, tmp_path_factory))):
        svgs = [output.data["image/svg+xml"] for output in cell.outputs if "image/svg+xml" in output.get("data", {})]
        svgs += re.findall(r"<svg[^>]*>", "".join(o.data.get("text/html", "") for o in cell.outputs if "data" in o))
        for svg in svgs:
            width = re.search(r'<svg[^>]*\bwidth="([\d.]+)pt"', svg)
            assert width, f"{path.name} code cell {index}: an SVG without a width in points"
            assert float(width.group(1)) <= COLUMN_PT, f"{path.name} code cell {index}: {width.group(1)} pt wide"


def test_notebook_4_computes_the_lectures_vectorised_example_exactly(tmp_path_factory: pytest.TempPathFactory) -> None:
    reference = json.loads((REFERENCE / "cs231n-vectorized.json").read_text())
    notebook = executed(notebook_named("4-"), tmp_path_factory)
    printed = "".join(text_of(cell) for cell in code_cells(notebook))
    for section in ("forward", "backward"):
        for name, value in reference[section].items():
            assert f"{name} = {value}" in printed, f"{name} = {value} not in the notebook's output"
    assert "numpy agrees: True True" in printed
    circuits = [cell for cell in code_cells(notebook) if 'style="circuit"' in cell.source]
    assert circuits and "image/svg+xml" in circuits[0].outputs[0].data


def test_notebook_5_watches_its_moons_run_live_and_replays_its_spiral_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    notebook = executed(notebook_named("5-"), tmp_path_factory)
    moons = next(cell for cell in code_cells(notebook) if "history = fit(" in cell.source)
    assert "watch=True" in moons.source
    panels = [o.data["text/html"] for o in moons.outputs if "text/html" in o.get("data", {})]
    assert len(panels) == 1 and 'class="gt-theatre"' in panels[0]  # one panel, redrawn in place
    assert "done: after 90 of 90 updates" in panels[0] and 'data-gt="boundary.heat"' in panels[0]
    assert not [output for output in moons.outputs if output.get("name") == "stderr"]  # no bar beside it
    spiral = next(cell for cell in code_cells(notebook) if "record=" in cell.source)
    kinds = [kind for output in spiral.outputs for kind in output.get("data", {})]
    assert "application/vnd.jupyter.widget-view+json" in kinds  # recording alone keeps tqdm.auto's widget bar
    assert not [output for output in spiral.outputs if output.get("name") == "stderr"]
    replay = next(cell for cell in code_cells(notebook) if "training_replay(" in cell.source)
    [page] = [o.data["text/html"] for o in replay.outputs if "text/html" in o.get("data", {})]
    assert "data-gt-player" in page and '"choices":' in page and "snapshot 0 of 19" in page


def test_notebook_8_catches_its_planted_bug_by_its_own_threshold(tmp_path_factory: pytest.TempPathFactory) -> None:
    notebook = executed(notebook_named("8-"), tmp_path_factory)
    printed = "".join(text_of(cell) for cell in code_cells(notebook))
    assert "wrong: ['b']" in printed
    planted = next(cell for cell in code_cells(notebook) if "the bug:" in cell.source)
    errors = {line.split(":")[0].strip(): float(line.split("relative error ")[1].split()[0])
              for line in text_of(planted).splitlines() if "relative error" in line}  # fmt: skip
    assert errors["b"] > 1e-2 and errors["w1"] < 1e-7 and errors["w2"] < 1e-7


def test_notebook_9_differentiates_twice_and_newton_wins(tmp_path_factory: pytest.TempPathFactory) -> None:
    notebook = executed(notebook_named("9-"), tmp_path_factory)
    printed = "".join(text_of(cell) for cell in code_cells(notebook))
    assert "y' = 12.0, y'' = 12.0, y''' = 6.0" in printed
    assert "the root of the gradient's graph: 0.3932" in printed and "∂f/∂x0    from backward():  0.3932" in printed
    engine = re.search(r"engine: +(\[.*\])", printed)
    formulas = re.search(r"formulas: +(\[.*\])", printed)
    assert engine and formulas and engine.group(1) == formulas.group(1)
    newton = next(cell for cell in code_cells(notebook) if "methods = {" in cell.source)
    iterations = {name: int(count) for name, count in re.findall(r"^(.+?) +(\d+) iterations", text_of(newton), re.M)}
    assert iterations["Newton"] < iterations["gradient descent, η = 0.5"] < iterations["gradient descent, η = 0.1"]
    assert "symmetric: True" in printed and "|Hv − λv| = " in printed
    side_by_side = next(cell for cell in code_cells(notebook) if "side_by_side" in cell.source)
    assert side_by_side.outputs[0].data["text/html"].count("<svg") == 2  # the forward and the backward graph


def test_notebook_10_links_the_matrix_and_scalar_views(tmp_path_factory: pytest.TempPathFactory) -> None:
    reference = json.loads((REFERENCE / "cs231n-vectorized.json").read_text())
    notebook = executed(notebook_named("10-"), tmp_path_factory)
    printed = "".join(text_of(cell) for cell in code_cells(notebook))
    assert f"q = {reference['forward']['q = W x']}  f = {reference['forward']['f = sum(q_i^2)']}" in printed
    assert f"df/dW = {reference['backward']['df/dW = 2 q x^T']}" in printed
    assert f"df/dx = {reference['backward']['df/dx = 2 W^T q']}" in printed
    assert "equals W.grad: True" in printed and "equals x.grad: True" in printed
    assert "scalar W gradients: [[0.088, 0.176], [0.104, 0.208]]  equal: True" in printed
    assert "hand-written backward agrees with the engine: True" in printed
    differ = re.search(r"histories differ by at most ([\d.e+-]+)", printed)
    assert differ and float(differ.group(1)) < 1e-9
    drawn = [cell for cell in code_cells(notebook) if "draw(" in cell.source]
    assert len(drawn) == 4 and all("image/svg+xml" in cell.outputs[-1].data for cell in drawn)
