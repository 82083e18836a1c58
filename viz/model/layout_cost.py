"""How hard a drawing is for ``dot`` to lay out, measured on the graph model before ``dot`` runs.

``dot`` puts every node on a rank and routes an edge that spans ``k`` ranks through ``k - 1``
invisible "virtual" nodes; positioning them costs far more than the number of drawn nodes
suggests. One value used all along a long chain is the worst case: in ``x*y*y*…*y`` the leaf
``y`` sits at the start and its ``n``-th use ``2n`` ranks further on, so ``n`` uses make about
``n²`` virtual nodes (55 uses: 3,000 and 4.5 s of layout; 150 uses: 22,500 and minutes).

``long_edge_cost`` estimates that count per source value, the way ``dot`` ranks (longest path
from the inputs, each leaf just before its first use). Many short detours are cheap (an
MLP's 1,000 values make 4,000 virtual nodes, no value more than 30, and lay out in under a
second); one value's many long wires are what ``dot`` cannot position quickly, so
``check_layout_cost`` raises ``LayoutTooCostlyError`` when one value's wires pass
``MAX_LONG_EDGE_COST``, naming the value and what to do.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from viz.model.graph_model import GraphModel

# one value's virtual nodes: x*y*…*y stays under it up to 45 uses of y (about 2 s of dot on 2 cores)
MAX_LONG_EDGE_COST = 2000


class LayoutTooCostlyError(ValueError):
    """The drawing would take ``dot`` too long to lay out (the message says why and what to do)."""


def long_edge_cost(model: GraphModel) -> tuple[int, Counter[str]]:
    """The virtual nodes ``dot`` would add, and how many each source value causes.

    >>> from autograd import Value
    >>> from viz.model.graph_model import describe
    >>> x, y = Value(2.0, label="x"), Value(3.0, label="y")
    >>> total, by_value = long_edge_cost(describe(x * y * y * y))
    >>> total, by_value.most_common(1)
    (6, [('n1', 6)])
    """
    successors: dict[str, list[str]] = {}
    for edge in model.edges:
        successors.setdefault(edge.source, []).append(edge.target)
    for gate in model.gates:
        successors.setdefault(gate.id, []).extend(gate.outputs)
    names = [node.id for node in model.values] + [gate.id for gate in model.gates]
    waiting = Counter(head for heads in successors.values() for head in heads)
    rank = dict.fromkeys(names, 0)
    ready = [name for name in names if waiting[name] == 0]
    sources = list(ready)
    while ready:  # longest path from the inputs, in topological order
        name = ready.pop()
        for head in successors.get(name, ()):
            rank[head] = max(rank[head], rank[name] + 1)
            waiting[head] -= 1
            if waiting[head] == 0:
                ready.append(head)
    for name in sources:  # a leaf sits just before its first use, which is where dot puts it
        heads = successors.get(name)
        if heads:
            rank[name] = min(rank[head] for head in heads) - 1
    by_value: Counter[str] = Counter()
    for tail, heads in successors.items():
        for head in heads:
            by_value[tail] += max(0, rank[head] - rank[tail] - 1)
    return sum(by_value.values()), by_value


def check_layout_cost(model: GraphModel, limit: int = MAX_LONG_EDGE_COST) -> None:
    """Raise ``LayoutTooCostlyError`` when one value's wires would make more than ``limit`` virtual nodes."""
    _total, by_value = long_edge_cost(model)
    if not by_value:
        return
    culprit, cost = by_value.most_common(1)[0]
    if cost <= limit:
        return
    uses = sum(1 for edge in model.edges if edge.source == culprit)
    node = next((value for value in model.values if value.id == culprit), None)
    name = f"{node.label!r} ({culprit})" if node is not None and node.label else culprit
    raise LayoutTooCostlyError(
        f"this drawing would take dot minutes to lay out: value {name} feeds {uses} operations spread along "
        f"the graph, and its long wires make about {cost:,} hidden layout nodes (the limit is {limit:,}). "
        "Use it fewer times (y**n instead of y*y*…*y), put the repeated part in autograd.scope(...) and "
        "collapse it, or draw anyway with max_nodes=None (--max-nodes 0) and a longer timeout."
    )
