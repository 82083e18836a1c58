"""The training replay in Chromium at 900 px: readable, no sideways scroll, the run visibly changes, the slider,
the keys and a click on a training point work (the notebook's moons run, with fewer snapshots)."""

from __future__ import annotations

import re
import statistics
from pathlib import Path

import pytest

import viz
from nn import (
    MLP,
    SGD,
    Adam,
    Dataset,
    Standardiser,
    binary_hinge,
    fit,
    make_moons,
    make_spiral,
    softmax_cross_entropy,
    train_val_test_split,
)
from tests.browser import Page

# every SVG text's rendered size (CSS px), whichever panel it is in
TEXT_SIZES = """() => {
  const sizes = [];
  document.querySelectorAll('.gt-stage svg').forEach(svg => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    svg.querySelectorAll('text').forEach(t => {
      if (t.textContent.trim()) { sizes.push(parseFloat(getComputedStyle(t).fontSize) * scale); }
    });
  });
  return sizes;
}"""


@pytest.fixture(scope="module")
def moons_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Notebook 5's moons run (MLP(2, [16, 16, 1]), hinge loss, SGD with momentum), 6 snapshots."""
    moons = make_moons(200, noise=0.1, seed=0)
    splits = train_val_test_split(Dataset(moons.X, 2 * moons.y - 1), seed=0)
    standardiser = Standardiser().fit(splits.train.X)
    train, val = standardiser.transform_dataset(splits.train), standardiser.transform_dataset(splits.val)
    model = MLP(2, [16, 16, 1], seed=0)
    history = fit(model, binary_hinge, SGD(model.parameters(), lr=0.05, momentum=0.9), train, epochs=15,
                  batch_size=20, validation=val, quiet=True, record=6)
    return viz.training_replay(history, resolution=12).to_html(tmp_path_factory.mktemp("replay") / "moons.html")


def test_the_replay_is_readable_at_900_px_without_sideways_scroll(browser: object, moons_page: Path) -> None:
    view = Page(browser, 900)
    view.page.goto(moons_page.resolve().as_uri())
    sizes = view.page.evaluate(TEXT_SIZES)
    assert statistics.median(sizes) >= 10.0, sorted(sizes)[::10]
    width = view.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 900
    assert view.errors == [] and view.refused == []
    view.page.close()


def test_first_and_last_snapshots_differ_and_the_slider_and_keys_move_between_them(browser: object,
                                                                                 moons_page: Path) -> None:
    view = Page(browser, 900)
    page = view.page
    page.goto(moons_page.resolve().as_uri())
    assert view.counter() == "snapshot 0 of 5"
    boundary = page.locator("figure").nth(1)
    heat = '[data-gt="boundary.heat"]'
    first = (boundary.screenshot(), page.get_attribute(heat, "href"), view.slot("curves.cursor_label"))
    top = boundary.bounding_box()
    page.keyboard.press("End")
    assert view.counter() == "snapshot 5 of 5"
    last = (boundary.screenshot(), page.get_attribute(heat, "href"), view.slot("curves.cursor_label"))
    assert first[0] != last[0] and first[1] != last[1]
    assert boundary.bounding_box() == top  # a fixed layout: the panels stay where they are
    assert first[2] == "iteration 0 · epoch 0.0" and last[2] == "iteration 90 · epoch 15.0"
    assert page.get_attribute('[data-gt="curves.loss.train"]', "points").count(",") == 15  # an epoch mean each
    page.keyboard.press("ArrowLeft")
    assert view.counter() == "snapshot 4 of 5"
    page.keyboard.press("Home")
    assert view.counter() == "snapshot 0 of 5" and page.get_attribute(heat, "href") == first[1]
    page.eval_on_selector(".gt-slider", "s => { s.value = '3'; s.dispatchEvent(new Event('input')); }")
    assert view.counter() == "snapshot 3 of 5"
    page.click(".gt-next")
    assert view.counter() == "snapshot 4 of 5"
    assert view.errors == [] and view.refused == []
    page.close()


def test_clicking_a_training_point_shows_its_graph(browser: object, moons_page: Path) -> None:
    view = Page(browser, 900)
    page = view.page
    page.goto(moons_page.resolve().as_uri())
    page.keyboard.press("End")
    label = ".gt-choice-label"
    before = (page.text_content(label), page.inner_html(".gt-stage figure:last-child svg"))
    assert "training example 0:" in str(before[0])
    page.click('[data-gt-choice="17"]')
    after = (page.text_content(label), page.inner_html(".gt-stage figure:last-child svg"))
    assert "training example 17:" in str(after[0]) and after[1] != before[1]
    assert page.get_attribute('[data-gt-choice="17"]', "class") == "gt-choice gt-chosen"
    assert page.get_attribute('[data-gt-choice="0"]', "class") == "gt-choice"
    page.keyboard.press("Home")  # the chosen example stays chosen from frame to frame
    assert "training example 17:" in str(page.text_content(label))
    assert view.errors == [] and view.refused == []
    page.close()


@pytest.fixture(scope="module")
def spiral_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Notebook 5's spiral run (MLP(2, [16, 16, 3]), softmax cross-entropy, Adam), 4 snapshots: the wide graph."""
    spiral = make_spiral(40, classes=3, noise=0.2, seed=0)
    parts = train_val_test_split(spiral, seed=0)
    model = MLP(2, [16, 16, 3], init="he", seed=0)
    history = fit(model, softmax_cross_entropy, Adam(model.parameters(), lr=0.02), parts.train, epochs=10,
                  batch_size=12, validation=parts.val, seed=0, quiet=True, record=4)
    return viz.training_replay(history, resolution=8).to_html(tmp_path_factory.mktemp("replay") / "spiral.html")


def test_the_spirals_replay_is_readable_at_900_px_its_graph_too(browser: object, spiral_page: Path) -> None:
    """Softmax cross-entropy's ten nodes drawn one by one had shrunk the graph's numbers to 7-9 px: the loss is one
    gate there, and the graph panel's own median text is 10 px or more."""
    view = Page(browser, 900)
    view.page.goto(spiral_page.resolve().as_uri())
    sizes = view.page.evaluate(TEXT_SIZES)
    graph = view.page.evaluate(TEXT_SIZES.replace(".gt-stage svg", ".gt-stage figure:last-child svg"))
    assert statistics.median(sizes) >= 10.0 and statistics.median(graph) >= 10.0, (sorted(graph)[::10])
    caption = str(view.page.text_content(".gt-choice-label"))
    assert re.search(r"\), label [0-2]: its loss", caption), caption  # a class index, not 1.000
    assert view.page.evaluate("document.documentElement.scrollWidth") <= 900
    assert view.errors == [] and view.refused == []
    view.page.close()
