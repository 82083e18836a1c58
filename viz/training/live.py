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
replaces the same notebook output (a display handle). Training never waits for the layout: a
redraw before it is in is skipped, and when training ends first, ``finish`` reads the final moment
from the model at once (the heatmap, the network's colours, the curves, and the example's graph as
plain numbers: ``GraphReading``), shows "drawing the final state…" and returns; a daemon thread
waits for the layout (``LAYOUT_TIMEOUT``, the child killed past it) and writes those numbers into it,
through the same display handle, in the notebook context of the cell that ran ``fit``: the same
page a synchronous drawing gives, about 0.1 s after ``fit`` returns (the layout's process runs
nicer than training, ``LAYOUT_NICENESS``). A notebook run unattended
(a frontend that allows no ``input()``: ``jupyter nbconvert --execute``, nbclient, papermill) waits
for that frame at the end of the cell, so the saved notebook holds it.
"""

from __future__ import annotations

import contextvars
import html
import threading
import time
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from nn.theatre import RedrawClock, model_moment
from viz.dot_runner import DEFAULT_TIMEOUT, DotFailedError, DotNotFoundError, DotTimeoutError
from viz.styles.style import State
from viz.training.elsewhere import Elsewhere, ElsewhereError
from viz.training.panels import GraphReading
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


def _unattended_shell() -> Any:
    """The IPython shell when a frontend runs this notebook unattended (its requests allow no ``input()``:
    nbclient, ``jupyter nbconvert --execute``, papermill), else None: such a run saves only what a cell
    showed before it ended."""
    from IPython import get_ipython

    shell = get_ipython()
    kernel = getattr(shell, "kernel", None)
    return shell if kernel is not None and not getattr(kernel, "_allow_stdin", True) else None


_FINAL_FRAMES: set[threading.Thread] = set()  # the final frames' threads still drawing
_FINAL_LOCK = threading.Lock()


def wait_for_final_frames(timeout: float | None = None) -> bool:
    """Wait until every live panel's final frame is shown (each thread waits at most ``LAYOUT_TIMEOUT``
    for its layout); whether none is still pending. A script that must see the finished panels calls it.

    >>> wait_for_final_frames(timeout=1)
    True
    """
    with _FINAL_LOCK:
        threads = list(_FINAL_FRAMES)
    deadline = None if timeout is None else time.perf_counter() + timeout
    for thread in threads:
        thread.join(None if deadline is None else max(0.0, deadline - time.perf_counter()))
    return not any(thread.is_alive() for thread in threads)


# how much nicer than training the layout's process runs: on a busy machine it takes the cores training leaves
# (fit never waits for it; benchmarks/training_theatre.py measured the watched run's wall-clock with and without)
LAYOUT_NICENESS = 10

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
    else here, at the start. ``final``: the thread drawing the final frame when training ended before the layout
    was in (None otherwise); ``wait(timeout)`` waits for it.
    """

    def __init__(self, recording: Recording, show: Callable[[str], None] | None = None,
                 fork: bool | None = None) -> None:
        self.recording = recording
        self._show = show
        self._fork = fork
        self.stage: TheatreStage | None = None
        self._layout: Elsewhere[StageLayout | str] | None = None
        self._stopped = False
        self._unattended: Any = None
        self._started = 0.0
        self.clock = RedrawClock()
        self.redraws = 0
        self.final: threading.Thread | None = None

    def start(self, history: History) -> None:
        """Start laying the panels out elsewhere (a child process; or here, now), before the first update."""
        if self._show is None:
            self._show = _notebook_display()
            self._unattended = _unattended_shell()
        started = self._started = time.perf_counter()
        recording, total, per_epoch = self.recording, self.recording.total_iterations, history.iterations_per_epoch
        self._layout = Elsewhere(lambda: lay_out(recording, total, per_epoch), fork=self._fork,
                                 nice=LAYOUT_NICENESS)
        self.clock.drew(started, time.perf_counter())

    def maybe_redraw(self, history: History, sync: Callable[[], None]) -> None:
        """Read the model and show it: as soon as the panels are laid out, then when the clock allows
        (``sync`` first: it puts the parameters in their Values, where training keeps them elsewhere)."""
        if self._stopped or self._layout is None:
            return
        if self._waiting():
            if not self._layout.done():  # never wait for the layout while training
                return
        elif not self.clock.due():
            return
        started = time.perf_counter()
        heading, _ = moment_text(history, history.iterations, self.recording.total_iterations)
        sync()
        self._complete(history, f"training: {heading}")
        self.clock.drew(started, time.perf_counter())

    def finish(self, history: History, interrupted: bool) -> None:
        """The last drawing: the final model, or where Ctrl-C stopped it; drawn at once if the layout is in, else
        read now and drawn by a thread when the layout arrives (see the module docstring)."""
        heading, _ = moment_text(history, history.iterations, self.recording.total_iterations)
        status = (f"stopped by Ctrl-C {heading}: the model holds its last completed update" if interrupted
                  else f"done: {heading}")
        if self._waiting() and not self._stopped and self._layout is not None and not self._layout.done():
            self._finish_later(history, status)
        else:
            self._complete(history, status)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the final frame (if a thread draws it); whether it is shown (or the panel stopped)."""
        if self.final is not None:
            self.final.join(timeout)
            return not self.final.is_alive()
        return True

    def _waiting(self) -> bool:
        """Whether the panels still wait for their layout."""
        return self.stage is None

    def _laid_out(self) -> StageLayout | None:
        """The layout (waits for it, up to ``LAYOUT_TIMEOUT``); None, the panel stopped, when there is none."""
        assert self._layout is not None and self._show is not None
        try:
            layout = self._layout.result(LAYOUT_TIMEOUT)
        except TimeoutError:
            layout = f"laying the panels out took more than {LAYOUT_TIMEOUT:g} s"
        except ElsewhereError as error:  # the child's traceback, shown where the panel would be
            layout = f"laying the panels out failed {error}"
        if isinstance(layout, str):  # watching must not stop training: say why there is no panel
            self._stop(layout)
            return None
        return layout

    def _stop(self, reason: str) -> None:
        assert self._show is not None
        self._stopped = True
        self._show(f"<pre>{html.escape(f'the live panel stopped: {reason}')}</pre>")

    def _stage(self, history: History) -> TheatreStage | None:
        """The stage, made from the layout when it is in (waits for it); None once the panel has stopped."""
        if self.stage is None and not self._stopped and self._layout is not None and self._show is not None:
            layout = self._laid_out()
            if layout is None:
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
        self._draw(stage, history, status)

    def _draw(self, stage: TheatreStage, history: History, status: str) -> None:
        assert self._show is not None
        _, lines = moment_text(history, history.iterations, self.recording.total_iterations)
        self._show(stage.html(" · ".join([status, *lines])))
        self.redraws += 1

    def _finish_later(self, history: History, status: str) -> None:
        """Read the final moment now (the curves, the heatmap, the network's colours, the example's graph as numbers:
        nothing the thread reads changes when later cells train the model) and draw it once the layout is in."""
        assert self._show is not None
        stage = TheatreStage(self.recording, self.recording.total_iterations, history.iterations_per_epoch,
                             resolution=LIVE_RESOLUTION)
        stage.choose(self.recording.sample)
        state = stage.state(history, history.iterations, stage.moment())
        with model_moment(self.recording.model):
            reading = GraphReading.read(self.recording, self.recording.sample)
        _, lines = moment_text(history, history.iterations, self.recording.total_iterations)
        page_status = " · ".join([status, *lines])
        took = time.perf_counter() - self._started
        waiting = f"{status} · training took {took:.2f} s; drawing the final state…"
        self._show(f'<div class="gt-status">{html.escape(waiting)}</div>')
        # the thread runs in this cell's context: a notebook's outputs from it go to the cell that ran fit
        context = contextvars.copy_context()
        self.final = threading.Thread(target=context.run, args=(self._draw_final, stage, state, reading, page_status),
                                      name="gradtrace-final-frame", daemon=True)
        with _FINAL_LOCK:
            _FINAL_FRAMES.add(self.final)
        self.final.start()
        if self._unattended is not None:
            self._wait_at_cell_end(self._unattended)

    def _draw_final(self, stage: TheatreStage, state: State, reading: GraphReading, status: str) -> None:
        """In the final frame's thread: wait for the layout, write the final moment's numbers into it, show it."""
        try:
            self._draw_final_frame(stage, state, reading, status)
        finally:
            with _FINAL_LOCK:
                _FINAL_FRAMES.discard(threading.current_thread())

    def _draw_final_frame(self, stage: TheatreStage, state: State, reading: GraphReading, status: str) -> None:
        assert self._show is not None
        try:
            layout = self._laid_out()
            if layout is None:
                return
            stage.attach(layout)
            stage.apply(state)
            assert stage.reader is not None  # attached
            stage.apply(stage.graph_state(stage.reader.written(reading.sample, reading.nodes, reading.inputs)))
            self._show(stage.html(status))
            self.redraws += 1
            self.stage = stage
        except Exception:  # a bug: said where the panel would be, never lost in a thread
            self._stop(f"drawing the final state failed:\n{traceback.format_exc()}")

    def _wait_at_cell_end(self, shell: Any) -> None:
        """Wait for the final frame when the cell that ran ``fit`` ends (IPython's ``post_run_cell``), once."""

        def wait(*_: object) -> None:
            shell.events.unregister("post_run_cell", wait)
            self.wait(LAYOUT_TIMEOUT + 5.0)

        shell.events.register("post_run_cell", wait)
