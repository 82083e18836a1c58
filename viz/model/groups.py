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
    that ``collapse`` and ``expand`` take. ``sample``: the group stands for one of a batch loss's
    later samples (``sample 2``: its layers, see ``GraphIndex``), not a scope of the graph's own.
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
    sample: bool = False

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
        self._sample_of: dict[Scope, Scope] = {}  # a later sample's top-level scope -> the sample's scope
        own_scope = self._register_all()
        self._sample_of = self._batch_samples()
        if self._sample_of:  # a batch loss: register again, each later sample's layers inside its sample's scope
            own_scope = self._register_all()
        self.samples = {self.scope_index[sample] for sample in self._sample_of.values()}
        self._paths: list[str] = []
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
        # each node's sample in a batch loss: the later sample's scope it is in (None: the first sample's, or none)
        top = [s if parent is None else 0 for s, parent in enumerate(self.parent_index)]
        for s, parent in enumerate(self.parent_index):  # parents first
            if parent is not None:
                top[s] = top[parent]
        self.sample_of_node = [
            None if scope is None or top[scope] not in self.samples else top[scope] for scope in self.member_scope]

    def _register_all(self) -> list[int | None]:
        """Register every node's scope (outermost first, in order of first appearance); each node's scope index."""
        self.scopes: list[Scope] = []
        self.scope_index: dict[Scope, int] = {}
        self.parent_index: list[int | None] = []
        self.depth: list[int] = []
        return [self._register(node.scope) for node in self.order]

    def _batch_samples(self) -> dict[Scope, Scope]:
        """A batch loss's later samples: each top-level scope holding scopes whose name an earlier one had.

        A model called once per sample makes one ``layers.0`` scope per sample; the k-th of them
        (and the k-th ``layers.1``, …) is sample k's. Each later sample gets a scope of its own
        (``sample 2``) around its layers, so that it can be drawn as one gate: the first sample
        is drawn in full, its parameters shared by all (``_home``).
        """
        holders = {parent for parent in self.parent_index if parent is not None}
        seen: dict[str, int] = {}
        samples: dict[int, Scope] = {}
        sample_of: dict[Scope, Scope] = {}
        for s, scope in enumerate(self.scopes):
            if self.parent_index[s] is None and s in holders:
                k = seen[scope.name] = seen.get(scope.name, 0) + 1
                if k > 1:
                    sample_of[scope] = samples.setdefault(k, Scope(f"sample {k}", title=f"sample {k}"))
        return sample_of

    def _register(self, scope: Scope | None) -> int | None:
        """Index of ``scope``, registering it and its unseen ancestors (outermost first).

        Walks up only to the first scope already seen, so registering every scope of a nesting
        ``n`` deep takes ``n`` steps in all, not ``n²``.
        """
        unseen: list[Scope] = []
        current = scope
        while current is not None and current not in self.scope_index:
            unseen.append(current)
            current = self._sample_of.get(current, current.parent)
        parent = None if current is None else self.scope_index[current]
        for ancestor in reversed(unseen):
            index = len(self.scopes)
            self.scopes.append(ancestor)
            self.scope_index[ancestor] = index
            self.parent_index.append(parent)
            self.depth.append(0 if parent is None else self.depth[parent] + 1)
            parent = index
        return parent

    def _home(self, leaf: int, own_scope: list[int | None]) -> int | None:
        """The scope all uses of a leaf are in, when they share one innermost scope.

        Uses in scopes of the same path within their samples (one neuron called once per sample of
        a batch loss) count as one: the leaf's home is the first sample's, so a shared parameter
        is drawn once, in the first sample's box, by its short name.
        """
        homes = {own_scope[user] for user in self.consumers[leaf]}
        if len(homes) == 1:
            return homes.pop()
        if None in homes:
            return None
        if len(self._paths) != len(self.scopes):
            self._paths = self.path_names(within_sample=True)
        scopes = sorted(home for home in homes if home is not None)
        nested = all(self.depth[home] > 0 for home in scopes)  # a neuron in a layer, not two look-alike scopes
        if not nested or len({self._paths[home] for home in scopes}) != 1:
            return None
        first = [home for home in scopes if self.scope_path(home)[0] not in self.samples]
        return (first or scopes)[0]

    def scope_path(self, scope: int) -> list[int]:
        """The scope and its ancestors, outermost first."""
        chain: list[int] = []
        current: int | None = scope
        while current is not None:
            chain.append(current)
            current = self.parent_index[current]
        chain.reverse()
        return chain

    def path_names(self, within_sample: bool = False) -> list[str]:
        """Each scope's names from the outermost scope down, joined with ``/``; one pass over the scopes.

        ``within_sample``: without a later sample's own scope in front (``layers.0``, not
        ``sample 2/layers.0``), so that a layer reads alike in every sample.
        """
        names: list[str] = []
        for s, parent in enumerate(self.parent_index):  # a parent is registered before its children
            name = self.scopes[s].name
            outer = None if parent is None or (within_sample and parent in self.samples) else names[parent]
            names.append(name if outer is None else f"{outer}/{name}")
        return names

    def outermost(self, collapsed: Collection[int]) -> list[int | None]:
        """For each scope, the outermost of it and its ancestors that is in ``collapsed`` (None if none)."""
        outermost: list[int | None] = []
        for s, parent in enumerate(self.parent_index):  # parents first: one pass, whatever the nesting depth
            above = None if parent is None else outermost[parent]
            outermost.append(above if above is not None else (s if s in collapsed else None))
        return outermost

    def full_title(self, scope: int) -> str:
        """The titles from this scope out to the outermost one, joined with ``of`` (``neuron 3 of layer 2``)."""
        return " of ".join(self.scopes[s].title for s in reversed(self.scope_path(scope)))

    def containers(self, collapsed: Collection[int]) -> list[int | None]:
        """For each node, the outermost collapsed group it is hidden in or is an output of (None if none)."""
        outermost = self.outermost(collapsed)
        return [None if s is None else outermost[s] for s in self.member_scope]

    def group_states(self, collapsed: Collection[int]) -> list[str]:
        """Each scope's state: ``"expanded"``, ``"collapsed"`` (drawn as a gate) or ``"hidden"`` (inside one)."""
        outermost = self.outermost(collapsed)
        states = []
        for s, parent in enumerate(self.parent_index):
            if parent is not None and outermost[parent] is not None:
                states.append("hidden")
            else:
                states.append("collapsed" if s in collapsed else "expanded")
        return states

    def is_output(self, node: int, containers: Sequence[int | None]) -> bool:
        """True when a node stays visible: not in a collapsed group, or used outside it, or the root."""
        container = containers[node]
        if container is None or self.order[node] is self.root:
            return True
        return any(containers[user] != container and not self.shared_with(node, user) for user in self.consumers[node])

    def shared_with(self, node: int, user: int) -> bool:
        """Whether ``user`` is a later sample's node using a parameter of the first sample's (not a use to draw)."""
        return self.is_parameter[node] and self.sample_of_node[user] != self.sample_of_node[node]

    def drawn_size(self, collapsed: Collection[int]) -> int:
        """How many values and gates are drawn when ``collapsed`` groups are collapsed."""
        containers = self.containers(collapsed)
        values = sum(1 for i in range(len(self.order)) if self.is_output(i, containers))
        gates = sum(1 for i, node in enumerate(self.order) if node.inputs and containers[i] is None)
        return values + gates + len({c for c in containers if c is not None})

    def sizes_by_level(self, requested: Collection[int]) -> list[int]:
        """``drawn_size`` for every automatic collapse level at once, in time linear in the graph and scopes.

        Entry ``L`` is the drawn size when ``requested`` and every group at depth ``L`` (and, inside
        groups not requested, deeper) are collapsed; the last entry (``L`` = the deepest depth + 1)
        collapses only ``requested``. A node's visibility changes at no more than two levels, so
        each node and each group adds its count to a range of levels (a difference array).

        How: with cut level ``L``, a node in scope ``m`` (depth ``d``) is inside the collapsed group
        at depth ``k = min(ρ, L)`` when ``k <= d`` (``ρ``: depth of its outermost requested group).
        It stays visible while some user's scope shares no ancestor at depth ``k`` with ``m``:
        while ``k > e``, ``e`` being the smallest common-ancestor depth over its users.
        """
        levels = max(self.depth, default=-1) + 2  # cut levels 0 .. deepest depth + 1
        change = [0] * (levels + 1)

        def add(count: int, first: int, last: int) -> None:  # count at every level in first..last
            first, last = max(first, 0), min(last, levels - 1)
            if count and first <= last:
                change[first] += count
                change[last + 1] -= count

        outermost = self.outermost(requested)
        top = levels - 1
        for i, node in enumerate(self.order):
            gate = 1 if node.inputs else 0
            scope = self.member_scope[i]
            if scope is None:
                add(1 + gate, 0, top)
                continue
            depth = self.depth[scope]
            group = outermost[scope]
            requested_depth = None if group is None else self.depth[group]
            if requested_depth is None:
                add(1 + gate, depth + 1, top)  # above its depth the node is drawn as it is
                last = depth
            else:
                last = top
            if node is self.root:
                add(1, 0, last)
                continue
            shared = self._shallowest_shared(i)
            if requested_depth is None or requested_depth > shared:  # else its users share its requested group
                add(1, shared + 1, last)
        # one gate per collapsed group that holds nodes: a requested outermost group at every level
        # from its own depth, any other group at its own depth only
        holds = [False] * len(self.scopes)
        for scope in self.member_scope:
            if scope is not None:
                holds[scope] = True
        for s in reversed(range(len(self.scopes))):  # children after parents: pass holdings upwards
            parent = self.parent_index[s]
            if holds[s] and parent is not None:
                holds[parent] = True
        for s in range(len(self.scopes)):
            if not holds[s]:
                continue
            if outermost[s] is None:
                add(1, self.depth[s], self.depth[s])
            elif outermost[s] == s:
                add(1, self.depth[s], top)
        sizes, running = [], 0
        for level in range(levels):
            running += change[level]
            sizes.append(running)
        return sizes

    def _shallowest_shared(self, node: int) -> int:
        """The smallest depth of a scope that holds both ``node`` and one of its users (-1: none; no users: big)."""
        scope = self.member_scope[node]
        shallowest = len(self.scopes)  # no user: never used outside any group
        for user in self.consumers[node]:
            if self.shared_with(node, user):  # not drawn (see is_output)
                continue
            shallowest = min(shallowest, self._shared_depth(scope, self.member_scope[user]))
            if shallowest < 0:
                break
        return shallowest

    def _shared_depth(self, first: int | None, second: int | None) -> int:
        """Depth of the innermost scope holding both (-1 if none), walking up from the deeper one."""
        while first is not None and second is not None and first != second:
            if self.depth[first] >= self.depth[second]:
                first = self.parent_index[first]
            else:
                second = self.parent_index[second]
        return -1 if first is None or second is None else self.depth[first]


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
    paths = index.path_names()
    for name in collapse:
        matches = {s for s in range(len(index.scopes)) if name in (index.scopes[s].name, paths[s])}
        if not matches:
            known = sorted({index.scopes[s].name for s in range(len(index.scopes))})
            raise ValueError(f"collapse: no group named {name!r}; the graph's groups are {known or 'none'}")
        chosen |= matches
    return chosen


def later_samples(index: GraphIndex) -> set[int]:
    """The scopes of a batch loss's later samples (``sample 2``, … around each one's layers; see ``GraphIndex``).

    Drawn with default options the first sample is open and each later one is a gate, so the
    drawing stays about the size of one sample's (the parameters are the first sample's, drawn
    once: see ``GraphIndex._home``).
    """
    return set(index.samples)


# An open layer is a column of its neurons' boxes: one row per parameter, and a box's title and margins take about
# 0.7 of a row more. Past this many rows the column runs off a slide (circuit style, measured: XOR's MLP(2, [4, 4, 1])
# has 22.8 in layer 2 and is 1373 px tall; MLP(2, [6, 6, 1]) had 46.2 there and was 2523 px, MLP(2, [8, 8, 1])
# 77.6 and 4056 px, against a slide's 1440; its layer 1, 29.6 rows, was 1752 px on its own).
SLIDE_ROWS = 24.0
BOX_ROWS = 0.7


def tall_layers(index: GraphIndex) -> set[int]:
    """The neurons of each layer too tall to draw open on a slide (``SLIDE_ROWS``, counted in the first sample):
    drawn with default options as one gate each, so the network fits (a ``collapse`` list of the caller's own
    replaces every default, so ``collapse=[]`` draws them open).

    A layer is a top-level group holding groups (a network's, ``viz.model.network``), its neurons those groups.
    """
    parameters: dict[int, int] = {}
    for i, scope in enumerate(index.member_scope):
        if scope is None or not index.is_parameter[i] or index.sample_of_node[i] is not None:
            continue
        layer = index.parent_index[scope]
        if layer is not None and index.parent_index[layer] is None:  # a parameter of a neuron of a layer
            parameters[layer] = parameters.get(layer, 0) + 1
    neurons: dict[int, int] = {}
    for parent in index.parent_index:
        if parent in parameters:
            neurons[parent] = neurons.get(parent, 0) + 1
    tall = {layer for layer, count in parameters.items() if count + BOX_ROWS * neurons[layer] > SLIDE_ROWS}
    return {s for s, parent in enumerate(index.parent_index) if parent in tall}


def plan_collapse(
    index: GraphIndex, requested: set[int], max_nodes: int | None, on_overflow: str
) -> set[int]:
    """The groups to collapse: ``requested``, plus whole levels (innermost first) while the drawing is too big.

    ``on_overflow="raise"`` raises ``TooManyNodesError`` instead of collapsing automatically
    (``viz.model.options.ModelOptions`` checks it is one of the two).
    The drawn size at every level comes from one pass (``GraphIndex.sizes_by_level``), so the
    plan takes time linear in the graph whatever the nesting depth.
    """
    collapsed = set(requested)
    if max_nodes is None:
        return collapsed
    sizes = index.sizes_by_level(requested)
    if sizes[-1] <= max_nodes:
        return collapsed
    if on_overflow == "raise" or not index.scopes:
        raise TooManyNodesError(_too_many_message(index, sizes[-1], max_nodes, collapsed, automatic=False))
    # the deepest level that fits: collapsing level by level from the innermost stops there
    level = next((level for level in reversed(range(len(sizes))) if sizes[level] <= max_nodes), None)
    if level is None:
        raise TooManyNodesError(_too_many_message(index, sizes[0], max_nodes, collapsed, automatic=True))
    outermost = index.outermost(requested)
    collapsed |= {
        s for s, parent in enumerate(index.parent_index)
        if index.depth[s] >= level and (parent is None or outermost[parent] is None)
    }
    return collapsed


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
