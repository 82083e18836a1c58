"""The live panel of ``fit(..., watch=True)`` in a notebook: the theatre's stage, redrawn while training runs.

``nn.theatre`` calls ``start``, ``maybe_redraw`` after every update and ``finish``. Drawing costs
training time only where it reads the model (the heatmap's forward passes, the example's graph,
the drawings described); ``dot`` (the graph's layout once, the network's drawing each time) runs
in a background thread (``Rendering``) while training goes on, and the moment is shown when it
is done. Redraws are throttled by ``nn.theatre.RedrawClock`` (at most every 0.3 s, and only as
often as keeps the drawing, ``dot`` included, near 10% of the training time); ``benchmarks/training_theatre.py``
measures the cost. Each drawing replaces the same notebook output (a display handle).
"""

from __future__ import annotations

import html
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nn.theatre import RedrawClock
from viz.diagram import Diagram
from viz.dot_runner import DotFailedError, DotNotFoundError, DotTimeoutError
from viz.styles.style import State
from viz.training.stage import TheatreStage, moment_text

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


class Rendering:
    """``dot`` run on some diagrams in a background thread (the subprocess leaves the interpreter free to train).

    ``done()`` asks without waiting; ``svgs()`` waits and returns the SVG texts (None for a None diagram),
    or raises what ``dot`` raised (``viz.dot_runner``'s errors, timeouts included).
    """

    def __init__(self, diagrams: tuple[Diagram | None, ...]) -> None:
        self._diagrams = diagrams
        self._svgs: tuple[str | None, ...] = ()
        self._error: BaseException | None = None
        self.seconds = 0.0  # how long dot took
        self._thread = threading.Thread(target=self._run, name="gradtrace-dot", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        started = time.perf_counter()
        try:
            self._svgs = tuple(d.svg() if d is not None else None for d in self._diagrams)
        except BaseException as error:  # handed to the training thread, raised there by svgs()
            self._error = error
        self.seconds = time.perf_counter() - started

    def done(self) -> bool:
        return not self._thread.is_alive()

    def svgs(self) -> tuple[str | None, ...]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._svgs


@dataclass
class _Moment:
    """A moment read from the model, waiting for its network drawing (``dot`` in the background)."""

    iteration: int
    status: str
    shown: State
    texts: list[str]
    network: Rendering


class LiveView:
    """One run's live panel; ``show`` receives each drawing's HTML (default: a notebook display handle)."""

    def __init__(self, recording: Recording, show: Callable[[str], None] | None = None) -> None:
        self.recording = recording
        self._show = show
        self.stage: TheatreStage | None = None
        self._layout: Rendering | None = None
        self._pending: _Moment | None = None
        self.clock = RedrawClock()
        self.redraws = 0

    def start(self, history: History) -> None:
        """Describe the panels and read the model before its first update; ``dot`` lays them out meanwhile."""
        if self._show is None:
            self._show = _notebook_display()
        started = time.perf_counter()
        stage = TheatreStage(self.recording, self.recording.total_iterations, history.iterations_per_epoch,
                             resolution=LIVE_RESOLUTION)
        stage.choose(self.recording.sample)
        self.stage = stage
        self._layout = Rendering((stage.graph_plan.diagram, stage.network_diagram))
        self._read(history, "training: before the first update")
        self.clock.drew(started, time.perf_counter())

    def maybe_redraw(self, history: History, sync: Callable[[], None]) -> None:
        """Show the moment read last once its drawings are done; read a new one when the clock allows
        (``sync`` first: it puts the parameters in their Values, where training keeps them elsewhere)."""
        started = time.perf_counter()
        elsewhere = 0.0
        if self._pending is not None:
            if not (self._pending.network.done() and self._layout is not None and self._layout.done()):
                return
            first = self.stage is not None and self.stage.graph is None  # the layout's dot counts once
            elsewhere = self._pending.network.seconds + (self._layout.seconds if first else 0.0)
            self._complete(history)
        elif self.clock.due():
            heading, _ = moment_text(history, history.iterations, self.recording.total_iterations)
            sync()
            self._read(history, f"training: {heading}")
        else:
            return
        self.clock.drew(started, time.perf_counter(), elsewhere)

    def finish(self, history: History, interrupted: bool) -> None:
        """The last drawing: the final model, or where Ctrl-C stopped it (waits for ``dot``)."""
        heading, _ = moment_text(history, history.iterations, self.recording.total_iterations)
        status = (f"stopped by Ctrl-C {heading}: the model holds its last completed update" if interrupted
                  else f"done: {heading}")
        self._read(history, status)  # supersedes a moment still being drawn
        self._complete(history)

    def _read(self, history: History, status: str) -> None:
        """Read the moment from the model (main thread) and start its network drawing in the background."""
        stage = self.stage
        if stage is None:
            return
        shown, network = stage.moment()
        [texts] = stage.example_texts([self.recording.sample])
        self._pending = _Moment(history.iterations, status, shown, texts, Rendering((network,)))

    def _complete(self, history: History) -> None:
        """Apply the moment read last (its drawings done) and show it."""
        stage, moment, layout = self.stage, self._pending, self._layout
        if stage is None or moment is None or layout is None or self._show is None:
            return
        self._pending = None
        try:
            if stage.graph is None:
                graph_svg, network_layout = layout.svgs()
                assert graph_svg is not None  # the graph is always drawn
                stage.lay_out(graph_svg, network_layout)
            (network_svg,) = moment.network.svgs()
        except (DotNotFoundError, DotTimeoutError, DotFailedError) as error:
            # watching must not stop training: say why there is no panel, and draw no more
            self.stage = None
            self._show(f"<pre>{html.escape(f'the live panel stopped: {error}')}</pre>")
            return
        assert stage.graph is not None
        stage.apply(stage.state(history, moment.iteration, moment.shown, network_svg))
        stage.apply(stage.graph.state_of(moment.texts))
        _, lines = moment_text(history, moment.iteration, self.recording.total_iterations)
        self._show(stage.html(" · ".join([moment.status, *lines])))
        self.redraws += 1
