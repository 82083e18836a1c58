"""The collapse planner: the same plan as collapsing level by level, with work linear in the nesting depth."""

from __future__ import annotations

import random
from collections.abc import Collection

import pytest

from autograd import Value, scope, topological_order
from autograd.examples import nested
from viz import TooManyNodesError, describe
from viz.model.groups import GraphIndex, plan_collapse


def random_graph(seed: int) -> Value:
    """A random graph whose ops sit in randomly nested scopes and use values from anywhere."""
    rng = random.Random(seed)
    made = [Value(rng.uniform(-1, 1), label=f"x{k}") for k in range(3)]

    def grow(depth: int) -> None:
        for _ in range(rng.randint(1, 3)):
            if depth < 5 and rng.random() < 0.5:
                with scope(rng.choice("abc")):
                    grow(depth + 1)
            else:
                made.append(rng.choice(made) * rng.choice(made) + rng.choice([1.0, made[rng.randrange(3)]]))

    grow(0)
    root = made[-1]
    for extra in rng.sample(made, min(3, len(made))):  # so that values are used outside their groups
        root = root + extra
    root.backward()
    return root


def collapsed_at(index: GraphIndex, requested: Collection[int], level: int) -> set[int]:
    """``requested`` plus every group at ``level`` or deeper that is not inside a requested one."""
    inside = {s for s in range(len(index.scopes)) if any(a in requested for a in index.scope_path(s)[:-1])}
    return set(requested) | {s for s in range(len(index.scopes)) if index.depth[s] >= level and s not in inside}


def step_by_step(index: GraphIndex, requested: set[int], max_nodes: int) -> set[int]:
    """The plan by definition: collapse the deepest expanded level, measure, repeat."""
    collapsed = set(requested)
    while index.drawn_size(collapsed) > max_nodes:
        expanded = [s for s in range(len(index.scopes)) if not any(a in collapsed for a in index.scope_path(s))]
        if not expanded:
            raise TooManyNodesError("too many")
        deepest = max(index.depth[s] for s in expanded)
        collapsed |= {s for s in expanded if index.depth[s] == deepest}
    return collapsed


@pytest.mark.parametrize("seed", range(40))
def test_sizes_at_every_level_match_the_drawn_size(seed: int) -> None:
    root = random_graph(seed)
    index = GraphIndex(root, topological_order(root), None)
    rng = random.Random(seed)
    for requested in (set(), {s for s in range(len(index.scopes)) if rng.random() < 0.3}):
        sizes = index.sizes_by_level(requested)
        assert len(sizes) == max(index.depth, default=-1) + 2
        for level, size in enumerate(sizes):
            assert size == index.drawn_size(collapsed_at(index, requested, level)), (requested, level)


@pytest.mark.parametrize("seed", range(40))
def test_the_plan_is_the_level_by_level_plan(seed: int) -> None:
    root = random_graph(seed)
    index = GraphIndex(root, topological_order(root), None)
    rng = random.Random(seed)
    requested = {s for s in range(len(index.scopes)) if rng.random() < 0.2}
    full = index.drawn_size(requested)
    for max_nodes in sorted({1, 5, full // 3, full // 2, full - 1, full}):
        try:
            expected = step_by_step(index, requested, max(max_nodes, 1))
        except TooManyNodesError:
            with pytest.raises(TooManyNodesError):
                plan_collapse(index, requested, max(max_nodes, 1), "collapse")
            continue
        planned = plan_collapse(index, requested, max(max_nodes, 1), "collapse")
        # the same drawing: the same outermost collapsed group for every scope
        assert index.outermost(planned) == index.outermost(expected)


class CountingList(list[int | None]):
    """A list that counts its reads, to measure the planner's work without timing it."""

    reads = 0

    def __getitem__(self, key: object) -> object:  # type: ignore[override]
        CountingList.reads += 1
        return super().__getitem__(key)  # type: ignore[index]


def planner_reads(depth: int) -> int:
    root = nested(depth)
    index = GraphIndex(root, topological_order(root), None)
    index.parent_index = CountingList(index.parent_index)
    index.depth = CountingList(index.depth)  # type: ignore[assignment]
    CountingList.reads = 0
    collapsed = plan_collapse(index, set(), 300, "collapse")
    index.group_states(collapsed)
    index.path_names()
    index.containers(collapsed)
    assert collapsed, "the nested graph must need collapsing"
    return CountingList.reads


def test_planning_work_grows_linearly_with_the_nesting_depth() -> None:
    small, large = planner_reads(200), planner_reads(800)
    assert large <= 4.4 * small, (small, large)  # four times the depth: about four times the work, not 16 or 64


def test_a_deeply_nested_graph_is_described() -> None:
    model = describe(nested(1000))  # 48 s when every pass recomputed every scope's path
    assert len(model.values) + len(model.gates) <= 300
    assert model.groups[-1].path.count("/") == 999
