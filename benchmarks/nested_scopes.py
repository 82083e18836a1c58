"""Renderer benchmark: ``draw`` on deeply nested scopes (the collapse planner's cost in the nesting depth).

The graph: ``out = out * 1.0001 + 1.0`` once inside each of ``depth`` nested ``autograd.scope``
blocks, so the default ``max_nodes`` makes ``draw`` collapse level after level. Before the
planner measured every level in one pass it recomputed every scope's path on each pass (cubic
in the depth: 1,000 levels took 48 s). Timed: ``draw`` (graph model, collapse plan and DOT
text; no Graphviz), min and median of ``--repeat`` runs, and the ratio between depths, which
stays near the depth ratio when the work is linear.

Run: ``python benchmarks/nested_scopes.py``.
"""

from __future__ import annotations

import argparse
import statistics
import time

from autograd.examples import nested
from viz import draw

DEPTHS = (1000, 2000)


def time_draw(depth: int, repeat: int) -> list[float]:
    root = nested(depth)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        draw(root)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per depth (default: %(default)s)")
    args = parser.parse_args()
    print(f"draw() on nested scopes, {args.repeat} runs each")
    mins = {}
    for depth in DEPTHS:
        times = time_draw(depth, args.repeat)
        mins[depth] = min(times)
        print(f"  {depth:>5,} levels: min {min(times):6.3f} s   median {statistics.median(times):6.3f} s")
    first, last = DEPTHS[0], DEPTHS[-1]
    print(f"  {last:,} / {first:,} levels: {mins[last] / mins[first]:.2f}x the time for {last / first:.0f}x the depth")


if __name__ == "__main__":
    main()
