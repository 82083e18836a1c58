"""Step-through players: ``backprop_steps`` and ``forward_steps``, and the ``Player`` they return.

A player holds its frames (``viz.player.frames``: data taken from the engine's own records) and draws
them on one layout (``viz.player.stage``: ``dot`` runs once, lazily, the first time a frame is drawn),
so nodes never move from frame to frame. It shows itself in Jupyter, writes a standalone
HTML page (``to_html``) and numbered SVG frames for slides (``save_frames``). A collapsed group
is one step; ``expand`` steps into it and ``collapse`` back out (a new player over the same
pass: backward does not run again). What differs between the two passes is the pass object's
(``viz.player.passes``); ``backprop_steps`` and ``forward_steps`` differ only in the pass they record.

>>> from autograd.examples import sigmoid_circuit
>>> wires = sigmoid_circuit()
>>> player = backprop_steps(wires["f"])
>>> len(player), player.frames[0].caption
(9, 'Step 0 of 8 · Forward pass done: f = 0.73. No gradients yet (— means not reached).')
>>> print(player.frames[-1].caption)
Step 8 of 8 · * gate sends upstream gradient 0.20 back to w0 and x0.
>>> for line in player.frames[-1].work: print(line)
w0: 0.20 × -1.00 = -0.20
x0: 0.197 × 2.00 = 0.39
>>> round(player.frames[-1].grads[player.model.value_ids[wires["w0"]]], 4) == round(wires["w0"].grad, 4)
True
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from autograd import Tensor, Value, topological_order
from viz.dot_runner import DEFAULT_TIMEOUT, DotFailedError, DotNotFoundError, DotTimeoutError, check_timeout
from viz.model.graph_model import GraphModel, describe, stale_leaves
from viz.model.groups import Group
from viz.options import PLAYER_DRAWING, DrawOptions, GraphKeywords, ModelOptions
from viz.palette import gradient_scale
from viz.player.frames import Frame, step_label
from viz.player.page import player_document, player_fragment
from viz.player.passes import BackwardPass, ForwardPass, Pass
from viz.player.stage import Stage
from viz.styles.style import State

if TYPE_CHECKING:
    from typing_extensions import Unpack


class Player:
    """Frames of one pass over one graph, drawn on a single layout (see the module docstring).

    ``recorded`` is the pass (``viz.player.passes``: backward or forward, as the engine recorded
    it); ``frames`` are its ``viz.player.frames.Frame`` records on ``model``, the ``GraphModel``
    they refer to (``model.value_ids[v]`` is the id of engine node ``v``); ``options`` the
    drawing options.
    """

    def __init__(self, recorded: Pass, model: GraphModel, frames: Sequence[Frame], options: DrawOptions,
                 *, timeout: float = DEFAULT_TIMEOUT, start: int = 0) -> None:
        self.recorded = recorded
        self.model = model
        self.frames = tuple(frames)
        self.options = options
        self.timeout = check_timeout(timeout)  # now, not when the first frame is drawn
        self.start = self.frame(start).index  # the frame the page opens on
        self._stage: Stage | None = None
        self._play: tuple[State, list[State]] | None = None
        self._shown = -1  # the frame the stage is in

    # ------------------------------------------------------------- groups
    def expand(self, group: str) -> Player:
        """The same pass with ``group`` (a name or ``/``-path) drawn open: its members are steps of their own.

        Groups around it open too; groups directly inside the opened ones stay collapsed, so a
        layer opens into neurons and a neuron into its ops. The new player opens on the first
        step inside ``group``; ``collapse`` goes back.

        >>> from autograd.examples import sigmoid_circuit
        >>> player = backprop_steps(sigmoid_circuit()["f"], collapse=["sigmoid gate"])
        >>> len(player), len(player.expand("sigmoid gate")), player.expand("sigmoid gate").start
        (6, 9, 1)
        """
        chosen = self._group("expand", group)
        if not chosen.collapsed and not chosen.hidden:
            raise ValueError(f"expand: group {group!r} is already drawn open")
        chain = self._chain(chosen)
        on_chain = {link.id for link in chain}
        closed = {link.id for link in chain if link.collapsed or link.hidden}
        collapsed = {g.path for g in self.model.groups if g.collapsed and g.id not in on_chain}
        collapsed |= {g.path for g in self.model.groups if g.parent in closed and g.id not in on_chain}
        player = self._regrouped(collapsed)
        inside = next((frame.index for frame in player.frames if frame.gate is not None
                       and chosen.id in _enclosing(player.model, frame.gate)), 0)
        return player._starting_at(inside)

    def collapse(self, group: str) -> Player:
        """The same pass with ``group`` drawn as one gate (one step); the new player opens on that step.

        >>> from autograd.examples import sigmoid_circuit
        >>> player = backprop_steps(sigmoid_circuit()["f"])
        >>> folded = player.collapse("sigmoid gate")
        >>> len(player), len(folded), folded.frames[folded.start].caption
        (9, 6, "Step 1 of 5 · sigmoid gate sends f's gradient 1.00 back to its input.")
        """
        chosen = self._group("collapse", group)
        if chosen.collapsed:
            raise ValueError(f"collapse: group {group!r} is already collapsed")
        collapsed = {g.path for g in self.model.groups if g.collapsed} | {chosen.path}
        player = self._regrouped(collapsed)
        step = next((frame.index for frame in player.frames if frame.gate == chosen.id), 0)
        return player._starting_at(step)

    def _group(self, caller: str, name: str) -> Group:
        if not isinstance(name, str):
            raise TypeError(f"{caller}: give a group's name or path as a str, not {type(name).__name__}")
        matches = [g for g in self.model.groups if name in (g.name, g.path)]
        if not matches:
            known = [g.name for g in self.model.groups if g.collapsed] or [g.name for g in self.model.groups]
            shown = ", ".join(repr(n) for n in known[:6]) + (", ..." if len(known) > 6 else "")
            raise ValueError(f"{caller}: no group named {name!r} in this graph; "
                             f"its {'collapsed ' if any(g.collapsed for g in self.model.groups) else ''}"
                             f"groups are {shown or 'none'}")
        if len(matches) > 1:
            raise ValueError(f"{caller}: {len(matches)} groups are named {name!r}; give its path, one of "
                             f"{', '.join(repr(g.path) for g in matches)}")
        return matches[0]

    def _chain(self, group: Group) -> list[Group]:
        """``group`` and the groups around it, outermost first."""
        chain = [group]
        while chain[-1].parent is not None:
            chain.append(self.model.group(chain[-1].parent))
        return chain[::-1]

    def _regrouped(self, collapsed: set[str]) -> Player:
        model = self.recorded.describe(collapsed)
        frames = self.recorded.frames(model, self.options.number_format)
        return Player(self.recorded, model, frames, self.options, timeout=self.timeout)

    def _starting_at(self, start: int) -> Player:
        self.start = start
        return self

    def __len__(self) -> int:
        return len(self.frames)

    def __repr__(self) -> str:
        return (f"<Player: {self.recorded.name} pass, {len(self.frames)} frames, {len(self.model.values)} values, "
                f"style {self.options.style.name!r}>")

    # ------------------------------------------------------------- drawing
    def _drawn(self) -> tuple[Stage, State, list[State]]:
        if self._stage is None or self._play is None:
            stage = Stage.lay_out(self.model, self.options, self.frames, self.recorded, timeout=self.timeout)
            self._play = stage.play(self.frames)
            self._stage = stage
            self._shown = -1
        return self._stage, *self._play

    def _show(self, index: int) -> Stage:
        """The stage in the state of frame ``index`` (forward by the deltas, or from frame 0 when going back)."""
        stage, base, deltas = self._drawn()
        if index < self._shown or self._shown < 0:
            stage.apply(base)
            self._shown = 0
        for delta in deltas[self._shown:index]:
            stage.apply(delta)
        self._shown = index
        return stage

    @property
    def step_labels(self) -> list[str]:
        """Each frame's step number, as its caption and the page's counter write it: ``step 3 of 8``."""
        return [step_label(frame.index, len(self.frames) - 1) for frame in self.frames]

    def frame(self, index: int) -> Frame:
        """Frame ``index`` (0 to ``len(player) - 1``; negative counts from the end, as for a list)."""
        if not isinstance(index, int) or isinstance(index, bool):
            raise TypeError(f"a frame index must be an int, not {type(index).__name__}")
        if not -len(self.frames) <= index < len(self.frames):
            raise IndexError(f"frame index {index} is out of range: this player has {len(self.frames)} frames "
                             f"(0 to {len(self.frames) - 1})")
        return self.frames[index]

    def frame_svg(self, index: int, *, caption: bool = True) -> str:
        """Frame ``index`` as a standalone SVG document, its caption and arithmetic in a band on top
        (``caption=False``: none)."""
        frame = self.frame(index)
        stage = self._show(frame.index)
        return stage.svg([frame.caption, *frame.work] if caption else None)

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
        stage = self._show(0)
        _, base, deltas = self._drawn()
        return player_fragment(stage.svg(standalone=False), base, deltas, [f.caption for f in self.frames],
                               [list(f.work) for f in self.frames], self.step_labels,
                               interval_ms=interval_ms, standalone=standalone, label=self.recorded.title,
                               start=self.start)

    def html(self, *, interval_ms: int = 1200) -> str:
        """The player as a standalone HTML page (inline CSS, script and SVG: works offline)."""
        if not isinstance(interval_ms, int) or interval_ms < 50:
            raise ValueError(f"interval_ms must be an int of at least 50 (milliseconds), not {interval_ms!r}")
        return player_document(self._fragment(True, interval_ms), f"gradtrace · {self.recorded.title}")

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


def _enclosing(model: GraphModel, gate_id: str) -> set[str]:
    """The ids of the groups a drawn gate sits in (a collapsed group's gate: itself and its parents)."""
    gate = model.gate(gate_id)
    around = {gate.collapsed} if gate.collapsed is not None else set()
    group = gate.group
    while group is not None:
        around.add(group)
        group = model.group(group).parent
    return around


def _player(caller: str, root: Value, keywords: GraphKeywords, timeout: float,
            record: Callable[[Value, tuple[Value, ...], ModelOptions], Pass]) -> Player:
    """A player of the pass ``record`` takes down (after the options and the root are checked, the model described)."""
    request = PLAYER_DRAWING.build(caller, keywords)
    model_options = request.model_options
    if not isinstance(root, Value):
        raise TypeError(f"{caller} needs a Value, got {type(root).__name__}")
    order = tuple(topological_order(root))
    # as in draw: groups past max_nodes are collapsed, and a collapsed group is one step
    model = describe(root, model_options)
    drawing = request.drawing_for(model)
    recorded = record(root, order, model_options)
    # the leaves this pass did not fill alone (an earlier backward()): the drawing notes them, as draw does
    drawn = {node.id for node in model.values}
    after = {value_id: node.grad for node, value_id in model.value_ids.items() if value_id in drawn}
    model = replace(model, stale=stale_leaves(model.with_gradients(after)))
    frames = recorded.frames(model, drawing.number_format)
    # one colour scale for every frame (running sums at forks can exceed the final gradients)
    scale = gradient_scale([g for frame in frames for g in frame.changed.values()])
    return Player(recorded, model, frames, replace(drawing, gradient_scale=scale), timeout=timeout)


def backprop_steps(
    root: Value,
    *,
    grad: float = 1.0,
    timeout: float = DEFAULT_TIMEOUT,
    **options: Unpack[GraphKeywords],
) -> Player:
    """Run ``root.backward(grad)`` and return a player with one frame per step the engine took.

    Frame 0 is the forward pass complete, before any gradient; then frame k is step k: the
    engine's k-th ``BackwardStep`` (or a collapsed group's steps, as one): the gate being worked
    is ringed, the wires it sends along are highlighted, each input's gradient slot shows its
    new gradient, and the step's arithmetic (``Frame.work``: ``upstream × local = contribution``,
    ``earlier + (new term) = running sum`` at a fork) is written beside the drawing, with the
    digits that make it check out. The last frame's gradients are ``backward()``'s.

    Like ``backward()``, it leaves every ``.grad`` filled in; leaf gradients accumulate, so a
    leaf that already had one (``zero_grad`` forgotten) starts from it, visibly.
    ``collapse``, ``max_nodes``, ``on_overflow`` and ``parameters`` pick the groups drawn
    collapsed, as in ``viz.draw`` (past ``max_nodes``, groups collapse innermost first: a
    network steps neuron by neuron). Drawing options as in ``viz.draw``, the circuit style by
    default (``viz.options.PLAYER_STYLE``: the cs231n look); not ``show`` nor ``gradient_scale``
    (a frame writes every field on one colour scale for every frame).
    """
    if isinstance(root, Tensor):  # the matrix view has its own player (viz.tensor_player)
        from viz.tensor_player import tensor_backprop_steps

        seed = None if isinstance(grad, int | float) and grad == 1.0 else grad
        return tensor_backprop_steps(root, grad=seed, timeout=timeout, **options)  # type: ignore[arg-type,return-value]
    return _player("backprop_steps", root, options, timeout,
                   lambda root, order, chosen: BackwardPass.record(root, order, chosen, grad=grad))


def forward_steps(
    root: Value,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    **options: Unpack[GraphKeywords],
) -> Player:
    """A player of the forward pass: the leaves first, then one frame per op in ``autograd.topological_order``.

    Nothing is computed again: each frame reveals the value the engine already holds. Gradients
    show as "—" throughout. Options as in ``backprop_steps``.

    >>> from autograd.examples import add_mul_circuit
    >>> player = forward_steps(add_mul_circuit()["f"])
    >>> [frame.caption for frame in player.frames[1:]]
    ['Step 1 of 2 · + gate: -2.00, 5.00 → q = 3.00', 'Step 2 of 2 · * gate: 3.00, -4.00 → f = -12.00']
    """
    return _player("forward_steps", root, options, timeout, ForwardPass.record)
