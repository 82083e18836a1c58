"""What pausing the cyclic garbage collector saves ``fit``, and what its check before the first update costs.

``fit`` runs its loop inside ``nn.train.cyclic_gc_paused`` (the engine's graphs hold no reference
cycles, so reference counting frees them and the collector would only walk live nodes). This
script times the same training run with that pause and with it replaced by a no-op, alternating
the two to share the machine's noise, and prints the time per iteration (min and median of the
repeats) and the change. It also prints the cost of ``fit``'s pre-flight check (one evaluation of
the loss over the training data, without a graph) relative to one epoch of training.

Workload: micrograd's ``MLP(2, [16, 16, 1])`` on 200 two-moons points, hinge loss, SGD with
momentum, minibatches of 20 (10 iterations per epoch), 10 epochs.

Run: ``python benchmarks/fit_gc.py [--repeats N]``.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
from collections.abc import Iterator

import nn.train
from nn.data import Dataset, make_moons
from nn.layers import MLP
from nn.losses import binary_hinge
from nn.optim import SGD
from nn.train import evaluate, fit

EPOCHS, BATCH = 10, 20


@contextlib.contextmanager
def collector_left_alone() -> Iterator[None]:
    """Stands in for ``cyclic_gc_paused``: the collector keeps running during training."""
    yield


def seconds_per_iteration(data: Dataset, pause: bool) -> float:
    model = MLP(2, [16, 16, 1], seed=0)
    optimizer = SGD(model.parameters(), lr=0.05, momentum=0.9)
    original = nn.train.cyclic_gc_paused
    nn.train.cyclic_gc_paused = original if pause else collector_left_alone  # type: ignore[assignment]
    try:
        start = time.perf_counter()
        history = fit(model, binary_hinge, optimizer, data, EPOCHS, BATCH, quiet=True)
        elapsed = time.perf_counter() - start
    finally:
        nn.train.cyclic_gc_paused = original  # type: ignore[assignment]
    return elapsed / history.iterations


def preflight_share(data: Dataset, repeats: int) -> float:
    """The pre-flight evaluation's time as a fraction of one epoch's training time (medians)."""
    model = MLP(2, [16, 16, 1], seed=0)
    checks, epochs = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        evaluate(model, binary_hinge, data)
        checks.append(time.perf_counter() - start)
        start = time.perf_counter()
        fit(model, binary_hinge, SGD(model.parameters(), lr=0.05), data, 1, BATCH, quiet=True)
        epochs.append(time.perf_counter() - start - checks[-1])  # fit's own pre-flight taken out
    return statistics.median(checks) / statistics.median(epochs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    repeats = parser.parse_args().repeats
    moons = make_moons(200, noise=0.1, seed=0)
    data = Dataset(moons.X, 2 * moons.y - 1)
    times: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(repeats):
        for pause in (False, True):
            times[pause].append(seconds_per_iteration(data, pause))
    print(f"fit, MLP(2, [16, 16, 1]), batches of {BATCH}, {EPOCHS} epochs, {repeats} repeats; ms per iteration")
    for pause, label in ((False, "collector running"), (True, "collector paused (fit)")):
        print(f"  {label:<24} min {1e3 * min(times[pause]):7.3f}   median {1e3 * statistics.median(times[pause]):7.3f}")
    for name, pick in (("min", min), ("median", statistics.median)):
        change = pick(times[True]) / pick(times[False]) - 1.0
        print(f"  change per iteration ({name}): {100 * change:+.1f}%")
    print(f"pre-flight loss check: {100 * preflight_share(data, repeats):.0f}% of one epoch")


if __name__ == "__main__":
    main()
