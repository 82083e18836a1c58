"""The live panel of ``fit(..., watch=True)`` in a notebook: the theatre's stage, redrawn while training runs.

``nn.theatre`` calls ``start``, ``maybe_redraw`` after every update and ``finish``. The panels'
layout is made once per run, away from training (``lay_out`` in a forked child process,
``viz.training.elsewhere``; where forking is unsafe, here before the first update): the graph described,
``dot`` run on it and on the network, their SVG read back and serialised, sent as plain data
(``StageLayout``). Training pays only for the moments: reading the model (the heatmap on the matrix
path, the network's colours, the example's graph: ~3 ms for notebook 5's MLP) and writing those
numbers into the templates. A forked run starts its layout only once it has lasted ``LAYOUT_AFTER``
(0.1 s) and the updates left, at its pace so far, take ``LAYOUT_WORTH`` (0.3 s) or more: long enough
to show a frame before the end. The first moment is shown as soon as the layout is in; later ones when
``nn.theatre.RedrawClock`` allows (at most every 0.3 s, and only as often as keeps the drawing near
10% of the training time); ``benchmarks/training_theatre.py`` measures the cost. Each drawing
replaces the same notebook output (a display handle). Training never waits for the layout: a
redraw before it is in is skipped, and when training ends first, ``finish`` reads the final moment
from the model at once (the heatmap, the network's colours, the curves, and the example's graph as
plain numbers: ``GraphReading``), shows "drawing the final state…" and returns; a daemon thread
waits for the layout (``LAYOUT_TIMEOUT``, the child killed past it) and writes those numbers into it,
through the same display handle, in the notebook context of the cell that ran ``fit``. A run too short
to have started its layout (the README's 180 updates, 0.05–0.08 s) pays less still: ``finish`` forks
one child, which holds the model, the history and the data as training left them, reads the final
moment, lays the panels out and draws the page; the thread shows it. Either way the final frame is
the same page a synchronous drawing gives, about 0.1 s after ``fit`` returns (the layout's process
runs nicer than training, ``LAYOUT_NICENESS``). A notebook run unattended
(a frontend that allows no ``input()``: ``jupyter nbconvert --execute``, nbclient, papermill) waits
for that frame at the end of the cell, so the saved notebook holds it.
"""

from __future__ import annotations

import _thread
import contextvars
import html
import threading
import time
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from nn.parameter_home import read_numbers
from nn.theatre import RedrawClock, Snapshot, model_moment
from viz.dot_runner import DEFAULT_TIMEOUT, DotFailedError, DotNotFoundError, DotTimeoutError
from viz.styles.style import State
from viz.training import elsewhere
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


class FinalFrame:
    """A final frame drawn by its own daemon thread (``draw``, run in the context of the cell that ran ``fit``: a
    notebook's outputs from it go to that cell); ``join`` and ``is_alive`` as a thread's.

    ``start`` does not wait for the thread to run (``_thread.start_new_thread``; ``threading.Thread.start`` waits,
    ~3 ms of the training thread's wall-clock while the layout's child takes a core).

    >>> frame = FinalFrame(lambda: None); frame.start(); frame.join(5); frame.is_alive()
    False
    """

    def __init__(self, draw: Callable[[], None]) -> None:
        self._draw = draw
        self._context = contextvars.copy_context()
        self._done = threading.Event()

    def start(self) -> None:
        with _FINAL_LOCK:
            _FINAL_FRAMES.add(self)
        _thread.start_new_thread(self._context.run, (self._run,))

    def _run(self) -> None:
        try:
            self._draw()
        finally:
            with _FINAL_LOCK:
                _FINAL_FRAMES.discard(self)
            self._done.set()

    def join(self, timeout: float | None = None) -> None:
        """Wait until the frame is drawn (or ``timeout`` seconds)."""
        self._done.wait(timeout)

    def is_alive(self) -> bool:
        """Whether the frame is still being drawn."""
        return not self._done.is_set()


_FINAL_FRAMES: set[FinalFrame] = set()  # the final frames still drawing
_FINAL_LOCK = threading.Lock()


def wait_for_final_frames(timeout: float | None = None) -> bool:
    """Wait until every live panel's final frame is shown (each thread waits at most ``LAYOUT_TIMEOUT``
    for its layout); whether none is still pending. A script that must see the finished panels calls it.

    >>> wait_for_final_frames(timeout=1)
    True
    """
    with _FINAL_LOCK:
        frames = list(_FINAL_FRAMES)
    deadline = None if timeout is None else time.perf_counter() + timeout
    for frame in frames:
        frame.join(None if deadline is None else max(0.0, deadline - time.perf_counter()))
    return not any(frame.is_alive() for frame in frames)


# how much nicer than training the layout's process runs: on a busy machine it takes the cores training leaves
# (fit never waits for it; benchmarks/training_theatre.py measured the watched run's wall-clock with and without)
LAYOUT_NICENESS = 10

# how long the live view waits at the end for its layout (two dot runs, each with dot's own timeout, and the reading)
LAYOUT_TIMEOUT = 2 * DEFAULT_TIMEOUT + 30.0

# A forked run starts its layout only once training has run LAYOUT_AFTER seconds and the updates left, at the pace so
# far, take LAYOUT_WORTH seconds or more: time for the layout (~0.1 s in its child) and a frame before the end. A
# shorter run forks once, at its end, a child that lays out and draws the final frame: training pays neither the fork
# nor the copy-on-write faults after it, nor the reading of the final state (benchmarks/training_theatre.py).
LAYOUT_AFTER = 0.1
LAYOUT_WORTH = 0.3


def lay_out(recording: Recording, total_iterations: int, iterations_per_epoch: int,
            start: Snapshot) -> StageLayout | str:
    """The live stage's network and graph laid out (``TheatreStage.laid_out``: the graph described, ``dot`` run),
    as plain data; or, when ``dot`` cannot draw them, the reason (a live panel says it and draws no more).

    Laid out with the parameters the run started from (``start``), whenever the layout runs: the boxes are as wide
    as those numbers make them, so the page does not depend on when a child happened to be forked."""
    try:
        stage = TheatreStage.laid_out(recording, total_iterations, iterations_per_epoch, resolution=2, moment=start)
        return stage.layout()
    except (DotNotFoundError, DotTimeoutError, DotFailedError) as error:
        return str(error)


class LiveView:
    """One run's live panel; ``show`` receives each drawing's HTML (default: a notebook display handle).

    ``fork``: lay the panels out in a forked child process (``viz.training.elsewhere``; None: where that is safe),
    during training once the run proves long enough, else at its end; without it, here, at the start. ``final``:
    the thread drawing the final frame when training ended before the layout was in (None otherwise);
    ``wait(timeout)`` waits for it.
    """

    def __init__(self, recording: Recording, show: Callable[[str], None] | None = None,
                 fork: bool | None = None) -> None:
        self.recording = recording
        self._show = show
        self._fork = fork
        self.stage: TheatreStage | None = None
        self._layout: Elsewhere[Any] | None = None  # the layout, or the final page (_finish_elsewhere)
        self._stopped = False
        self._unattended: Any = None
        self._started = 0.0
        self.clock = RedrawClock()
        self.redraws = 0
        self.final: FinalFrame | None = None
        self._short = False  # the run proved too short to show a frame before it ends
        self._start = Snapshot(0, ())  # the parameters before the first update: what the layout is made with

    def start(self, history: History) -> None:
        """Before the first update: where forking is unsafe, lay the panels out here and now; else only note the time
        (the layout starts in a child once the run proves long enough to show a frame: ``maybe_redraw``)."""
        if self._show is None:
            self._show = _notebook_display()
            self._unattended = _unattended_shell()
        started = self._started = time.perf_counter()
        self._start = Snapshot(0, tuple(read_numbers(self.recording.model.parameters())[0].tolist()))
        if not self._forking():
            self._lay_out_elsewhere(history)  # here, at once: the first update finds the layout in
        self.clock.drew(started, time.perf_counter())

    def _forking(self) -> bool:
        return elsewhere.can_fork() if self._fork is None else self._fork  # read there: tests patch it

    def _lay_out_elsewhere(self, history: History) -> None:
        recording, total, per_epoch = self.recording, self.recording.total_iterations, history.iterations_per_epoch
        start = self._start
        self._layout = Elsewhere(lambda: lay_out(recording, total, per_epoch, start), fork=self._fork,
                                 nice=LAYOUT_NICENESS)

    def _layout_due(self, history: History) -> bool:
        """Whether to start laying the panels out now: once training has run ``LAYOUT_AFTER`` seconds, if the updates
        left, at the pace so far, take ``LAYOUT_WORTH`` seconds or more (a frame can be shown before the end).
        A run found shorter is never checked again: its final frame is laid out and drawn after it (``finish``)."""
        elapsed = time.perf_counter() - self._started
        if elapsed < LAYOUT_AFTER:
            return False
        done, total = history.iterations, self.recording.total_iterations
        if elapsed * (total - done) < LAYOUT_WORTH * max(done, 1):
            self._short = True
            return False
        return True

    def maybe_redraw(self, history: History) -> None:
        """Read the model and show it: as soon as the panels are laid out, then when the clock allows."""
        if self._stopped or self._short:
            return
        if self._layout is None:
            if self._layout_due(history):
                self._lay_out_elsewhere(history)
            return
        if self._waiting():
            if not self._layout.done():  # never wait for the layout while training
                return
        elif not self.clock.due():
            return
        started = time.perf_counter()
        heading, _ = moment_text(history, history.iterations, self.recording.total_iterations)
        self._complete(history, f"training: {heading}")
        self.clock.drew(started, time.perf_counter())

    def finish(self, history: History, interrupted: bool) -> None:
        """The last drawing: the final model, or where Ctrl-C stopped it; drawn at once if the layout is in, else
        read now and drawn by a thread when the layout arrives; for a run too short to have started its layout, read,
        laid out and drawn in a child forked now (see the module docstring)."""
        heading, _ = moment_text(history, history.iterations, self.recording.total_iterations)
        status = (f"stopped by Ctrl-C {heading}: the model holds its last completed update" if interrupted
                  else f"done: {heading}")
        if self._stopped:
            return
        if self._layout is None:
            self._finish_elsewhere(history, status)
        elif self._waiting() and not self._layout.done():
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
        layout: StageLayout | None = self._awaited()
        return layout

    def _awaited(self) -> Any:
        """What the layout's child sent (waits for it, up to ``LAYOUT_TIMEOUT``); None, the panel stopped, when it
        sent a reason instead (a string) or nothing."""
        assert self._layout is not None and self._show is not None
        try:
            outcome: Any = self._layout.result(LAYOUT_TIMEOUT)
        except TimeoutError:
            outcome = f"laying the panels out took more than {LAYOUT_TIMEOUT:g} s"
        except ElsewhereError as error:  # the child's traceback, shown where the panel would be
            outcome = f"laying the panels out failed {error}"
        if isinstance(outcome, str):  # watching must not stop training: say why there is no panel
            self._stop(outcome)
            return None
        return outcome

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

    def _read_final(self, history: History) -> tuple[TheatreStage, State, GraphReading]:
        """The final moment read from the model as numbers (the curves, the heatmap, the network's colours, the
        example's graph): nothing in them changes when later cells train the model."""
        stage = TheatreStage(self.recording, self.recording.total_iterations, history.iterations_per_epoch,
                             resolution=LIVE_RESOLUTION)
        stage.choose(self.recording.sample)
        state = stage.state(history, history.iterations, stage.moment())
        with model_moment(self.recording.model):
            reading = GraphReading.read(self.recording, self.recording.sample)
        return stage, state, reading

    @staticmethod
    def _final_page(stage: TheatreStage, state: State, reading: GraphReading, layout: StageLayout,
                    status: str) -> str:
        """The final moment's numbers written into the layout: the page a synchronous drawing shows."""
        stage.attach(layout)
        stage.apply(state)
        assert stage.reader is not None  # attached
        stage.apply(stage.graph_state(stage.reader.written(reading.sample, reading.nodes, reading.inputs)))
        return stage.html(status)

    def _waiting_page(self, history: History, status: str) -> str:
        """The final frame's status line, and what the panel says until that frame is shown."""
        _, lines = moment_text(history, history.iterations, self.recording.total_iterations)
        took = time.perf_counter() - self._started
        assert self._show is not None
        waiting = f"{status} · training took {took:.2f} s; drawing the final state…"
        self._show(f'<div class="gt-status">{html.escape(waiting)}</div>')
        return " · ".join([status, *lines])

    def _finish_later(self, history: History, status: str) -> None:
        """Read the final moment now (``_read_final``) and draw it once the layout is in."""
        stage, state, reading = self._read_final(history)
        page_status = self._waiting_page(history, status)
        self._draw_in_thread(lambda: self._draw_final_frame(stage, state, reading, page_status))

    def _finish_elsewhere(self, history: History, status: str) -> None:
        """A run too short to have started its layout: a child forked now (holding the model, the history and the
        data as training left them) reads the final moment, lays the panels out and draws the page; a thread shows it.
        Training pays for the fork only."""
        page_status = self._waiting_page(history, status)
        recording, total, per_epoch = self.recording, self.recording.total_iterations, history.iterations_per_epoch
        start = self._start

        def final_page() -> tuple[str, str]:  # in the child: ("page", html) or ("stopped", why)
            stage, state, reading = self._read_final(history)
            layout = lay_out(recording, total, per_epoch, start)
            if isinstance(layout, str):
                return "stopped", layout
            try:
                return "page", self._final_page(stage, state, reading, layout, page_status)
            except Exception:  # a bug: said where the panel would be
                return "stopped", f"drawing the final state failed:\n{traceback.format_exc()}"

        # read by the final frame's thread (read_later): training does not start a reader too
        self._layout = Elsewhere(final_page, fork=self._fork, nice=LAYOUT_NICENESS, read_later=True)
        self._draw_in_thread(self._show_final_page)

    def _show_final_page(self) -> None:
        """In the final frame's thread: wait for the child's page and show it (or why there is none)."""
        outcome = self._awaited()
        if outcome is None:
            return
        kind, text = outcome
        if kind == "stopped":
            self._stop(text)
            return
        assert self._show is not None
        self._show(text)
        self.redraws += 1

    def _draw_in_thread(self, draw: Callable[[], None]) -> None:
        """Run ``draw`` in the final frame's daemon thread, in this cell's context: a notebook's outputs from it go to
        the cell that ran fit. An unattended run waits for it at the end of the cell."""
        self.final = FinalFrame(draw)
        self.final.start()
        if self._unattended is not None:
            self._wait_at_cell_end(self._unattended)

    def _draw_final_frame(self, stage: TheatreStage, state: State, reading: GraphReading, status: str) -> None:
        """In the final frame's thread: wait for the layout, write the final moment's numbers into it, show it."""
        assert self._show is not None
        try:
            layout = self._laid_out()
            if layout is None:
                return
            self._show(self._final_page(stage, state, reading, layout, status))
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
