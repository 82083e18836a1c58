"""What ``fit`` hands the training theatre: the recorder (``record=``) and the live watcher (``watch=``).

``fit`` builds one ``Theatre`` from its keywords (``Theatre.build``, which checks them before any
update) and calls it in four places only: ``starting`` before the first update, ``updating`` around
each optimizer step, ``updated`` after it, and ``finished`` at the end. The theatre owns what
differs between recording, watching, both and neither; ``fit`` never asks which.

- Recording keeps ``record`` snapshots of the parameters (``record=True``: ``DEFAULT_SNAPSHOTS``),
  evenly spaced over the run's updates, the first before any update and the last after the final
  one: ``history.recording`` (a ``Recording``), which ``viz.training_replay`` replays.
- Watching shows ``viz.training``'s live panel in a notebook, redrawn at most a few times a second
  and only as often as keeps its cost near ``WATCH_BUDGET`` (10%) of the training time; outside a
  notebook it falls back to the progress bar.
- Ctrl-C (a notebook's stop button) never lands inside an optimizer step: the step finishes
  first (``atomic_step``), so the model holds its last completed update. With ``watch`` or
  ``record`` the interrupt ends training quietly: ``fit`` returns the history so far, marked
  ``history.interrupted``, and the panel says so. Without them it propagates as before.

The panels' figures are computed from the recorded parameters by the model itself (``viz.training``):
nothing here or there is a second implementation of the model or of backprop.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import signal
import threading
import time
from collections.abc import Iterator
from types import FrameType
from typing import TYPE_CHECKING, Any

import numpy as np

from autograd import Value
from nn.parameter_home import read_numbers

if TYPE_CHECKING:
    from nn.data import Dataset
    from nn.train import Decide, History, LossFunction, Model

DEFAULT_SNAPSHOTS = 50
# Watching may cost about this share of the time spent training (benchmarks/training_theatre.py measures it).
WATCH_BUDGET = 0.1
# and never redraws more often than this (seconds between redraws)
MIN_REDRAW_INTERVAL = 0.3


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """The parameters after ``iteration`` updates (0: the initial ones), in ``model.parameters()`` order."""

    iteration: int
    parameters: tuple[float, ...]


@dataclasses.dataclass
class Recording:
    """What a replay needs from a run: the model, its loss and data, and the snapshots of its parameters.

    ``sample`` is the training example whose graph a replay shows first (``fit``'s ``watch_sample``);
    ``total_iterations`` the updates the run planned (an interrupted run has fewer).
    """

    model: Model
    loss: LossFunction
    data: Dataset
    validation: Dataset | None
    decide: Decide | None
    sample: int
    total_iterations: int
    snapshots: list[Snapshot] = dataclasses.field(default_factory=list)
    _parameters: list[Value] | None = dataclasses.field(default=None, repr=False, compare=False)

    def take(self, iteration: int) -> None:
        """Add a snapshot of the model's parameters as they are now, after ``iteration`` updates."""
        if self.snapshots and self.snapshots[-1].iteration == iteration:
            return
        if self._parameters is None:  # walked once: a model's parameters do not change during a run
            self._parameters = self.model.parameters()
        self.snapshots.append(Snapshot(iteration, tuple(read_numbers(self._parameters)[0].tolist())))

    @contextlib.contextmanager
    def parameters_of(self, snapshot: Snapshot) -> Iterator[None]:
        """Inside the block the model holds ``snapshot``'s parameters; afterwards its own again
        (values and gradients), whatever happens inside."""
        with model_moment(self.model) as parameters:
            for parameter, value in zip(parameters, snapshot.parameters, strict=True):
                parameter.data = value
            yield


@contextlib.contextmanager
def model_moment(model: Model) -> Iterator[list[Value]]:
    """The model's parameters, in evaluation mode, restored (values, gradients, mode) when the block ends.

    The panels run the model (forward, and backward for one example's graph) without leaving a trace on it.
    """
    parameters = model.parameters()
    saved = list(zip(*(numbers.tolist() for numbers in read_numbers(parameters)), strict=True))
    was_training = getattr(model, "training", True)
    model.train(False)
    try:
        yield parameters
    finally:
        with atomic_step():  # a Ctrl-C during a drawing still finds the model whole
            for parameter, (data, grad) in zip(parameters, saved, strict=True):
                parameter.data, parameter.grad = data, grad
            model.train(was_training)


def snapshot_iterations(total: int, count: int) -> list[int]:
    """The iterations at which ``count`` evenly spaced snapshots of a ``total``-update run are taken.

    The first is 0 (before any update), the last ``total``; fewer when the run has fewer updates.

    >>> snapshot_iterations(180, 4), snapshot_iterations(2, 50), snapshot_iterations(3, 10**12)
    ([0, 60, 120, 180], [0, 1, 2], [0, 1, 2, 3])
    """
    count = min(count, total + 1)  # never more than one per update: a huge count costs nothing
    if count < 2:
        return [0]
    return sorted({round(k * total / (count - 1)) for k in range(count)})


def check_record(record: object) -> int:
    """The number of snapshots ``record`` asks for: 0 for False, ``DEFAULT_SNAPSHOTS`` for True, else an int >= 2."""
    if record is False:
        return 0
    if record is True:
        return DEFAULT_SNAPSHOTS
    if not isinstance(record, int) or isinstance(record, bool) or record < 2:
        raise ValueError(
            f"fit: record must be True, False or a number of snapshots >= 2 (first and last), got {record!r}"
        )
    return record


@contextlib.contextmanager
def atomic_step() -> Iterator[None]:
    """Hold back Ctrl-C (SIGINT) until the block ends, so an optimizer step is never left half done.

    A SIGINT arriving inside is delivered as the block ends (``KeyboardInterrupt`` at the same
    place it would have been raised, one statement later). Outside the main thread, where Python
    delivers no signals, and when SIGINT is not Python's own handler, the block runs as is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous is not signal.default_int_handler:
        yield
        return
    caught: list[tuple[int, FrameType | None]] = []
    signal.signal(signal.SIGINT, lambda number, frame: caught.append((number, frame)))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        previous(*caught[0])


class Theatre:
    """The recorder and the watcher of one ``fit`` run (see the module docstring); ``build`` makes one."""

    def __init__(self, recording: Recording | None, watcher: Any, snapshot_at: set[int]) -> None:
        self.recording = recording
        self.watcher = watcher  # viz.training.live.LiveView, or None
        self._snapshot_at = snapshot_at

    @classmethod
    def build(
        cls,
        *,
        watch: object,
        record: object,
        watch_sample: object,
        model: Model,
        loss: LossFunction,
        data: Dataset,
        validation: Dataset | None,
        decide: Decide,
        classify: bool,
        total_iterations: int,
    ) -> Theatre:
        """Check ``watch``, ``record`` and ``watch_sample`` (before any update) and make the theatre they ask for."""
        if not isinstance(watch, bool):
            raise TypeError(f"fit: watch must be True or False, got {watch!r}")
        count = check_record(record)
        if watch_sample is not None:
            if not (watch or count):
                raise ValueError("fit: watch_sample chooses the example the live panel or the replay shows: "
                                 "pass watch=True or record=True with it")
            if isinstance(watch_sample, bool) or not isinstance(watch_sample, (int, np.integer)) or not (
                0 <= watch_sample < len(data.X)
            ):
                raise ValueError(f"fit: watch_sample must be the index of a training example, 0 to "
                                 f"{len(data.X) - 1}, got {watch_sample!r}")
        sample = 0 if watch_sample is None else int(watch_sample)
        recording = Recording(model, loss, data, validation, decide if classify else None, sample, total_iterations)
        watcher = None
        if watch:
            from viz.training.live import LiveView, in_notebook  # viz reads nn, never the other way at import

            if in_notebook():
                watcher = LiveView(recording)
        at = set(snapshot_iterations(total_iterations, count)) if count else set()
        return cls(recording if count else None, watcher, at) if count or watcher else _IDLE

    @property
    def replaces_progress_bar(self) -> bool:
        """Whether the live panel shows the progress (so ``fit`` shows no bar)."""
        return self.watcher is not None

    @property
    def catches_interrupt(self) -> bool:
        """Whether Ctrl-C ends training quietly (``fit`` returns the history so far)."""
        return self.watcher is not None or self.recording is not None

    def starting(self, history: History) -> None:
        """Before the first update: the first snapshot and the panel's first drawing."""
        if self.recording is not None and 0 in self._snapshot_at:
            self.recording.take(0)
        if self.watcher is not None:
            self.watcher.start(history)

    def updating(self) -> contextlib.AbstractContextManager[None]:
        """Around an optimizer step: Ctrl-C waits for the step to finish."""
        return atomic_step()

    def updated(self, history: History) -> None:
        """After each update: a snapshot when one is due, a redraw when the budget allows."""
        if self.recording is not None and history.iterations in self._snapshot_at:
            self.recording.take(history.iterations)
        if self.watcher is not None:
            self.watcher.maybe_redraw(history)

    def finished(self, history: History, interrupted: bool) -> None:
        """At the end (or at Ctrl-C): the last snapshot and the last drawing, which says whether training stopped."""
        history.interrupted = interrupted
        if self.recording is not None:
            if interrupted:
                self.recording.take(history.iterations)
            history.recording = self.recording
        if self.watcher is not None:
            self.watcher.finish(history, interrupted)


class _Idle(Theatre):
    """Neither watching nor recording: every hand-off does nothing (Ctrl-C still waits for a step to end)."""

    def starting(self, history: History) -> None:
        pass

    def updated(self, history: History) -> None:
        pass

    def finished(self, history: History, interrupted: bool) -> None:
        pass


_IDLE = _Idle(None, None, set())


class RedrawClock:
    """When a live panel may redraw: at most every ``MIN_REDRAW_INTERVAL`` s, and only so often that the time
    spent drawing stays near ``budget`` of the time spent training.

    After a drawing that took d seconds, the next may start once training has run d·(1 − b)/b
    seconds more (b = budget): over the run, drawing time ≤ b × total time, plus one drawing.

    >>> clock = RedrawClock(budget=0.1, now=lambda: 0.0)
    >>> clock.drew(started=0.0, ended=1.0); clock.due()
    False
    """

    def __init__(self, budget: float = WATCH_BUDGET, now: Any = time.perf_counter) -> None:
        if not 0.0 < budget < 1.0 or math.isnan(budget):
            raise ValueError(f"RedrawClock: budget must be between 0 and 1, got {budget!r}")
        self.budget = budget
        self._now = now
        self._next = now()

    def due(self) -> bool:
        """Whether a redraw may start now."""
        return bool(self._now() >= self._next)

    def drew(self, started: float, ended: float) -> None:
        """Record a drawing that ran from ``started`` to ``ended`` (``time.perf_counter`` seconds)."""
        took = max(0.0, ended - started)
        self._next = ended + max(MIN_REDRAW_INTERVAL - took, took * (1.0 - self.budget) / self.budget)
