"""The frames of a step-through player: what each moment of a forward or backward pass shows.

Frames are data, independent of any drawing: which gate is being worked, which edges it uses,
the gradients and forward values that change, a short caption and the step's arithmetic
(``work``). They come from the engine's own records, never from a second backprop:

- ``backward_frames``: frame 0 is the forward pass complete, before any gradient (every
  gradient "—"); then one frame per ``autograd.BackwardStep``, in the engine's order. In the
  frame of a step, each input the gate sends to receives ``upstream × local = contribution``
  (the step's ``grad`` and the ``BackwardEdge`` fields); at a fork the running sum is the
  edge's ``accumulated``. So a backward player has ``len(backward_steps(root)) + 1`` frames,
  and the last frame's gradients are exactly those ``backward()`` leaves in ``.grad``.
  A collapsed group (a neuron, the sigmoid gate) is one frame, placed at the engine's last
  step inside it: its upstream gradients are its outputs', its local gradients are the model's
  (``autograd.gradients``, as in the static diagram), its inputs' sums are the engine's.
- ``forward_frames``: frame 0 shows the leaves (inputs and parameters); then one frame per
  drawn gate in ``autograd.topological_order`` (a collapsed group when its last op is done).

Frames are built from per-step changes: a frame records only the gradients it changes
(``changed``) and the values it computes (``revealed``); ``grads`` and ``computed`` read the
chain of frames back to frame 0 when asked. So building the frames is linear in the size
of the graph plus the number of steps.

Steps are numbered once: frame k is step k of ``len(frames) - 1`` (frame 0 is step 0, the
start); the caption and the player's counter both say so (``step_label``). Which pass a frame
belongs to is the player's business (``viz.player.passes``): a frame does not say.

The arithmetic is honest: a learner who works out the displayed expression with the
displayed numbers, and rounds to the result's displayed precision, gets the displayed result
(``honest_expression`` shows the factors with as many more digits as that needs).

Ids are the graph model's: values ``n7``, the gate ``g7`` that computed ``n7``, its input edges
``g7_in0`` (``BackwardEdge.position`` 0).

>>> from autograd.examples import add_mul_circuit
>>> from autograd import backward_steps
>>> from viz.model.graph_model import describe
>>> from viz.number_format import NumberFormat
>>> wires = add_mul_circuit()
>>> steps = backward_steps(wires["f"])
>>> frames = backward_frames(describe(wires["f"]), steps, {}, NumberFormat(decimals=2))
>>> [frame.gate for frame in frames], frames[2].work
([None, 'g4', 'g2'], ('x: -4.00 × 1.00 = -4.00', 'y: -4.00 × 1.00 = -4.00'))
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from autograd import BackwardEdge, BackwardStep, Value
from viz.labels import gate_text
from viz.model.graph_model import Gate, GraphModel
from viz.number_format import MAX_DIGITS, NumberFormat, format_gradient, format_number

# How many leaves the first forward caption names before it says "and N more".
_NAMED_INPUTS = 6
# How many receivers a caption names before it counts them.
_NAMED_RECEIVERS = 3
# A float has at most 17 significant digits: past that, more digits change nothing.
_MAX_EXTRA_DIGITS = 17


@dataclass(frozen=True)
class Term:
    """One product sent along ``edge``: ``upstream × local = contribution``.

    ``partner``: the name of the value the local gradient is, when it is one (in a ``dot``, w0's
    is ``x[0]``), so the arithmetic points at it.
    """

    edge: str
    upstream: float
    local: float
    contribution: float
    partner: str = ""


@dataclass(frozen=True)
class Arrival:
    """What one value received in one frame.

    ``before``: its gradient until now (None: not reached yet); ``terms``: what it was sent;
    ``after``: its gradient now (the engine's ``BackwardEdge.accumulated``). A number drawn as an
    input (``viz.model.constants``) is sent its terms too, but keeps nothing (``kept`` False):
    ``after`` is just their sum, and its gradient slot stays empty.
    """

    value: str
    before: float | None
    terms: tuple[Term, ...]
    after: float
    kept: bool = True


@dataclass(frozen=True)
class Frame:
    """One moment of a pass (see the module docstring).

    ``gate`` is the gate being worked (None in frame 0), ``output`` the value it computes
    (for a collapsed group with several outputs, the first), ``edges`` its input edges.
    ``changed`` holds the gradients set in this frame (frame 0: every drawn value's, None
    for "—"), ``revealed`` the values whose forward value becomes known; ``arrivals`` what
    each input received (backward frames only); ``work`` the arithmetic, one line per input.
    """

    index: int
    gate: str | None
    output: str | None
    edges: tuple[str, ...]
    arrivals: tuple[Arrival, ...]
    changed: Mapping[str, float | None]
    revealed: frozenset[str]
    caption: str
    work: tuple[str, ...] = ()
    previous: Frame | None = field(default=None, repr=False, compare=False)

    def history(self) -> Iterator[Frame]:
        """This frame and every frame before it, latest first."""
        frame: Frame | None = self
        while frame is not None:
            yield frame
            frame = frame.previous

    @property
    def grads(self) -> dict[str, float | None]:
        """Every drawn value's gradient as known in this frame (None: "—"); read back through the chain."""
        known: dict[str, float | None] = {}
        for frame in self.history():
            for value, grad in frame.changed.items():
                known.setdefault(value, grad)
        return known

    @property
    def computed(self) -> frozenset[str]:
        """The values whose forward value is known in this frame."""
        return frozenset().union(*(frame.revealed for frame in self.history()))


def step_label(index: int, steps: int) -> str:
    """Frame ``index``'s step number of ``steps``, as the caption and the player's counter write it.

    >>> step_label(3, 8)
    'step 3 of 8'
    """
    return f"step {index} of {steps}"


def backward_frames(
    model: GraphModel, steps: Sequence[BackwardStep], prior: Mapping[Value, float], number_format: NumberFormat
) -> list[Frame]:
    """Frame 0 (forward done, no gradients) and one frame per drawn gate the engine steps through.

    ``model`` describes the graph (collapsed groups allowed); ``prior`` holds the leaves'
    ``.grad`` from before this backward pass: a leaf that already had a gradient
    (``zero_grad`` forgotten) starts from it, and its first arrival shows the accumulation.
    """
    ids = model.value_ids
    grads: dict[str, float | None] = {node.id: None for node in model.values}
    for leaf, grad in prior.items():
        if grad != 0.0 and leaf in ids and ids[leaf] in grads:
            grads[ids[leaf]] = grad
    gate_of = [_drawn_gate(model, ids[step.node]) for step in steps]
    last_step = {gate.id: k for k, gate in enumerate(gate_of)}
    total = len(last_step)
    root = model.value(model.root)
    done = f"Forward pass done: {root.label or 'the output'} = {format_number(root.data, number_format)}."
    frames = [Frame(0, None, None, (), (), dict(grads), frozenset(grads), "")]
    held = [model.value(node_id) for node_id, grad in grads.items() if grad is not None]
    if held:  # never a silent double count: say what the leaves hold and that this pass adds to it
        names = ", ".join(node.shown_label(False) or node.id for node in held[:6]) + (" …" if len(held) > 6 else "")
        start = (f"{names} already {'holds a gradient' if len(held) == 1 else 'hold gradients'} from an earlier "
                 "backward(), and this pass adds to them: call zero_grad() (or set .grad = 0) first for fresh ones.")
    else:
        start = "No gradients yet (— means not reached)."
    frames[0] = _captioned(frames[0], total, f"{done} {start}")
    # a collapsed group's steps: the final gradients of its outputs, and the engine's last sum per input
    outputs_done: dict[str, float] = {}
    sums: dict[str, BackwardEdge] = {}
    for k, step in enumerate(steps):
        gate = gate_of[k]
        if gate.collapsed is None:
            arrivals = _op_arrivals(model, gate, step, grads)
            upstream = {ids[step.node]: step.grad}
        else:
            drawn_output = ids[step.node] in grads
            if drawn_output:
                outputs_done[ids[step.node]] = step.grad
            for edge in step.edges:
                if ids[edge.input_node] in grads and model.hidden_in.get(ids[edge.input_node]) != gate.id:
                    sums[ids[edge.input_node]] = edge
            if last_step[gate.id] != k:
                continue
            upstream = {output: outputs_done[output] for output in gate.outputs if output in outputs_done}
            arrivals = _group_arrivals(model, gate, upstream, sums, grads)
            outputs_done.clear()
            sums.clear()
        numbers = _number_arrivals(model, gate, upstream)
        if numbers:  # in the order the gate's wires are drawn: w0, x[0], w1, x[1], …, b
            wire = {edge_id: k for k, edge_id in enumerate(gate.wires)}
            arrivals = sorted([*arrivals, *numbers], key=lambda arrival: wire[arrival.terms[0].edge])
        changed: dict[str, float | None] = dict(upstream)
        for arrival in arrivals:
            if arrival.kept:
                changed[arrival.value] = arrival.after
        grads.update(changed)
        index = len(frames)
        frame = Frame(index, gate.id, gate.outputs[0],
                      tuple(term.edge for arrival in arrivals for term in arrival.terms),
                      tuple(arrivals), changed, frozenset(), "",
                      tuple(f"{_receiver(model, gate, a)}: {arrival_text(a, number_format)}" for a in arrivals),
                      frames[-1])
        frames.append(_captioned(frame, total, _backward_caption(model, gate, upstream, arrivals, number_format)))
    return frames


def forward_frames(model: GraphModel, order: Sequence[Value], number_format: NumberFormat) -> list[Frame]:
    """Frame 0 (the leaves given) and one frame per drawn gate, in topological order."""
    ids = model.value_ids
    no_grads: dict[str, float | None] = {node.id: None for node in model.values}
    # the numbers drawn as a network's inputs (x[0]) first: they are given too, though no engine node holds them
    leaves = [node.id for node in model.values if node.role == "constant"]
    leaves += [ids[node] for node in order if not node.inputs and ids[node] in no_grads]
    named = [_given(_label(model, v), model.value(v).data, number_format) for v in leaves]
    more = f" and {len(named) - _NAMED_INPUTS} more" if len(named) > _NAMED_INPUTS else ""
    ops = [node for node in order if node.inputs]
    gates = [_drawn_gate(model, ids[node]) for node in ops]
    last_op = {gate.id: k for k, gate in enumerate(gates)}
    total = len(last_op)
    frames = [Frame(0, None, None, (), (), no_grads, frozenset(leaves), "")]
    frames[0] = _captioned(frames[0], total, f"Inputs: {', '.join(named[:_NAMED_INPUTS])}{more}. "
                                      "Forward: each gate computes its value in turn.")
    for k, gate in enumerate(gates):
        if last_op[gate.id] != k:
            continue
        inputs = ", ".join(format_number(model.value(model.edge(e).source).data, number_format)
                           for e in gate.wires[:_NAMED_INPUTS])
        if len(gate.wires) > _NAMED_INPUTS:
            inputs += f", … ({len(gate.wires)} inputs)"
        results = ", ".join(_given(_label(model, v), model.value(v).data, number_format) for v in gate.outputs)
        frame = Frame(len(frames), gate.id, gate.outputs[0], gate.wires, (), {}, frozenset(gate.outputs), "", (),
                      frames[-1])
        caption = f"{_group_of(model, gate)}{_gate_name(model, gate)}: {inputs} → {results}"
        frames.append(_captioned(frame, total, caption))
    return frames


def gradient_text(frame: Frame, value: str, number_format: NumberFormat) -> str:
    """What ``value``'s gradient slot shows in ``frame``: "—" or its gradient (the arithmetic is in ``work``)."""
    return format_gradient(frame.grads[value], number_format)


def arrival_text(arrival: Arrival, number_format: NumberFormat) -> str:
    """What a value received, written out honestly: ``u × l = c``, or a sum ``before + (u × l) = after``.

    The result is written in ``number_format``; the numbers it is worked out from get as many
    more digits as it takes for their exact arithmetic to round to it (see ``honest_expression``).

    >>> TWO = NumberFormat(decimals=2)
    >>> arrival_text(Arrival("n0", None, (Term("g3_in1", 0.3, 2.0, 0.6),), 0.6), TWO)
    '0.30 × 2.00 = 0.60'
    >>> arrival_text(Arrival("n0", None, (Term("g3_in1", 0.19661193324148185, 2.0, 0.3932238664829637),),
    ...                      0.3932238664829637), TWO)
    '0.197 × 2.00 = 0.39'
    >>> arrival_text(Arrival("n0", 0.4, (Term("g3_in1", 0.3, 1.0, 0.3),), 0.7), TWO)
    '0.40 + (0.30 × 1.00) = 0.70'
    >>> arrival_text(Arrival("n0", None, (Term("g3_in0", 0.3, 0.5, 0.15, "x[0]"),), 0.15), TWO)
    '0.30 × x[0]=0.50 = 0.15'
    >>> arrival_text(Arrival("c0", None, (Term("g3_x0", 0.3, 2.0, 0.6, "w0"),), 0.6, kept=False), TWO)
    '0.30 × w0=2.00 = 0.60 (a number: not kept)'
    """
    factors = [(term.upstream, term.local) for term in arrival.terms]
    text = honest_expression(arrival.before, factors, arrival.after, number_format,
                             [term.partner for term in arrival.terms])
    return text if arrival.kept else f"{text} (a number: not kept)"


def honest_expression(
    before: float | None, products: Sequence[tuple[float, float]], result: float, number_format: NumberFormat,
    names: Sequence[str] = (),
) -> str:
    """``[before + ](a × b) + … = result``, the operands written with the fewest extra digits that keep it true.

    True means: the sum of the displayed operands' exact products, formatted with
    ``number_format``, is the displayed result. The result is always written in
    ``number_format`` (the formatter's own rule); only the operands get more digits. ``names[k]``,
    when given and not empty, names the second factor of product ``k`` (``0.30 × x[0]=0.50``).

    >>> TWO = NumberFormat(decimals=2)
    >>> honest_expression(None, [(0.19661193324148185, -3.0)], -0.5898357997244456, TWO)
    '0.197 × -3.00 = -0.59'
    >>> honest_expression(-8.0, [(-8.0, -3.0)], 16.0, TWO)
    '-8.00 + (-8.00 × -3.00) = 16.00'
    """
    shown = format_number(result, number_format)
    for extra in range(_MAX_EXTRA_DIGITS + 1):
        operand_format = _more_digits(number_format, extra)
        if operand_format is None:
            break
        text, value = _expression(before, products, number_format, operand_format, names)
        if not math.isfinite(result) or format_number(value, number_format) == shown:
            return f"{text} = {shown}"
    # no precision makes it check out: write the operands in full
    return f"{_expression(before, products, number_format, None, names)[0]} = {shown}"


def _expression(before: float | None, products: Sequence[tuple[float, float]], number_format: NumberFormat,
                operand_format: NumberFormat | None, names: Sequence[str] = ()) -> tuple[str, float]:
    """The expression's text with operands in ``operand_format`` (None: in full), and its exact value from them."""

    def show(x: float) -> tuple[str, float]:
        exact = format_number(x, number_format)
        with contextlib.suppress(ValueError):
            if float(exact) == x:  # already exact (a local gradient of 2): no extra digits
                return exact, x
        text = repr(x) if operand_format is None else format_number(x, operand_format)
        try:
            return text, float(text)
        except ValueError:  # a format with grouping or a suffix: the number as written is not a float
            return text, x

    parts: list[str] = []
    total = 0.0
    if before is not None:
        text, number = show(before)
        parts.append(text)
        total += number
    for k, (upstream, local) in enumerate(products):
        (u_text, u), (l_text, lv) = show(upstream), show(local)
        name = names[k] if k < len(names) else ""
        parts.append(f"{u_text} × {name}={l_text}" if name else f"{u_text} × {l_text}")
        total += u * lv
    if len(parts) > 1:
        parts = [part if " × " not in part else f"({part})" for part in parts]
    return " + ".join(parts), total


def _more_digits(number_format: NumberFormat, extra: int) -> NumberFormat | None:
    """``number_format`` with ``extra`` more digits (None past the 17 a float can have).

    >>> _more_digits(NumberFormat(decimals=2), 1), _more_digits(NumberFormat(digits=3), 2)
    (NumberFormat(digits=3, decimals=3), NumberFormat(digits=5, decimals=None))
    >>> _more_digits(NumberFormat(digits=16), 2) is None
    True
    """
    if number_format.decimals is not None:
        decimals = number_format.decimals + extra
        return NumberFormat(decimals=decimals) if decimals <= MAX_DIGITS else None
    digits = number_format.digits + extra
    return NumberFormat(digits=digits) if digits <= MAX_DIGITS else None


def _drawn_gate(model: GraphModel, value: str) -> Gate:
    """The drawn gate an engine node's step belongs to: its own op's, or the collapsed group hiding it."""
    group = model.hidden_in.get(value)
    if group is not None:
        return model.gate(group)
    gate = model.value(value).gate
    if gate is None:
        raise ValueError(f"viz.player: value {value} is a leaf; no gate computes it")
    return model.gate(gate)


def _op_arrivals(model: GraphModel, gate: Gate, step: BackwardStep, grads: Mapping[str, float | None]
                 ) -> list[Arrival]:
    """What one engine step sent to each input (a value used twice, as in ``a*a``, gets both terms, one sum)."""
    ids = model.value_ids
    arrivals: dict[str, Arrival] = {}
    for edge in step.edges:
        target = ids[edge.input_node]
        edge_id = gate.inputs[edge.position]
        term = Term(edge_id, step.grad, edge.local_grad, edge.contribution, _partner_name(model, edge_id))
        earlier = arrivals.get(target)
        if earlier is None:
            arrivals[target] = Arrival(target, grads[target], (term,), edge.accumulated)
        else:
            arrivals[target] = Arrival(target, earlier.before, (*earlier.terms, term), edge.accumulated)
    return list(arrivals.values())


def _group_arrivals(
    model: GraphModel, gate: Gate, upstream: Mapping[str, float], sums: Mapping[str, BackwardEdge],
    grads: Mapping[str, float | None],
) -> list[Arrival]:
    """A collapsed group's step: each input gets Σ over outputs of (output's gradient × the group's local gradient).

    A group's inputs are distinct values (``describe`` lists each once); the sum after the step
    is the engine's (the last ``BackwardEdge.accumulated`` into that input during the group's steps).
    """
    arrivals = []
    for edge_id in gate.inputs:
        edge = model.edge(edge_id)
        terms = tuple(
            Term(edge_id, upstream[output], local, upstream[output] * local)
            for output, local in zip(gate.outputs, edge.local_grads, strict=True)
            if output in upstream
        )
        sent = sums.get(edge.source)
        if terms and sent is not None:
            arrivals.append(Arrival(edge.source, grads[edge.source], terms, sent.accumulated))
    return arrivals


def _partner_name(model: GraphModel, edge_id: str) -> str:
    """The name of the value an input is multiplied by in a ``dot`` (w0's: ``x[0]``), or ""."""
    partner = model.edge(edge_id).partner
    return "" if partner is None else _label(model, model.edge(partner).source)


def _number_arrivals(model: GraphModel, gate: Gate, upstream: Mapping[str, float]) -> list[Arrival]:
    """What a gate sends the numbers drawn as its inputs (``x[0]``): upstream × local, one term per output; not kept."""
    arrivals = []
    for edge_id in gate.wires:
        edge = model.edge(edge_id)
        if model.value(edge.source).role != "constant":
            continue
        terms = tuple(
            Term(edge_id, upstream[output], local, upstream[output] * local, _partner_name(model, edge_id))
            for output, local in zip(gate.outputs, edge.local_grads, strict=True)
            if output in upstream
        )
        if terms:
            total = terms[0].contribution if len(terms) == 1 else math.fsum(term.contribution for term in terms)
            arrivals.append(Arrival(edge.source, None, terms, total, kept=False))
    return arrivals


def _captioned(frame: Frame, steps: int, text: str) -> Frame:
    """``frame`` with its caption: the one step number (of ``steps``), then ``text``."""
    step = step_label(frame.index, steps)
    return replace(frame, caption=f"{step[0].upper()}{step[1:]} · {text}")


def _group_of(model: GraphModel, gate: Gate) -> str:
    """``sigmoid gate · ``: the group an expanded gate is drawn in (``∂ of exp`` in a backward graph), or nothing."""
    if gate.collapsed is not None or gate.group is None:
        return ""
    return f"{model.group(gate.group).name} · "


def _gate_name(model: GraphModel, gate: Gate) -> str:
    """``the * gate``, or a collapsed group by its full title (``sigmoid gate``, ``neuron 3 of layer 1``)."""
    if gate.collapsed is not None:
        return model.group(gate.collapsed).full_title
    return f"{gate_text(gate.op, gate.const, gate.const_left)} gate"


def _receiver(model: GraphModel, gate: Gate, arrival: Arrival) -> str:
    """How a caption names the value that received ``arrival``: its label, or its input position."""
    name = _label(model, arrival.value)
    node = model.value(arrival.value)
    if name and node.role == "parameter" and node.group is not None and node.group != gate.group:
        # read outside its box (a batch's later sample uses the first sample's w0): say whose it is, in full,
        # since one later sample's gate reads every layer's neuron 0
        return f"{name} ({model.group(node.group).full_title})"
    if name:
        return name
    if len(gate.inputs) == 1 or len(arrival.terms) == len(gate.inputs):  # x, or both sides of x*x
        return "its input"
    return f"input {model.edge(arrival.terms[0].edge).position + 1}"


def _label(model: GraphModel, value: str) -> str:
    """A value's name as its drawing shows it (inside a box: ``w0``, not ``layers.0.neurons.3.w.0``)."""
    return model.value(value).shown_label(True)


def _given(label: str, data: float, number_format: NumberFormat) -> str:
    number = format_number(data, number_format)
    return f"{label} = {number}" if label else number


def _backward_caption(
    model: GraphModel, gate: Gate, upstream: Mapping[str, float], arrivals: Sequence[Arrival],
    number_format: NumberFormat,
) -> str:
    """One short line: which gate, the gradient it starts from, who receives (the arithmetic is in ``work``)."""
    sources = []
    for output, grad in upstream.items():
        label = _label(model, output)
        sources.append(f"{label}'s gradient {format_number(grad, number_format)}" if label
                       else f"upstream gradient {format_number(grad, number_format)}")
    source = sources[0] if len(sources) == 1 else f"the gradients of its {len(sources)} outputs"
    receivers = [_receiver(model, gate, arrival) for arrival in arrivals]
    numbers = [_label(model, arrival.value) for arrival in arrivals if not arrival.kept]
    if not numbers:
        note = ""
    elif len(numbers) == len(receivers):
        note = " (numbers: not kept)"
    else:
        listed = " and ".join(numbers) if len(numbers) <= _NAMED_RECEIVERS else f"{numbers[0]} … {numbers[-1]}"
        note = f" ({listed}: {'a number' if len(numbers) == 1 else 'numbers'}, not kept)"
    if len(receivers) > _NAMED_RECEIVERS:  # the first and the last by name: w0 … b
        to = f"{receivers[0]} … {receivers[-1]}"
    elif not receivers:  # a first layer given numbers that are not drawn: they are folded into its gates
        return f"{_gate_name(model, gate)} sends {source} back to no drawn input (its inputs are numbers)."
    elif receivers == ["its input"]:
        to = "its input"
    else:
        to = " and ".join(receivers)
    return f"{_gate_name(model, gate)} sends {source} back to {to}{note}."
