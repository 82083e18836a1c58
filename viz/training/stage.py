"""The theatre's stage: the four panels side by side in one fixed HTML layout, and the state of a moment.

The live view (``viz.training.live``) applies each moment's state to the panels and shows the
HTML; the replay (``viz.training.replay``) hands the HTML, the first moment's state and each
later moment's changes to the step-through player's page (``viz.player.page``). Both read the
moments from the model itself, holding the recorded (or current) parameters.
"""

from __future__ import annotations

import html
import math
import re
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nn.theatre import Snapshot, model_moment
from viz.diagram import Diagram
from viz.escaping import visible_text
from viz.styles.style import State
from viz.training.panels import (
    BoundaryPanel,
    CurvesPanel,
    GraphPanel,
    GraphPlan,
    GraphReader,
    GraphShape,
    NetworkPanel,
    Panel,
    PanelTemplate,
    TemplatePanel,
    choosable_examples,
    texts_state,
)

if TYPE_CHECKING:
    from nn.theatre import Recording
    from nn.train import History

_CSS = """
.gt-theatre { font-family: Helvetica, Arial, sans-serif; color: #262626; max-width: 100%; }
.gt-theatre .gt-row { display: flex; flex-wrap: wrap; gap: 10px; }
.gt-theatre figure { margin: 0 0 10px; flex: 1 1 320px; min-width: 0; }
.gt-theatre figcaption { font-size: 14px; font-weight: bold; margin: 0 0 4px; }
.gt-theatre svg { max-width: 100%; height: auto; display: block; }
.gt-theatre .gt-scroll { overflow-x: auto; }
.gt-theatre .gt-scroll svg { max-width: none; }
.gt-theatre .gt-choice { cursor: pointer; }
.gt-theatre .gt-chosen { stroke: #f2a900; stroke-width: 3px; }
.gt-theatre .gt-status { font-size: 14px; margin: 0 0 8px; font-variant-numeric: tabular-nums; }
"""


_CHOICE_LABEL = ' class="gt-choice-label"'  # the page writes the chosen example's caption there


@dataclass(frozen=True)
class StageLayout:
    """What ``dot``'s layout makes of a stage, as plain data: the network and graph panels as templates, the
    graph's slots (in ``GraphReader.texts`` order) and where its texts are (so another process can lay a
    stage out and send it: ``viz.training.live``)."""

    network: PanelTemplate
    graph: PanelTemplate
    graph_keys: tuple[tuple[str, str], ...]
    graph_shape: GraphShape


class TheatreStage:
    """The four panels of one run (see the module docstring).

    The constructor makes the curves and the boundary panels (cheap, and read at every moment); the
    network and the graph are laid out by ``dot``, once per stage: ``laid_out`` does it here (a
    replay), ``from_layout`` takes a ``StageLayout`` made elsewhere (the live view's child process).
    A moment changes numbers, colours and widths on that layout, never its shape.
    ``resolution``: the heatmap's grid (points per side); ``loss_top`` and ``weight_scale`` fix the
    loss axis and the network's full line width (a replay fixes both; live, they follow the run).
    """

    def __init__(self, recording: Recording, total_iterations: int, iterations_per_epoch: int, *,
                 resolution: int, loss_top: float | None = None, weight_scale: float | None = None) -> None:
        self.recording = recording
        self.weight_scale = weight_scale
        self.curves = CurvesPanel(total_iterations, iterations_per_epoch, loss_top)
        self.choosable = choosable_examples(len(recording.data.X), recording.sample)
        self.boundary = BoundaryPanel(recording, resolution, self.choosable)
        self.network: Panel | TemplatePanel | None = None
        self.graph: Panel | TemplatePanel | None = None
        self.graph_keys: tuple[tuple[str, str], ...] = ()
        self.reader: GraphReader | None = None

    @classmethod
    def laid_out(cls, recording: Recording, total_iterations: int, iterations_per_epoch: int, *,
                 resolution: int, loss_top: float | None = None, weight_scale: float | None = None,
                 moment: Snapshot | None = None) -> TheatreStage:
        """A stage laid out here: the graph and the network described, ``dot`` run on both (in parallel); with the
        model holding ``moment``'s parameters meanwhile, when given (``Recording.parameters_of``)."""
        stage = cls(recording, total_iterations, iterations_per_epoch, resolution=resolution, loss_top=loss_top,
                    weight_scale=weight_scale)
        with model_moment(recording.model) if moment is None else recording.parameters_of(moment):
            plan = GraphPlan(recording)
            graph_layout = Rendering((plan.diagram,))  # the longer of the two: dot starts on it at once
            network_diagram = NetworkPanel.diagram(recording.model, weight_scale)
        (network_svg,) = Rendering((network_diagram,)).svgs()
        (graph_svg,) = graph_layout.svgs()
        assert graph_svg is not None  # the graph is always drawn
        graph = GraphPanel(plan, graph_svg)
        stage.graph, stage.graph_keys, stage.reader = graph, tuple(graph.keys), plan.reader
        stage.network = NetworkPanel(recording.model, network_svg)
        return stage

    @classmethod
    def from_layout(cls, recording: Recording, total_iterations: int, iterations_per_epoch: int, layout: StageLayout,
                    *, resolution: int) -> TheatreStage:
        """A stage whose network and graph come from ``layout`` (made by ``layout()`` in another process)."""
        stage = cls(recording, total_iterations, iterations_per_epoch, resolution=resolution)
        stage.attach(layout)
        return stage

    def attach(self, layout: StageLayout) -> None:
        """Take the network and the graph from ``layout`` (made by ``layout()`` in another process)."""
        self.network, self.graph = TemplatePanel(layout.network), TemplatePanel(layout.graph)
        self.graph_keys, self.reader = layout.graph_keys, GraphReader(self.recording, layout.graph_shape)

    def layout(self) -> StageLayout:
        """The network and graph panels as plain data, with the moment the model holds now written in (every slot a
        moment sets is in the templates)."""
        assert isinstance(self.network, Panel) and isinstance(self.graph, Panel) and self.reader is not None
        self.apply(self.moment())
        [texts] = self.example_texts([self.recording.sample])
        self.apply(self.graph_state(texts))
        return StageLayout(self.network.template(), self.graph.template(), self.graph_keys, self.reader.shape)

    @property
    def panels(self) -> tuple[Panel | TemplatePanel, ...]:
        return tuple(p for p in (self.curves, self.boundary, self.network, self.graph) if p is not None)

    def moment(self) -> State:
        """What the model shows now, in a ``model_moment``: the heatmap and the network's colours and widths."""
        with model_moment(self.recording.model):
            return {**self.boundary.state(), **NetworkPanel.state(self.recording.model, self.weight_scale)}

    def state(self, history: History, iteration: int, shown: State) -> State:
        """A moment's state: the curves up to ``iteration``, and ``shown`` (from ``moment``)."""
        return {**self.curves.state(history, iteration), **shown}

    def example_texts(self, examples: list[int]) -> list[list[str]]:
        """The graph panel's texts for each of ``examples`` now (the model holds the moment's parameters)."""
        assert self.reader is not None  # laid out
        with model_moment(self.recording.model):
            return [self.reader.texts(k) for k in examples]

    def graph_state(self, texts: list[str]) -> State:
        """A state writing an example's ``texts`` (``example_texts``) into the graph panel."""
        return texts_state(list(self.graph_keys), texts)

    def apply(self, state: State) -> None:
        """Set ``state`` on the panels (the live view's way of drawing a moment)."""
        for panel in self.panels:
            panel.apply(state)

    def choose(self, k: int) -> None:
        """Mark training point ``k`` as the one whose graph is shown (the live view's only choice)."""
        index = str(self.choosable.index(k))
        for circle in self.boundary.root.iter("circle"):
            if circle.get("data-gt-choice") is not None:
                chosen = circle.get("data-gt-choice") == index
                circle.set("class", "gt-choice gt-chosen" if chosen else "gt-choice")
        self.boundary.changed()

    def html(self, status: str = "") -> str:
        """The stage as HTML: the curves and the boundary in a row, then the network and the graph."""
        if self.network is None or self.graph is None or self.reader is None:
            raise RuntimeError("TheatreStage.html: lay the graph and the network out first")

        def figure(panel: Panel | TemplatePanel, caption: str, extra: str = "", scroll: bool = False) -> str:
            inside = f'<div class="gt-scroll">{panel.svg()}</div>' if scroll else panel.svg()
            return f"<figure><figcaption{extra}>{html.escape(caption)}</figcaption>{inside}</figure>"

        status_line = f'<div class="gt-status">{html.escape(visible_text(status))}</div>' if status else ""
        return (
            f'<div class="gt-theatre"><style>{_CSS}</style>{status_line}'
            f'<div class="gt-row">{figure(self.curves, self.curves.title)}'
            f"{figure(self.boundary, self.boundary.title)}</div>"
            f"{figure(self.network, self.network.title)}"
            f"{figure(self.graph, self.reader.caption(self.recording.sample), _CHOICE_LABEL, scroll=True)}"
            "</div>"
        )


def largest_parameter(recording: Recording) -> float | None:
    """The largest |parameter| in any snapshot (the network's full line width in a replay), None if all are 0."""
    largest = max((abs(v) for s in recording.snapshots for v in s.parameters if math.isfinite(v)), default=0.0)
    return largest if largest > 0.0 else None


def moment_text(history: History, iteration: int, total: int) -> tuple[str, list[str]]:
    """A moment's one-line summary and its two lines of figures: the last batch's, the last epoch's means so far
    (always two lines, so a page's layout does not move from frame to frame).

    >>> from nn.train import History
    >>> moment_text(History(examples=4, batch_size=2, iterations_per_epoch=2), 0, 6)
    ('before training (0 of 6 updates)', ['no batch trained yet', 'no epoch finished yet'])
    """
    per_epoch = max(1, history.iterations_per_epoch)
    heading = (f"before training (0 of {total} updates)" if iteration == 0 else
               f"after {iteration} of {total} updates (epoch {iteration / per_epoch:.1f})")
    batch = "no batch trained yet"
    if 0 < iteration <= len(history.batch_loss):
        batch = f"batch {iteration}: loss {history.batch_loss[iteration - 1]:.4f}"
        if len(history.batch_accuracy) >= iteration:
            batch += f", accuracy {100 * history.batch_accuracy[iteration - 1]:.1f}%"
    epochs = min(len(history.epochs), iteration // per_epoch)
    epoch = "no epoch finished yet"
    if epochs:
        summary = re.sub(r"^epoch\s+\d+\s+", "", history.describe_epoch(epochs - 1))  # the epoch is named here
        epoch = f"after epoch {epochs}: {summary}"
    return heading, [batch, epoch]


class Rendering:
    """``dot`` run on some diagrams in background threads, one each (the subprocesses run side by side, on the
    machine's other cores, while this interpreter goes on).

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
        """How long ``dot`` took, summed over the diagrams."""
        return sum(self._seconds)

    def _run(self, k: int, diagram: Diagram) -> None:
        started = time.perf_counter()
        try:
            self._svgs[k] = diagram.svg()
        except BaseException as error:  # handed to the caller of svgs()
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
