"""Whether a graph model is a network, and its columns: the inputs, then one column per layer.

A graph is a network when one of its top-level groups holds groups of its own: ``nn``'s layers
holding neurons, or a user's scopes nested the same way. Each top-level group is a layer; its
column is one more than the column of the furthest layer feeding it (1 for a layer fed by no
other); a batch loss's later samples (each drawn as one gate: ``viz.model.groups.later_samples``)
take a column of their own after the last layer, just before the loss. Column 0 holds the
network's inputs: the top-level leaves that feed column 1 only (a later sample's inputs stand
by its gate). ``viz.styles.canvas`` turns the columns
into rank bands (see ``ARCHITECTURE.md`` for why ranks, not computed positions).

>>> from autograd import Value
>>> from nn import MLP
>>> from viz.model.graph_model import describe
>>> net = MLP(2, [3, 2], seed=0)
>>> model = describe(net([Value(0.5), Value(-1.0)])[0] + 0.0)
>>> columns = network_columns(model)
>>> [model.value(v).label for v in columns.inputs], [[model.group(g).title for g in c] for c in columns.layers]
(['x[0]', 'x[1]'], [['layer 1'], ['layer 2']])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from viz.model.graph_model import GraphModel


@dataclass(frozen=True)
class NetworkColumns:
    """The columns of a network drawing: ``inputs`` (value ids) and ``layers`` (top-level group ids per column).

    ``shared``: the input edges not drawn, from a parameter in one sample's box to another
    sample's collapsed layer (a batch loss: the parameter is drawn once, in the first sample);
    ``samples``: how many samples the network was run on (1 when it is not a batch).
    """

    inputs: tuple[str, ...]
    layers: tuple[tuple[str, ...], ...]
    shared: frozenset[str] = frozenset()
    samples: int = 1


def is_network(model: GraphModel) -> bool:
    """Whether ``model`` is drawn as a network: one of its top-level groups holds groups (see the module docstring).

    >>> from autograd import Value, scope
    >>> from nn import MLP
    >>> from viz.model.graph_model import describe
    >>> with scope("layer"):
    ...     y = Value(2.0) * 3.0
    >>> is_network(describe(y)), is_network(describe(MLP(2, [1], seed=0)([1.0, 2.0])))
    (False, True)
    """
    parents = {group.parent for group in model.groups if group.parent is not None}
    return any(group.id in parents for group in model.groups if group.parent is None and not group.hidden)


def network_columns(model: GraphModel) -> NetworkColumns | None:
    """The columns of ``model`` drawn as a network, or None when it is not one (see the module docstring)."""
    if not is_network(model):
        return None
    top = [group.id for group in model.groups if group.parent is None and not group.hidden]
    top_level = {group.id: group.id if group.parent is None else "" for group in model.groups}
    for group in model.groups:  # parents come before their children: one pass finds each group's outermost
        if group.parent is not None:
            top_level[group.id] = top_level[group.parent]

    def layer_of_gate(gate_id: str) -> str | None:
        gate = model.gate(gate_id)
        home = gate.group if gate.group is not None else gate.collapsed
        return None if home is None else top_level[home]

    def layer_of_value(value_id: str) -> str | None:  # a leaf feeds no layer: a shared parameter orders nothing
        node = model.value(value_id)
        return None if node.gate is None else layer_of_gate(node.gate)

    feeds: dict[str, set[str]] = {group_id: set() for group_id in top}
    users: dict[str, set[str | None]] = {}
    for edge in model.edges:
        source, target = layer_of_value(edge.source), layer_of_gate(edge.target)
        if source is not None and target is not None and source != target:
            feeds[target].add(source)
        users.setdefault(edge.source, set()).add(target)
    column: dict[str, int] = {}
    for group_id in top:  # a layer comes after the layers feeding it in topological order
        column[group_id] = 1 + max((column.get(source, 0) for source in feeds[group_id]), default=0)
    later = [group_id for group_id in top if model.group(group_id).sample]
    count = max(column[group_id] for group_id in top if group_id not in later)
    if later:  # a batch's later samples, one gate each, in a column of their own just before the loss
        count += 1
        column.update((group_id, count) for group_id in later)
    layers = tuple(tuple(g for g in top if column[g] == k) for k in range(1, count + 1))
    first = set(layers[0])
    inputs = tuple(
        node.id for node in model.values
        if node.gate is None and node.group is None and node.id != model.root
        and users.get(node.id) and users[node.id] <= first
    )
    shared = frozenset(
        edge.id for edge in model.edges
        if model.value(edge.source).role == "parameter" and model.value(edge.source).group is not None
        and model.gate(edge.target).collapsed is not None
        and layer_of_gate(edge.target) != top_level[model.value(edge.source).group or ""]
    )
    samples = 1 + sum(1 for group in model.groups if group.sample)
    return NetworkColumns(inputs, layers, shared, samples)
