"""How fast this machine runs both workloads on gradtrace's design stripped of its features, beside both engines.

``engine_vs_micrograd.py`` and ``mlp_vs_micrograd.py`` print gradtrace's speed-up over micrograd
against targets (>= 12x on the wide graph, >= 60x median on the demo step) that were set on another
machine. This script measures what the design itself reaches here. ``FloorValue`` is the engine
cut down to what the two workloads need: nodes with six slots, a one-input node's input and local
gradient kept directly in its slots, ``*`` and ``+`` recorded inline, use counts on the nodes and
the engine's own backward loop; ``FloorMLP`` builds each neuron as one ``dot`` node and one ReLU
node, as gradtrace does. Neither has modes (``no_grad``, ``detect_anomaly``), scopes, labels or
constants for diagrams, argument checks, or IEEE care in its rules (ReLU of nan is 0). gradtrace
needs all of those, so the floor's speed-up is a ceiling for gradtrace's on this machine, not a
figure it can match. The floor is a measuring stick, never imported by the package;
it checks that it does the same work (the same results as micrograd) before it is timed.

Printed, each workload timed in interleaved rounds (the machine is shared and its load comes and
goes): min and median of the floor, of gradtrace (on the wide graph also with the cyclic garbage
collector paused while it builds; on the demo step also with ``scoped=False``) and of micrograd;
each one's speed-up over micrograd; and gradtrace's time over the floor's (what its features cost).
The demo step is timed as ``mlp_vs_micrograd.py`` times it, with its own functions.

Run: ``python benchmarks/machine_floor.py`` (micrograd comes with the ``bench`` extra).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from engine_vs_micrograd import build_wide
from mlp_vs_micrograd import AGREEMENT, ALPHA, MicrogradTrainer, OurTrainer, alternating_times, moons

from autograd import Value, fast

try:
    from micrograd.engine import Value as MicrogradValue
except ImportError:  # the bench extra is not installed
    MicrogradValue = None

_new_object = object.__new__


class FloorValue:
    """A node of the floor engine: gradtrace's layout and backward, nothing else (see the module docstring)."""

    __slots__ = ("data", "grad", "op", "_in", "_local", "_uses")

    def __init__(self, data: float) -> None:
        self.data = float(data)
        self.grad = 0.0
        self.op = ""
        self._in: Any = None
        self._local: Any = None
        self._uses = 0

    # One statement per slot: a multiple assignment would build and unpack a tuple per node.
    def __mul__(self, other: Any) -> FloorValue:
        out = _new_object(FloorValue)
        out.grad = 0.0
        out.op = "*"
        out._uses = 0
        if type(other) is float:  # inline, as the fastest prototypes did: no call to a recording helper
            out.data = self.data * other
            out._in = self
            out._local = other
            return out
        out.data = self.data * other.data
        out._in = (self, other)
        out._local = (other.data, self.data)
        return out

    def __add__(self, other: Any) -> FloorValue:
        out = _new_object(FloorValue)
        out.grad = 0.0
        out.op = "+"
        out._uses = 0
        if type(other) is float:
            out.data = self.data + other
            out._in = self
            out._local = 1.0
            return out
        out.data = self.data + other.data
        out._in = (self, other)
        out._local = (1.0, 1.0)
        return out

    def backward(self) -> None:
        """The engine's own backward loop (``autograd.fast.backward``: any node with its slots), over these nodes."""
        fast.backward(self, 1.0)  # type: ignore[arg-type] # the same slots, not a Value


def _node(data: float, op: str, inputs: Any, local: Any) -> FloorValue:
    out = _new_object(FloorValue)
    out.data = data
    out.grad = 0.0
    out.op = op
    out._in = inputs
    out._local = local
    out._uses = 0
    return out


def _relu(x: FloorValue) -> FloorValue:
    positive = x.data > 0.0
    return _node(x.data if positive else 0.0, "relu", x, 1.0 if positive else 0.0)


def _sum(items: list[FloorValue]) -> FloorValue:
    total = 0.0
    for item in items:
        total += item.data
    return _node(total, "sum", tuple(items), (1.0,) * len(items))


class FloorMLP:
    """The demo step on the floor engine: the same MLP, weights, loss and SGD as ``mlp_vs_micrograd.py``.

    Each neuron is one ``dot`` node (inputs w0, x0, w1, x1, …, b) and one ReLU node, as in gradtrace,
    with no scopes, labels, modes or checks.
    """

    def __init__(self, weights: list[float], sizes: tuple[int, ...] = (2, 16, 16, 1)) -> None:
        numbers = iter(weights)
        self.layers = [
            [([FloorValue(next(numbers)) for _ in range(nin)], FloorValue(next(numbers))) for _ in range(nout)]
            for nin, nout in itertools.pairwise(sizes)
        ]
        self.parameters = [p for layer in self.layers for ws, b in layer for p in (*ws, b)]
        self.updates = 0

    def forward(self, row: list[float]) -> FloorValue:
        outputs = []
        for ws, b in self.layers[0]:  # numbers in: each weight's local gradient is its number
            total = 0.0
            for w, x in zip(ws, row):  # noqa: B905 - the layer's width
                total += w.data * x
            outputs.append(_relu(_node(total + b.data, "dot", (*ws, b), (*row, 1.0))))
        last = len(self.layers) - 1
        for index, layer in enumerate(self.layers[1:], start=1):
            xs, x_data, outputs = outputs, [x.data for x in outputs], []
            for ws, b in layer:
                w_data = [w.data for w in ws]
                total = 0.0
                for w_value, x_value in zip(w_data, x_data):  # noqa: B905 - the layer's width
                    total += w_value * x_value
                size = 2 * len(ws)
                inputs: list[Any] = [b] * (size + 1)
                inputs[0:size:2], inputs[1:size:2] = ws, xs
                local = [1.0] * (size + 1)
                local[0:size:2], local[1:size:2] = x_data, w_data
                pre = _node(total + b.data, "dot", tuple(inputs), tuple(local))
                outputs.append(pre if index == last else _relu(pre))
        return outputs[0]

    def step(self, rows: list[list[float]], labels: list[float]) -> float:
        scores = [self.forward(row) for row in rows]
        hinge = _sum([_relu(score * -label + 1.0) for score, label in zip(scores, labels)])  # noqa: B905
        penalty = _sum([p * p for p in self.parameters])
        loss = hinge * (1.0 / len(rows)) + penalty * ALPHA
        for p in self.parameters:
            p.grad = 0.0
        loss.backward()
        rate = 1.0 - 0.9 * min(self.updates, 100) / 100  # as LinearDecay(total=100, end_factor=0.1)
        for p in self.parameters:
            p.data -= rate * p.grad
        self.updates += 1
        return loss.data


def one_run(make: Callable[[float], Any], chains: int, steps: int, pause_collector: bool = False) -> float:
    """Seconds to build the wide graph and backpropagate through it once (the collector on, unless paused)."""
    gc.collect()
    start = time.perf_counter()
    if pause_collector:
        gc.disable()
    try:
        root = build_wide(make, chains, steps)
    finally:
        if pause_collector:
            gc.enable()
    root.backward()
    return time.perf_counter() - start


FLOOR = "floor (gradtrace's design, no features)"


def _print_times(theirs: list[float], times: dict[str, list[float]], unit: tuple[float, str], ours: str) -> None:
    """Each engine's min and median (in ``unit``), its speed-up over micrograd, and ``ours`` over the floor."""
    scale, name = unit
    for label, seconds in {**times, "micrograd": theirs}.items():
        low, middle = min(seconds) * scale, statistics.median(seconds) * scale
        line = f"  {label:<40} min {low:8.3f} {name}  median {middle:8.3f} {name}"
        if label != "micrograd":
            best, typical = min(theirs) / min(seconds), statistics.median(theirs) / statistics.median(seconds)
            line += f"   {best:5.1f}x / {typical:5.1f}x micrograd"
        print(line)
    cost = statistics.median(times[ours]) / statistics.median(times[FLOOR])
    print(f"  {ours} takes {cost:.2f}x the floor's time (median)")


def wide(chains: int, steps: int, rounds: int) -> None:
    """The wide graph of ``engine_vs_micrograd.py``: every engine once per round, interleaved."""
    check = FloorValue(2.0) * FloorValue(3.0) + 1.0
    check.backward()
    if check.data != 7.0 or check.grad != 1.0:  # the stick must do the same work
        raise AssertionError("the floor engine computes the wrong result")
    engines: dict[str, Callable[[], float]] = {
        FLOOR: lambda: one_run(FloorValue, chains, steps),
        "gradtrace": lambda: one_run(Value, chains, steps),
        "gradtrace, collector paused in build": lambda: one_run(Value, chains, steps, True),
        "micrograd": lambda: one_run(MicrogradValue, chains, steps),
    }
    times: dict[str, list[float]] = {label: [] for label in engines}
    for _ in range(rounds):
        for label, run in engines.items():
            times[label].append(run())
    ops = chains * steps * 2 + chains - 1
    print(f"wide graph: {chains} chains x {steps} steps, {ops:,} op nodes (build + backward), {rounds} rounds")
    theirs = times.pop("micrograd")
    _print_times(theirs, times, (1.0, "s"), "gradtrace")


def demo(rounds: int, repeat: int) -> None:
    """The demo step of ``mlp_vs_micrograd.py``, timed as it times it (alternating rounds)."""
    data = moons(100)
    theirs = MicrogradTrainer()
    weights = theirs.weights()
    floor = FloorMLP(weights)
    for _ in range(5):
        difference = abs(floor.step(*data) - theirs.step(*data))
    if difference > AGREEMENT:  # the stick must do the same work: the same losses
        raise AssertionError(f"the floor's loss differs from micrograd's by {difference:.1e} after 5 steps")
    ours: dict[str, Any] = {
        FLOOR: FloorMLP(weights),
        "gradtrace (default: fused, scoped)": OurTrainer(weights),
        "gradtrace scoped=False": OurTrainer(weights, scoped=False),
    }
    their_times, our_times = alternating_times(MicrogradTrainer(), ours, data, rounds, repeat)
    print(f"demo step: MLP(2, [16, 16, 1]), 100 moons points, {rounds} alternating rounds (same losses as micrograd)")
    _print_times(their_times, our_times, (1e3, "ms"), "gradtrace (default: fused, scoped)")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--chains", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=4, help="rounds of each workload; each runs every engine")
    parser.add_argument("--repeat", type=int, default=10, help="timed demo steps of each engine per round")
    args = parser.parse_args()
    if MicrogradValue is None:
        print("micrograd not installed (pip install -e '.[bench]'): nothing to compare against")
        return 1
    wide(args.chains, args.steps, args.rounds)
    demo(args.rounds, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
