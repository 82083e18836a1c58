"""Engine benchmark: gradtrace's autograd against micrograd, measured in the same process.

Workloads (issue: the scalar autograd engine):
- a wide graph: CHAINS chains of STEPS ``(v * 1.0001 + 0.0001)`` steps joined by a balanced sum;
  build time and backward time, best of ``--repeat`` runs;
- memory per node while the graph is alive (tracemalloc);
- the deepest chain that backpropagates.

The speed-up moves with the machine: ``machine_floor.py`` measures the most this design reaches on it.

Run: ``python benchmarks/engine_vs_micrograd.py`` (micrograd comes with the ``bench`` extra).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from autograd import Value

try:
    from micrograd.engine import Value as MicrogradValue
except ImportError:  # the bench extra is not installed
    MicrogradValue = None


def build_wide(value_cls: Callable[[float], Any], chains: int, steps: int) -> Any:
    """The wide graph: chains of ``v * 1.0001 + 0.0001`` joined by a balanced pairwise sum."""
    ends = []
    for i in range(chains):
        v = value_cls(1.0 + i * 1e-3)
        for _ in range(steps):
            v = v * 1.0001 + 0.0001
        ends.append(v)
    while len(ends) > 1:
        paired = [ends[i] + ends[i + 1] for i in range(0, len(ends) - 1, 2)]
        if len(ends) % 2:
            paired.append(ends[-1])
        ends = paired
    return ends[0]


def time_wide(value_cls: Callable[[float], Any], chains: int, steps: int, repeat: int) -> list[float]:
    """Build + backward seconds of each of ``repeat`` runs (the garbage collector left on, as users run)."""
    totals = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        root = build_wide(value_cls, chains, steps)
        root.backward()
        totals.append(time.perf_counter() - start)
        del root
    return totals


def backward_per_node(sizes: list[int], repeat: int) -> list[tuple[int, float]]:
    """(nodes, best backward nanoseconds per node) for wide graphs of about each size: flat means linear."""
    report = []
    for size in sizes:
        chains = max(1, size // 2000)
        root = build_wide(Value, chains, max(1, size // (2 * chains)))
        nodes = count_nodes(root)
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            root.backward()
            best = min(best, time.perf_counter() - start)
        report.append((nodes, 1e9 * best / nodes))
        del root
    return report


def _spread(seconds: list[float]) -> str:
    return f"min {min(seconds):7.3f} s  median {statistics.median(seconds):7.3f} s"


def bytes_per_node(value_cls: Callable[[float], Any], chains: int, steps: int) -> tuple[float, float]:
    """Traced bytes held by the live graph, per graph node and per arithmetic op."""
    gc.collect()
    tracemalloc.start()
    root = build_wide(value_cls, chains, steps)
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    nodes = count_nodes(root)
    ops = chains * steps * 2 + (chains - 1)
    del root
    return held / nodes, held / ops


def count_nodes(root: Any) -> int:
    seen = {id(root)}
    stack = [root]
    while stack:
        node = stack.pop()
        children = node.inputs if isinstance(node, Value) else node._prev
        for child in children:
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
    return len(seen)


def deepest_chain(value_cls: Callable[[float], Any], depths: list[int]) -> int:
    """The largest depth in ``depths`` whose chain of ``* 1.0`` ops backpropagates (0 if none)."""
    best = 0
    for depth in depths:
        v = value_cls(1.0)
        for _ in range(depth):
            v = v * 1.0
        try:
            v.backward()
        except RecursionError:
            return best
        best = depth
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chains", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    ops = args.chains * args.steps * 2 + args.chains - 1
    print(f"wide graph: {args.chains} chains x {args.steps} steps, {ops:,} op nodes (build + backward)")
    ours = time_wide(Value, args.chains, args.steps, args.repeat)
    print(f"  gradtrace  {_spread(ours)}")
    mem_node, mem_op = bytes_per_node(Value, 100, args.steps)
    depth = deepest_chain(Value, [1_000, 100_000, 1_000_000])
    if MicrogradValue is None:
        print("  micrograd not installed (pip install -e '.[bench]'): no ratios")
    else:
        theirs = time_wide(MicrogradValue, args.chains, args.steps, max(2, args.repeat - 2))
        print(f"  micrograd  {_spread(theirs)}")
        best, typical = min(theirs) / min(ours), statistics.median(theirs) / statistics.median(ours)
        print(f"  speed-up   min {best:5.1f}x   median {typical:5.1f}x   (target >= 12x)")
    print(f"memory: gradtrace {mem_node:.0f} B per node, {mem_op:.0f} B per op (target <= 130 B per node)")
    if MicrogradValue is not None:
        m_node, m_op = bytes_per_node(MicrogradValue, 100, args.steps)
        print(f"        micrograd {m_node:.0f} B per node, {m_op:.0f} B per op (its constants are nodes too)")
    per_node = backward_per_node([10_000, 100_000, 1_000_000], 3)
    print("backward time per node (target: flat from 10^4 to 10^6 nodes)")
    for nodes, nanoseconds in per_node:
        ratio = nanoseconds / per_node[0][1]
        print(f"  {nodes:>9,} nodes  {nanoseconds:6.0f} ns per node  ({ratio:4.2f} x the smallest)")
    print(f"deepest chain that backprops: gradtrace {depth:,}", end="")
    if MicrogradValue is not None:
        m_depth = deepest_chain(MicrogradValue, [100, 200, 500, 900, 1_000, 2_000])
        print(f"; micrograd {m_depth:,} (of 100..2,000 tried)", end="")
    print()


if __name__ == "__main__":
    main()
