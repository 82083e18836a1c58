"""The matrix path against PyTorch, numpy by hand and micrograd: micrograd's demo step, in one process.

The workload (micrograd's ``demo.ipynb``): ``MLP(2, [16, 16, 1])`` (ReLU) on 100 two-moons points with labels ±1,
the max-margin loss mean(relu(1 − y·score)) + λ/2·Σθ² (λ = 1e-4), one full-batch forward, backward and SGD
update (rate 0.05) per step. Every contestant starts from the same weights (gradtrace's seed-0 model) and
must report the same losses for the first steps (to 1e-12 relative) before anything is timed:

- gradtrace, matrix path: ``model(Tensor(X))``, ``binary_hinge`` + ``nn.matrix.l2_penalty``, ``SGD`` on the
  model's ``Value`` parameters (which live in their layers' arrays since the first matrix call:
  ``nn.parameter_home``), written as a user writes it;
- PyTorch (CPU, float64, one thread): the same network as ``nn.Linear`` layers, ``torch.optim.SGD``;
- numpy by hand: the forward and backward written out (the course notes' vectorised two-layer backward);
- gradtrace, scalar path, and micrograd: one graph node per operation (a few rounds only: they are slow).

Timing alternates round by round between the contestants, so that each is sampled over the same minutes of a
shared machine. Printed: the median and min step time of each, and the matrix path's ratio to each.
The goals (issue 21): the matrix path no slower than PyTorch (median), within 3x of numpy by hand.

Then digits (the ``datasets`` extra): ``MLP(64, [32], 10)``, softmax cross-entropy, Adam, batch 32, through
``fit`` on the matrix path beside PyTorch's same loop: seconds and test accuracy (goal: >= 95%, no slower).

torch and micrograd are optional (skipped, saying so, when missing): ``pip install torch`` and the ``bench``
extra. Run: ``python benchmarks/matrix_vs_torch.py [--rounds 30]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from autograd import Tensor
from nn.data import Dataset, make_moons, minibatches, train_val_test_split
from nn.datasets import MissingExtraError, load_digits
from nn.layers import MLP
from nn.losses import binary_hinge, l2_regularization, softmax_cross_entropy
from nn.matrix import l2_penalty
from nn.optim import SGD, Adam
from nn.train import fit

SIZES = [16, 16, 1]
LAMBDA = 1e-4
RATE = 0.05
AGREEMENT = 1e-12
Step = Callable[[], float]


def workload() -> tuple[np.ndarray, np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
    """X (100 × 2), y (±1) and the starting weights as (W: nin × nout, b) per layer, from gradtrace's model."""
    data = make_moons(100, noise=0.1, seed=0)
    model = MLP(2, SIZES, seed=0)
    layers = [
        (np.array([[w.data for w in n.w] for n in layer.neurons]).T, np.array([n.b.data for n in layer.neurons]))
        for layer in model.layers
    ]
    return data.X, 2.0 * data.y - 1.0, layers


def gradtrace_step(matrix: bool) -> Step:
    """One SGD step of gradtrace's MLP, on the matrix path (``model(Tensor(X))``) or the scalar path."""
    x, y, _ = workload()
    model = MLP(2, SIZES, seed=0)
    parameters = model.parameters()
    optimizer = SGD(parameters, lr=RATE)
    rows = x.tolist()
    inputs = Tensor(x, constant=True)  # data: no gradient (as PyTorch's inputs)

    def step() -> float:
        if matrix:
            loss: Any = binary_hinge(model(inputs), y) + l2_penalty(parameters, LAMBDA)
        else:
            loss = binary_hinge([model(r) for r in rows], y) + l2_regularization(parameters, LAMBDA)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return float(loss.data)

    return step


def numpy_step() -> Step:
    """The same step written out in numpy: forward, the vectorised backward, the update."""
    x, y, layers = workload()
    weights = [(w.copy(), b.copy()) for w, b in layers]
    n = len(x)

    def step() -> float:
        (w1, b1), (w2, b2), (w3, b3) = weights
        z1 = x @ w1 + b1
        a1 = np.maximum(z1, 0.0)
        z2 = a1 @ w2 + b2
        a2 = np.maximum(z2, 0.0)
        scores = (a2 @ w3 + b3)[:, 0]
        margins = 1.0 - y * scores
        hinge = np.maximum(margins, 0.0)
        penalty = 0.5 * LAMBDA * sum(float(np.sum(w * w) + np.sum(b * b)) for w, b in weights)
        loss = float(np.sum(hinge) / n) + penalty
        d_scores = np.where(margins > 0.0, -y, 0.0)[:, None] / n
        d_w3, d_b3 = a2.T @ d_scores, d_scores.sum(axis=0)
        d_z2 = (d_scores @ w3.T) * (z2 > 0.0)
        d_w2, d_b2 = a1.T @ d_z2, d_z2.sum(axis=0)
        d_z1 = (d_z2 @ w2.T) * (z1 > 0.0)
        d_w1, d_b1 = x.T @ d_z1, d_z1.sum(axis=0)
        for (w, b), (d_w, d_b) in zip(weights, [(d_w1, d_b1), (d_w2, d_b2), (d_w3, d_b3)], strict=True):
            w -= RATE * (d_w + LAMBDA * w)
            b -= RATE * (d_b + LAMBDA * b)
        return loss

    return step


def torch_step() -> Step | None:
    """The same step in PyTorch (CPU, float64, one thread), or None without torch."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    x, y, layers = workload()
    linears = []
    for w, b in layers:
        linear = torch.nn.Linear(w.shape[0], w.shape[1], dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(w.T.copy()))
            linear.bias.copy_(torch.from_numpy(b))
        linears.append(linear)
    net = torch.nn.Sequential(linears[0], torch.nn.ReLU(), linears[1], torch.nn.ReLU(), linears[2])
    parameters = list(net.parameters())
    optimizer = torch.optim.SGD(parameters, lr=RATE)
    inputs, labels = torch.from_numpy(x), torch.from_numpy(y)

    def step() -> float:
        scores = net(inputs)[:, 0]
        loss = torch.relu(1.0 - labels * scores).mean() + 0.5 * LAMBDA * sum((p * p).sum() for p in parameters)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return float(loss.item())

    return step


def micrograd_step() -> Step | None:
    """micrograd's demo step on the same weights, or None without micrograd (the ``bench`` extra)."""
    try:
        from micrograd import nn as micrograd_nn
    except ImportError:
        return None
    x, y, layers = workload()
    model = micrograd_nn.MLP(2, SIZES)
    for layer, (w, b) in zip(model.layers, layers, strict=True):
        for j, neuron in enumerate(layer.neurons):
            for i, weight in enumerate(neuron.w):
                weight.data = float(w[i, j])
            neuron.b.data = float(b[j])
    rows = x.tolist()

    def step() -> float:
        scores = [model(r) for r in rows]
        losses = [(1 + -yi * s).relu() for yi, s in zip(y.tolist(), scores, strict=True)]
        loss = sum(losses) * (1.0 / len(losses)) + LAMBDA * 0.5 * sum(p * p for p in model.parameters())
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= RATE * p.grad
        return float(loss.data)

    return step


def check_agreement(steps: dict[str, Step], count: int = 5) -> None:
    """Every contestant's first ``count`` losses equal the matrix path's (to AGREEMENT relative), or exit."""
    reference = [steps["gradtrace matrix"]() for _ in range(count)]
    for name, step in steps.items():
        if name == "gradtrace matrix":
            continue
        losses = [step() for _ in range(count)]
        worst = max(abs(a - b) / abs(b) for a, b in zip(losses, reference, strict=True))
        print(f"  {name:<20} losses agree with the matrix path to {worst:.1e}")
        if worst > AGREEMENT:
            raise SystemExit(f"{name} disagrees with the matrix path: {losses} vs {reference}")


def digits_runs(epochs: int, rounds: int) -> None:
    """Digits: MLP(64, [32], 10), softmax cross-entropy, Adam (0.01), batch 32, in gradtrace's ``fit`` (matrix path)
    and PyTorch's same loop (same starting weights, same batches), alternating for ``rounds`` rounds: the median time
    and the test accuracy of each."""
    try:
        digits = load_digits()
    except MissingExtraError as error:
        print(f"digits: skipped ({error})")
        return
    train, _, test = train_val_test_split(digits, (0.8, 0.0, 0.2), seed=0)
    contestants: dict[str, Callable[[], float]] = {"gradtrace fit (matrix path)": lambda: _gradtrace_digits(
        train, test, epochs)}
    if _torch_digits(train, test, 1) is None:
        print("digits, PyTorch: not installed, skipped")
    else:
        contestants["PyTorch, same loop"] = lambda: _torch_digits(train, test, epochs) or 0.0
    times: dict[str, list[float]] = {name: [] for name in contestants}
    accuracy: dict[str, float] = {}
    for _ in range(rounds):
        for name, run in contestants.items():
            start = time.perf_counter()
            accuracy[name] = run()
            times[name].append(time.perf_counter() - start)
    for name, samples in times.items():
        print(f"digits, {name:<28} {statistics.median(samples):6.2f} s for {epochs} epochs (median of {rounds}), "
              f"test accuracy {accuracy[name]:.1%}")


def _start_weights() -> tuple[MLP, list[tuple[np.ndarray, np.ndarray]]]:
    model = MLP(64, [32, 10], seed=0)
    weights = [
        (np.array([[w.data for w in n.w] for n in layer.neurons]), np.array([n.b.data for n in layer.neurons]))
        for layer in model.layers
    ]
    return model, weights


def _gradtrace_digits(train: Dataset, test: Dataset, epochs: int) -> float:
    model, _ = _start_weights()
    fit(model, softmax_cross_entropy, Adam(model.parameters(), lr=0.01), train, epochs, batch_size=32, quiet=True)
    return float(np.mean(np.argmax(model(Tensor(test.X)).data, axis=1) == test.y))


def _torch_digits(train: Dataset, test: Dataset, epochs: int) -> float | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    _, start_weights = _start_weights()
    first, second = (torch.nn.Linear(w.shape[1], w.shape[0], dtype=torch.float64) for w, _ in start_weights)
    with torch.no_grad():
        for linear, (w, b) in zip((first, second), start_weights, strict=True):
            linear.weight.copy_(torch.from_numpy(w))
            linear.bias.copy_(torch.from_numpy(b))
    net = torch.nn.Sequential(first, torch.nn.ReLU(), second)
    optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
    rng = np.random.default_rng(0)
    for _ in range(epochs):
        for batch in minibatches(train, 32, shuffle=True, seed=rng):
            loss = torch.nn.functional.cross_entropy(net(torch.from_numpy(batch.X)), torch.from_numpy(batch.y))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    with torch.no_grad():
        predicted = net(torch.from_numpy(test.X)).argmax(dim=1).numpy()
    return float(np.mean(predicted == test.y))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="alternating rounds (default 30)")
    parser.add_argument("--steps", type=int, default=20, help="fast contestants' steps per round (default 20)")
    parser.add_argument("--epochs", type=int, default=10, help="digits: epochs (default 10; 0 skips digits)")
    parser.add_argument("--digits-rounds", type=int, default=3, help="digits: alternating rounds (default 3)")
    arguments = parser.parse_args()
    steps: dict[str, Step] = {
        "gradtrace matrix": gradtrace_step(True),
        "numpy by hand": numpy_step(),
    }
    optional = {"PyTorch": torch_step(), "micrograd": micrograd_step(), "gradtrace scalar": gradtrace_step(False)}
    for name, step in optional.items():
        if step is None:
            print(f"  {name}: not installed, skipped")
        else:
            steps[name] = step
    print("workload: MLP(2, [16, 16, 1]), 100 moons, hinge + L2, SGD; one step = forward + backward + update")
    check_agreement(steps)
    slow = {"micrograd", "gradtrace scalar"}
    times: dict[str, list[float]] = {name: [] for name in steps}
    for round_number in range(arguments.rounds):
        for name, step in steps.items():
            if name in slow and round_number % 5:
                continue  # a step of these takes tens of milliseconds: one in five rounds samples them
            repeat = 1 if name in slow else arguments.steps
            for _ in range(repeat):
                start = time.perf_counter()
                step()
                times[name].append(time.perf_counter() - start)
    matrix = statistics.median(times["gradtrace matrix"])
    print(f"{'':<20} {'median ms':>10} {'min ms':>9} {'median ÷ gradtrace matrix':>26}")
    for name, samples in times.items():
        median = statistics.median(samples)
        print(f"{name:<20} {1e3 * median:>10.3f} {1e3 * min(samples):>9.3f} {median / matrix:>25.2f}x")
    print("goals: matrix path <= PyTorch (median), and <= 3x numpy by hand")
    if arguments.epochs:
        digits_runs(arguments.epochs, arguments.digits_rounds)


if __name__ == "__main__":
    main()
