"""Assembling DOT: nodes go into their group's cluster, edges come last, and the order is fixed.

Styles add nodes and edges through a ``Canvas``; ``finish`` nests the clusters and writes
the statements in a deterministic order: top-level nodes, clusters (innermost nested in
their parents, each with its nodes), then every edge at top level (an edge written inside
a cluster would pull its nodes into that cluster).

The order of a gate's inputs (w0, x0, w1, x1, …, b from top to bottom in LR, left to right
in TB, so that a neuron's wires never cross) comes from how ``dot`` orders a rank:

- at top level, the graph's ``ordering=in`` (set by ``draw_model``) keeps each gate's
  in-edges in the order they are written, which is input order;
- inside a cluster, ``dot`` (2.43) mirrors those constraints in LR (a cluster does not get
  the root's LR flip) and its final cross-cluster pass (``remincross``, switched off by
  ``draw_model``) reshuffles them. So a cluster sets ``ordering`` to nothing and its nodes
  keep the order they are first written in, which ``dot`` installs last-first: in LR the
  missing flip turns that back into written order, in TB the cluster's nodes are written
  last-first (``CLUSTER_NODES_REVERSED``) so that they come out in written order too. Sibling
  clusters (a layer's neurons) are placed the same way, so they are nested last-first in TB.

Values are written in topological order, which puts a neuron's weights in formula order.
Top-level inputs that only feed boxes (an MLP's x0, x1) are ordered by ``keep_in_order``.
``tests/viz/styles/test_input_order.py`` measures the result in ``dot``'s own coordinates.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING, Any

import graphviz

from viz.diagram import Diagram
from viz.escaping import plain_label

if TYPE_CHECKING:
    from viz.model.graph_model import GraphModel
    from viz.model.network import NetworkColumns
    from viz.options import DrawOptions

FONT = "Helvetica"
# rankdirs in which a cluster's node statements are written last-first (see the module docstring)
CLUSTER_NODES_REVERSED = frozenset({"TB"})
_INVISIBLE_POINT = {"shape": "point", "width": "0", "height": "0", "style": "invis", "label": ""}
# a network's rankdirs in which its edges are written last-first (see ``Canvas.network``)
NETWORK_EDGES_REVERSED = frozenset({"LR"})


class Canvas:
    """Collects one diagram's nodes and edges (see the module docstring)."""

    def __init__(self, model: GraphModel, options: DrawOptions, graph_attributes: dict[str, str]) -> None:
        self.model = model
        self.options = options
        self.diagram = Diagram(name="gradtrace", model=model, options=options, graph_attr=graph_attributes)
        self._clusters: dict[str, Any] = {}
        # a cluster's statements, written by ``finish`` (its nodes in the order CLUSTER_NODES_REVERSED says)
        self._cluster_nodes: dict[str, list[tuple[str, dict[str, str]]]] = {}
        self._cluster_ranks: dict[str, list[list[str]]] = {}
        self._edges: list[tuple[str, str, dict[str, str]]] = []
        self._node_groups: dict[str, str | None] = {}  # every node's group, in the order written
        self._columns: NetworkColumns | None = None
        self._last_in: dict[str, str] = {}
        self._partners: dict[str, tuple[str, str]] = {}

    def node(self, name: str, group: str | None, **attributes: str) -> None:
        """Add a node (``id`` = its name) inside ``group``'s cluster, or at top level."""
        if group is not None and self.options.clusters:
            self._cluster(group)
            self._cluster_nodes[group].append((name, attributes))
        else:
            self.diagram.node(name, id=name, **attributes)
        self._node_groups[name] = group
        self.diagram.node_count += 1

    def same_rank(self, group: str | None, names: list[str]) -> None:
        """Keep nodes side by side in one rank (a constant next to its op), inside ``group``'s cluster."""
        if group is not None and self.options.clusters:
            self._cluster(group)
            self._cluster_ranks[group].append(names)
        else:
            self.diagram.subgraph(_same_rank(names))

    def keep_in_order(self, pairs: list[tuple[str, str]]) -> None:
        """Keep top-level nodes side by side, each pair's first before its second (an invisible edge).

        For nodes ``dot`` would otherwise order by its heuristics alone; at top level such an edge
        holds in LR (top to bottom) and TB (left to right) alike. Not for records: ``dot`` loses a
        flat edge next to a record. Pairs that share no node are kept apart, each chain in a rank of
        its own: one rank for all would pull a batch's later samples' inputs into the first's column.
        """
        chains: list[tuple[set[str], list[str]]] = []  # (nodes, edge lines), in order of first appearance
        for first, second in pairs:
            touching = [chain for chain in chains if first in chain[0] or second in chain[0]]
            nodes, body = set(), []
            for chain in touching:  # a pair joining two chains merges them
                nodes |= chain[0]
                body += chain[1]
                chains.remove(chain)
            nodes |= {first, second}
            body.append(f"\t{first} -> {second} [style=invis]\n")
            chains.append((nodes, body))
        for _, body in chains:
            self.diagram.subgraph(graphviz.Digraph(graph_attr={"rank": "same"}, body=body))

    def network(self, columns: NetworkColumns) -> None:
        """Draw the graph as a network (before any node is added): its inputs, then each layer's boxes in a band.

        Why ranks and not computed positions: ``dot`` already keeps a box's nodes together, routes
        wires around nodes and sizes every box to its text, for any size and both directions; a
        network only needs (1) its columns in bands of ranks that do not overlap (``_band_edges``),
        (2) each wire from an earlier column entering its own box on the box's first rank
        (``_lead_in``), and (3) the order inside a box to be the gate's input order. For (3)
        ``newrank`` ranks the whole graph at once, so the boxes' ``ordering=in`` holds: each gate's
        inputs in the order its edges are written, which ``dot`` mirrors inside boxes in LR, so
        there the edges into boxed nodes are written last-first (``NETWORK_EDGES_REVERSED``; the
        edges between boxes, such as a layer's outputs into the loss, keep their order, and so keep
        the boxes in index order). A parameter's name is then written on
        its wire (the style's choice, ``is_network``): a separate name node would be ordered by
        ``dot``'s heuristics instead.
        """
        self._columns = columns
        self.diagram.graph_attr["newrank"] = "true"

    @property
    def is_network(self) -> bool:
        """Whether the graph is drawn as a network (``network``)."""
        return self._columns is not None

    def edge(self, edge_id: str, tail: str, head: str, **attributes: str) -> None:
        """Add an edge with a stable ``id`` (not a network's shared-parameter wire: ``NetworkColumns.shared``)."""
        if self._columns is not None and edge_id in self._columns.shared:
            return
        previous = self._last_in.get(head)
        if previous is not None:  # the wire before it into the same node (its partner, w0 for x0), and its name
            self._partners[edge_id] = (previous, f"{previous}_name")
        self._last_in[head] = tail
        self._edges.append((tail, head, {"id": edge_id, **attributes}))

    def _cluster(self, group_id: str) -> Any:
        cluster = self._clusters.get(group_id)
        if cluster is None:
            group = self.model.group(group_id)
            if group.parent is not None:
                self._cluster(group.parent)  # ancestors first, so each exists when nesting
            palette = self.options.palette
            cluster = graphviz.Digraph(
                name=f"cluster_{group_id}",
                graph_attr={
                    "id": group_id,
                    "label": plain_label(group.shown_title(boxed=True)),  # "neuron 3" inside "layer 2"
                    "labeljust": "l",
                    "style": "rounded,filled,dashed",
                    "color": palette.faint,
                    "fillcolor": palette.cluster_fill,
                    "fontcolor": palette.faint,
                    "fontname": FONT,
                    "fontsize": "10",
                    # see the module docstring: a cluster keeps its written order instead (a network's: ``network``)
                    "ordering": "in" if self._columns is not None else "",
                },
            )
            self._clusters[group_id] = cluster
            self._cluster_nodes[group_id] = []
            self._cluster_ranks[group_id] = []
        return cluster

    def finish(self) -> Diagram:
        """Nest the clusters, write the edges, and return the diagram."""
        band_lines = [] if self._columns is None else self._band_edges(self._columns)
        network = self._columns is not None
        last_first = self.options.rankdir in CLUSTER_NODES_REVERSED and not network
        for group_id, nodes in self._cluster_nodes.items():
            cluster = self._clusters[group_id]
            for name, attributes in reversed(nodes) if last_first else nodes:
                cluster.node(name, id=name, **attributes)
            for names in self._cluster_ranks[group_id]:
                cluster.subgraph(_same_rank(names))
        # deepest clusters first, so every child is complete before its parent takes it in
        position = {group.id: k for k, group in enumerate(self.model.groups)}
        # sibling clusters are placed like nodes: last-first where nodes are (in a network's bands, written order)
        sign = -1 if last_first else 1
        ordered = sorted(self._clusters, key=lambda gid: (-self.model.group(gid).depth, sign * position[gid]))
        for group_id in ordered:
            parent = self.model.group(group_id).parent
            host = self.diagram if parent is None else self._clusters[parent]
            host.subgraph(self._clusters[group_id])
        self.diagram.body.extend(band_lines)
        edges = self._edges
        if network and self.options.rankdir in NETWORK_EDGES_REVERSED:  # see ``network``
            edges = [edge for edge in edges if self._node_groups.get(edge[1]) is None] + [
                edge for edge in reversed(edges) if self._node_groups.get(edge[1]) is not None]
        for tail, head, attributes in edges:
            self.diagram.edge(tail, head, **attributes)
        self.diagram.edge_count = len(self._edges)
        return self.diagram

    def _band_edges(self, columns: NetworkColumns) -> list[str]:
        """Invisible constraints that give every column of a network its own band of ranks.

        Band 0 holds the inputs (and their name nodes), band k the nodes drawn in column k's
        boxes. ``dot`` cannot set two boxes side by side when their ranks overlap (it stacks
        them, and the wires between them then run through the boxes in between), so each band
        starts after the one before it ends. When the next band starts with anything but gates
        (points on its boxes' first rank where wires end, ``_lead_in``: neurons drawn open; a
        later sample's inputs, which stand by its gate), each band's last nodes (no edge
        to another node of the band) lead to an invisible anchor that leads to the next band's
        first nodes; otherwise (collapsed neurons, taking the wires themselves) the last and
        the first nodes are two ranks side by side, since a rank between them would hold one
        invisible bend per wire (16 × 16 wires made a diagram ten times as tall). The edges keep
        ``dot``'s default weight: it drops weight-0 edges between clusters.
        """
        outer = {group.id: group.id for group in self.model.groups}
        for group in self.model.groups:  # parents first
            if group.parent is not None:
                outer[group.id] = outer[group.parent]
        layer_band = {group_id: k for k, layer in enumerate(columns.layers, start=1) for group_id in layer}
        band: dict[str, int] = {}
        for name, group_id in self._node_groups.items():
            home = outer[group_id] if group_id is not None else name  # a collapsed layer's gate is named after it
            if home in layer_band:
                band[name] = layer_band[home]
        band.update((value_id, 0) for value_id in columns.inputs)
        for _ in range(2):  # a leaf that feeds one band only stands in it (a later sample's inputs), then its name
            fed: dict[str, set[int]] = {}
            for tail, head, _ in self._edges:
                if tail not in band:  # -1: a node outside every band
                    fed.setdefault(tail, set()).add(band.get(head, -1))
            band.update((tail, min(bands)) for tail, bands in fed.items() if len(bands) == 1 and -1 not in bands)
        has_in: set[str] = set()
        has_out: set[str] = set()
        for tail, head, _ in self._edges:
            if tail in band and band[tail] == band.get(head):
                has_out.add(tail)
                has_in.add(head)
        self._edges = [piece for edge in self._edges for piece in self._lead_in(edge, band, has_in, has_out)]
        lines = []
        gates = {gate.id for gate in self.model.gates}
        for k in range(len(columns.layers)):
            ends = [name for name, b in band.items() if b == k and name not in has_out]
            starts = [name for name, b in band.items() if b == k + 1 and name not in has_in]
            if not ends or not starts:  # no drawn inputs (a Layer given numbers): nothing to keep apart
                continue
            if not all(name in gates for name in starts):  # entry points, or inputs (a later sample's): an anchor
                anchor = f"band{k}_end"
                lines.append(f'\t{anchor} [shape=point width=0 height=0 style=invis label=""]\n')
                lines.extend(f"\t{name} -> {anchor} [style=invis]\n" for name in ends)
                lines.extend(f"\t{anchor} -> {name} [style=invis]\n" for name in starts)
            else:
                self._keep_collapsed_in_order(starts)
                lines.append(f"\t{{rank=same; {'; '.join(ends)}}}\n")
                lines.append(f"\t{{rank=same; {'; '.join(starts)}}}\n")
                lines.append(f"\t{ends[0]} -> {starts[0]} [style=invis]\n")
        return lines


    def _keep_collapsed_in_order(self, starts: list[str]) -> None:
        """A layer's collapsed neurons (gates in its box) in index order: invisible flat edges between them.

        Without them ``dot`` orders them by its crossing heuristics alone; a flat edge inside a box
        holds, mirrored in LR (a box does not get the root's LR flip), so there it runs last-first.
        """
        collapsed = {group.id for group in self.model.groups if group.collapsed}
        gates: dict[str, list[str]] = {}
        for name in starts:
            box = self._node_groups.get(name)
            if box in self._clusters and name in collapsed:
                gates.setdefault(box, []).append(name)
        for box, names in gates.items():
            order = names[::-1] if self.options.rankdir in NETWORK_EDGES_REVERSED else names
            body = [f"\t{first} -> {second} [style=invis]\n" for first, second in pairwise(order)]
            self._clusters[box].subgraph(graphviz.Digraph(graph_attr={"rank": "same"}, body=body))

    def _lead_in(self, edge: tuple[str, str, dict[str, str]], band: dict[str, int],
                 has_in: set[str], has_out: set[str]) -> list[tuple[str, str, dict[str, str]]]:
        """An edge from an earlier column into a node past its box's first rank, as two pieces meeting in that box.

        ``dot`` routes a wire that spans ranks through the ranks in between wherever it finds room,
        which in a column of boxes is through the boxes on the way. Here the wire first reaches an
        invisible point on its own box's first rank, written where the gate's inputs put it (after
        its partner: w0's name, x0's point, w1's name, …); the piece from the earlier column
        (``<edge id>_lead``, no arrowhead, heavy so that it runs straight into the box) fans out
        between the columns, and the piece into the node keeps the edge's id.
        """
        tail, head, attributes = edge
        group = self._node_groups.get(head)
        if head not in band or band.get(tail) == band[head] or head not in has_in or group not in self._cluster_nodes:
            return [edge]
        via = f"{attributes['id']}_via"
        nodes = self._cluster_nodes[group]
        names = [name for name, _ in nodes]
        partners = self._partners.get(attributes["id"], ())
        at = next((k + 1 for k in reversed(range(len(names))) if names[k] in partners), 0)
        nodes.insert(at, (via, dict(_INVISIBLE_POINT)))
        self._node_groups[via] = group
        band[via] = band[head]
        has_out.add(via)
        lead = {key: value for key, value in attributes.items() if key not in ("headport", "arrowsize")}
        lead.update(id=f"{attributes['id']}_lead", arrowhead="none", weight="8")
        rest = {key: value for key, value in attributes.items() if key != "tailport"}
        return [(tail, via, lead), (via, head, rest)]


def _same_rank(names: list[str]) -> graphviz.Digraph:
    return graphviz.Digraph(graph_attr={"rank": "same"}, body=[f"\t{name}\n" for name in names])
