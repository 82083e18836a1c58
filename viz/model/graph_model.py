"""The graph model: a deterministic, style-independent description of what a diagram shows.

``describe(root)`` walks a ``Value`` graph once and returns a ``GraphModel`` made of plain
frozen dataclasses: the visible values (``ValueNode``), the operations (``Gate``), one
``InputEdge`` per use of a value by a gate (``a*a`` has two), and the named groups. Both
styles draw from it, and a step-through player can lay it out once and re-label it per
frame (``GraphModel.with_gradients``), because every element keeps one id:

==============  ==========================================================================
``n7``          the value at position 7 of ``autograd.topological_order(root)``
``g7``          the gate (op) that computed ``n7``
``s2``          group 2 (``autograd.scope``), numbered in order of first appearance; drawn
                as a boxed cluster, or, when collapsed, as the gate that replaces it
``g7_in0``      the edge carrying input 0 of gate ``g7`` (input order = ``Value.inputs``,
                so it is also ``BackwardEdge.position`` for the engine's step on ``n7``)
``g7_out0``     the edge from a gate to its output value (a collapsed group can have several)
``c0``          a network's input 0 given as a number (``viz.model.constants``), named ``x[0]``
``g7_x0``       the wire from ``c0`` into gate ``g7`` (or ``s2``): drawn, but no engine input
==============  ==========================================================================

The drawn DOT uses these ids as node names and as ``id`` attributes, so they are also the
SVG element ids. Ids depend only on the graph's structure: the same graph gives the same
model and the same DOT text on every run and machine.

Gradient rule: until the graph has been through ``backward()`` (every ``.grad`` in it is
0.0, the root's included) gradients are ``None`` and drawn as "—"; afterwards every
gradient is the engine's ``.grad``, including genuine zeros. Collapsing a group never
changes a value's gradient: the gate's local gradients (``autograd.gradients`` of each
group output with respect to each group input) are recorded on its input edges.

>>> from autograd.examples import sigmoid_circuit
>>> wires = sigmoid_circuit()
>>> from viz.model.options import ModelOptions
>>> model = describe(wires["f"], ModelOptions(collapse=("sigmoid gate",)))
>>> [gate.id for gate in model.gates], model.value("n12").grad is None
(['g2', 'g5', 'g6', 'g8', 's0'], True)
>>> wires["f"].backward()
>>> model = describe(wires["f"], ModelOptions(collapse=("sigmoid gate",)))
>>> round(model.edge("s0_in0").local_grads[0], 4), round(model.value("n8").grad, 4)
(0.1966, 0.1966)
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal, TypeVar

from autograd import Value, gradients, topological_order
from autograd.derivatives import dot_partners
from viz.model.constants import INPUT_NAME, SharedNumbers, constant_id, shared_numbers
from viz.model.groups import GraphIndex, Group, later_samples, plan_collapse, resolve_collapse, tall_layers
from viz.model.layout_cost import check_layout_cost
from viz.model.options import ModelOptions
from viz.number_format import NumberFormat, format_gradient

Role = Literal["input", "parameter", "output", "intermediate", "constant"]

# a module's own parameter by its relative name (``w.0``, ``w.12``)
_RELATIVE_PARAMETER = re.compile(r"[A-Za-z_]\w*(?:\.\d+)+")


@dataclass(frozen=True)
class ValueNode:
    """One drawn value: its engine label, forward value and gradient (``None`` before backward).

    ``role`` is ``"output"`` (the root), ``"parameter"`` (a leaf passed as a parameter, or owned
    by one group), ``"input"`` (another leaf), ``"intermediate"``, or ``"constant"`` (a network's
    input given as a number, ``viz.model.constants``: no engine node, no gradient). ``group`` is the id of the
    expanded group (cluster) it is drawn in, or None. ``gate`` is the id of the drawn gate that
    computes it (its op's gate, or the collapsed group it leaves), None for a leaf.
    ``local_label`` is the label as read inside its group's box: a parameter labelled with its
    group's name in front (``layers.1.neurons.3.w.0`` in ``layers.1.neurons.3``) is ``w0``;
    otherwise the label itself.
    """

    id: str
    label: str
    data: float
    grad: float | None
    role: Role
    group: str | None
    gate: str | None = None
    local_label: str = ""

    def shown_label(self, boxed: bool) -> str:
        """The label a drawing writes: ``local_label`` inside a drawn box (``boxed``), else the full label."""
        return (self.local_label or self.label) if boxed and self.group is not None else self.label

    def gradient_text(self, grad: float | None, number_format: NumberFormat) -> str:
        """What its gradient slot says: ``grad`` ("—" for None), or nothing for a constant (the engine keeps none).

        >>> node = ValueNode("c0", "x[0]", 0.5, None, "constant", None)
        >>> node.gradient_text(None, NumberFormat()), replace(node, role="input").gradient_text(0.25, NumberFormat())
        ('', '0.2500')
        """
        return "" if self.role == "constant" else format_gradient(grad, number_format)


@dataclass(frozen=True)
class Gate:
    """One drawn operation: an engine op, or a collapsed group (``collapsed`` is that group's id).

    ``const``/``const_left`` are the op's folded number (see ``Value.const``); ``inputs`` are
    ``InputEdge`` ids in input order (``inputs[k]`` is the edge of input position ``k``),
    ``outputs`` the ``ValueNode`` ids it computes and ``output_edges`` the ids of the edges
    drawn to them (``output_edges[k]`` leads to ``outputs[k]``). ``wires``: every edge drawn
    into it, in formula order: its inputs, each number drawn as an input (``g7_x0``) after the
    weight it multiplies (w0, x[0], w1, x[1], …, b); a collapsed group's numbers come first.
    """

    id: str
    op: str
    const: float | None
    const_left: bool
    group: str | None
    collapsed: str | None
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    output_edges: tuple[str, ...]
    wires: tuple[str, ...] = ()


@dataclass(frozen=True)
class InputEdge:
    """One use of a value by a gate; ``local_grads[k]`` is ∂(gate output k)/∂(this input).

    ``position`` is the engine's input position (``BackwardEdge.position``), -1 for a number drawn
    as an input (``c0``); ``partner``, in a ``dot`` gate, the edge of the input it is multiplied by
    (w0's is x[0]'s): its local gradient is that input's value.
    """

    id: str
    source: str
    target: str
    position: int
    local_grads: tuple[float, ...]
    partner: str | None = None


@dataclass(frozen=True)
class GraphModel:
    """The whole description; see the module docstring for the ids.

    ``value_ids`` maps every engine node of the graph (drawn or not) to its ``n`` id, and
    ``hidden_in`` maps the id of each value hidden inside a collapsed group to that group's gate.
    ``stale`` lists the leaves whose gradient is not what this graph sends them (see ``stale_leaves``).
    ``numbers_from`` maps each number drawn as an input (``c0``) to where the engine keeps it: the
    topological position of a ``dot`` node taking it and the input whose local gradient it is
    (``order[i].local_grads[k]``), so a drawing of another example's graph can read it there.
    """

    root: str
    values: tuple[ValueNode, ...]
    gates: tuple[Gate, ...]
    edges: tuple[InputEdge, ...]
    groups: tuple[Group, ...]
    value_ids: Mapping[Value, str] = field(repr=False, compare=False)
    hidden_in: Mapping[str, str] = field(repr=False)
    stale: tuple[str, ...] = ()
    numbers_from: Mapping[str, tuple[int, int]] = field(default_factory=dict, repr=False, compare=False)
    _values: dict[str, ValueNode] = field(init=False, repr=False, compare=False)
    _gates: dict[str, Gate] = field(init=False, repr=False, compare=False)
    _edges: dict[str, InputEdge] = field(init=False, repr=False, compare=False)
    _groups: dict[str, Group] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # frozen: the lookup tables are set once, here
        object.__setattr__(self, "_values", {node.id: node for node in self.values})
        object.__setattr__(self, "_gates", {gate.id: gate for gate in self.gates})
        object.__setattr__(self, "_edges", {edge.id: edge for edge in self.edges})
        object.__setattr__(self, "_groups", {group.id: group for group in self.groups})

    @property
    def size(self) -> int:
        """How many values and gates are drawn (what ``max_nodes`` limits)."""
        return len(self.values) + len(self.gates)

    @property
    def has_gradients(self) -> bool:
        """True when the gradients are known (the graph has been through ``backward()``)."""
        return any(node.grad is not None for node in self.values)

    def value(self, node_id: str) -> ValueNode:
        """The drawn value with this id."""
        return _lookup(self._values, node_id, "drawn value")

    def gate(self, gate_id: str) -> Gate:
        """The drawn gate with this id."""
        return _lookup(self._gates, gate_id, "gate")

    def edge(self, edge_id: str) -> InputEdge:
        """The input edge with this id."""
        return _lookup(self._edges, edge_id, "input edge")

    def group(self, group_id: str) -> Group:
        """The group with this id."""
        return _lookup(self._groups, group_id, "group")

    def edge_gradient(self, edge_id: str) -> float | None:
        """The gradient flowing back along an edge: Σₖ grad(gate output k) × local_grads[k] (None before backward).

        For a value used once this is the value's gradient; at a fork the value's gradient is
        the sum over its edges.
        """
        edge = self.edge(edge_id)
        total = 0.0
        for output, local in zip(self.gate(edge.target).outputs, edge.local_grads, strict=True):
            grad = self.value(output).grad
            if grad is None:
                return None
            total += grad * local
        return total

    def with_gradients(self, grads: Mapping[str, float | None]) -> GraphModel:
        """A copy whose values ``grads`` names show the given gradients (``None`` draws "—").

        The ids, and so the layout Graphviz computes, stay the same: a player draws one frame
        per backward step by re-labelling the same model.
        """
        unknown = set(grads) - {node.id for node in self.values}
        if unknown:
            raise KeyError(f"with_gradients: no drawn values {sorted(unknown)}")
        values = tuple(replace(node, grad=grads[node.id]) if node.id in grads else node for node in self.values)
        return replace(self, values=values)


Item = TypeVar("Item")


def _lookup(table: Mapping[str, Item], key: str, kind: str) -> Item:
    try:
        return table[key]
    except KeyError:
        raise KeyError(f"no {kind} {key!r} in this graph") from None


def describe(root: Value, options: ModelOptions | None = None) -> GraphModel:
    """Describe ``root``'s graph for drawing: the groups and parameters ``options`` pick (default ``ModelOptions()``).

    Past ``options.max_nodes`` groups are collapsed (or ``TooManyNodesError`` raised, see
    ``viz.model.options.ModelOptions``); a drawing that would take ``dot`` minutes to lay out (one
    value used all along a long chain, see ``viz.model.layout_cost``) raises
    ``LayoutTooCostlyError``; ``max_nodes=None`` draws everything.
    """
    if not isinstance(root, Value):
        raise TypeError(f"describe/draw needs a Value, got {type(root).__name__}")
    chosen = ModelOptions() if options is None else options
    index = GraphIndex(root, topological_order(root), chosen.parameters)
    requested = resolve_collapse(index, chosen.collapse)
    if chosen.collapse is False and chosen.max_nodes is not None:  # by default a drawing fits a slide:
        requested |= later_samples(index)  # a batch loss shows one sample open,
        if chosen.on_overflow == "collapse":  # and a layer too tall to draw open shows its neurons as gates
            requested |= tall_layers(index)  # ("raise": the caller wants to be told, not collapsed for)
    collapsed = plan_collapse(index, requested, chosen.max_nodes, chosen.on_overflow)
    model = _build(index, collapsed)
    if chosen.max_nodes is not None:  # None: draw everything, however long dot takes
        check_layout_cost(model)
    return model


def _build(index: GraphIndex, collapsed: set[int]) -> GraphModel:
    order = index.order
    containers = index.containers(collapsed)
    known = any(node.grad != 0.0 for node in order)
    group_ids = [f"s{s}" for s in range(len(index.scopes))]
    shared = shared_numbers(index)

    def cluster_of_scope(scope: int | None) -> str | None:
        return None if scope is None else group_ids[scope]

    # a network's inputs given as numbers come first, as inputs do
    values: list[ValueNode] = [
        ValueNode(constant_id(p), INPUT_NAME.format(p), number, None, "constant", None,
                  local_label=INPUT_NAME.format(p))
        for p, number in shared.numbers.items()
    ]
    hidden_in: dict[str, str] = {}
    # the gate that computes each drawn value: its op's gate, or the collapsed group it leaves
    gate_of: dict[int, str] = {i: f"g{i}" for i, node in enumerate(order) if node.inputs and containers[i] is None}
    gate_of.update((i, group_ids[c]) for i, c in enumerate(containers) if c is not None and order[i].inputs)
    for i, node in enumerate(order):
        container = containers[i]
        if not index.is_output(i, containers):
            assert container is not None  # only values inside a collapsed group are hidden
            hidden_in[f"n{i}"] = group_ids[container]
            continue
        group = index.member_scope[i] if container is None else index.parent_index[container]
        values.append(
            ValueNode(
                id=f"n{i}",
                label=node.label,
                data=node.data,
                grad=node.grad if known else None,
                role=_role(index, i),
                group=cluster_of_scope(group),
                gate=gate_of.get(i),
                local_label=_local_label(node.label, None if group is None else index.scopes[group].name),
            )
        )

    gates: list[Gate] = []
    gate_position: dict[str, int] = {}
    edges: list[InputEdge] = []
    members: dict[int, list[int]] = {}
    first_position: dict[int, int] = {}
    for i, node in enumerate(order):
        container = containers[i]
        if container is not None:
            members.setdefault(container, []).append(i)
            if index.is_output(i, containers):
                first_position.setdefault(container, i)
            continue
        if not node.inputs:
            continue
        gate_id = f"g{i}"
        inputs = []
        wires = []
        partners = dot_partners(node) if node.op == "dot" else ()
        numbers = dict(shared.users.get(i, ()))  # weight k multiplies the number x[numbers[k]]
        for k, (child, local) in enumerate(zip(node.inputs, node.local_grads, strict=True)):
            number = f"{gate_id}_x{numbers[k]}" if k in numbers else None
            partner = f"{gate_id}_in{partners[k]}" if partners and partners[k] >= 0 else number
            edge = InputEdge(f"{gate_id}_in{k}", f"n{index.position[child]}", gate_id, k, (local,), partner)
            edges.append(edge)
            inputs.append(edge.id)
            wires.append(edge.id)
            if number is not None:  # ∂dot/∂x = w
                edges.append(InputEdge(number, constant_id(numbers[k]), gate_id, -1, (child.data,), edge.id))
                wires.append(number)
        gates.append(
            Gate(gate_id, node.op, node.const, node.const_left, cluster_of_scope(index.member_scope[i]), None,
                 tuple(inputs), (f"n{i}",), (f"{gate_id}_out0",), tuple(wires))
        )
        gate_position[gate_id] = i
    for container in sorted(members, key=lambda c: first_position.get(c, len(order))):
        gate, gate_edges = _collapsed_gate(index, containers, container, members[container], group_ids, shared)
        gates.append(gate)
        edges.extend(gate_edges)
        # a gate sits where its first output sits in topological order
        gate_position[gate.id] = first_position.get(container, -1)
    gates.sort(key=lambda gate: gate_position[gate.id])

    groups = []
    states, paths = index.group_states(collapsed), index.path_names()
    for s in range(len(index.scopes)):
        state = states[s]
        groups.append(
            Group(
                id=group_ids[s],
                name=index.scopes[s].name,
                path=paths[s],
                parent=cluster_of_scope(index.parent_index[s]),
                depth=index.depth[s],
                collapsed=state == "collapsed",
                hidden=state == "hidden",
                title=index.scopes[s].title,
                full_title=index.full_title(s),
                sample=s in index.samples,
            )
        )
    model = GraphModel(
        root=f"n{index.position[index.root]}",
        values=tuple(values),
        gates=tuple(gates),
        edges=tuple(edges),
        groups=tuple(groups),
        value_ids={node: f"n{i}" for i, node in enumerate(order)},
        hidden_in=hidden_in,
        numbers_from={constant_id(p): (i, k) for i, pairs in reversed(shared.users.items()) for k, p in pairs},
    )
    return replace(model, stale=stale_leaves(model))


def stale_leaves(model: GraphModel) -> tuple[str, ...]:
    """The leaves whose ``.grad`` is not the sum of what this graph sends them, in drawing order.

    What a gate sends back along an edge is Σₖ grad(output k) × local_grads[k] (the recorded
    local gradients), so one pass over the edges gives every leaf's expected gradient. A leaf
    holds more after an earlier ``backward()`` (no ``zero_grad``), or when another graph built
    from the same leaves was differentiated too. Sums are compared to within rounding
    (relative to the terms' magnitudes); non-finite gradients are never called stale.

    >>> from autograd import Value
    >>> x = Value(3.0, label="x")
    >>> (x * x).backward()
    >>> y = x * 2
    >>> y.backward()
    >>> stale_leaves(describe(y)), x.grad
    (('n0',), 8.0)
    """
    if not model.has_gradients:
        return ()
    sent: dict[str, float] = {}
    size: dict[str, float] = {}
    for edge in model.edges:
        term = model.edge_gradient(edge.id)
        if term is not None:
            sent[edge.source] = sent.get(edge.source, 0.0) + term
            size[edge.source] = size.get(edge.source, 0.0) + abs(term)
    stale = []
    for node in model.values:
        if node.gate is not None or node.id == model.root or node.grad is None or node.id not in sent:
            continue
        expected, grad = sent[node.id], node.grad
        if math.isfinite(expected) and math.isfinite(grad) and abs(grad - expected) > 1e-9 * max(size[node.id], 1e-300):
            stale.append(node.id)
    return tuple(stale)




def _role(index: GraphIndex, i: int) -> Role:
    node = index.order[i]
    if node is index.root:
        return "output"
    if index.is_parameter[i]:
        return "parameter"
    return "intermediate" if node.inputs else "input"


def _local_label(label: str, group_name: str | None) -> str:
    """``label`` without its group's name in front and without dots: ``w0`` for ``layers.0.neurons.3.w.0``.

    An unnamed module's parameters are already relative (``w.0`` in a lone ``Neuron``): only the dot goes.

    >>> _local_label("layers.0.neurons.3.w.0", "layers.0.neurons.3"), _local_label("x0", "layers.0")
    ('w0', 'x0')
    >>> _local_label("w.0", "Neuron"), _local_label("w.0", None), _local_label("a.b", "Neuron")
    ('w0', 'w.0', 'a.b')
    """
    if group_name and label.startswith(f"{group_name}.") and len(label) > len(group_name) + 1:
        return label[len(group_name) + 1:].replace(".", "")
    if group_name and _RELATIVE_PARAMETER.fullmatch(label):
        return label.replace(".", "")
    return label


def _collapsed_gate(
    index: GraphIndex, containers: list[int | None], container: int, members: list[int], group_ids: list[str],
    shared: SharedNumbers,
) -> tuple[Gate, list[InputEdge]]:
    """One gate for a collapsed group: inputs in order of first use, local gradients from ``autograd.gradients``.

    A number drawn as an input (``c0``) that a hidden ``dot`` takes gets a wire too, first: its local
    gradient is Σ over those dots of ∂output/∂dot × the weight it multiplies.
    """
    order = index.order
    external: list[int] = []
    seen: set[int] = set()
    for i in members:
        for child in order[i].inputs:
            position = index.position[child]
            # a parameter hidden in the first sample's collapsed layer is not drawn as a later sample's input
            visible = containers[position] is None or index.is_output(position, containers)
            if containers[position] != container and position not in seen and visible:
                seen.add(position)
                external.append(position)
    outputs = [i for i in members if index.is_output(i, containers)]
    dots = [i for i in members if i in shared.users]
    wrt = [order[i] for i in (*external, *dots)]
    jacobian = [gradients(order[o], wrt) for o in outputs]  # one row per output
    gate_id = group_ids[container]
    edges = [
        InputEdge(f"{gate_id}_in{k}", f"n{i}", gate_id, k, tuple(row[k] for row in jacobian))
        for k, i in enumerate(external)
    ]
    weights: dict[int, list[tuple[int, float]]] = {}  # per number: (column of its dot, the weight's data)
    for column, i in enumerate(dots, start=len(external)):
        for k, position in shared.users[i]:
            weights.setdefault(position, []).append((column, order[i].inputs[k].data))
    numbers = [
        InputEdge(f"{gate_id}_x{position}", constant_id(position), gate_id, -1,
                  tuple(math.fsum(row[column] * w for column, w in weights[position]) for row in jacobian))
        for position in sorted(weights)
    ]
    parent = index.parent_index[container]
    gate = Gate(
        gate_id, "", None, False, None if parent is None else group_ids[parent], gate_id,
        tuple(edge.id for edge in edges), tuple(f"n{o}" for o in outputs),
        tuple(f"{gate_id}_out{k}" for k in range(len(outputs))), tuple(edge.id for edge in (*numbers, *edges)),
    )
    return gate, [*edges, *numbers]
