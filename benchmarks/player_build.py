"""Player benchmark: how building a step-through backprop player grows with the graph.

For random graphs of about 100 and 500 op nodes (seeded: the same graphs on every run), timed
over ``--repeat`` runs, min and median:

- ``frames``: ``backprop_steps`` (backward with the engine's step records, the frames from
  per-step changes);
- ``states``: the per-frame changes to the laid-out SVG (``Stage.play``) and the page's data;
- ``python``: the two together, everything but Graphviz: the figure with the targets
  (500 ops at most ~6x the time of 100 ops, and under 1 s);
- ``dot``: Graphviz's layout of the same drawing, once, for reference (it is not per frame).

Run: ``python benchmarks/player_build.py`` (needs Graphviz's ``dot``).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

from autograd import Value
from viz import backprop_steps
from viz.player.page import player_fragment
from viz.player.stage import Stage

SIZES = (100, 500)
RATIO_TARGET = 6.0
SECONDS_TARGET = 1.0


def random_graph(ops: int, seed: int = 0) -> Value:
    """A connected graph of ``ops`` op nodes over 8 inputs: each op uses the newest node and one shortly before."""
    rng = random.Random(seed)
    nodes = [Value(rng.uniform(-1.0, 1.0), label=f"x{i}") for i in range(8)]
    unary: list[Callable[[Value], Value]] = [Value.tanh, Value.sigmoid, lambda v: v * 0.5, lambda v: v + 1.0]
    binary: list[Callable[[Value, Value], Value]] = [lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b]
    for _ in range(ops):
        newest, other = nodes[-1], rng.choice(nodes[-6:])  # near neighbours: a layout dot does quickly
        if rng.random() < 0.4:
            nodes.append(rng.choice(unary)(newest))
        else:
            nodes.append(rng.choice(binary)(newest, other))
    return nodes[-1]


def timed(run: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


def measure(ops: int, repeat: int) -> dict[str, list[float]]:
    player = backprop_steps(random_graph(ops), max_nodes=None)
    start = time.perf_counter()
    stage = Stage.lay_out(player.model, player.options, player.frames, player.recorded)
    dot_seconds = time.perf_counter() - start

    def frames() -> None:
        backprop_steps(random_graph(ops), max_nodes=None)

    def states() -> None:
        base, deltas = stage.play(player.frames)
        player_fragment("<svg/>", base, deltas, [f.caption for f in player.frames],
                        [list(f.work) for f in player.frames], player.step_labels)

    def python() -> None:
        built = backprop_steps(random_graph(ops), max_nodes=None)
        base, deltas = stage.play(built.frames)
        player_fragment("<svg/>", base, deltas, [f.caption for f in built.frames],
                        [list(f.work) for f in built.frames], built.step_labels)

    return {"frames": timed(frames, repeat), "states": timed(states, repeat), "python": timed(python, repeat),
            "dot": [dot_seconds]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    results = {ops: measure(ops, args.repeat) for ops in SIZES}
    print(f"player build, {args.repeat} repeats (seconds: min / median)")
    for ops, figures in results.items():
        row = "  ".join(f"{name} {min(t):.4f} / {statistics.median(t):.4f}" for name, t in figures.items())
        print(f"  {ops:4d} ops: {row}")
    small, large = (results[ops]["python"] for ops in SIZES)
    ratio_min, ratio_median = min(large) / min(small), statistics.median(large) / statistics.median(small)
    print(f"  {SIZES[1]} ops / {SIZES[0]} ops (python): {ratio_min:.1f}x min, {ratio_median:.1f}x median "
          f"(target <= {RATIO_TARGET:.0f}x); {SIZES[1]} ops {min(large):.3f} s min (target < {SECONDS_TARGET:.0f} s)")


if __name__ == "__main__":
    main()
