"""Step-through players: ``backprop_steps`` and ``forward_steps``, and the ``Player`` they return.

A player holds its frames (``viz.player.frames``: data taken from the engine's own records) and draws
them on one layout (``viz.player.stage``: ``dot`` runs once, lazily, the first time a frame is drawn),
so nodes never move from frame to frame. It shows itself in Jupyter, writes a standalone
HTML page (``to_html``) and numbered SVG frames for slides (``save_frames``).

>>> from autograd.examples import sigmoid_circuit
>>> wires = sigmoid_circuit()
>>> player = backprop_steps(wires["f"])
>>> len(player), player.frames[0].caption
(9, 'Forward pass done: f = 0.73. No gradients yet (— means not reached).')
>>> print(player.frames[-1].caption)
Step 8 of 8 · * gate, w0*x0's gradient 0.20: w0 gets 0.20 × -1.00 = -0.20; x0 gets 0.20 × 2.00 = 0.39.
>>> round(player.frames[-1].grads[player.model.value_ids[wires["w0"]]], 4) == round(wires["w0"].grad, 4)
True
"""

from __future__ import annotations

import html
import itertools
import os
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from autograd import Value, backward_steps, topological_order
from viz.dot_runner import DEFAULT_TIMEOUT, DotFailedError, DotNotFoundError, DotTimeoutError, check_timeout
from viz.model.graph_model import DEFAULT_MAX_NODES, GraphModel, describe
from viz.options import DrawKeywords, DrawOptions, check_keywords
from viz.palette import gradient_scale
from viz.player.frames import Frame, Kind, backward_frames, forward_frames
from viz.styles.style import State

if TYPE_CHECKING:
    from typing_extensions import Unpack
from viz.player.page import player_document, player_fragment
from viz.player.stage import Stage

_TITLES = {"backward": "backprop, step by step", "forward": "the forward pass, step by step"}


class Player:
    """Frames of one pass over one graph, drawn on a single layout (see the module docstring).

    ``frames`` are ``viz.player.frames.Frame`` records; ``model`` is the ``GraphModel`` they refer to
    (``model.value_ids[v]`` is the id of engine node ``v``); ``options`` the drawing options.
    """

    def __init__(self, kind: Kind, model: GraphModel, frames: Sequence[Frame], options: DrawOptions,
                 *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.kind = kind
        self.model = model
        self.frames = tuple(frames)
        self.options = options
        self.timeout = check_timeout(timeout)  # now, not when the first frame is drawn
        self._stage: Stage | None = None
        self._states: list[State] | None = None

    def __len__(self) -> int:
        return len(self.frames)

    def __repr__(self) -> str:
        return (f"<Player: {self.kind} pass, {len(self.frames)} frames, {len(self.model.values)} values, "
                f"style {self.options.style!r}>")

    # ------------------------------------------------------------- drawing
    def _drawn(self) -> tuple[Stage, list[State]]:
        if self._stage is None or self._states is None:
            stage = Stage.lay_out(self.model, self.options, self.frames, timeout=self.timeout)
            self._states = [stage.state(frame) for frame in self.frames]
            self._stage = stage
        return self._stage, self._states

    def frame_svg(self, index: int, *, caption: bool = True) -> str:
        """Frame ``index`` as a standalone SVG document, its caption in a band on top (``caption=False``: none)."""
        frame = self.frames[index]  # IndexError for a frame that does not exist
        stage, states = self._drawn()
        stage.apply(states[frame.index])
        return stage.svg(frame.caption if caption else None)

    def save_frames(self, folder: str | os.PathLike[str], *, caption: bool = True) -> list[Path]:
        """Write every frame as ``frame-000.svg``, ``frame-001.svg``, … into ``folder``; returns the paths.

        Files from an earlier, longer run with the same names are overwritten, never mixed in:
        frames past the last one are removed.
        """
        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        digits = max(3, len(str(len(self.frames) - 1)))
        written = []
        for frame in self.frames:
            path = target / f"frame-{frame.index:0{digits}d}.svg"
            path.write_text(self.frame_svg(frame.index, caption=caption), encoding="utf-8")
            written.append(path)
        keep = {path.name for path in written}
        for stale in target.glob("frame-*.svg"):
            if stale.name not in keep and stale.stem[len("frame-"):].isdigit():
                stale.unlink()
        return written

    def _fragment(self, standalone: bool, interval_ms: int) -> str:
        stage, states = self._drawn()
        stage.apply(states[0])
        deltas = [_difference(before, after) for before, after in itertools.pairwise(states)]
        return player_fragment(stage.svg(standalone=False), states[0], deltas, [f.caption for f in self.frames],
                               interval_ms=interval_ms, standalone=standalone, label=_TITLES[self.kind])

    def html(self, *, interval_ms: int = 1200) -> str:
        """The player as a standalone HTML page (inline CSS, script and SVG: works offline)."""
        if not isinstance(interval_ms, int) or interval_ms < 50:
            raise ValueError(f"interval_ms must be an int of at least 50 (milliseconds), not {interval_ms!r}")
        return player_document(self._fragment(True, interval_ms), f"gradtrace · {_TITLES[self.kind]}")

    def to_html(self, path: str | os.PathLike[str], *, interval_ms: int = 1200) -> Path:
        """Write the standalone HTML player to ``path`` (``interval_ms``: the pace of play); returns the path."""
        target = Path(path)
        page = self.html(interval_ms=interval_ms)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page, encoding="utf-8")
        return target

    def _repr_html_(self) -> str:
        try:
            return self._fragment(False, 1200)
        except (DotNotFoundError, DotTimeoutError, DotFailedError) as error:
            return f"<pre>{html.escape(str(error))}</pre>"


def _difference(before: State, after: State) -> State:
    """The attributes of ``after`` that differ from ``before``, by key."""
    changed: State = {}
    for key, attributes in after.items():
        old = before[key]
        different = {name: value for name, value in attributes.items() if old.get(name) != value}
        if different:
            changed[key] = different
    return changed


def _options(caller: str, options: DrawKeywords) -> DrawOptions:
    """A player's drawing options: ``viz.draw``'s, circuit by default.

    Not ``show`` (a frame writes every field) nor ``gradient_scale`` (the player fixes it from every frame).
    """
    check_keywords(caller, options, set(DrawKeywords.__optional_keys__) - {"show", "gradient_scale"})
    options.setdefault("style", "circuit")
    return DrawOptions.build(caller, **options)


def _model(root: Value, max_nodes: int | None, parameters: Iterable[Value] | None, caller: str) -> GraphModel:
    if not isinstance(root, Value):
        raise TypeError(f"{caller} needs a Value, got {type(root).__name__}")
    # every gate is worked in some frame, so every gate is drawn: too big is an error, never a collapse
    return describe(root, collapse=False, max_nodes=max_nodes, on_overflow="raise", parameters=parameters)


def backprop_steps(
    root: Value,
    *,
    grad: float = 1.0,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    parameters: Iterable[Value] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    **options: Unpack[DrawKeywords],
) -> Player:
    """Run ``root.backward(grad)`` and return a player with one frame per step the engine took.

    Frame 0 is the forward pass complete, before any gradient; then frame k is the engine's
    k-th ``BackwardStep``: the gate being worked is ringed, the wires it sends along are
    highlighted, and each input's gradient reads ``upstream × local = contribution`` (a value
    reached again shows ``earlier + new = running sum``). So ``len(player)`` is
    ``len(autograd.backward_steps(root)) + 1`` and the last frame's gradients are ``backward()``'s.

    Like ``backward()``, it leaves every ``.grad`` filled in; leaf gradients accumulate, so a
    leaf that already had one (``zero_grad`` forgotten) starts from it, visibly.
    Drawing options as in ``viz.draw`` (``style="circuit"`` by default: the cs231n look); every
    gate is drawn, so a graph bigger than ``max_nodes`` raises ``TooManyNodesError``.
    """
    drawing = _options("backprop_steps", options)
    model = _model(root, max_nodes, parameters, "backprop_steps")
    if not root.inputs:
        raise ValueError("backprop_steps: the root is a leaf Value, so backward has no steps to show")
    prior = {node: node.grad for node in topological_order(root) if not node.inputs}
    frames = backward_frames(model, backward_steps(root, grad), prior, drawing.number_format)
    # one colour scale for every frame (running sums at forks can exceed the final gradients)
    scale = gradient_scale([g for frame in frames for g in frame.grads.values()])
    return Player("backward", model, frames, replace(drawing, gradient_scale=scale), timeout=timeout)


def forward_steps(
    root: Value,
    *,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    parameters: Iterable[Value] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    **options: Unpack[DrawKeywords],
) -> Player:
    """A player of the forward pass: the leaves first, then one frame per op in ``autograd.topological_order``.

    Nothing is computed again: each frame reveals the value the engine already holds. Gradients
    show as "—" throughout. Options as in ``backprop_steps``.

    >>> from autograd.examples import add_mul_circuit
    >>> player = forward_steps(add_mul_circuit()["f"])
    >>> [frame.caption for frame in player.frames[1:]]
    ['Step 1 of 2 · + gate: -2.00, 5.00 → 3.00 (q)', 'Step 2 of 2 · * gate: 3.00, -4.00 → -12.00 (f)']
    """
    drawing = _options("forward_steps", options)
    model = _model(root, max_nodes, parameters, "forward_steps")
    frames = forward_frames(model, topological_order(root), drawing.number_format)
    return Player("forward", model, frames, drawing, timeout=timeout)
