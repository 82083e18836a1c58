"""The live panel of ``fit(..., watch=True)`` in a notebook: the theatre's stage, redrawn while training runs.

``nn.theatre`` calls ``start``, ``maybe_redraw`` after every update and ``finish``. Redraws are
throttled by ``nn.theatre.RedrawClock``: at most every 0.3 s, and only as often as keeps the
drawing near 12% of the training time (``benchmarks/training_theatre.py`` measures the cost).
Each redraw replaces the same notebook output (a display handle), so the notebook keeps one panel.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from nn.theatre import RedrawClock
from viz.training.stage import TheatreStage, moment_text

if TYPE_CHECKING:
    from nn.theatre import Recording
    from nn.train import History

LIVE_RESOLUTION = 20  # heatmap points per side while training (each a forward pass per redraw)


def in_notebook() -> bool:
    """Whether this runs in a Jupyter kernel (where a panel can be displayed and updated)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _notebook_display() -> Callable[[str], None]:
    """A function showing HTML in this cell's output: the first call displays it, later calls replace it."""
    from IPython.display import HTML, display  # IPython is there: in_notebook said so

    handle: Any = None

    def show(page: str) -> None:
        nonlocal handle
        if handle is None:
            handle = display(HTML(page), display_id=True)  # type: ignore[no-untyped-call]
        else:
            handle.update(HTML(page))  # type: ignore[no-untyped-call]

    return show


class LiveView:
    """One run's live panel; ``show`` receives each drawing's HTML (default: a notebook display handle)."""

    def __init__(self, recording: Recording, show: Callable[[str], None] | None = None) -> None:
        self.recording = recording
        self._show = show
        self.stage: TheatreStage | None = None
        self.clock = RedrawClock()
        self.redraws = 0

    def start(self, history: History) -> None:
        """Lay the panels out and draw the model before its first update."""
        if self._show is None:
            self._show = _notebook_display()
        started = time.perf_counter()
        self.stage = TheatreStage(self.recording, self.recording.total_iterations, history.iterations_per_epoch,
                                  resolution=LIVE_RESOLUTION)
        self.stage.choose(self.recording.sample)
        self._draw(history, "training: before the first update", started)

    def maybe_redraw(self, history: History) -> None:
        """Redraw if the clock allows (see the module docstring)."""
        if self.clock.due():
            heading, _ = moment_text(history, history.iterations, self.recording.total_iterations)
            self._draw(history, f"training: {heading}", time.perf_counter())

    def finish(self, history: History, interrupted: bool) -> None:
        """The last drawing: the final model, or where Ctrl-C stopped it."""
        heading, _ = moment_text(history, history.iterations, self.recording.total_iterations)
        status = (f"stopped by Ctrl-C {heading}: the model holds its last completed update" if interrupted
                  else f"done: {heading}")
        self._draw(history, status, time.perf_counter())

    def _draw(self, history: History, status: str, started: float) -> None:
        stage = self.stage
        if stage is None or self._show is None:
            return
        stage.apply(stage.state(history, history.iterations))
        stage.apply(stage.example_state(self.recording.sample))
        _, lines = moment_text(history, history.iterations, self.recording.total_iterations)
        self._show(stage.html(" · ".join([status, *lines])))
        self.redraws += 1
        self.clock.drew(started, time.perf_counter())
