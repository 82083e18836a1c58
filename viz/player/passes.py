"""The two passes a player steps through, one object each: ``BackwardPass`` and ``ForwardPass``.

A pass is the engine's record of one pass over a graph (backward: its ``BackwardStep`` records;
forward: its topological order), enough to build its frames for any grouping of the graph, so
``Player.expand``/``collapse`` regroup without running anything again. Each pass owns what
differs between the two: its frames (``viz.player.frames``), its title, its name, and which
field of the value being computed is drawn in bold (``working_field``). The player and the
stage read these; they never ask which pass they have.

>>> from autograd import topological_order
>>> from autograd.examples import add_mul_circuit
>>> from viz.number_format import NumberFormat
>>> root = add_mul_circuit()["f"]
>>> recorded = BackwardPass.record(root, tuple(topological_order(root)), ModelOptions(), grad=1.0)
>>> recorded.title, recorded.working_field, len(recorded.steps)
('backprop, step by step', 'grad', 2)
>>> [frame.gate for frame in recorded.frames(recorded.describe(set()), NumberFormat(decimals=2))]
[None, 'g4', 'g2']
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import ClassVar

from autograd import BackwardStep, Value, backward_steps
from viz.model.graph_model import GraphModel, describe
from viz.number_format import NumberFormat
from viz.options import ModelOptions
from viz.player.frames import Frame, backward_frames, forward_frames


@dataclass(frozen=True)
class Pass(ABC):
    """One recorded pass over ``root``'s graph (nodes in ``order``), drawn with ``model_options``' groups.

    ``name`` says which pass it is (a player's repr), ``title`` heads its page, and
    ``working_field`` (``"data"`` or ``"grad"``) is the field of the value being computed
    that a frame draws in bold.
    """

    name: ClassVar[str]
    title: ClassVar[str]
    working_field: ClassVar[str]

    root: Value
    order: tuple[Value, ...]
    model_options: ModelOptions

    def describe(self, collapsed: set[str]) -> GraphModel:
        """The graph model with these groups (names or paths) collapsed and no others: no ``max_nodes`` limit."""
        return describe(self.root, replace(self.model_options, collapse=tuple(sorted(collapsed)), max_nodes=None))

    @abstractmethod
    def frames(self, model: GraphModel, number_format: NumberFormat) -> list[Frame]:
        """The frames of this pass drawn on ``model`` (any grouping of the graph)."""


@dataclass(frozen=True)
class BackwardPass(Pass):
    """Backprop: the engine's ``BackwardStep`` records, and the leaves' gradients from before it (``prior``)."""

    name: ClassVar[str] = "backward"
    title: ClassVar[str] = "backprop, step by step"
    working_field: ClassVar[str] = "grad"

    steps: tuple[BackwardStep, ...]
    prior: Mapping[Value, float]

    @classmethod
    def record(cls, root: Value, order: tuple[Value, ...], model_options: ModelOptions, *, grad: float) -> BackwardPass:
        """Run ``root.backward(grad)``, recording each step (a leaf root has no steps: an error)."""
        if not root.inputs:
            raise ValueError("backprop_steps: the root is a leaf Value, so backward has no steps to show")
        prior = {node: node.grad for node in order if not node.inputs}
        return cls(root, order, model_options, tuple(backward_steps(root, grad)), prior)

    def frames(self, model: GraphModel, number_format: NumberFormat) -> list[Frame]:
        return backward_frames(model, self.steps, self.prior, number_format)


@dataclass(frozen=True)
class ForwardPass(Pass):
    """The forward pass: nothing to run, the values are already in the nodes; frames follow ``order``."""

    name: ClassVar[str] = "forward"
    title: ClassVar[str] = "the forward pass, step by step"
    working_field: ClassVar[str] = "data"

    @classmethod
    def record(cls, root: Value, order: tuple[Value, ...], model_options: ModelOptions) -> ForwardPass:
        """The forward pass over ``order``, as the engine already computed it."""
        return cls(root, order, model_options)

    def frames(self, model: GraphModel, number_format: NumberFormat) -> list[Frame]:
        return forward_frames(model, self.order, number_format)
