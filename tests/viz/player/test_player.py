"""The player's drawing: one layout for every frame, SVG frames, the self-contained HTML page, the CLI."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograd import Value
from autograd.examples import sigmoid_circuit
from viz import Player, TooManyNodesError, backprop_steps, forward_steps
from viz.cli import main
from viz.dot_runner import DotNotFoundError
from viz.number_format import format_number
from viz.player.stage import HIGHLIGHT

SVG = "{http://www.w3.org/2000/svg}"
GEOMETRY = ("x", "y", "cx", "cy", "rx", "ry", "points", "d", "width", "height", "transform", "text-anchor")
EXTERNAL = re.compile(r"https?://|//cdn|\bsrc\s*=|<link\b|@import", re.IGNORECASE)


def _xs(*numbers: float) -> list[Value]:
    """A network's inputs as Values (numbers are folded into the first layer and not drawn)."""
    return [Value(float(n)) for n in numbers]


def cs231n_player(**options: object) -> tuple[Player, dict[str, Value]]:
    wires = sigmoid_circuit()
    weights = [wires["w0"], wires["w1"], wires["w2"]]
    return backprop_steps(wires["f"], parameters=weights, **options), wires  # type: ignore[arg-type]


def geometry(svg: str) -> dict[str, list[tuple[str, tuple[str | None, ...]]]]:
    """Every drawn element's position, by the id of the node, edge or cluster it belongs to."""
    root = ET.fromstring(svg)
    shapes: dict[str, list[tuple[str, tuple[str | None, ...]]]] = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("class") in ("node", "edge", "cluster", "node gt-current"):
            shapes[group.get("id", "")] = [
                (child.tag, tuple(child.get(name) for name in GEOMETRY)) for child in group
            ]
    return shapes


def slots(svg: str) -> dict[str, ET.Element]:
    return {element.get("data-gt", ""): element for element in ET.fromstring(svg).iter() if element.get("data-gt")}


@pytest.mark.parametrize("options", [{"style": "circuit"}, {"style": "graph"}, {"style": "circuit", "rankdir": "TB"}])
def test_nodes_keep_their_positions_in_every_frame(options: dict[str, object]) -> None:
    player, _ = cs231n_player(**options)
    frames = [player.frame_svg(i) for i in range(len(player))]
    first = geometry(frames[0])
    assert {"n0", "g2", "g2_in0", "g12", "s0"} <= set(first)
    for svg in frames[1:]:
        assert geometry(svg) == first
    # and the text really changes from frame to frame
    assert len({slots(svg)["n0.grad"].text for svg in frames}) > 1


@pytest.mark.parametrize("style", ["circuit", "graph"])
def test_frames_show_the_step_and_end_with_the_figures_gradients(
    style: str, reference: list[dict[str, object]]
) -> None:
    player, wires = cs231n_player(style=style)
    ids = player.model.value_ids
    prefix = "grad " if style == "graph" else ""
    first, last = slots(player.frame_svg(0)), slots(player.frame_svg(len(player) - 1))
    for node in player.model.values:
        assert first[f"{node.id}.grad"].text == f"{prefix}—"
    for wire in reference:
        text = last[f"{ids[wires[str(wire['wire'])]]}.grad"].text or ""
        assert text.rsplit(" ", 1)[-1] == format_number(float(str(wire["grad"])), player.options.number_format), text
    assert last["n0.grad"].text == ("-0.20" if style == "circuit" else "grad -0.1966")
    for index, frame in enumerate(player.frames):
        svg = player.frame_svg(index)
        current = [g.get("id") for g in ET.fromstring(svg).iter(f"{SVG}g") if "gt-current" in (g.get("class") or "")]
        assert current == ([] if frame.gate is None else [frame.gate])
        tagged = slots(svg)
        assert " ".join(tagged["caption"].itertext()) == " ".join([frame.caption, *frame.work])
        for edge in player.model.edges:
            lit = tagged[f"{edge.id}.path"].get("stroke") == HIGHLIGHT
            assert lit == (edge.id in frame.edges)


def test_the_first_frame_has_no_highlight_and_grey_gates() -> None:
    player, _ = cs231n_player()
    tagged = slots(player.frame_svg(0, caption=False))
    assert "caption" not in tagged
    palette = player.options.palette
    assert {tagged[f"{gate.id}.shape"].get("fill") for gate in player.model.gates} == {palette.missing}
    assert {tagged[f"{gate.id}.halo"].get("visibility") for gate in player.model.gates} == {"hidden"}


def test_html_is_self_contained_and_replays_every_frame() -> None:
    player, _ = cs231n_player()
    page = player.html()
    assert page.startswith("<!DOCTYPE html>")
    assert not EXTERNAL.search(page), EXTERNAL.search(page)
    data = json.loads(re.search(r'<script type="application/json" class="gt-data">(.*?)</script>', page, re.S)
                      .group(1))  # type: ignore[union-attr]
    assert data["captions"] == [frame.caption for frame in player.frames]
    assert len(data["deltas"]) == len(player) - 1
    # replaying the deltas from the base gives each frame's complete state, as the page's script does
    stage = player._drawn()[0]
    stage_states = [stage.state(frame) for frame in player.frames]  # each worked out from scratch
    state = json.loads(json.dumps(data["base"]))
    assert state == stage_states[0]
    for index, delta in enumerate(data["deltas"], start=1):
        for key, attributes in delta.items():
            state[key].update(attributes)
        assert state == stage_states[index]
    # the inline SVG is frame 0, tagged for the script
    assert page.count('data-gt="g12"') == 1 and "<svg" in page and "xmlns" not in page


def test_html_is_deterministic_and_players_do_not_clash(tmp_path: Path) -> None:
    first, _ = cs231n_player()
    again, _ = cs231n_player()
    other = forward_steps(sigmoid_circuit()["f"])
    path = first.to_html(tmp_path / "steps.html")
    assert path.read_text(encoding="utf-8") == again.html()
    identity = re.compile(r'data-gt-player="(gt-[0-9a-f]{16})"')
    ids = {identity.findall(player._repr_html_())[0] for player in (first, other)}
    assert len(ids) == 2
    notebook = first._repr_html_()
    assert "<!DOCTYPE" not in notebook and "var standalone = false" in notebook
    assert notebook.count('class="gt-player"') == 1 and not EXTERNAL.search(notebook)


def test_save_frames_writes_numbered_svg_files(tmp_path: Path) -> None:
    player, _ = cs231n_player()
    folder = tmp_path / "slides"
    (folder).mkdir()
    (folder / "frame-042.svg").write_text("stale")  # from an earlier, longer run
    (folder / "notes.txt").write_text("mine")
    written = player.save_frames(folder)
    assert [path.name for path in written] == [f"frame-{i:03d}.svg" for i in range(len(player))]
    assert sorted(path.name for path in folder.iterdir()) == sorted([*(p.name for p in written), "notes.txt"])
    for path, frame in zip(written, player.frames, strict=True):
        root = ET.fromstring(path.read_bytes())
        assert root.tag == f"{SVG}svg"
        (caption,) = [t for t in root.iter(f"{SVG}text") if t.get("data-gt") == "caption"]
        assert " ".join(caption.itertext()) == " ".join([frame.caption, *frame.work])


def test_forward_player_reveals_values_one_gate_at_a_time() -> None:
    wires = sigmoid_circuit()
    player = forward_steps(wires["f"])
    ids = player.model.value_ids
    f, exp = ids[wires["f"]], ids[wires["exp"]]
    texts = [(slots(player.frame_svg(i))[f"{f}.data"].text, slots(player.frame_svg(i))[f"{exp}.data"].text)
             for i in range(len(player))]
    assert texts[0] == (None, None)  # not computed yet: empty text
    assert texts[6][1] == "0.37" and not texts[6][0]
    assert texts[-1] == ("0.73", "0.37")
    assert {slots(player.frame_svg(i))[f"{f}.grad"].text for i in range(len(player))} == {"—"}
    assert wires["f"].grad == 0.0  # the forward player runs no backward


def test_too_big_and_missing_dot_are_clear(no_dot: None) -> None:
    x = Value(1.0, label="x")
    chain = x
    for _ in range(40):
        chain = chain * 1.01
    with pytest.raises(TooManyNodesError, match="more than max_nodes=20"):
        backprop_steps(chain, max_nodes=20)
    player = backprop_steps(Value(2.0, label="y") * 3)  # frames need no Graphviz
    assert len(player) == 2
    with pytest.raises(DotNotFoundError, match="apt-get install graphviz"):
        player.html()
    assert player._repr_html_().startswith("<pre>Graphviz")


def test_bad_player_options() -> None:
    x = Value(1.0) * 2
    with pytest.raises(ValueError, match="unknown style"):
        backprop_steps(x, style="fancy")
    assert x.grad == 0.0  # options are checked before backward runs
    with pytest.raises(ValueError, match="interval_ms"):
        backprop_steps(x).html(interval_ms=0)
    with pytest.raises(IndexError, match="frame index 5 is out of range: this player has 2 frames"):
        backprop_steps(Value(1.0) * 2).frame_svg(5)
    with pytest.raises(TypeError, match="backprop_steps got an unknown option 'show'"):
        backprop_steps(Value(1.0) * 2, show=["grad"])  # type: ignore[call-arg]


def test_cli_writes_the_player(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    svg, steps = tmp_path / "sigmoid.svg", tmp_path / "steps.html"
    arguments = ["render", "1/(1+exp(-(w0*x0 + w1*x1 + w2)))", "--set", "w0=2", "x0=-1", "w1=-3", "x1=-2", "w2=-3",
                 "-o", str(svg), "--style", "circuit", "--steps", str(steps)]
    assert main(arguments) == 0
    assert capsys.readouterr().out == f"wrote {svg}\nwrote {steps}\n"
    page = steps.read_text(encoding="utf-8")
    assert "step 0 of 8" in page and not EXTERNAL.search(page)
    assert "Step 8 of 8 · * gate sends upstream gradient 0.20 back to w0 and x0." in page
    assert "x0: 0.197 × 2.00 = 0.39" in page


def test_a_wire_from_the_column_before_lights_up_in_both_pieces() -> None:
    """In a network a wire from an earlier column is drawn in two pieces (``g7_in1_lead`` and ``g7_in1``): a step
    that sends a gradient along it highlights both."""
    import re as regex

    from nn import MLP, mse
    from viz.player.stage import HIGHLIGHT

    net = MLP(2, [3, 2], activation="sigmoid", output_activation="sigmoid", seed=0)
    player = backprop_steps(mse([net(_xs(0.5, -1.0))], [[1.0, 0.0]], reduction="sum", half=True))
    step = next(frame for frame in player.frames if any(edge.endswith("_in1") for edge in frame.edges)
                and frame.gate and player.model.gate(frame.gate).op == "dot")
    edge = next(edge for edge in step.edges if edge.endswith("_in1"))
    svg = player.frame_svg(step.index, caption=False)
    before = player.frame_svg(0, caption=False)
    for piece in (f"{edge}_lead", edge):
        group = regex.search(rf'<g id="{piece}" class="edge".*?</g>', svg, regex.S)
        assert group is not None and f'stroke="{HIGHLIGHT}"' in group.group(0), piece
        unlit = regex.search(rf'<g id="{piece}" class="edge".*?</g>', before, regex.S)
        assert unlit is not None and HIGHLIGHT not in unlit.group(0), piece
