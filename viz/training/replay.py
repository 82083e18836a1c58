"""``training_replay(history)``: a recorded run (``fit(..., record=True)``) as a step-through page.

One frame per snapshot, on the step-through player's page (``viz.player.page``: a fixed layout,
the first frame's state and each later frame's changes, the slider, play/pause, previous/next
and the arrow keys). The examples are the page's second axis (``viz.player.page.Choices``):
clicking a training point in the boundary panel shows that example's graph, at every frame (every
training example up to 150, else 150 evenly spaced ones: ``viz.training.panels.choosable_examples``).

Every figure is computed by the model holding the snapshot's parameters (its forward pass for
the heatmap, its loss and ``backward()`` for an example's graph): the engine's own numbers.

>>> from nn import MLP, SGD, Dataset, binary_hinge, fit, make_moons
>>> moons = make_moons(30, noise=0.1, seed=0)
>>> data = Dataset(moons.X, 2 * moons.y - 1)
>>> model = MLP(2, [4, 1], seed=0)
>>> history = fit(model, binary_hinge, SGD(model.parameters(), lr=0.1), data, epochs=3, batch_size=10,
...               quiet=True, record=4)
>>> replay = training_replay(history, resolution=8)
>>> len(replay), [s.iteration for s in history.recording.snapshots]
(4, [0, 3, 6, 9])
"""

from __future__ import annotations

import html
import itertools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from viz.dot_runner import DotFailedError, DotNotFoundError, DotTimeoutError
from viz.player.page import Choices, player_document, player_fragment
from viz.styles.style import State
from viz.training.panels import loss_top
from viz.training.stage import TheatreStage, largest_parameter, moment_text

if TYPE_CHECKING:
    from nn.theatre import Recording
    from nn.train import History

DEFAULT_RESOLUTION = 24  # heatmap points per side in a replay


@dataclass(frozen=True)
class _Frames:
    """What the player's page needs: the stage's HTML in the first frame, the frames' changes, their texts."""

    stage: str
    base: State
    deltas: list[State]
    captions: list[str]
    work: list[list[str]]
    steps: list[str]
    choices: Choices


class TrainingReplay:
    """The frames of a recorded run, ready for a notebook (``_repr_html_``) or a page (``to_html``).

    Built on first use (every snapshot: the heatmap, the network, each training example's graph).
    """

    def __init__(self, history: History, recording: Recording, resolution: int) -> None:
        self.history = history
        self.recording = recording
        self.resolution = resolution
        self._drawn: _Frames | None = None

    def __len__(self) -> int:
        return len(self.recording.snapshots)

    def __repr__(self) -> str:
        return (f"<TrainingReplay: {len(self)} snapshots of {self.recording.total_iterations} updates, "
                f"{len(self.recording.data.X)} examples>")

    def _frames(self) -> _Frames:
        """Every snapshot drawn (once; a notebook's display and ``to_html`` share them)."""
        if self._drawn is not None:
            return self._drawn
        recording, history = self.recording, self.history
        total = recording.total_iterations
        stage = TheatreStage.laid_out(recording, total, history.iterations_per_epoch, resolution=self.resolution,
                                      loss_top=loss_top(history), weight_scale=largest_parameter(recording))
        examples = stage.choosable
        states: list[State] = []
        rows: list[list[list[str]]] = []
        captions, work, steps = [], [], []
        last = len(recording.snapshots) - 1
        for index, snapshot in enumerate(recording.snapshots):
            with recording.parameters_of(snapshot):
                shown = stage.moment()
                rows.append(stage.example_texts(examples))
            states.append(stage.state(history, snapshot.iteration, shown))
            heading, lines = moment_text(history, snapshot.iteration, total)
            if index == last and history.interrupted:
                heading += " · stopped by Ctrl-C: the model keeps this last completed update"
            captions.append(f"Snapshot {index} of {last} · {heading}")
            work.append(lines)
            steps.append(f"snapshot {index} of {last}")
        assert stage.reader is not None  # laid out
        choices = Choices(keys=stage.graph_keys, rows=rows, labels=[stage.reader.caption(k) for k in examples],
                          start=examples.index(recording.sample))
        stage.apply(states[0])
        self._drawn = _Frames(stage.html(), states[0], [_changes(a, b) for a, b in itertools.pairwise(states)],
                              captions, work, steps, choices)
        return self._drawn

    def _build(self, standalone: bool) -> str:
        drawn = self._frames()
        return player_fragment(drawn.stage, drawn.base, drawn.deltas, drawn.captions, drawn.work, drawn.steps,
                               interval_ms=400, standalone=standalone, label="training replay", choices=drawn.choices)

    def html(self) -> str:
        """The replay as a standalone HTML page (inline CSS, script, SVG and images: works offline)."""
        return player_document(self._build(True), "gradtrace · training replay")

    def to_html(self, path: str | os.PathLike[str]) -> Path:
        """Write the standalone page to ``path``; returns the path."""
        target = Path(path)
        page = self.html()
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page, encoding="utf-8")
        return target

    def _repr_html_(self) -> str:
        try:
            return self._build(False)
        except (DotNotFoundError, DotTimeoutError, DotFailedError) as error:
            return f"<pre>{html.escape(str(error))}</pre>"


def _changes(before: State, after: State) -> State:
    """What differs from ``before`` to ``after``: each key's attributes that change."""
    delta: State = {}
    for key, attributes in after.items():
        old = before.get(key, {})
        different = {name: value for name, value in attributes.items() if old.get(name) != value}
        if different:
            delta[key] = different
    return delta


def training_replay(history: History, *, resolution: int = DEFAULT_RESOLUTION) -> TrainingReplay:
    """A replay of a run recorded with ``fit(..., record=True)``: in a notebook, or ``.to_html(path)``.

    ``resolution``: the decision boundary's grid, points per side (each one a forward pass per snapshot).
    """
    from nn.train import History

    if not isinstance(history, History):
        raise TypeError(f"training_replay needs the History fit returns, got {type(history).__name__}")
    if history.recording is None:
        raise ValueError("training_replay: this history was not recorded: train with fit(..., record=True)")
    if len(history.recording.snapshots) < 2:
        raise ValueError(f"training_replay: a replay needs two snapshots or more; this run made "
                         f"{history.iterations} updates, so it recorded {len(history.recording.snapshots)}")
    if isinstance(resolution, bool) or not isinstance(resolution, int) or not 2 <= resolution <= 200:
        raise ValueError(f"training_replay: resolution must be an int from 2 to 200, got {resolution!r}")
    return TrainingReplay(history, history.recording, resolution)
