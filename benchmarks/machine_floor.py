"""How fast this machine runs the wide graph on gradtrace's design stripped of its features, beside both engines.

``engine_vs_micrograd.py`` prints gradtrace's speed-up over micrograd against a target (>= 12x)
that was set on another machine. This script measures what the design itself reaches here.
``FloorValue`` is the engine cut down to what the wide graph needs: nodes with six slots, a
one-input node's input and local gradient kept directly in its slots, ``*`` and ``+`` recorded
inline, use counts on the nodes, and backward by Kahn's algorithm in two passes. It has no modes
(``no_grad``, ``detect_anomaly``), no scopes, labels or constants for diagrams, no argument checks
and no IEEE care (a zero local gradient times inf gives nan). gradtrace needs all of those, so
the floor's speed-up is a ceiling for gradtrace's on this machine, not a figure it can match.
The floor is a measuring stick, never imported by the package.

Printed, all measured in the same rounds, interleaved (the machine is shared and its load comes
and goes): build + backward seconds (min and median) of the floor, of gradtrace, of gradtrace with
the cyclic garbage collector paused while it builds, and of micrograd; each one's speed-up over
micrograd; and gradtrace's time over the floor's (what its features cost).

Run: ``python benchmarks/machine_floor.py`` (micrograd comes with the ``bench`` extra).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from engine_vs_micrograd import build_wide

from autograd import Value

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
        """``autograd.backprop._fast_backward`` copied for this node type, less its zero-local-gradient rule.

        A copy on purpose: the stick must run the engine's own algorithm, and the engine's reads its own class.
        """
        stack = [self]
        pop, push = stack.pop, stack.append
        while stack:  # count each non-leaf node's consumers
            inputs = pop()._in
            if type(inputs) is FloorValue:
                if inputs._in is not None:
                    uses = inputs._uses
                    if not uses:
                        inputs.grad = 0.0
                        push(inputs)
                    inputs._uses = uses + 1
                continue
            for child in inputs:
                if child._in is not None:
                    uses = child._uses
                    if not uses:
                        child.grad = 0.0
                        push(child)
                    child._uses = uses + 1
        self.grad = 1.0
        push(self)
        while stack:  # release each node once all of its consumers have sent their share
            node = pop()
            g, inputs = node.grad, node._in
            if type(inputs) is FloorValue:
                inputs.grad += node._local * g
                if inputs._in is not None:
                    uses = inputs._uses - 1
                    inputs._uses = uses
                    if not uses:
                        push(inputs)
                continue
            for child, local in zip(inputs, node._local):  # noqa: B905 - recorded together
                child.grad += local * g
                if child._in is not None:
                    uses = child._uses - 1
                    child._uses = uses
                    if not uses:
                        push(child)


def one_run(make: Callable[[float], Any], chains: int, steps: int, pause_collector: bool = False) -> float:
    """Seconds to build the wide graph and backpropagate through it once (the collector on, unless paused)."""
    gc.collect()
    start = time.perf_counter()
    if pause_collector:
        gc.disable()
    try:
        root = build_wide(make, chains, steps)
    finally:
        gc.enable()
    root.backward()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--chains", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=4, help="rounds; each runs every engine once")
    args = parser.parse_args()
    if MicrogradValue is None:
        print("micrograd not installed (pip install -e '.[bench]'): nothing to compare against")
        return 1
    floor = FloorValue(2.0) * FloorValue(3.0) + 1.0
    floor.backward()
    if floor.data != 7.0 or floor.grad != 1.0:  # the stick must measure the same work
        raise AssertionError("the floor engine computes the wrong result")
    engines: dict[str, Callable[[], float]] = {
        "floor (gradtrace's design, no features)": lambda: one_run(FloorValue, args.chains, args.steps),
        "gradtrace": lambda: one_run(Value, args.chains, args.steps),
        "gradtrace, collector paused in build": lambda: one_run(Value, args.chains, args.steps, True),
        "micrograd": lambda: one_run(MicrogradValue, args.chains, args.steps),
    }
    times: dict[str, list[float]] = {label: [] for label in engines}
    for _ in range(args.rounds):
        for label, run in engines.items():
            times[label].append(run())
    ops = args.chains * args.steps * 2 + args.chains - 1
    print(
        f"wide graph: {args.chains} chains x {args.steps} steps, {ops:,} op nodes (build + backward), "
        f"{args.rounds} interleaved rounds"
    )
    theirs = times["micrograd"]
    for label, seconds in times.items():
        line = f"  {label:<40} min {min(seconds):6.3f} s  median {statistics.median(seconds):6.3f} s"
        if label != "micrograd":
            best, typical = min(theirs) / min(seconds), statistics.median(theirs) / statistics.median(seconds)
            line += f"   {best:5.1f}x / {typical:5.1f}x micrograd"
        print(line)
    ours, stick = times["gradtrace"], times["floor (gradtrace's design, no features)"]
    print(f"  gradtrace takes {statistics.median(ours) / statistics.median(stick):.2f}x the floor's time (median)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
