"""scripts/static_widgets.py: widgets drawn from their saved state, so ``make notebooks-html`` pages show them offline.

The main case reuses notebook 5 as the notebook tests executed it and exports it the way the Makefile does:
its tqdm bar must come out as static HTML with the final count, and the page must load no widget script.
"""

from __future__ import annotations

import copy
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbconvert import HTMLExporter
from nbformat.v4 import new_code_cell, new_notebook, new_output

from scripts.offline_mathjax import URL, install
from scripts.static_widgets import STATE, VIEW, StaticWidgets
from tests.notebooks.test_notebooks import code_cells, executed, notebook_named, text_of
from tests.browser import Page

COLUMN_PX = 1000  # the page's width when read


class Widgets(HTMLParser):
    """The widgets drawn in a page, read whatever the attributes' order (nbconvert's HTML cleaner sorts them):
    ``bars`` (min, max, now, fill colour, fill width) of every progress bar and ``texts``, the text of each
    outermost widget."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.bars: list[tuple[str, ...]] = []
        self.texts: list[str] = []
        self.numbers: tuple[str, ...] | None = None
        self.depth = 0  # of open divs inside the outermost widget being read
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {name: value or "" for name, value in attrs}
        if self.depth or "gt-widget" in named.get("class", "").split():
            self.depth += tag == "div"
            self.texts += [] if self.depth > 1 else [""]
        if named.get("role") == "progressbar":
            self.numbers = tuple(named[f"aria-value{which}"] for which in ("min", "max", "now"))
        elif self.numbers is not None:  # the bar's fill, its only child
            style = dict(part.split(": ", 1) for part in named.get("style", "").split("; "))
            self.bars.append((*self.numbers, style["background"], style["width"]))
            self.numbers = None

    def handle_endtag(self, tag: str) -> None:
        self.depth -= bool(self.depth) and tag == "div"

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.texts[-1] += data


def bars(page: str) -> list[tuple[str, ...]]:
    return Widgets(page).bars


def exported(notebook: nbformat.NotebookNode, **settings: str) -> str:
    """The HTML page of ``notebook`` as ``make notebooks-html`` writes it (without executing it again)."""
    exporter = HTMLExporter(**settings)
    exporter.register_preprocessor(StaticWidgets, enabled=True)
    body, _ = exporter.from_notebook_node(copy.deepcopy(notebook))
    return str(body)


def notebook_of(state: dict[str, Any], *views: str) -> nbformat.NotebookNode:
    """A notebook with one cell showing a view of each model id in ``views``, and ``state`` saved."""
    outputs = [new_output("display_data", {VIEW: {"model_id": view, "version_major": 2}, "text/plain": "stale"})
               for view in views]  # fmt: skip
    return new_notebook(cells=[new_code_cell(outputs=outputs)], metadata={"widgets": {STATE: {"state": state}}})


@pytest.fixture(scope="module")
def page_5(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Notebook 5's page with the Makefile's settings: widgets drawn, MathJax from beside it, no require.js."""
    return exported(executed(notebook_named("5-"), tmp_path_factory), mathjax_url=URL, require_js_url="")


def model(name: str, **traits: object) -> dict[str, Any]:
    return {"model_name": name, "state": traits}


def test_notebook_5_shows_its_finished_progress_bar_in_the_offline_page(
    page_5: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    notebook = executed(notebook_named("5-"), tmp_path_factory)
    training = next(cell for cell in code_cells(notebook) if "record=" in cell.source)  # the run with a bar
    total = re.search(r"total iterations: (\d+)", text_of(training))
    epochs = re.search(r"epoch\s+(\d+)", text_of(training))
    assert total and epochs, "notebook 5's recorded run no longer prints its last epoch and total iterations"

    drawn = Widgets(page_5)
    assert len(drawn.bars) == 1, "the training cell's progress bar is not in the page"
    assert drawn.bars[0] == ("0", total.group(1), total.group(1), "#4caf50", "100%")  # full, in tqdm's "success" green
    [text] = drawn.texts  # tqdm's left text, then its counts, rate and postfix
    assert re.fullmatch(rf"100%\s+{total.group(1)}/{total.group(1)}\s\[.*epoch={epochs.group(1)},\s+loss=\d\.\d+\]",
                        text), text
    assert "html-manager" not in page_5 and "unpkg" not in page_5 and STATE not in page_5  # no widget script to load


def test_notebook_5s_page_shows_its_bar_and_maths_offline_in_chromium(
    page_5: str, browser: object, tmp_path: Path
) -> None:
    """The page as ``make notebooks-html`` writes it, MathJax beside it, opened in Chromium with every request
    that is not a local file refused: nothing is asked of the network, the bar is drawn full, the maths typeset."""
    page_file = tmp_path / "5.html"
    install(tmp_path)
    page_file.write_text(page_5, encoding="utf-8")
    reader = Page(browser)
    try:
        reader.page.set_viewport_size({"width": COLUMN_PX, "height": 800})
        reader.page.goto(page_file.as_uri())
        seen = reader.page.evaluate(r"""() => new Promise(done => MathJax.Hub.Queue(() => {
            const [track, fill] = [document.querySelector("[role=progressbar]"), document.querySelector(
                "[role=progressbar] > div")].map(element => element.getBoundingClientRect());
            const markdown = [...document.querySelectorAll(".jp-MarkdownOutput")].map(cell => cell.innerText);
            done({track: [track.width, track.height], fill: fill.width,
                  widest: document.documentElement.scrollWidth, maths: document.querySelectorAll(".MathJax").length,
                  dollars: /\$[^$]+\$/.test(markdown.join("\n")),
                  fonts: [...document.fonts].filter(font => font.status === "loaded").map(font => font.family)});
        }))""")
    finally:
        reader.page.close()
    assert reader.refused == []
    assert seen["track"][0] > 100 and seen["track"][1] > 10 and seen["fill"] == seen["track"][0], seen
    assert seen["widest"] <= COLUMN_PX, "the page runs off the side"
    assert seen["maths"] > 0 and not seen["dollars"], "raw $...$ left in the page: MathJax did not typeset it"
    assert any(font.startswith("STIXMathJax") for font in seen["fonts"]), seen["fonts"]  # MathJax's fonts, not serif


def test_notebook_5s_page_plays_its_training_replay_offline(page_5: str, browser: object, tmp_path: Path) -> None:
    """The spiral replay in the exported page (``make notebooks-html``): its script runs, the keys and a click work."""
    page_file = tmp_path / "5.html"
    install(tmp_path)
    page_file.write_text(page_5, encoding="utf-8")
    reader = Page(browser, 900)
    try:
        reader.page.goto(page_file.as_uri())
        player = "[data-gt-player]:has(.gt-choice-label)"
        assert reader.counter(player) == "snapshot 0 of 19"
        reader.page.click(f"{player} .gt-next")
        assert reader.counter(player) == "snapshot 1 of 19"
        reader.page.focus(player)
        reader.page.keyboard.press("End")
        assert reader.counter(player) == "snapshot 19 of 19"
        reader.page.click(f'{player} [data-gt-choice="5"]')
        assert "training example 5:" in str(reader.page.text_content(f"{player} .gt-choice-label"))
        assert reader.page.evaluate("document.documentElement.scrollWidth") <= 900
    finally:
        reader.page.close()
    assert reader.refused == []  # (the console's errors are MathJax's fonts, which file: pages refuse)


def test_every_view_drawn_drops_the_saved_state_and_the_stale_text() -> None:
    state = {
        "box": model("HBoxModel", children=["IPY_MODEL_label", "IPY_MODEL_bar"], layout="IPY_MODEL_wide"),
        "wide": model("LayoutModel", flex_flow="row wrap", width=None, _view_name="LayoutView"),
        "label": model("LabelModel", value="<loss> & co"),
        "bar": model("IntProgressModel", value=150, min=0, max=100, bar_style="danger", style="IPY_MODEL_look"),
        "look": model("ProgressStyleModel", bar_color=None),
    }
    notebook, _ = StaticWidgets().preprocess(notebook_of(state, "box"), {})
    drawn = notebook.cells[0].outputs[0].data
    assert list(drawn) == ["text/html"] and "widgets" not in notebook.metadata
    page = drawn["text/html"]
    assert "flex-flow: row wrap" in page and "width: None" not in page and "_view" not in page  # the Layout, as CSS
    assert "&lt;loss&gt; &amp; co" in page  # a Label is text
    assert page.index("&lt;loss&gt;") < page.index("progressbar")  # children in order
    assert bars(page) == [("0", "100", "150", "#f44336", "100%")]  # over max: drawn full, number kept


@pytest.mark.parametrize(
    ("traits", "colour", "width"),
    [
        ({"value": 1.0, "max": 4.0}, "#2196f3", "25%"),
        ({"value": 5.0, "min": 5.0, "max": 5.0, "bar_style": "info"}, "#00bcd4", "100%"),
        ({"value": -1.0, "max": 2.0, "style": "IPY_MODEL_look"}, "rebeccapurple", "0%"),
    ],
)
def test_a_progress_bar_is_filled_and_coloured_as_in_jupyter(traits: dict[str, Any], colour: str, width: str) -> None:
    state = {"bar": model("FloatProgressModel", **traits), "look": model("ProgressStyleModel", bar_color=colour)}
    notebook, _ = StaticWidgets().preprocess(notebook_of(state, "bar"), {})
    [(_, _, _, drawn_colour, drawn_width)] = bars(notebook.cells[0].outputs[0].data["text/html"])
    assert (drawn_colour, drawn_width) == (colour, width)


def test_a_vertical_bar_fills_from_the_bottom() -> None:
    state = {"bar": model("FloatProgressModel", value=1.0, max=4.0, orientation="vertical")}
    notebook, _ = StaticWidgets().preprocess(notebook_of(state, "bar"), {})
    page = notebook.cells[0].outputs[0].data["text/html"]
    assert "flex-direction: column-reverse" in page and "width: 100%; height: 25%" in page


def test_a_widget_it_cannot_draw_is_left_to_the_online_renderer(caplog: pytest.LogCaptureFixture) -> None:
    state = {"slider": model("IntSliderModel", value=3), "bar": model("IntProgressModel", value=1, max=2)}
    notebook, _ = StaticWidgets().preprocess(notebook_of(state, "slider", "bar"), {})
    slider, bar = notebook.cells[0].outputs
    assert VIEW in slider.data and STATE in notebook.metadata.widgets  # the CDN's script still has what it needs
    assert list(bar.data) == ["text/html"]
    assert "IntSliderModel (model slider)" in caplog.text


def test_a_widget_closed_before_the_save_shows_nothing_as_in_jupyterlab() -> None:
    notebook, _ = StaticWidgets().preprocess(notebook_of({}, "gone"), {})
    assert notebook.cells[0].outputs[0].data == {"text/html": ""} and "widgets" not in notebook.metadata


def test_a_notebook_without_widgets_is_left_alone() -> None:
    notebook = new_notebook(cells=[new_code_cell(outputs=[new_output("stream", text="hi")])])
    before = copy.deepcopy(notebook)
    assert StaticWidgets().preprocess(notebook, {})[0] == before
