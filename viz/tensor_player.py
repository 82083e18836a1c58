"""``tensor_backprop_steps``: a step-through player of a ``Tensor`` graph's backward pass.

It runs the engine's backward with ``on_step`` and keeps its records (``autograd.tensor_backprop.TensorStep``):
the order is the engine's and every gradient shown is the one the engine computed. Frame 0 is the forward pass
done, every gradient still blank; frame k is step k: the k-th Tensor whose gradient is complete, drawn with it,
the caption naming the gate that sends it on and the work listing the gate's rule (its row's formula) and what
it sent to each operand.

Every frame is the same drawing (``viz.tensor_draw.tensor_diagram``) with the gradients not yet computed kept
blank in their places, so ``dot`` lays each frame out identically; the page holds the frames' drawings one above
the other in one SVG and shows one at a time (``viz.player.page``: the same controls and keys as the scalar
player).

>>> from autograd import Tensor
>>> W = Tensor([[0.1, 0.5], [-0.3, 0.8]], label="W")
>>> x = Tensor([0.2, 0.4], label="x")
>>> player = tensor_backprop_steps(((W @ x) ** 2).sum())
>>> len(player), player.captions[1]
(6, 'step 1: ∂f/∂f = 1 (the seed); Σ sends it to its operand')
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from autograd.scalar_view import wrapped
from autograd.tensor import Tensor
from autograd.tensor_backprop import TensorStep, tensor_backward_steps, topological_order
from viz.dot_runner import DEFAULT_TIMEOUT, DotFailedError, DotNotFoundError, DotTimeoutError
from viz.number_format import format_number
from viz.player.page import player_document, player_fragment
from viz.tensor_draw import TensorDrawing, TensorKeywords, drawn_ids, gate_text, tensor_diagram, tensor_drawing
from viz.tensor_names import notes_names, shape_text

if TYPE_CHECKING:
    from typing_extensions import Unpack

_SVG_OPEN = re.compile(r"<svg\b[^>]*>")
_ID = re.compile(r'\bid="')


class TensorPlayer:
    """The frames of one Tensor backward pass: ``captions``, ``work`` and ``svgs`` (one per frame)."""

    def __init__(self, captions: list[str], work: list[list[str]], svgs: list[str],
                 focus: list[str | None] | None = None) -> None:
        self.captions, self.work, self.svgs = captions, work, svgs
        self.focus = focus  # per frame, the SVG id of the box holding the step's Tensor (kept in view)

    def __len__(self) -> int:
        return len(self.captions)

    def __repr__(self) -> str:
        return f"TensorPlayer({len(self)} frames)"

    def _fragment(self, standalone: bool, interval_ms: int) -> str:
        count = len(self)
        base = {f"frame{k}": {"visibility": "visible" if k == 0 else "hidden"} for k in range(count)}
        deltas = [{f"frame{k - 1}": {"visibility": "hidden"}, f"frame{k}": {"visibility": "visible"}}
                  for k in range(1, count)]
        steps = ["forward done"] + [f"step {k} of {count - 1}" for k in range(1, count)]
        return player_fragment(_stacked(self.svgs), base, deltas, self.captions, self.work, steps,
                               interval_ms=interval_ms, standalone=standalone, label="Tensor backprop, step by step",
                               focus=self.focus)

    def html(self, *, interval_ms: int = 1200) -> str:
        """The player as a standalone HTML page (inline CSS, script and SVG: works offline)."""
        if isinstance(interval_ms, bool) or not isinstance(interval_ms, int) or interval_ms < 50:
            raise ValueError(f"interval_ms must be an int of at least 50 (milliseconds), not {interval_ms!r}")
        return player_document(self._fragment(True, interval_ms), "gradtrace · Tensor backprop")

    def to_html(self, path: str | os.PathLike[str], *, interval_ms: int = 1200) -> Path:
        """Write the standalone HTML player to ``path``; returns the path."""
        return written(path, self.html(interval_ms=interval_ms))

    def _repr_html_(self) -> str:
        return self._fragment(False, 1200)


def tensor_backprop_steps(
    root: Tensor,
    *,
    grad: Any = None,
    timeout: float = DEFAULT_TIMEOUT,
    **options: Unpack[TensorKeywords],
) -> TensorPlayer:
    """Run ``root.backward(grad)`` and return a player with one frame per step the engine took.

    Like ``backward()``, it leaves every ``.grad`` filled in (leaf gradients accumulate). Drawing options as in
    ``viz.tensor_draw.draw_tensor``.
    """
    drawing = tensor_drawing("tensor_backprop_steps", root, options)
    steps = tensor_backward_steps(root, grad)
    gradients = {step.node: np.array(step.grad) for step in steps}
    names = notes_names(root, drawing.output_name).names
    captions = ["forward done: every value computed, no gradient yet"]
    work: list[list[str]] = [["backward starts at the output with ∂f/∂f = 1"]]
    for number, step in enumerate(steps, start=1):
        caption, lines = _described(number, step, root, names, drawing)
        captions.append(caption)
        work.append(lines)
    svgs = []
    for k in range(len(steps) + 1):
        pending = {step.node for step in steps[k:]}
        svgs.append(_svg(root, drawing, gradients, pending, steps[k - 1].node if k else None, timeout))
    ids = drawn_ids(topological_order(root), notes_names(root, drawing.output_name), drawing)
    focus = [None] + [f"f{k}_{ids[step.node]}" for k, step in enumerate(steps, start=1)]  # _stacked's ids
    return TensorPlayer(captions, work, svgs, focus)


def written(path: str | os.PathLike[str], page: str) -> Path:
    """``page`` written to ``path`` (its folder made if needed); returns the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page, encoding="utf-8")
    return target


def _svg(root: Tensor, drawing: TensorDrawing, gradients: dict[Tensor, np.ndarray], pending: set[Tensor],
         current: Tensor | None, timeout: float) -> str:
    try:
        return tensor_diagram(root, drawing, gradients, pending, current).svg(timeout=timeout)
    except (DotNotFoundError, DotTimeoutError, DotFailedError):
        raise
    except Exception as error:  # a drawing that cannot be made is an error naming the player, not a deep traceback
        raise RuntimeError(f"tensor_backprop_steps: drawing a frame failed: {error}") from error


def _described(number: int, step: TensorStep, root: Tensor, names: dict[Tensor, str],
               drawing: TensorDrawing) -> tuple[str, list[str]]:
    node = step.node
    out = drawing.output_name
    what = f"∂{out}/∂{out} = 1 (the seed)" if node is root else f"∂{out}/∂{wrapped(names[node])} is complete"
    if node.row is None:
        return f"step {number}: {what} (a leaf: it sends nothing)", [_numbers(step.grad, drawing)]
    gate = gate_text(node)
    targets = "its operand" if len(step.edges) == 1 else "its operands"
    lines = [f"{gate}: {node.row.doc}"]
    for edge in step.edges:
        lines.append(f"→ {names.get(edge.input_node, 'a constant')}: {_numbers(edge.contribution, drawing)}")
    return f"step {number}: {what}; {gate} sends it to {targets}", lines


def _numbers(array: np.ndarray, drawing: TensorDrawing) -> str:
    if array.size > 6:  # too many numbers for a line: the shape and the range, as the drawing's picture says
        if np.isnan(array).all():
            return f"{shape_text(array.shape)} numbers, all nan"
        low, high = (format_number(float(x), drawing.numbers) for x in (np.nanmin(array), np.nanmax(array)))
        return f"{shape_text(array.shape)} numbers, {low} … {high}"
    flat = ", ".join(format_number(float(x), drawing.numbers) for x in np.ravel(array))
    return f"[{flat}]" if array.ndim else flat


def _stacked(svgs: list[str]) -> str:
    """One SVG holding every frame's drawing (the same layout) in a group ``data-gt="frame{k}"`` each."""
    opening = _SVG_OPEN.search(svgs[0])
    if opening is None:
        raise RuntimeError("tensor_backprop_steps: dot's output has no <svg> element")
    sizes = {_SVG_OPEN.search(svg).group(0) for svg in svgs}  # type: ignore[union-attr]
    if len(sizes) != 1:
        raise RuntimeError("tensor_backprop_steps: the frames were laid out differently (a bug): sizes " + str(sizes))
    groups = []
    for k, svg in enumerate(svgs):
        body = svg[_SVG_OPEN.search(svg).end() : svg.rindex("</svg>")]  # type: ignore[union-attr]
        body = _ID.sub(f'id="f{k}_', body)  # one id per element across the frames
        groups.append(f'<g data-gt="frame{k}" visibility="{"visible" if k == 0 else "hidden"}">{body}</g>')
    return f"{opening.group(0)}\n{''.join(groups)}\n</svg>"

