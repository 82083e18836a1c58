"""The live panel of ``fit(..., watch=True)`` in a notebook: the theatre's stage, redrawn while training runs.

``nn.theatre`` calls ``start``, ``maybe_redraw`` after every update and ``finish``. The panels'
layout is made once per run, away from training (``lay_out`` in a forked child process,
``viz.training.elsewhere``; where forking is unsafe, here before the first update): the graph described,
``dot`` run on it and on the network, their SVG read back and serialised, sent as plain data
(``StageLayout``). Training pays only for the moments: reading the model (the heatmap on the matrix
path, the network's colours, the example's graph: ~3 ms for notebook 5's MLP) and writing those
numbers into the templates. The first moment is shown as soon as the layout is in; later ones when
``nn.theatre.RedrawClock`` allows (at most every 0.3 s, and only as often as keeps the drawing near
10% of the training time); ``benchmarks/training_theatre.py`` measures the cost. Each drawing
replaces the same notebook output (a display handle).
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from nn.theatre import RedrawClock
from viz.dot_runner import DEFAULT_TIMEOUT, DotFailedError, DotNotFoundError, DotTimeoutError
from viz.training.elsewhere import Elsewhere, ElsewhereError
from viz.training.stage import StageLayout, TheatreStage, moment_text

if TYPE_CHECKING:
    from nn.theatre import Recording
    from nn.train import History

LIVE_RESOLUTION = 14  # heatmap points per side while training (each a forward pass per redraw)


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


# how long the live view waits at the end for its layout (two dot runs, each with dot's own timeout, and the reading)
LAYOUT_TIMEOUT = 2 * DEFAULT_TIMEOUT + 30.0


def lay_out(recording: Recording, total_iterations: int, iterations_per_epoch: int) -> StageLayout | str:
    """The live stage's network and graph laid out (``TheatreStage.laid_out``: the graph described, ``dot`` run),
    as plain data; or, when ``dot`` cannot draw them, the reason (a live panel says it and draws no more)."""
    try:
        stage = TheatreStage.laid_out(recording, total_iterations, iterations_per_epoch, resolution=2)
        return stage.layout()
    except (DotNotFoundError, DotTimeoutError, DotFailedError) as error:
        return str(error)


class LiveView:
    """One run's live panel; ``show`` receives each drawing's HTML (default: a notebook display handle).

    ``fork``: lay the panels out in a forked child process (``viz.training.elsewhere``; None: where that is safe),
    else here, at the start.
    """

    def __init__(self, recording: Recording, show: Callable[[str], None] | None = None,
                 fork: bool | None = None) -> None:
        self.recording = recording
        self._show = show
        self._fork = fork
        self.stage: TheatreStage | None = None
        self._layout: Elsewhere[StageLayout | str] | None = None
        self._stopped = False
        self.clock = RedrawClock()
        self.redraws = 0

    def start(self, history: History) -> None:
        """Start laying the panels out elsewhere (a child process; or here, now), before the first update."""
        if self._show is None:
            self._show = _notebook_display()
        started = time.perf_counter()
        recording, total, per_epoch = self.recording, self.recording.total_iterations, history.iterations_per_epoch
        self._layout = Elsewhere(lambda: lay_out(recording, total, per_epoch), fork=self._fork)
        self.clock.drew(started, time.perf_counter())

    def maybe_redraw(self, history: History, sync: Callable[[], None]) -> None:
        """Read the model and show it: as soon as the panels are laid out, then when the clock allows
        (``sync`` first: it puts the parameters in their Values, where training keeps them elsewhere)."""
        started = time.perf_counter()
        if self._stopped or self._layout is None:
            return
        if self._waiting():
            if not self._layout.done():
                return
        elif not self.clock.due():
            return
        heading, _ = moment_text(history, history.iterations, self.recording.total_iterations)
        sync()
        self._complete(history, f"training: {heading}")
        self.clock.drew(started, time.perf_counter())

    def finish(self, history: History, interrupted: bool) -> None:
        """The last drawing: the final model, or where Ctrl-C stopped it (waits for the layout if need be)."""
        heading, _ = moment_text(history, history.iterations, self.recording.total_iterations)
        status = (f"stopped by Ctrl-C {heading}: the model holds its last completed update" if interrupted
                  else f"done: {heading}")
        self._complete(history, status)

    def _waiting(self) -> bool:
        """Whether the panels still wait for their layout."""
        return self.stage is None

    def _stage(self, history: History) -> TheatreStage | None:
        """The stage, made from the layout when it is in (waits for it); None once the panel has stopped."""
        if self.stage is None and not self._stopped and self._layout is not None and self._show is not None:
            try:
                layout = self._layout.result(LAYOUT_TIMEOUT)
            except TimeoutError:
                layout = f"laying the panels out took more than {LAYOUT_TIMEOUT:g} s"
            except ElsewhereError as error:  # the child's traceback, shown where the panel would be
                layout = f"laying the panels out failed {error}"
            if isinstance(layout, str):  # watching must not stop training: say why there is no panel
                self._stopped = True
                self._show(f"<pre>{html.escape(f'the live panel stopped: {layout}')}</pre>")
                return None
            stage = TheatreStage.from_layout(self.recording, self.recording.total_iterations,
                                             history.iterations_per_epoch, layout, resolution=LIVE_RESOLUTION)
            stage.choose(self.recording.sample)
            self.stage = stage
        return self.stage

    def _complete(self, history: History, status: str) -> None:
        """Read the moment from the model (the heatmap, the network's colours, the example's graph) and show it."""
        stage = self._stage(history)
        if stage is None or self._show is None:
            return
        stage.apply(stage.state(history, history.iterations, stage.moment()))
        [texts] = stage.example_texts([self.recording.sample])
        stage.apply(stage.graph_state(texts))
        _, lines = moment_text(history, history.iterations, self.recording.total_iterations)
        self._show(stage.html(" · ".join([status, *lines])))
        self.redraws += 1
