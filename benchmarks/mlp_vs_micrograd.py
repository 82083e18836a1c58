"""MLP training benchmark: micrograd's own demo workload, gradtrace's ``nn`` against micrograd, in one process.

The workload (micrograd's ``demo.ipynb``): ``MLP(2, [16, 16, 1])`` on 100 two-moons points with
labels ±1, the SVM max-margin loss mean(relu(1 − y·score)) + 1e-4·Σp², one full-batch forward,
backward and SGD update per step with micrograd's rate 1 − 0.9·k/100. Both models start from
the same weights: micrograd's ``random.seed(1337)`` draws, copied into gradtrace's model in
micrograd's order (layer by layer, neuron by neuron, weights then bias).

Printed: the min and median step time of each and the ratios (target >= 60x median, for the default model: every
neuron and layer in an ``autograd.scope`` so diagrams can group them); the same for gradtrace with
``scoped=False`` (no groups) and ``fused=False`` (individual ``*`` and ``+`` nodes); the loss after
each of 5 steps in both (they must agree to 1e-12); and the
peak memory of gradtrace after 10, 100 and 1,000 steps (it must stay flat).

Timing alternates between the two, round by round, so that both are sampled over the same minutes
of a shared machine whose load comes and goes (timed one after the other, gradtrace's few seconds
could fall in a quiet or a busy spell that micrograd's longer run averages out). Each round runs
two micrograd steps and times the second, which pays for collecting the first one's garbage as in
a training loop (micrograd's nodes hold closures that refer back to them, so only the cyclic
garbage collector frees them); then collects what micrograd left, untimed, so that gradtrace's
steps do not pay for it; then times ``--repeat / --rounds`` steps of each gradtrace model.

The ratios move with the machine: ``machine_floor.py`` measures the most this design reaches on it.

Run: ``python benchmarks/mlp_vs_micrograd.py`` (micrograd comes with the ``bench`` extra).
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from autograd import Value
from nn.data import make_moons
from nn.layers import MLP
from nn.losses import binary_hinge, l2_regularization
from nn.optim import SGD
from nn.schedules import LinearDecay

try:
    from micrograd import nn as micrograd_nn
    from micrograd.engine import Value as MicrogradValue
except ImportError:  # the bench extra is not installed
    micrograd_nn = None

SIZES = [16, 16, 1]
ALPHA = 1e-4  # micrograd's regularisation: ALPHA * sum(p * p)
AGREEMENT = 1e-12


def moons(samples: int) -> tuple[list[list[float]], list[float]]:
    """The inputs as rows of Python floats and the labels as ±1 (micrograd's ``y * 2 - 1``)."""
    data = make_moons(samples, noise=0.1, seed=1337)
    return data.X.tolist(), [float(2 * label - 1) for label in data.y]


class OurTrainer:
    """gradtrace: one step is forward, ``binary_hinge`` + L2 penalty, backward, ``SGD.step``, schedule step."""

    def __init__(self, weights: list[float], **options: bool) -> None:
        self.model = MLP(2, SIZES, seed=0, **options)
        self.parameters = self.model.parameters()
        for parameter, weight in zip(self.parameters, weights, strict=True):
            parameter.data = weight
        self.optimizer = SGD(self.parameters, lr=1.0)
        self.schedule = LinearDecay(self.optimizer, total=100, end_factor=0.1)

    def loss(self, rows: list[list[float]], labels: list[float]) -> Value:
        scores = [self.model(row) for row in rows]
        # λ/(2m)·Σp² with λ = 2α and m = 1 is micrograd's α·Σp²
        return binary_hinge(scores, labels) + l2_regularization(self.parameters, 2 * ALPHA)

    def step(self, rows: list[list[float]], labels: list[float]) -> float:
        loss = self.loss(rows, labels)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        self.schedule.step()
        return loss.data


class MicrogradTrainer:
    """micrograd: the demo notebook's loss and update loop, written against its API."""

    def __init__(self) -> None:
        assert micrograd_nn is not None
        random.seed(1337)
        self.model = micrograd_nn.MLP(2, SIZES)
        self.k = 0

    def weights(self) -> list[float]:
        return [float(p.data) for p in self.model.parameters()]

    def loss(self, rows: list[list[float]], labels: list[float]) -> Any:
        inputs = [list(map(MicrogradValue, row)) for row in rows]
        scores = list(map(self.model, inputs))
        losses = [(1 + -y * score).relu() for y, score in zip(labels, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        return data_loss + ALPHA * sum(p * p for p in self.model.parameters())

    def step(self, rows: list[list[float]], labels: list[float]) -> float:
        loss = self.loss(rows, labels)
        self.model.zero_grad()
        loss.backward()
        rate = 1.0 - 0.9 * self.k / 100
        for p in self.model.parameters():
            p.data -= rate * p.grad
        self.k += 1
        return float(loss.data)


def step_times(step: Callable[[list[list[float]], list[float]], float], data: Any, repeat: int) -> list[float]:
    """Wall time of each of ``repeat`` steps (the garbage collector left on, as users run)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        step(*data)
        times.append(time.perf_counter() - start)
    return times


def alternating_times(
    theirs: MicrogradTrainer, ours: dict[str, OurTrainer], data: Any, rounds: int, repeat: int
) -> tuple[list[float], dict[str, list[float]]]:
    """Step times of micrograd (one per round) and of each gradtrace model (``repeat`` per round), rounds interleaved.

    See the module docstring for why each round runs micrograd twice and collects its garbage before gradtrace.
    """
    their_times: list[float] = []
    our_times: dict[str, list[float]] = {label: [] for label in ours}
    for _ in range(rounds):
        theirs.step(*data)
        their_times += step_times(theirs.step, data, 1)
        gc.collect()
        for label, trainer in ours.items():
            our_times[label] += step_times(trainer.step, data, repeat)
    return their_times, our_times


def peak_memory(trainer: OurTrainer, data: Any, checkpoints: list[int]) -> list[tuple[int, float]]:
    """(steps done, the process's peak resident memory in MiB) at each checkpoint.

    The peak resident size (``ru_maxrss``) never decreases, so a leak shows as growth between
    checkpoints; it costs nothing to read, unlike tracing every allocation. Run it before
    micrograd, whose larger graphs would raise the process's peak above ours.
    """
    gc.collect()
    report = []
    done = 0
    for checkpoint in checkpoints:
        while done < checkpoint:
            trainer.step(*data)
            done += 1
        report.append((done, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    return report


def traced_peak(trainer: OurTrainer, data: Any, steps: int) -> float:
    """The largest traced Python allocation (MiB) during ``steps`` steps: one step's graph at its biggest."""
    gc.collect()
    tracemalloc.start()
    for _ in range(steps):
        trainer.step(*data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=20, help="timed steps of each gradtrace model")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of alternation (= timed micrograd steps)")
    parser.add_argument("--memory-steps", type=int, default=1000)
    args = parser.parse_args()
    data = moons(args.samples)
    print(f"workload: MLP(2, {SIZES}), {args.samples} moons points, SVM max-margin loss + {ALPHA}·Σp², full batch")
    if micrograd_nn is None:
        print("micrograd not installed (pip install -e '.[bench]'): nothing to compare against")
        return 1

    # memory first (see peak_memory): the graph of each step is freed by reference counting
    checkpoints = sorted({c for c in (10, 100, args.memory_steps) if c <= args.memory_steps})
    start_weights = MicrogradTrainer().weights()
    print(f"memory of gradtrace over {args.memory_steps:,} steps (flat = no growth)")
    for done, peak in peak_memory(OurTrainer(start_weights), data, checkpoints):
        print(f"  after {done:>5,} steps   process peak RSS {peak:7.1f} MiB")
    print(f"  traced peak of one step's allocations: {traced_peak(OurTrainer(start_weights), data, 3):.2f} MiB")

    # correctness: 5 steps from the same weights, the losses must agree
    theirs = MicrogradTrainer()
    weights = theirs.weights()
    ours = OurTrainer(weights)
    print("loss per step   gradtrace              micrograd              |difference|")
    worst = 0.0
    for k in range(1, 6):
        mine, reference = ours.step(*data), theirs.step(*data)
        worst = max(worst, abs(mine - reference))
        print(f"  step {k}        {mine:.15f}    {reference:.15f}    {abs(mine - reference):.1e}")
    mine, reference = ours.loss(*data).data, float(theirs.loss(*data).data)
    worst = max(worst, abs(mine - reference))
    verdict = "agree" if worst <= AGREEMENT else "DISAGREE"
    print(f"  after 5 steps {mine:.15f}    {reference:.15f}    {abs(mine - reference):.1e}  ({verdict} to {AGREEMENT})")

    # speed: fresh trainers from the same weights, timed in alternating rounds
    variants: list[tuple[str, dict[str, bool]]] = [
        ("gradtrace (default: fused, scoped)", {}),
        ("gradtrace scoped=False", {"scoped": False}),
        ("gradtrace fused=False", {"fused": False}),
    ]
    rounds = max(1, args.rounds)
    theirs_times, all_ours = alternating_times(
        MicrogradTrainer(),
        {label: OurTrainer(weights, **options) for label, options in variants},
        data,
        rounds,
        max(1, args.repeat // rounds),
    )
    micrograd_min, micrograd_median = min(theirs_times), statistics.median(theirs_times)
    print(f"step time ({rounds} alternating rounds)   min          median")
    print(f"  {'micrograd':<36} {1e3 * micrograd_min:8.1f} ms  {1e3 * micrograd_median:8.1f} ms")
    for label, options in variants:
        ours_times = all_ours[label]
        ours_min, ours_median = min(ours_times), statistics.median(ours_times)
        target = "  (target >= 60x median)" if not options else ""
        print(
            f"  {label:<36} {1e3 * ours_min:8.1f} ms  {1e3 * ours_median:8.1f} ms   "
            f"{micrograd_min / ours_min:5.1f}x min, {micrograd_median / ours_median:5.1f}x median{target}"
        )

    return 0 if worst <= AGREEMENT else 2


if __name__ == "__main__":
    sys.exit(main())
