"""The live panel of ``fit(..., watch=True)`` in a notebook: the theatre's stage, redrawn while training runs.

``nn.theatre`` calls ``start``, ``maybe_redraw`` after every update and ``finish``. Drawing costs
training time only where it reads the model (the heatmap on the matrix path, the network's colours,
the example's graph) and writes the panels' numbers into their laid-out SVG; ``dot`` runs once per
run, laying out the graph and the network in background threads (``Rendering``) while training
goes on; the first moment is read and shown when it is done. Redraws are throttled by
``nn.theatre.RedrawClock`` (at most every 0.3 s, and only as often as keeps the drawing, ``dot``
included, near 10% of the training time); ``benchmarks/training_theatre.py`` measures the cost.
Each drawing replaces the same notebook output (a display handle).
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
    """``dot`` run on some diagrams in background threads, one each (the subprocesses leave the interpreter free
    to train, and use the machine's other cores).

    ``done()`` asks without waiting; ``svgs()`` waits and returns the SVG texts (None for a None diagram),
    or raises what ``dot`` raised (``viz.dot_runner``'s errors, timeouts included).
    """

    def __init__(self, diagrams: tuple[Diagram | None, ...]) -> None:
        self._svgs: list[str | None] = [None] * len(diagrams)
        self._errors: list[BaseException] = []
        self._seconds = [0.0] * len(diagrams)
        self._threads = [threading.Thread(target=self._run, args=(k, d), name="gradtrace-dot", daemon=True)
                         for k, d in enumerate(diagrams) if d is not None]
        for thread in self._threads:
            thread.start()

    @property
    def seconds(self) -> float:
        """How long ``dot`` took, summed over the diagrams (time the machine spent beside training)."""
        return sum(self._seconds)

    def _run(self, k: int, diagram: Diagram) -> None:
        started = time.perf_counter()
        try:
            self._svgs[k] = diagram.svg()
        except BaseException as error:  # handed to the training thread, raised there by svgs()
            self._errors.append(error)
        self._seconds[k] = time.perf_counter() - started

    def done(self) -> bool:
        return not any(thread.is_alive() for thread in self._threads)

    def svgs(self) -> tuple[str | None, ...]:
        for thread in self._threads:
            thread.join()
        if self._errors:
            raise self._errors[0]
        return tuple(self._svgs)


@dataclass
class _Moment:
    """A moment read from the model: what the panels show at ``iteration``."""

    iteration: int
    status: str
    shown: State
    texts: list[str]


class LiveView:
    """One run's live panel; ``show`` receives each drawing's HTML (default: a notebook display handle)."""

    def __init__(self, recording: Recording, show: Callable[[str], None] | None = None) -> None:
        self.recording = recording
        self._show = show
        self.stage: TheatreStage | None = None
        self._layout: Rendering | None = None
        self.clock = RedrawClock()
        self.redraws = 0

    def start(self, history: History) -> None:
        """Describe the panels before the first update; ``dot`` lays them out in the background meanwhile."""
        if self._show is None:
            self._show = _notebook_display()
        started = time.perf_counter()
        stage = TheatreStage(self.recording, self.recording.total_iterations, history.iterations_per_epoch,
                             resolution=LIVE_RESOLUTION)
        stage.choose(self.recording.sample)
        self.stage = stage
        self._layout = Rendering((stage.graph_plan.diagram, stage.network_diagram))
        self.clock.drew(started, time.perf_counter())

    def maybe_redraw(self, history: History, sync: Callable[[], None]) -> None:
        """Read the model and show it: as soon as ``dot`` has laid the panels out, then when the clock allows
        (``sync`` first: it puts the parameters in their Values, where training keeps them elsewhere)."""
        started = time.perf_counter()
        layout = self._layout
        if layout is None or self.stage is None:
            return
        elsewhere = 0.0
        if self._waiting():
            if not layout.done():
                return
            elsewhere = layout.seconds  # dot ran beside training (on a busy machine it takes training's time too)
        elif not self.clock.due():
            return
        heading, _ = moment_text(history, history.iterations, self.recording.total_iterations)
        sync()
        self._complete(history, self._read(history, f"training: {heading}"))
        self.clock.drew(started, time.perf_counter(), elsewhere)

    def finish(self, history: History, interrupted: bool) -> None:
        """The last drawing: the final model, or where Ctrl-C stopped it (waits for ``dot``'s layout if need be)."""
        heading, _ = moment_text(history, history.iterations, self.recording.total_iterations)
        status = (f"stopped by Ctrl-C {heading}: the model holds its last completed update" if interrupted
                  else f"done: {heading}")
        self._complete(history, self._read(history, status))

    def _waiting(self) -> bool:
        """Whether the panels still wait for their layout (``dot``'s SVG not read yet)."""
        return self.stage is not None and self.stage.graph is None

    def _read(self, history: History, status: str) -> _Moment | None:
        """Read the moment from the model (the heatmap, the network's colours, the example's graph)."""
        stage = self.stage
        if stage is None:
            return None
        shown = stage.moment()
        [texts] = stage.example_texts([self.recording.sample])
        return _Moment(history.iterations, status, shown, texts)

    def _complete(self, history: History, moment: _Moment | None) -> None:
        """Lay the panels out (once: dot's SVG), apply ``moment`` and show it."""
        stage, layout = self.stage, self._layout
        if stage is None or moment is None or layout is None or self._show is None:
            return
        if stage.graph is None:
            try:
                graph_svg, network_svg = layout.svgs()
            except (DotNotFoundError, DotTimeoutError, DotFailedError) as error:
                # watching must not stop training: say why there is no panel, and draw no more
                self.stage = None
                self._show(f"<pre>{html.escape(f'the live panel stopped: {error}')}</pre>")
                return
            assert graph_svg is not None  # the graph is always drawn
            stage.lay_out(graph_svg, network_svg)
        assert stage.graph is not None
        stage.apply(stage.state(history, moment.iteration, moment.shown))
        stage.apply(stage.graph.state_of(moment.texts))
        _, lines = moment_text(history, moment.iteration, self.recording.total_iterations)
        self._show(stage.html(" · ".join([moment.status, *lines])))
        self.redraws += 1
