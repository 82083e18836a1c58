"""fit's hand-off to the training theatre: snapshots (record=), the live view's checks and fallback (watch=), Ctrl-C."""

from __future__ import annotations

import signal
from typing import Any

import pytest

from autograd import Value
from nn.data import Dataset, make_moons
from nn.layers import MLP
from nn.losses import binary_hinge
from nn.optim import SGD
from nn.theatre import DEFAULT_SNAPSHOTS, RedrawClock, atomic_step, snapshot_iterations
from nn.train import fit


def moons(count: int = 40) -> Dataset:
    data = make_moons(count, noise=0.1, seed=0)
    return Dataset(data.X, 2 * data.y - 1)


def run(**keywords: Any) -> tuple[MLP, Any]:
    model = MLP(2, [4, 1], seed=0)
    history = fit(model, binary_hinge, SGD(model.parameters(), lr=0.1), moons(), epochs=3, batch_size=10,
                  quiet=True, **keywords)
    return model, history


def test_record_keeps_evenly_spaced_snapshots_from_the_first_to_the_last_update() -> None:
    initial = [p.data for p in MLP(2, [4, 1], seed=0).parameters()]
    model, history = run(record=5)
    snapshots = history.recording.snapshots
    assert [s.iteration for s in snapshots] == [0, 3, 6, 9, 12] == snapshot_iterations(12, 5)
    assert list(snapshots[0].parameters) == initial
    assert list(snapshots[-1].parameters) == [p.data for p in model.parameters()]
    assert len({s.parameters for s in snapshots}) == 5  # training moved them every time


def test_record_true_keeps_fifty_snapshots_and_recording_changes_nothing_in_training() -> None:
    watched_model, recorded = run(record=True)
    assert len(recorded.recording.snapshots) == len(snapshot_iterations(12, DEFAULT_SNAPSHOTS)) == 13
    plain_model, plain = run()
    assert plain.as_dict() == recorded.as_dict()  # as_dict leaves the recording (and its model) out
    assert plain_model.state_dict() == watched_model.state_dict()
    assert plain.recording is None and not plain.interrupted


@pytest.mark.parametrize(("keywords", "error", "message"), [
    ({"record": 1}, ValueError, "record must be True, False or a number of snapshots >= 2"),
    ({"record": "yes"}, ValueError, "record must be"),
    ({"watch": "yes"}, TypeError, "watch must be True or False"),
    ({"watch": True, "watch_sample": 40}, ValueError, "watch_sample must be the index of a training example, 0 to 39"),
    ({"record": True, "watch_sample": True}, ValueError, "watch_sample must be the index"),
    ({"watch_sample": 3}, ValueError, "pass watch=True or record=True with it"),
])
def test_bad_theatre_keywords_are_refused_before_any_update(
    keywords: dict[str, Any], error: type, message: str
) -> None:
    model = MLP(2, [4, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(error, match=message):
        fit(model, binary_hinge, SGD(model.parameters(), lr=0.1), moons(), epochs=1, quiet=True, **keywords)
    assert model.state_dict() == before


def test_watch_outside_a_notebook_falls_back_to_the_progress_bar(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("tqdm")
    model = MLP(2, [4, 1], seed=0)
    history = fit(model, binary_hinge, SGD(model.parameters(), lr=0.1), moons(), epochs=2, batch_size=10,
                  watch=True)
    err = capsys.readouterr().err
    assert history.iterations == 8 and history.recording is None
    assert "8/8" in err and "loss=" in err  # tqdm's text bar, as without watch


class _InterruptingLoss:
    """binary_hinge, until its ``at``-th call, which raises KeyboardInterrupt (Ctrl-C during a forward pass)."""

    def __init__(self, at: int) -> None:
        self.at, self.calls = at, 0

    def __call__(self, outputs: list[Any], targets: Any) -> Value:
        self.calls += 1
        if self.calls == self.at:
            raise KeyboardInterrupt
        return binary_hinge(outputs, targets)


def test_ctrl_c_while_recording_returns_the_history_so_far_and_the_last_completed_update() -> None:
    model = MLP(2, [4, 1], seed=0)
    loss = _InterruptingLoss(at=1 + 6)  # the preflight call, then the sixth iteration's forward pass
    history = fit(model, loss, SGD(model.parameters(), lr=0.1), moons(), epochs=3, batch_size=10, quiet=True,
                  record=True)
    assert history.interrupted and history.iterations == 5
    assert history.recording.snapshots[-1].iteration == 5
    assert list(history.recording.snapshots[-1].parameters) == [p.data for p in model.parameters()]
    reference = MLP(2, [4, 1], seed=0)  # the same run, not recorded: Ctrl-C propagates, after the same five updates
    with pytest.raises(KeyboardInterrupt):
        fit(reference, _InterruptingLoss(at=7), SGD(reference.parameters(), lr=0.1), moons(), epochs=3,
            batch_size=10, quiet=True)
    assert reference.state_dict() == model.state_dict()


def test_ctrl_c_without_watch_or_record_propagates() -> None:
    model = MLP(2, [4, 1], seed=0)
    with pytest.raises(KeyboardInterrupt):
        fit(model, _InterruptingLoss(at=4), SGD(model.parameters(), lr=0.1), moons(), epochs=3, batch_size=10,
            quiet=True)


class _InterruptedSGD(SGD):
    """An SGD step during which Ctrl-C arrives after the first parameter is updated."""

    def _update(self) -> None:
        first, rest = self.parameters[:1], self.parameters[1:]
        self.parameters = first
        super()._update()
        signal.raise_signal(signal.SIGINT)
        self.parameters = rest
        super()._update()
        self.parameters = first + rest


def test_ctrl_c_inside_an_optimizer_step_waits_for_the_step_to_finish() -> None:
    model = MLP(2, [4, 1], seed=0)
    before = [p.data for p in model.parameters()]
    history = fit(model, binary_hinge, _InterruptedSGD(model.parameters(), lr=0.1), moons(), epochs=3, batch_size=10,
                  quiet=True, record=True)
    assert history.interrupted and history.iterations == 1  # the first step finished, then training stopped
    after = [p.data for p in model.parameters()]
    moved = [a != b for a, b in zip(after, before, strict=True)]
    assert moved[0] and sum(moved[1:]) > 1  # the whole step was applied, not its first parameter only
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_atomic_step_delivers_ctrl_c_when_the_block_ends() -> None:
    done = []
    with pytest.raises(KeyboardInterrupt), atomic_step():
        signal.raise_signal(signal.SIGINT)
        done.append("the rest of the block ran")
    assert done == ["the rest of the block ran"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_redraw_clock_keeps_drawing_within_its_budget_and_a_few_per_second() -> None:
    now = [0.0]
    clock = RedrawClock(budget=0.1, now=lambda: now[0])
    assert clock.due()
    clock.drew(started=0.0, ended=0.5)  # a drawing of 0.5 s: the next after 4.5 s more of training
    now[0] = 4.9
    assert not clock.due()
    now[0] = 5.0
    assert clock.due()
    clock.drew(started=5.0, ended=5.01)  # a quick drawing: still no sooner than 0.3 s later
    now[0] = 5.2
    assert not clock.due()
    with pytest.raises(ValueError, match="budget must be between 0 and 1"):
        RedrawClock(budget=1.5)


def test_a_moment_read_from_the_model_leaves_it_as_it_was_even_after_ctrl_c() -> None:
    model, history = run(record=3)
    before = [(p.data, p.grad) for p in model.parameters()]
    with pytest.raises(KeyboardInterrupt), history.recording.parameters_of(history.recording.snapshots[0]):
        assert [p.data for p in model.parameters()] == list(history.recording.snapshots[0].parameters)
        model([0.5, 0.5]).backward()  # a drawing's backward changes gradients ...
        raise KeyboardInterrupt  # ... and Ctrl-C arrives during it
    assert [(p.data, p.grad) for p in model.parameters()] == before
