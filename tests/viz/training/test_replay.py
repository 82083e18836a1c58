"""The training theatre's figures come from the model itself: each example's graph holds the engine's values and
gradients at each snapshot, the heatmap the model's decision; notes where a panel cannot be drawn; the live view."""

from __future__ import annotations

import json
import re
import signal
import struct
import zlib
from typing import Any

import numpy as np
import pytest

import viz
from nn.data import Dataset, make_moons
from nn.layers import MLP, Neuron
from nn.losses import binary_hinge, mse
from nn.optim import SGD
from nn.train import History, fit
from viz.model.graph_model import describe
from viz.number_format import NumberFormat, format_number
from viz.options import ModelOptions
from viz.player.page import Choices, player_fragment
from viz.training import live
from viz.training.elsewhere import can_fork
from viz.training.panels import PALETTE, GraphPlan
from viz.training.stage import TheatreStage

CIRCUIT = NumberFormat(digits=2, decimals=2)


def recorded(count: int = 40, epochs: int = 3, **keywords: Any) -> tuple[MLP, History]:
    data = make_moons(count, noise=0.1, seed=0)
    model = MLP(2, [4, 1], seed=0)
    history = fit(model, binary_hinge, SGD(model.parameters(), lr=0.2), Dataset(data.X, 2 * data.y - 1),
                  epochs=epochs, batch_size=10, quiet=True, **keywords)
    return model, history


def page_data(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" class="gt-data">(.*?)</script>', page, re.S)
    assert found
    return dict(json.loads(found.group(1)))


def frame_states(data: dict[str, Any]) -> list[dict[str, dict[str, str]]]:
    """Each frame's complete state: the base, then the deltas applied one by one (as the page's script does)."""
    current = {key: dict(attributes) for key, attributes in data["base"].items()}
    states = [json.loads(json.dumps(current))]
    for delta in data["deltas"]:
        for key, attributes in delta.items():
            current.setdefault(key, {}).update(attributes)
        states.append(json.loads(json.dumps(current)))
    return states


def test_each_examples_graph_holds_the_engines_values_and_gradients_at_every_snapshot() -> None:
    model, history = recorded(record=3)
    data = page_data(viz.training_replay(history, resolution=4).html())
    choices, recording = data["choices"], history.recording
    keys = [key for key, _ in choices["keys"]]
    neurons = tuple(m.name for m in model.modules() if isinstance(m, Neuron))
    for frame, snapshot in enumerate(recording.snapshots):
        for k in (0, 7, 39):
            with recording.parameters_of(snapshot):  # an independent reading: describe() of a fresh graph
                loss = binary_hinge([model(recording.data.X[k].tolist())], recording.data.y[k:k + 1])
                loss.backward()
                graph = describe(loss, ModelOptions(collapse=neurons))
            expected = {}
            for node in graph.values:
                expected[f"graph.{node.id}.data"] = format_number(node.data, CIRCUIT)
                expected[f"graph.{node.id}.grad"] = node.gradient_text(node.grad, CIRCUIT)  # x[0]: none
            shown = dict(zip(keys, choices["rows"][frame][k].split("\t"), strict=True))
            assert {key: text for key, text in shown.items() if not key.endswith(".text")} == expected, (frame, k)
    assert choices["labels"][7].startswith("The graph of training example 7: x = (")
    assert [p.data for p in model.parameters()] == list(recording.snapshots[-1].parameters)  # restored


def pixels(uri: str) -> list[list[tuple[int, int, int]]]:
    """The RGB rows of an 8-bit RGB PNG data URI (filter type 0 rows, as viz.training.png writes them)."""
    import base64

    raw = base64.b64decode(uri.split(",", 1)[1])
    width, height = struct.unpack(">II", raw[16:24])
    length = struct.unpack(">I", raw[33:37])[0]  # the IDAT chunk follows the 8-byte signature and the IHDR chunk
    body = zlib.decompress(raw[41:41 + length])
    rows = []
    for r in range(height):
        line = body[r * (3 * width + 1) + 1:(r + 1) * (3 * width + 1)]
        rows.append([tuple(line[3 * c:3 * c + 3]) for c in range(width)])
    return rows


def test_the_heatmap_is_the_models_own_decision_at_each_snapshot() -> None:
    model, history = recorded(record=3)
    recording = history.recording
    stage = TheatreStage(recording, recording.total_iterations, history.iterations_per_epoch, resolution=5)
    boundary = stage.boundary
    for snapshot in recording.snapshots:
        with recording.parameters_of(snapshot):
            image = pixels(stage.moment()["boundary.heat"]["href"])
            for r, row in enumerate(image):
                for c, colour in enumerate(row):
                    x = boundary.low[0] + (c + 0.5) / 5 * (boundary.high[0] - boundary.low[0])
                    y = boundary.high[1] - (r + 0.5) / 5 * (boundary.high[1] - boundary.low[1])
                    score = model([x, y]).data
                    red, _, blue = colour  # the -1 class is the palette's red, +1 its blue
                    assert (blue > red) == (score > 0.0), (snapshot.iteration, r, c, score, colour)
    with recording.parameters_of(recording.snapshots[0]):
        again = [stage.moment()["boundary.heat"]["href"] for _ in range(2)]
    assert again[0] == again[1]  # the same moment draws the same image
    assert PALETTE.negative.startswith("#d") and PALETTE.positive.endswith("c3")  # red and blue, as tested above


def test_a_panel_that_cannot_be_drawn_says_why() -> None:
    rng = np.random.default_rng(0)
    inputs = rng.normal(size=(12, 3))
    model = MLP(3, [3, 1], seed=0)
    history = fit(model, mse, SGD(model.parameters(), lr=0.05), Dataset(inputs, inputs.sum(axis=1)), epochs=2,
                  batch_size=4, quiet=True, classify=False, record=2)
    page = viz.training_replay(history, resolution=3).html()
    assert "No decision boundary" in page and "these have 3 features" in page
    _, flat = recorded(record=2, classify=False)
    assert "this run has classify=False" in viz.training_replay(flat, resolution=3).html()


def test_training_replay_refuses_what_it_cannot_replay() -> None:
    _, plain = recorded()
    with pytest.raises(ValueError, match=r"not recorded: train with fit\(..., record=True\)"):
        viz.training_replay(plain)
    with pytest.raises(TypeError, match="needs the History fit returns, got dict"):
        viz.training_replay({})  # type: ignore[arg-type]
    _, history = recorded(record=2)
    with pytest.raises(ValueError, match="resolution must be an int from 2 to 200"):
        viz.training_replay(history, resolution=1)


def test_page_choices_are_checked() -> None:
    with pytest.raises(ValueError, match="holds a tab"):
        Choices(keys=(("a", "text"),), rows=[[["1\t2"]]], labels=["one"]).encoded()
    with pytest.raises(ValueError, match="frame 0 needs 2 rows of 1 values"):
        Choices(keys=(("a", "text"),), rows=[[["1"]]], labels=["one", "two"]).encoded()
    with pytest.raises(ValueError, match="2 frames need as many rows of choices, got 1"):
        player_fragment("<svg/>", {}, [{}], ["a", "b"], [[], []], ["0", "1"],
                        choices=Choices(keys=(), rows=[[[]]], labels=["x"]))


class _StopAt(SGD):
    """SGD, during whose ``at``-th step Ctrl-C arrives (the notebook's stop button sends SIGINT)."""

    at = 5

    def _update(self) -> None:
        super()._update()
        if self.steps == self.at:  # Optimizer.step counts the steps
            signal.raise_signal(signal.SIGINT)


def test_the_live_view_draws_in_a_notebook_and_says_when_training_stopped(monkeypatch: pytest.MonkeyPatch,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    shown: list[str] = []
    monkeypatch.setattr(live, "in_notebook", lambda: True)
    monkeypatch.setattr(live, "_notebook_display", lambda: shown.append)
    data = make_moons(40, noise=0.1, seed=0)
    signed = Dataset(data.X, 2 * data.y - 1)
    model = MLP(2, [4, 1], seed=0)
    history = fit(model, binary_hinge, SGD(model.parameters(), lr=0.2), signed, epochs=3, batch_size=10,
                  watch=True, watch_sample=3)
    assert live.wait_for_final_frames(timeout=120)  # a run this short may end before the layout: drawn when it's in
    assert capsys.readouterr().err == ""  # the panel replaces the progress bar
    assert len(shown) >= 1  # a run this short ends before dot has laid the panels out: the last drawing
    assert "done: after 12 of 12 updates" in shown[-1] and "The graph of training example 3" in shown[-1]
    assert re.search(r'<circle [^>]*data-gt-choice="3"[^>]*class="gt-choice gt-chosen"', shown[-1]) or re.search(
        r'<circle [^>]*class="gt-choice gt-chosen"[^>]*data-gt-choice="3"', shown[-1])
    assert history.recording is None and not history.interrupted  # watching alone keeps no snapshots

    shown.clear()
    stopped_model = MLP(2, [4, 1], seed=0)
    stopped = fit(stopped_model, binary_hinge, _StopAt(stopped_model.parameters(), lr=0.2), signed, epochs=3,
                  batch_size=10, watch=True)
    assert live.wait_for_final_frames(timeout=120)
    assert stopped.interrupted and stopped.iterations == 5
    assert "stopped by Ctrl-C after 5 of 12 updates" in shown[-1]
    assert "the model holds its last completed update" in shown[-1]


def test_the_live_view_shows_a_moment_once_its_layout_is_in_and_counts_its_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(live, "LAYOUT_AFTER", 0.0)  # a forked view starts its layout at the first check
    monkeypatch.setattr(live, "LAYOUT_WORTH", 0.0)
    _, history = recorded(record=2)
    drawings: list[list[str]] = []
    for fork in (True, False) if can_fork() else (False,):
        shown: list[str] = []
        view = live.LiveView(history.recording, shown.append, fork=fork)  # type: ignore[arg-type]
        fresh = History(examples=40, batch_size=10, iterations_per_epoch=4)
        view.start(fresh)
        if fork:
            assert view._layout is None  # not before the run proves long enough (here at once)
            view.maybe_redraw(fresh)
        assert shown == [] and view.redraws == 0  # laid out elsewhere (a child process, or here at the start)
        assert view._layout is not None
        view._layout.result(timeout=60)
        view.maybe_redraw(fresh)
        assert len(shown) == 1 and "training: before training (0 of 12 updates)" in shown[0]
        assert not view.clock.due()  # the clock counts the drawing's time: no new reading at once
        view.maybe_redraw(fresh)
        assert len(shown) == 1
        drawings.append(shown)
    assert all(drawing == drawings[0] for drawing in drawings)  # a child process lays the panels out as a thread does


def test_a_large_training_set_keeps_the_graphs_of_150_evenly_spaced_examples_and_the_chosen_one() -> None:
    data = make_moons(400, noise=0.1, seed=0)
    model = MLP(2, [2, 1], seed=0)
    history = fit(model, binary_hinge, SGD(model.parameters(), lr=0.1), Dataset(data.X, 2 * data.y - 1), epochs=1,
                  batch_size=100, quiet=True, record=2, watch_sample=7)
    page = viz.training_replay(history, resolution=2).html()
    choices = page_data(page)["choices"]
    assert len(choices["labels"]) == 151 and len(re.findall(r'data-gt-choice="\d+"', page)) == 151
    assert choices["labels"][choices["start"]].startswith("The graph of training example 7:")
    assert choices["labels"][-1].startswith("The graph of training example 399:")


def test_a_run_without_updates_has_nothing_to_replay() -> None:
    _, history = recorded(record=True, epochs=0)
    with pytest.raises(ValueError, match="a replay needs two snapshots or more; this run made 0 updates"):
        viz.training_replay(history)


def _watched_small_run() -> None:
    """12 updates watched to their end (the final frame shown): training goes on whatever the panel meets."""
    data = make_moons(40, noise=0.1, seed=0)
    model = MLP(2, [4, 1], seed=0)
    history = fit(model, binary_hinge, SGD(model.parameters(), lr=0.2), Dataset(data.X, 2 * data.y - 1), epochs=3,
                  batch_size=10, watch=True)
    assert history.iterations == 12 and not history.interrupted
    assert live.wait_for_final_frames(timeout=120)


def test_without_dot_the_live_view_says_so_and_training_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(live, "in_notebook", lambda: True)
    monkeypatch.setattr(live, "_notebook_display", lambda: shown.append)

    def no_dot(self: object, timeout: float | None = None) -> str:
        raise viz.DotNotFoundError

    monkeypatch.setattr(viz.Diagram, "svg", no_dot)
    _watched_small_run()
    assert shown[-1].startswith("<pre>the live panel stopped: Graphviz&#x27;s `dot` program was not")


@pytest.mark.skipif(not can_fork(), reason="the layout fails in a child process on Linux only")
def test_a_layout_failing_in_its_process_stops_the_panel_and_training_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(live, "in_notebook", lambda: True)
    monkeypatch.setattr(live, "_notebook_display", lambda: shown.append)

    def broken(self: object, recording: object) -> None:
        raise ValueError("a graph the panel cannot describe")

    monkeypatch.setattr(GraphPlan, "__init__", broken)
    _watched_small_run()
    assert shown[-1].startswith("<pre>the live panel stopped: laying the panels out failed in its child process: "
                                "Traceback")
    assert "ValueError: a graph the panel cannot describe" in shown[-1]
