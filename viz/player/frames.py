"""The frames of a step-through player: what each moment of a forward or backward pass shows.

Frames are data, independent of any drawing: which gate is being worked, which edges it uses,
every drawn value's gradient as known at that moment, which forward values are computed, and a
one-line caption. They come from the engine's own records, never from a second backprop:

- ``backward_frames``: frame 0 is the forward pass complete, before any gradient (every
  gradient "—"); then one frame per ``autograd.BackwardStep``, in the engine's order. In the
  frame of a step, each input the gate sends to receives ``upstream × local = contribution``
  (the step's ``grad`` and the ``BackwardEdge`` fields); at a fork the running sum is the
  edge's ``accumulated``, so a value reached twice shows ``earlier sum + new term = sum``. So
  a backward player has ``len(backward_steps(root)) + 1`` frames, and the last frame's
  gradients are exactly those ``backward()`` leaves in ``.grad``.
- ``forward_frames``: frame 0 shows the leaves (inputs and parameters); then one frame per op
  node in ``autograd.topological_order``, each computing its value from its inputs.

Ids are the graph model's: values ``n7``, the gate ``g7`` that computed ``n7``, its input edges
``g7_in0`` (``BackwardEdge.position`` 0).

>>> from autograd.examples import add_mul_circuit
>>> from autograd import backward_steps
>>> from viz.model.graph_model import describe
>>> from viz.number_format import NumberFormat
>>> two = NumberFormat(decimals=2)
>>> wires = add_mul_circuit()
>>> steps = backward_steps(wires["f"])
>>> frames = backward_frames(describe(wires["f"]), steps, {}, two)
>>> [frame.gate for frame in frames], gradient_text(frames[2], "n0", two)
([None, 'g4', 'g2'], '-4.00 × 1.00 = -4.00')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from autograd import BackwardStep, Value
from viz.labels import gate_text
from viz.model.graph_model import Gate, GraphModel
from viz.number_format import NumberFormat, format_gradient, format_number

Kind = Literal["forward", "backward"]

# How many leaves the first forward caption names before it says "and N more".
_NAMED_INPUTS = 6


@dataclass(frozen=True)
class Term:
    """One edge of one backward step: the gate sent ``upstream × local = contribution`` along ``edge``."""

    edge: str
    upstream: float
    local: float
    contribution: float


@dataclass(frozen=True)
class Arrival:
    """What one value received in one frame.

    ``before``: its gradient until now (None: not reached yet); ``terms``: what it was sent;
    ``after``: its gradient now (the engine's ``BackwardEdge.accumulated``).
    """

    value: str
    before: float | None
    terms: tuple[Term, ...]
    after: float


@dataclass(frozen=True)
class Frame:
    """One moment of a pass (see the module docstring).

    ``gate`` is the gate being worked (None in frame 0), ``output`` the value it computes, and
    ``edges`` its input edges. ``grads`` holds every drawn value's gradient as known in this
    frame (None: "—"); ``computed`` the values whose forward value is known; ``arrivals`` what
    each input received in this frame (backward frames only).
    """

    index: int
    kind: Kind
    gate: str | None
    output: str | None
    edges: tuple[str, ...]
    arrivals: tuple[Arrival, ...]
    grads: Mapping[str, float | None]
    computed: frozenset[str]
    caption: str


def backward_frames(
    model: GraphModel, steps: Sequence[BackwardStep], prior: Mapping[Value, float], number_format: NumberFormat
) -> list[Frame]:
    """Frame 0 (forward done, no gradients) and one frame per engine step of ``backward``.

    ``model`` describes the graph with every value drawn (no collapsed groups); ``prior`` holds
    the leaves' ``.grad`` from before this backward pass: a leaf that already had a gradient
    (``zero_grad`` forgotten) starts from it, and its first arrival shows the accumulation.
    """
    ids = model.value_ids
    everything = frozenset(node.id for node in model.values)
    grads: dict[str, float | None] = {node.id: None for node in model.values}
    for leaf, grad in prior.items():
        if grad != 0.0:
            grads[ids[leaf]] = grad
    root = model.value(model.root)
    done = f"Forward pass done: {root.label or 'the output'} = {format_number(root.data, number_format)}."
    frames = [Frame(0, "backward", None, None, (), (), dict(grads), everything,
                    f"{done} No gradients yet (— means not reached).")]
    for k, step in enumerate(steps, start=1):
        output = ids[step.node]
        gate = _gate_of(model, output)
        grads[output] = step.grad
        arrivals: dict[str, Arrival] = {}
        for edge in step.edges:
            target = ids[edge.input_node]
            term = Term(gate.inputs[edge.position], step.grad, edge.local_grad, edge.contribution)
            earlier = arrivals.get(target)
            if earlier is None:
                arrivals[target] = Arrival(target, grads[target], (term,), edge.accumulated)
            else:  # the same value used twice by this gate (a*a): both terms, one sum
                arrivals[target] = Arrival(target, earlier.before, (*earlier.terms, term), edge.accumulated)
            grads[target] = edge.accumulated
        frames.append(
            Frame(k, "backward", gate.id, output, tuple(gate.inputs[edge.position] for edge in step.edges),
                  tuple(arrivals.values()), dict(grads), everything,
                  _backward_caption(model, k, len(steps), output, step, arrivals, number_format))
        )
    return frames


def forward_frames(model: GraphModel, order: Sequence[Value], number_format: NumberFormat) -> list[Frame]:
    """Frame 0 (the leaves given) and one frame per op node, in topological order."""
    ids = model.value_ids
    no_grads: dict[str, float | None] = {node.id: None for node in model.values}
    leaves = [ids[node] for node in order if not node.inputs]
    computed = set(leaves)
    named = [_given(model.value(v).label, model.value(v).data, number_format) for v in leaves]
    more = f" and {len(named) - _NAMED_INPUTS} more" if len(named) > _NAMED_INPUTS else ""
    frames = [
        Frame(0, "forward", None, None, (), (), no_grads, frozenset(computed),
              f"Inputs: {', '.join(named[:_NAMED_INPUTS])}{more}. Forward: each gate computes its value in turn.")
    ]
    ops = [node for node in order if node.inputs]
    for k, node in enumerate(ops, start=1):
        output = ids[node]
        gate = _gate_of(model, output)
        computed.add(output)
        inputs = ", ".join(format_number(child.data, number_format) for child in node.inputs)
        label = _name(model, output)
        caption = (
            f"Step {k} of {len(ops)} · {gate_text(node.op, node.const, node.const_left)} gate: "
            f"{inputs} → {format_number(node.data, number_format)}" + (f" ({label})" if label else "")
        )
        frames.append(Frame(k, "forward", gate.id, output, gate.inputs, (), no_grads, frozenset(computed), caption))
    return frames


def gradient_text(frame: Frame, value: str, number_format: NumberFormat) -> str:
    """What ``value``'s gradient slot shows in ``frame``: "—", a number, or the arrival's sum.

    An arrival reads ``upstream × local = contribution``, or with several terms ``[before + ](u × l) + … = after``.
    """
    for arrival in frame.arrivals:
        if arrival.value == value:
            return arrival_text(arrival, number_format)
    return format_gradient(frame.grads[value], number_format)


def arrival_text(arrival: Arrival, number_format: NumberFormat) -> str:
    """What a value received, written out: ``u × l = c``, or a running sum ``before + (u × l) = after``.

    >>> arrival_text(Arrival("n0", None, (Term("g3_in1", 0.3, 2.0, 0.6),), 0.6), NumberFormat(decimals=2))
    '0.30 × 2.00 = 0.60'
    >>> arrival_text(Arrival("n0", 0.4, (Term("g3_in1", 0.3, 1.0, 0.3),), 0.7), NumberFormat(decimals=2))
    '0.40 + (0.30 × 1.00) = 0.70'
    """
    products = [
        f"{format_number(term.upstream, number_format)} × {format_number(term.local, number_format)}"
        for term in arrival.terms
    ]
    if arrival.before is None and len(products) == 1:
        return f"{products[0]} = {format_number(arrival.after, number_format)}"
    # a sum of several terms: each product in parentheses, so "-8.00 + (-8.00 × -3.00)" reads one way only
    parts = [] if arrival.before is None else [format_number(arrival.before, number_format)]
    parts.extend(f"({product})" for product in products)
    return f"{' + '.join(parts)} = {format_number(arrival.after, number_format)}"


def _gate_of(model: GraphModel, value: str) -> Gate:
    """The gate that computes ``value`` (every op is drawn in a player's model)."""
    gate = model.value(value).gate
    if gate is None:
        raise ValueError(f"viz.player: value {value} is a leaf; no gate computes it")
    return model.gate(gate)


def _name(model: GraphModel, value: str) -> str:
    return model.value(value).label


def _given(label: str, data: float, number_format: NumberFormat) -> str:
    number = format_number(data, number_format)
    return f"{label} = {number}" if label else number


def _backward_caption(
    model: GraphModel, k: int, total: int, output: str, step: BackwardStep, arrivals: Mapping[str, Arrival],
    number_format: NumberFormat,
) -> str:
    def number(x: float) -> str:
        return format_number(x, number_format)

    node = step.node
    label = _name(model, output)
    upstream = f"{label}'s gradient {number(step.grad)}" if label else f"upstream gradient {number(step.grad)}"
    parts = []
    for target, arrival in arrivals.items():
        name = _name(model, target)
        if not name:
            first = model.edge(arrival.terms[0].edge).position
            name = "its input" if len(node.inputs) == 1 else f"input {first + 1}"
        sent = " + ".join(f"{number(term.upstream)} × {number(term.local)}" for term in arrival.terms)
        if arrival.before is None:
            parts.append(f"{name} gets {sent} = {number(arrival.after)}")
        elif len(arrival.terms) == 1:
            parts.append(f"{name} gets {sent} = {number(arrival.terms[0].contribution)}, "
                         f"adding up to {number(arrival.after)}")
        else:
            parts.append(f"{name} gets {sent}, adding up to {number(arrival.after)}")
    what = gate_text(node.op, node.const, node.const_left)
    return f"Step {k} of {total} · {what} gate, {upstream}: {'; '.join(parts)}."
