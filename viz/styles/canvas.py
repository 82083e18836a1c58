"""Assembling DOT: nodes go into their group's cluster, edges come last, and the order is fixed.

Styles add nodes and edges through a ``Canvas``; ``finish`` nests the clusters and writes
the statements in a deterministic order: top-level nodes, clusters (innermost nested in
their parents, each with its nodes), then every edge at top level (an edge written inside
a cluster would pull its nodes into that cluster).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import graphviz

from viz.diagram import Diagram
from viz.escaping import plain_label

if TYPE_CHECKING:
    from viz.model.graph_model import GraphModel
    from viz.options import DrawOptions

FONT = "Helvetica"


class Canvas:
    """Collects one diagram's nodes and edges (see the module docstring)."""

    def __init__(self, model: GraphModel, options: DrawOptions, graph_attributes: dict[str, str]) -> None:
        self.model = model
        self.options = options
        self.diagram = Diagram(name="gradtrace", model=model, options=options, graph_attr=graph_attributes)
        self._clusters: dict[str, Any] = {}
        self._edges: list[tuple[str, str, dict[str, str]]] = []

    def node(self, name: str, group: str | None, **attributes: str) -> None:
        """Add a node (``id`` = its name) inside ``group``'s cluster, or at top level."""
        target = self._cluster(group) if group is not None and self.options.clusters else self.diagram
        target.node(name, id=name, **attributes)
        self.diagram.node_count += 1

    def same_rank(self, group: str | None, names: list[str]) -> None:
        """Keep nodes side by side in one rank (a constant next to its op), inside ``group``'s cluster."""
        target = self._cluster(group) if group is not None and self.options.clusters else self.diagram
        target.subgraph(graphviz.Digraph(graph_attr={"rank": "same"}, body=[f"\t{name}\n" for name in names]))

    def edge(self, edge_id: str, tail: str, head: str, **attributes: str) -> None:
        """Add an edge with a stable ``id``."""
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
                    "label": plain_label(group.name),
                    "labeljust": "l",
                    "style": "rounded,filled,dashed",
                    "color": palette.faint,
                    "fillcolor": palette.cluster_fill,
                    "fontcolor": palette.faint,
                    "fontname": FONT,
                    "fontsize": "10",
                },
            )
            self._clusters[group_id] = cluster
        return cluster

    def finish(self) -> Diagram:
        """Nest the clusters, write the edges, and return the diagram."""
        # deepest clusters first, so every child is complete before its parent takes it in
        position = {group.id: k for k, group in enumerate(self.model.groups)}
        ordered = sorted(self._clusters, key=lambda gid: (-self.model.group(gid).depth, position[gid]))
        for group_id in ordered:
            parent = self.model.group(group_id).parent
            host = self.diagram if parent is None else self._clusters[parent]
            host.subgraph(self._clusters[group_id])
        for tail, head, attributes in self._edges:
            self.diagram.edge(tail, head, **attributes)
        self.diagram.edge_count = len(self._edges)
        return self.diagram
