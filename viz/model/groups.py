"""Which nodes belong to which named group (``autograd.scope``), and which groups are drawn collapsed.

Membership: an op node belongs to the scope it was made in (and that scope's ancestors). A
leaf records no scope, so a *parameter* leaf is placed in the one scope all of its uses are
in (a neuron's weights belong to the neuron); an input used by several scopes belongs to none.

Collapsing a group hides its members and draws one gate in their place. The gate's outputs
are the members used outside the group (or the graph's root); they stay visible. Collapse
requests name groups; past ``max_nodes`` groups are collapsed automatically from the
innermost level outwards (neurons before layers) until the drawing fits.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from autograd import Scope, Value


class TooManyNodesError(ValueError):
    """The graph has more nodes to draw than ``max_nodes`` allows (the message says the size and the options)."""


@dataclass(frozen=True)
class Group:
    """A named sub-computation (one ``autograd.Scope``) as drawn.

    ``id`` is ``s0``, ``s1``, ... in the order groups first appear in the graph's topological
    order; ``path`` joins the names from the outermost group with ``/``; ``depth`` is 0 for a
    top-level group. A ``collapsed`` group is drawn as one gate; a ``hidden`` one is inside a
    collapsed group and not drawn at all. ``title`` is how the group reads inside its parent's
    box (``neuron 3``, the scope's title) and ``full_title`` how it reads anywhere (the titles
    out to the outermost group: ``neuron 3 of layer 2``); ``name`` and ``path`` stay the handles
    that ``collapse`` and ``expand`` take.
    """

    id: str
    name: str
    path: str
    parent: str | None
    depth: int
    collapsed: bool
    hidden: bool
    title: str = ""
    full_title: str = ""

    def shown_title(self, boxed: bool) -> str:
        """The title a drawing writes: ``title`` inside its parent's drawn box (``boxed``), else ``full_title``.

        >>> group = Group("s4", "layers.1.neurons.3", "", "s3", 1, True, False, "neuron 3", "neuron 3 of layer 2")
        >>> group.shown_title(True), group.shown_title(False)
        ('neuron 3', 'neuron 3 of layer 2')
        """
        inside = boxed and self.parent is not None
        return (self.title if inside else self.full_title) or self.name


class GraphIndex:
    """Facts about one engine graph that describing and collapsing it need, computed once.

    Positions are indices into ``order`` (``autograd.topological_order``), which also give the
    drawn ids (``n7`` is ``order[7]``).
    """

    def __init__(self, root: Value, order: Sequence[Value], parameters: Iterable[Value] | None) -> None:
        self.root = root
        self.order = list(order)
        self.position = {node: i for i, node in enumerate(self.order)}
        self.consumers: list[list[int]] = [[] for _ in self.order]
        for i, node in enumerate(self.order):
            for child in node.inputs:
                self.consumers[self.position[child]].append(i)
        self.scopes: list[Scope] = []
        self.scope_index: dict[Scope, int] = {}
        self.parent_index: list[int | None] = []
        self.depth: list[int] = []
        own_scope = [self._register(node.scope) for node in self.order]
        explicit = None if parameters is None else set(parameters)
        self.is_parameter: list[bool] = []
        # the scope each node is drawn in: its own for an op, the one scope of all its uses for a parameter
        self.member_scope: list[int | None] = []
        for i, node in enumerate(self.order):
            home = self._home(i, own_scope) if not node.inputs else own_scope[i]
            parameter = (
                not node.inputs and node is not root and (home is not None if explicit is None else node in explicit)
            )
            self.is_parameter.append(parameter)
            self.member_scope.append(home if node.inputs or parameter else None)

    def _register(self, scope: Scope | None) -> int | None:
        """Index of ``scope``, registering it and its unseen ancestors (outermost first)."""
        if scope is None:
            return None
        known = self.scope_index.get(scope)
        if known is not None:
            return known
        parent: int | None = None
        for ancestor in scope.path():
            index = self.scope_index.get(ancestor)
            if index is None:
                index = len(self.scopes)
                self.scopes.append(ancestor)
                self.scope_index[ancestor] = index
                self.parent_index.append(parent)
                self.depth.append(0 if parent is None else self.depth[parent] + 1)
            parent = index
        return parent

    def _home(self, leaf: int, own_scope: list[int | None]) -> int | None:
        """The scope all uses of a leaf are in, when they share one innermost scope."""
        homes = {own_scope[user] for user in self.consumers[leaf]}
        if len(homes) == 1:
            return homes.pop()
        return None

    def scope_path(self, scope: int) -> list[int]:
        """The scope and its ancestors, outermost first."""
        chain: list[int] = []
        current: int | None = scope
        while current is not None:
            chain.append(current)
            current = self.parent_index[current]
        chain.reverse()
        return chain

    def path_name(self, scope: int) -> str:
        """The names from the outermost scope to this one, joined with ``/``."""
        return "/".join(self.scopes[s].name for s in self.scope_path(scope))

    def full_title(self, scope: int) -> str:
        """The titles from this scope out to the outermost one, joined with ``of`` (``neuron 3 of layer 2``)."""
        return " of ".join(self.scopes[s].title for s in reversed(self.scope_path(scope)))

    def containers(self, collapsed: Collection[int]) -> list[int | None]:
        """For each node, the outermost collapsed group it is hidden in or is an output of (None if none)."""
        outermost: list[int | None] = []
        for scope in range(len(self.scopes)):
            outermost.append(next((s for s in self.scope_path(scope) if s in collapsed), None))
        return [None if s is None else outermost[s] for s in self.member_scope]

    def is_output(self, node: int, containers: Sequence[int | None]) -> bool:
        """True when a node stays visible: not in a collapsed group, or used outside it, or the root."""
        container = containers[node]
        if container is None or self.order[node] is self.root:
            return True
        return any(containers[user] != container for user in self.consumers[node])

    def drawn_size(self, collapsed: Collection[int]) -> int:
        """How many values and gates are drawn when ``collapsed`` groups are collapsed."""
        containers = self.containers(collapsed)
        values = sum(1 for i in range(len(self.order)) if self.is_output(i, containers))
        gates = sum(1 for i, node in enumerate(self.order) if node.inputs and containers[i] is None)
        return values + gates + len({c for c in containers if c is not None})


def resolve_collapse(index: GraphIndex, collapse: bool | Collection[str]) -> set[int]:
    """The groups the user asked to collapse: ``True`` for every top-level group, or names / paths.

    A name matches every group with that name or that ``/``-joined path; an unknown name is an error.
    """
    if collapse is True:
        return {s for s in range(len(index.scopes)) if index.parent_index[s] is None}
    if collapse is False:
        return set()
    if isinstance(collapse, str):
        collapse = [collapse]
    chosen: set[int] = set()
    for name in collapse:
        matches = {s for s in range(len(index.scopes)) if name in (index.scopes[s].name, index.path_name(s))}
        if not matches:
            known = sorted({index.scopes[s].name for s in range(len(index.scopes))})
            raise ValueError(f"collapse: no group named {name!r}; the graph's groups are {known or 'none'}")
        chosen |= matches
    return chosen


def plan_collapse(
    index: GraphIndex, requested: set[int], max_nodes: int | None, on_overflow: str
) -> set[int]:
    """The groups to collapse: ``requested``, plus whole levels (innermost first) while the drawing is too big.

    ``on_overflow="raise"`` raises ``TooManyNodesError`` instead of collapsing automatically.
    """
    if on_overflow not in ("collapse", "raise"):
        raise ValueError(f"on_overflow must be 'collapse' or 'raise', not {on_overflow!r}")
    collapsed = set(requested)
    if max_nodes is None:
        return collapsed
    size = index.drawn_size(collapsed)
    if size <= max_nodes:
        return collapsed
    if on_overflow == "raise" or not index.scopes:
        raise TooManyNodesError(_too_many_message(index, size, max_nodes, collapsed, automatic=False))
    while size > max_nodes:
        expanded = [s for s in range(len(index.scopes)) if not _inside_collapsed(index, s, collapsed)]
        if not expanded:
            raise TooManyNodesError(_too_many_message(index, size, max_nodes, collapsed, automatic=True))
        deepest = max(index.depth[s] for s in expanded)
        collapsed |= {s for s in expanded if index.depth[s] == deepest}
        size = index.drawn_size(collapsed)
    return collapsed


def _inside_collapsed(index: GraphIndex, scope: int, collapsed: Collection[int]) -> bool:
    return any(s in collapsed for s in index.scope_path(scope))


def _too_many_message(index: GraphIndex, size: int, max_nodes: int, collapsed: set[int], automatic: bool) -> str:
    what = f"the graph has {size} nodes to draw (values and gates), more than max_nodes={max_nodes}"
    raise_limit = "raise max_nodes (max_nodes=None draws everything, but layout gets slow past a few thousand)"
    if not index.scopes:
        return (
            f"{what}, and it has no groups to collapse. Name sub-computations with autograd.scope(...) "
            f"so draw can collapse them, draw a smaller part of the graph, or {raise_limit}."
        )
    if automatic:
        return f"{what} even with every group collapsed. Draw a smaller part of the graph, or {raise_limit}."
    names = sorted({index.scopes[s].name for s in range(len(index.scopes)) if index.parent_index[s] is None})
    shown = ", ".join(repr(n) for n in names[:5]) + (", ..." if len(names) > 5 else "")
    return (
        f"{what}. Collapse its groups (collapse=True, or names such as {shown}), "
        f"let draw collapse them (on_overflow='collapse'), or {raise_limit}."
    )
