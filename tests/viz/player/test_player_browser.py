"""The HTML player in a real browser: headless Chromium (the ``browser`` fixture, ``tests/conftest.py``).

Pages refuse any request that is not a local file and report it (the page must work offline).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autograd import Value
from autograd.examples import sigmoid_circuit
from tests.browser import ACTION_TIMEOUT_MS, Page
from viz import Player, backprop_steps, forward_steps
from viz.cli import main


def _xs(*numbers: float) -> list[Value]:
    """A network's inputs as Values (numbers are folded into the first layer and not drawn)."""
    return [Value(float(n)) for n in numbers]


def cs231n() -> Player:
    wires = sigmoid_circuit()
    return backprop_steps(wires["f"], parameters=[wires["w0"], wires["w1"], wires["w2"]])


def test_player_steps_with_buttons_keys_and_slider(browser: object, tmp_path: Path) -> None:
    player = cs231n()
    frames = player.frames
    view = Page(browser)
    page = view.page
    page.goto(player.to_html(tmp_path / "steps.html").resolve().as_uri())

    assert view.counter() == "step 0 of 8" and view.current() is None
    assert page.text_content(".gt-caption") == frames[0].caption
    assert view.slot("n0.grad") == "—"

    page.click(".gt-next")
    assert view.counter() == "step 1 of 8" and view.current() == frames[1].gate == "g12"
    assert view.slot("n11.grad") == "-0.53"
    assert page.text_content(".gt-work") == "its input: 1.00 × -0.53 = -0.53"

    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert view.counter() == "step 3 of 8" and view.current() == frames[3].gate == "g10"
    assert page.text_content(".gt-caption") == frames[3].caption
    page.keyboard.press("ArrowLeft")
    assert view.counter() == "step 2 of 8" and view.current() == frames[2].gate == "g11"
    assert view.slot("n9.grad") == "—"  # not reached yet

    page.keyboard.press("End")
    assert view.counter() == "step 8 of 8" and view.current() == "g2"
    assert view.slot("n0.grad") == "-0.20" and view.slot("n3.grad") == "-0.39"
    assert page.text_content(".gt-work") == "w0: 0.20 × -1.00 = -0.20\nx0: 0.197 × 2.00 = 0.39"
    assert page.is_disabled(".gt-next")

    # going back replays from the first frame: frame 5's gradients, not the last frame's
    page.eval_on_selector(".gt-slider", "s => { s.value = '4'; s.dispatchEvent(new Event('input')); }")
    assert view.counter() == "step 4 of 8" and view.current() == "g9"
    assert view.slot("n0.grad") == "—" and view.slot("n8.grad") == "0.20"

    page.click(".gt-play")
    page.wait_for_function("document.querySelector('.gt-counter').textContent === 'step 5 of 8'",
                           timeout=ACTION_TIMEOUT_MS)
    page.click(".gt-play")  # pause
    screenshot = tmp_path / "player.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000
    assert view.errors == [] and view.refused == []
    page.close()


def test_two_players_on_one_page_do_not_clash(browser: object, tmp_path: Path) -> None:
    """As in a notebook: two players' HTML one after the other, each driven on its own."""
    backward, forward = cs231n(), forward_steps(sigmoid_circuit()["f"])
    page_file = tmp_path / "notebook.html"
    page_file.write_text(f"<!DOCTYPE html><html><body><div id='a'>{backward._repr_html_()}</div>"
                         f"<div id='b'>{forward._repr_html_()}</div></body></html>", encoding="utf-8")
    view = Page(browser)
    page = view.page
    page.goto(page_file.resolve().as_uri())
    page.click("#b .gt-next")
    page.click("#b .gt-next")
    assert view.counter("#b") == f"step 2 of {len(forward) - 1}" and view.current("#b") == forward.frames[2].gate
    assert view.counter("#a") == "step 0 of 8" and view.current("#a") is None
    page.focus("#a .gt-player")
    page.keyboard.press("ArrowRight")
    assert view.counter("#a") == "step 1 of 8" and view.counter("#b") == f"step 2 of {len(forward) - 1}"
    assert view.errors == [] and view.refused == []
    page.close()


def tanh_neuron() -> Value:
    """Karpathy's neuron from the micrograd lecture: o = tanh(x1·w1 + x2·w2 + b)."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2, b = Value(-3.0, label="w1"), Value(1.0, label="w2"), Value(6.8813735870195432, label="b")
    return (x1 * w1 + x2 * w2 + b).tanh()


# the smallest text the diagram draws, in CSS px as rendered, and the page's widths
MEASURE = """() => {
  const svg = document.querySelector('.gt-stage svg');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim())
    .map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
  return {font: Math.min(...sizes), scroll: document.documentElement.scrollWidth,
          width: document.documentElement.clientWidth};
}"""


def cli_player(tmp_path: Path, expression: str, assignments: list[str]) -> Path:
    steps = tmp_path / "cli-steps.html"
    arguments = ["render", expression, "--set", *assignments, "-o", str(tmp_path / "f.svg"), "--steps", str(steps)]
    assert main(arguments) == 0
    return steps


@pytest.mark.parametrize("width", [900, 1280])
def test_players_are_readable_at_notebook_and_page_widths(browser: object, tmp_path: Path, width: int) -> None:
    """Diagram text renders at 11 px or more and nothing scrolls sideways, in a notebook column and a page."""
    pages = {
        "cs231n": cs231n().to_html(tmp_path / "cs231n.html"),
        "neuron": backprop_steps(tanh_neuron()).to_html(tmp_path / "neuron.html"),
        "cs231n-cli": cli_player(tmp_path, "1/(1+exp(-(w0*x0 + w1*x1 + w2)))",
                                 ["w0=2", "x0=-1", "w1=-3", "x1=-2", "w2=-3"]),
    }
    measured = {}
    for name, path in pages.items():
        if name == "cs231n-cli":  # written by the CLI after the others: measure its own copy
            path = path.rename(tmp_path / "cli.html")
        view = Page(browser, width)
        view.page.goto(path.resolve().as_uri())
        view.page.click(".gt-last")  # the widest arithmetic: the last step
        measured[name] = view.page.evaluate(MEASURE)
        view.page.screenshot(path=str(tmp_path / f"{name}-{width}.png"), full_page=True)
        assert view.errors == [] and view.refused == []
        view.page.close()
    neuron_cli = cli_player(tmp_path, "tanh(x1*w1 + x2*w2 + b)",
                            ["x1=2", "x2=0", "w1=-3", "w2=1", "b=6.8813735870195432"])
    view = Page(browser, width)
    view.page.goto(neuron_cli.resolve().as_uri())
    measured["neuron-cli"] = view.page.evaluate(MEASURE)
    view.page.close()
    for name, figures in measured.items():
        assert figures["font"] >= 11.0, (name, width, figures)
        assert figures["scroll"] <= figures["width"] == width, (name, width, figures)


def _network_loss() -> Value:
    from nn import MLP, binary_hinge

    net = MLP(2, [16, 16, 1], seed=0)
    return binary_hinge(net(_xs(0.5, -1.0)), 1)


@pytest.mark.parametrize("style", ["circuit", "graph"])
def test_a_network_player_holds_up_at_900_px(browser: object, tmp_path: Path, style: str) -> None:
    """MLP(2, [16, 16, 1]): caption, whole arithmetic and controls stay in view while the diagram scrolls,
    and the diagram's text is readable (at least 10 px median), scrolling sideways when it must."""
    player = backprop_steps(_network_loss(), style=style)
    view = Page(browser, width=900)
    page = view.page
    page.set_viewport_size({"width": 900, "height": 900})
    page.goto(player.to_html(tmp_path / "steps.html").resolve().as_uri())
    widest = max(range(len(player)), key=lambda k: len(player.frames[k].work))
    for _ in range(widest):
        page.keyboard.press("ArrowRight")
    assert len(player.frames[widest].work) >= 16
    page.mouse.wheel(0, 600)
    page.wait_for_timeout(100)
    assert page.evaluate("window.scrollY") > 0  # the diagram scrolled
    for part in (".gt-caption", ".gt-work", ".gt-next", ".gt-counter"):
        box = page.query_selector(part).bounding_box()  # type: ignore[union-attr]
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 900, part
    work = page.query_selector(".gt-work")
    assert work is not None
    assert work.evaluate("w => w.scrollHeight <= w.clientHeight + 1")  # nothing cut off
    sizes = sorted(page.evaluate(
        "() => Array.from(document.querySelectorAll('.gt-stage svg text')).map(t => t.getBoundingClientRect().height)"))
    assert sizes[len(sizes) // 2] >= 10
    assert not view.errors and not view.refused


def test_a_batch_players_gate_being_worked_is_scrolled_into_view_at_900_px(browser: object, tmp_path: Path) -> None:
    """The XOR batch loss is wider than a 900 px page at readable size: stepping to a later sample's gate (at the
    right) scrolls the diagram sideways to it, and stepping back to the first sample's layer 1 scrolls back."""
    from nn import MLP, mse

    net = MLP(2, [4, 4, 1], seed=0)
    player = backprop_steps(mse([net(_xs(*x)) for x in [[0, 0], [0, 1], [1, 0], [1, 1]]], [0, 1, 1, 0]))
    view = Page(browser, width=900)
    page = view.page
    page.goto(player.to_html(tmp_path / "steps.html").resolve().as_uri())
    stage = page.query_selector(".gt-stage")
    assert stage is not None and stage.evaluate("s => s.scrollWidth > s.clientWidth")  # it does scroll sideways

    def in_view() -> bool:
        return bool(page.evaluate("""() => {
            const gate = document.querySelector('.gt-current').getBoundingClientRect();
            const view = document.querySelector('.gt-stage').getBoundingClientRect();
            return gate.left >= view.left && gate.right <= view.right; }"""))

    samples = [k for k, frame in enumerate(player.frames)
               if frame.gate and player.model.gate(frame.gate).collapsed is not None]
    for _ in range(samples[0]):
        page.keyboard.press("ArrowRight")
    assert player.model.group(str(view.current())).sample and in_view()
    page.keyboard.press("End")  # the last step: a first-layer neuron's dot, at the left
    assert in_view()
    assert not view.errors and not view.refused
