"""The live view never makes training wait for its layout: when training ends first, ``fit`` returns at once and the
final frame (read from the model as training left it) is drawn when the layout arrives, the same page a synchronous
drawing gives; Ctrl-C's frame too; a layout that never comes times out (its child killed); an unattended notebook
run waits for the frame at the end of the cell. Each holds whether the layout started during training (a long run)
or only at its end (a run too short to show a frame: one child reads, lays out and draws the final page)."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import viz.training.elsewhere
from nn.data import Dataset, make_moons
from nn.layers import MLP
from nn.losses import binary_hinge
from nn.optim import SGD
from nn.train import History, fit
from viz.training import live
from viz.training.elsewhere import can_fork

pytestmark = pytest.mark.skipif(not can_fork(), reason="the layout is made in a child process on Linux only")


def moons() -> Dataset:
    data = make_moons(40, noise=0.1, seed=0)
    return Dataset(data.X, 2 * data.y - 1)


class _StopAt(SGD):
    """SGD, during whose fifth step Ctrl-C arrives (the notebook's stop button sends SIGINT)."""

    def _update(self) -> None:
        super()._update()
        if self.steps == 5:
            signal.raise_signal(signal.SIGINT)


def train(optimizer: Callable[[list[Any]], SGD] = lambda p: SGD(p, lr=0.2)) -> tuple[MLP, History]:
    model = MLP(2, [4, 1], seed=0)
    history = fit(model, binary_hinge, optimizer(model.parameters()), moons(), epochs=3, batch_size=10, watch=True,
                  watch_sample=3)
    return model, history


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The drawings of the live views ``fit(watch=True)`` makes, as a notebook would show them."""
    pages: list[str] = []
    monkeypatch.setattr(live, "in_notebook", lambda: True)
    monkeypatch.setattr(live, "_notebook_display", lambda: pages.append)
    yield pages
    assert live.wait_for_final_frames(timeout=120)


@pytest.fixture(params=["at the end", "during training"])
def layout_starts(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Where the layout starts: at the end (these runs are far too short to show a frame before it), or at the first
    update (as in a long run)."""
    if request.param == "during training":
        monkeypatch.setattr(live, "LAYOUT_AFTER", 0.0)
        monkeypatch.setattr(live, "LAYOUT_WORTH", 0.0)
    return str(request.param)


@pytest.fixture
def held_layout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, layout_starts: str) -> Path:
    """A slow layout: the child lays the panels out only once the returned file exists (the test makes it); for each
    place the layout may start (``layout_starts``)."""
    go = tmp_path / "go"
    lay_out = live.lay_out

    def held(*arguments: Any) -> Any:
        for _ in range(6000):  # at most 60 s: a child never waits forever
            if go.exists():
                break
            time.sleep(0.01)
        return lay_out(*arguments)

    monkeypatch.setattr(live, "lay_out", held)
    return go


def synchronous(monkeypatch: pytest.MonkeyPatch, optimizer: Callable[[list[Any]], SGD] | None = None) -> str:
    """The final page of the same run drawn synchronously (no fork: laid out before the first update)."""
    pages: list[str] = []
    with monkeypatch.context() as patch:
        patch.setattr(live, "in_notebook", lambda: True)
        patch.setattr(live, "_notebook_display", lambda: pages.append)
        patch.setattr(viz.training.elsewhere, "can_fork", lambda: False)
        if optimizer is None:
            train()
        else:
            train(optimizer)
    return pages[-1]


def test_fit_returns_before_a_slow_layout_and_the_final_frame_equals_a_synchronous_drawing(
    shown: list[str], held_layout: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model, history = train()
    assert history.iterations == 12 and not history.interrupted
    assert len(shown) == 1 and shown[0].startswith('<div class="gt-status">done: after 12 of 12 updates')
    assert "drawing the final state…" in shown[0]  # fit has returned; the layout is still held
    final_parameters = [p.data for p in model.parameters()]
    # a later cell trains the model on: the final frame shows the model as this run left it
    fit(model, binary_hinge, SGD(model.parameters(), lr=0.5), moons(), epochs=2, batch_size=10, quiet=True)
    assert [p.data for p in model.parameters()] != final_parameters
    held_layout.touch()
    assert live.wait_for_final_frames(timeout=120)
    assert len(shown) == 2 and 'class="gt-theatre"' in shown[1]
    assert shown[1] == synchronous(monkeypatch)  # the same page, whichever way it was drawn


def test_ctrl_c_before_the_layout_draws_the_last_completed_update_later(
    shown: list[str], held_layout: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, history = train(lambda p: _StopAt(p, lr=0.2))
    assert history.interrupted and history.iterations == 5
    assert len(shown) == 1 and "stopped by Ctrl-C after 5 of 12 updates" in shown[0]
    assert "the model holds its last completed update" in shown[0] and "drawing the final state…" in shown[0]
    held_layout.touch()
    assert live.wait_for_final_frames(timeout=120)
    assert "stopped by Ctrl-C after 5 of 12 updates" in shown[-1] and 'class="gt-theatre"' in shown[-1]
    assert shown[-1] == synchronous(monkeypatch, lambda p: _StopAt(p, lr=0.2))
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_layout_that_never_comes_times_out_and_its_child_is_killed(
    shown: list[str], held_layout: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live, "LAYOUT_TIMEOUT", 0.5)
    started: list[live.LiveView] = []
    start = live.LiveView.start

    def remember(self: live.LiveView, history: History) -> None:
        started.append(self)
        start(self, history)

    monkeypatch.setattr(live.LiveView, "start", remember)
    _, history = train()
    assert history.iterations == 12
    [view] = started
    assert view.wait(timeout=60)
    assert shown[-1] == "<pre>the live panel stopped: laying the panels out took more than 0.5 s</pre>"
    assert view._layout is not None and view._layout._pid is not None
    with pytest.raises(ChildProcessError):  # killed and reaped
        os.waitpid(view._layout._pid, os.WNOHANG)


class _Events:
    """IPython's ``shell.events``, as far as the live view uses it."""

    def __init__(self) -> None:
        self.callbacks: list[Callable[..., None]] = []

    def register(self, event: str, callback: Callable[..., None]) -> None:
        assert event == "post_run_cell"
        self.callbacks.append(callback)

    def unregister(self, event: str, callback: Callable[..., None]) -> None:
        self.callbacks.remove(callback)

    def trigger(self) -> None:
        for callback in list(self.callbacks):
            callback(None)


class _Shell:
    def __init__(self) -> None:
        self.events = _Events()


def test_an_unattended_notebook_run_waits_for_the_final_frame_at_the_end_of_the_cell(
    shown: list[str], held_layout: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shell = _Shell()
    monkeypatch.setattr(live, "_unattended_shell", lambda: shell)
    train()
    assert len(shown) == 1 and len(shell.events.callbacks) == 1  # the cell's end will wait for the frame
    held_layout.touch()
    shell.events.trigger()  # the cell ends: the frame is in before the kernel says the cell is done
    assert len(shown) == 2 and 'class="gt-theatre"' in shown[1] and shell.events.callbacks == []


def test_a_run_is_unattended_when_its_frontend_allows_no_input(monkeypatch: pytest.MonkeyPatch) -> None:
    ipython = pytest.importorskip("IPython")
    assert live._unattended_shell() is None  # no IPython kernel here
    kernel = type("Kernel", (), {"_allow_stdin": True})()
    shell = type("Shell", (), {"kernel": kernel})()
    monkeypatch.setattr(ipython, "get_ipython", lambda: shell)
    assert live._unattended_shell() is None  # JupyterLab, Notebook, VS Code: a person may answer input()
    kernel._allow_stdin = False  # nbclient (nbconvert --execute, papermill) allows none
    assert live._unattended_shell() is shell


def test_a_failure_while_drawing_the_final_frame_is_shown_where_the_panel_would_be(
    shown: list[str], held_layout: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: object, layout: object) -> None:
        raise ValueError("a layout the stage cannot take")

    monkeypatch.setattr(live.TheatreStage, "attach", broken)
    train()
    held_layout.touch()
    assert live.wait_for_final_frames(timeout=120)
    assert shown[-1].startswith("<pre>the live panel stopped: drawing the final state failed:\nTraceback")
    assert "ValueError: a layout the stage cannot take" in shown[-1]


def test_a_short_run_forks_only_at_its_end_and_a_long_one_during_training(
    shown: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, int]] = []

    def spying(name: str) -> Callable[..., None]:
        method = getattr(live.LiveView, name)

        def spy(self: live.LiveView, history: History, *rest: Any) -> None:
            calls.append((name, history.iterations))
            method(self, history, *rest)

        return spy

    for name in ("_lay_out_elsewhere", "_finish_elsewhere", "_finish_later"):
        monkeypatch.setattr(live.LiveView, name, spying(name))
    train()  # 12 updates in milliseconds: no frame could be shown before the end
    assert live.wait_for_final_frames(timeout=120)
    assert calls == [("_finish_elsewhere", 12)] and 'class="gt-theatre"' in shown[-1]
    calls.clear()
    monkeypatch.setattr(live, "LAYOUT_AFTER", 0.0)
    monkeypatch.setattr(live, "LAYOUT_WORTH", 0.0)  # any run is long enough: lay out from the first update on
    train()
    assert live.wait_for_final_frames(timeout=120)
    assert calls[0] == ("_lay_out_elsewhere", 1) and ("_finish_elsewhere", 12) not in calls
    assert 'class="gt-theatre"' in shown[-1] and "done: after 12 of 12 updates" in shown[-1]


def test_the_layout_starts_once_the_updates_left_take_long_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [0.0]
    monkeypatch.setattr(time, "perf_counter", lambda: now[0])  # the live view's clock, in this test only
    recording: Any = SimpleNamespace(total_iterations=100)

    def due(elapsed: float, iterations: int) -> tuple[bool, bool]:
        view = live.LiveView(recording, show=lambda page: None)
        view._started, now[0] = 0.0, elapsed
        history = History(examples=100, batch_size=10, iterations_per_epoch=10, iterations=iterations)
        return view._layout_due(history), view._short

    assert due(0.9 * live.LAYOUT_AFTER, 1) == (False, False)  # too soon to tell the pace
    assert due(live.LAYOUT_AFTER, 10) == (True, False)  # 90 updates left at 10 per LAYOUT_AFTER: long enough
    assert due(live.LAYOUT_AFTER, 50) == (False, True)  # 50 left: 0.1 s < LAYOUT_WORTH; never checked again
