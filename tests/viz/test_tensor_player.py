"""The player of a Tensor graph's backward: the engine's own steps, one layout for every frame, in a browser."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from autograd import Tensor
from autograd.tensor_backprop import tensor_backward_steps
from nn import MLP, binary_hinge, l2_regularization, make_moons
from tests.browser import Page
from viz import backprop_steps
from viz.player.page import player_fragment
from viz.tensor_player import tensor_backprop_steps


def _cs231n() -> tuple[Tensor, Tensor, Tensor]:
    w = Tensor([[0.1, 0.5], [-0.3, 0.8]], label="W")
    x = Tensor([0.2, 0.4], label="x")
    return ((w @ x) ** 2).sum(), w, x


def test_one_frame_per_engine_step_with_the_rows_rule_and_what_each_gate_sent() -> None:
    f, w, _ = _cs231n()
    player = backprop_steps(f)  # viz.backprop_steps hands a Tensor to the Tensor player
    assert len(player) == len(tensor_backward_steps(_cs231n()[0])) + 1 == 6
    assert player.captions[3] == "step 3: ∂f/∂(W@x) is complete; @ sends it to its operands"
    assert player.work[3] == ["@: A @ B (numpy's 1-D/2-D rules);  ∂L/∂A = ∂L/∂Y·Bᵀ, ∂L/∂B = Aᵀ·∂L/∂Y.",
                              "→ W: [0.0880, 0.176, 0.104, 0.208]", "→ x: [-0.112, 0.636]"]
    np.testing.assert_allclose(w.grad, [[0.088, 0.176], [0.104, 0.208]])  # it ran backward, as backward() does


def test_every_frame_has_the_same_layout_and_shows_only_finished_gradients() -> None:
    player = tensor_backprop_steps(_cs231n()[0])
    sizes = {re.search(r"<svg\b[^>]*>", svg).group(0) for svg in player.svgs}  # type: ignore[union-attr]
    assert len(sizes) == 1
    # a gradient not yet computed keeps its place, written in the blank cell's own colour
    assert _ink(player.svgs[2], "0.440") == "#f4f4f4" != _ink(player.svgs[3], "0.440")  # ∂f/∂(W@x): step 3
    minus = "&#45;0.112"  # dot writes - as &#45;
    assert _ink(player.svgs[3], minus) == "#f4f4f4" != _ink(player.svgs[4], minus)


def _ink(svg: str, text: str) -> str:
    return re.search(rf'fill="(#[0-9a-f]+)">{re.escape(text)}</text>', svg).group(1)  # type: ignore[union-attr]


def test_the_page_steps_through_the_frames(browser: object, tmp_path: Path) -> None:
    player = tensor_backprop_steps(_cs231n()[0])
    view = Page(browser, 900)
    page = view.page
    page.goto(player.to_html(tmp_path / "tensor.html").resolve().as_uri())
    visible = "Array.from(document.querySelectorAll('[data-gt^=frame]')).filter(g => " \
              "g.getAttribute('visibility') === 'visible').map(g => g.getAttribute('data-gt'))"
    assert page.evaluate(visible) == ["frame0"] and view.counter() == "forward done"
    page.click(".gt-next")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.evaluate(visible) == ["frame3"] and view.counter() == "step 3 of 5"
    assert page.text_content(".gt-caption") == player.captions[3]
    width = page.evaluate("document.querySelector('.gt-stage svg').getBoundingClientRect().width")
    assert width <= 900
    assert view.errors == [] and view.refused == []
    page.close()


def test_the_mlp_on_a_batch_plays_readably_at_900_px(browser: object, tmp_path: Path) -> None:
    """The demo's step on the matrix path (MLP(2, [16, 16, 1]), hinge + L2 on 100 moons rows): its text at least
    10 px once the stage fits the column, nothing scrolls sideways, and the page steps without errors."""
    moons = make_moons(100, seed=0)
    model = MLP(2, [16, 16, 1], seed=0)
    loss = binary_hinge(model(Tensor(moons.X, label="X")), 2 * moons.y - 1) + l2_regularization(
        model.parameters(), 1e-4)
    player = tensor_backprop_steps(loss)
    assert "∂f/∂Z1 is complete" in " ".join(player.captions)  # the layers' short names, as drawn
    view = Page(browser, 900)
    page = view.page
    page.goto(player.to_html(tmp_path / "mlp.html").resolve().as_uri())
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    measured = page.evaluate("""() => {
      const sizes = [];
      for (const text of document.querySelectorAll('.gt-stage svg g[visibility=visible] text')) {
        if (text.getBoundingClientRect().width > 0) {
          sizes.push(parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a);
        }
      }
      sizes.sort((a, b) => a - b);
      const root = document.documentElement;
      return {median: sizes[Math.floor(sizes.length / 2)], smallest: sizes[0], count: sizes.length,
              scroll: root.scrollWidth, width: root.clientWidth};
    }""")
    assert measured["count"] > 50
    assert measured["median"] >= 12 and measured["smallest"] >= 10, measured
    assert measured["scroll"] <= measured["width"], measured
    assert view.counter() == "step 4 of 23" and view.errors == [] and view.refused == []
    # backward starts at the drawing's foot: each step's Tensor is outlined and scrolled into view below the head
    focus = player.focus[4]
    assert focus is not None and 'stroke="#f2a900"' in _group(player.svgs[4], focus.split("_", 1)[1])
    seen = page.evaluate(f"""() => {{
      const box = document.getElementById({focus!r}).getBoundingClientRect();
      const head = document.querySelector('.gt-head').getBoundingClientRect();
      return box.top >= head.bottom && box.bottom <= window.innerHeight && window.scrollY > 0;
    }}""")
    assert seen
    page.close()


def _group(svg: str, node_id: str) -> str:
    """The SVG of one node's group (dot writes it from its id to the next node's or edge's)."""
    start = svg.index(f'<g id="{node_id}" class="node">')
    following = re.compile(r'<g id="[^"]+" class="(node|edge|cluster)">').search(svg, start + 1)
    return svg[start:following.start() if following is not None else len(svg)]


def test_a_focus_per_frame_is_checked_and_none_is_no_focus() -> None:
    with pytest.raises(ValueError, match="player: 2 frames need as many focus ids, got 1"):
        player_fragment("<svg/>", {}, [{}], ["a", "b"], [[], []], ["0", "1"], focus=["x"])
    assert '"focus":[null,"x"]' in player_fragment("<svg/>", {}, [{}], ["a", "b"], [[], []], ["0", "1"],
                                                   focus=[None, "x"])
    assert '"focus"' not in player_fragment("<svg/>", {}, [{}], ["a", "b"], [[], []], ["0", "1"])


def test_each_frame_marks_the_tensor_its_step_is_about() -> None:
    rng = np.random.default_rng(0)
    x, w1, b1 = Tensor(rng.normal(size=(4, 2)), label="X"), Tensor(rng.normal(size=(2, 3))), Tensor(np.zeros(3))
    w2, b2 = Tensor(rng.normal(size=(3, 2))), Tensor(np.zeros(2))
    player = tensor_backprop_steps((((x @ w1 + b1).sigmoid() @ w2 + b2).sigmoid() ** 2).mean())
    product = next(k for k, caption in enumerate(player.captions) if "∂f/∂(H1@W2) is complete" in caption)
    assert player.focus is not None and player.focus[product] == f"f{product}_L2"  # the layer's box
    marked = _group(player.svgs[product], "L2")
    assert marked.count('fill="#fdeec2"') == 6  # X·W's three cells and the shapes under them, nothing else
    assert 'stroke="#f2a900"' not in marked  # no Tensor's box outlined: X·W has none
    outlined = [k for k, svg in enumerate(player.svgs) if 'stroke="#f2a900"' in svg]
    products = [k for k, caption in enumerate(player.captions) if "@W" in caption.split(" is complete")[0]]
    assert product in products and len(products) == 2  # X@W1, H1@W2
    assert outlined == [k for k in range(1, len(player)) if k not in products]  # the others outline their Tensor
    assert player.svgs[0].count("#fdeec2") == 0  # forward done: nothing marked
