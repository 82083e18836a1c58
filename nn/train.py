"""``fit``: minibatch training with an optional validation pass each epoch, returning a ``History``.

Vocabulary as in the course notes: an *epoch* is one pass over the training set; it is cut into
*batches* of ``batch_size`` examples; each batch is one *iteration* (forward, backward, update).
1,000 examples in batches of 100 take 10 iterations per epoch.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np

from autograd import Value, no_grad
from nn.data import Dataset, batches_per_epoch, minibatches
from nn.init import SeedLike, make_rng
from nn.losses import l2_regularization
from nn.optim import Optimizer
from nn.schedules import LRSchedule

Output = Value | list[Value]
LossFunction = Callable[[list[Output], np.ndarray], Value]
Decide = Callable[[Output], float]


class Model(Protocol):
    """What ``fit`` needs from a model: a call on one input vector, its parameters, and train/eval mode."""

    def __call__(self, xs: Sequence[float]) -> Output: ...

    def parameters(self) -> list[Value]: ...

    def train(self, mode: bool = True) -> Any: ...


@dataclasses.dataclass
class History:
    """Per-epoch records of one ``fit`` run (lists indexed by epoch − 1), ready to plot.

    ``train_loss`` is the mean data loss over the epoch's examples (without the L2 penalty, so it
    compares with ``val_loss``); ``train_accuracy`` is measured on the same forward passes.
    ``val_loss`` / ``val_accuracy`` are empty without validation data; accuracies are empty with
    ``classify=False``. ``learning_rate`` is the rate used during the epoch.
    """

    examples: int
    batch_size: int
    iterations_per_epoch: int
    iterations: int = 0
    epochs: list[int] = dataclasses.field(default_factory=list)
    learning_rate: list[float] = dataclasses.field(default_factory=list)
    train_loss: list[float] = dataclasses.field(default_factory=list)
    train_accuracy: list[float] = dataclasses.field(default_factory=list)
    val_loss: list[float] = dataclasses.field(default_factory=list)
    val_accuracy: list[float] = dataclasses.field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Every field as plain Python data (for JSON or plotting)."""
        return dataclasses.asdict(self)

    def describe_epoch(self, index: int = -1) -> str:
        """One line for the epoch at ``index``, e.g. ``epoch   3  loss 0.2513  acc  88.3%  val acc  90.0%``."""
        epoch = self.epochs[index]
        parts = [f"epoch {epoch:>3}", f"loss {self.train_loss[index]:.4f}"]
        if self.train_accuracy:
            parts.append(f"acc {100 * self.train_accuracy[index]:5.1f}%")
        if self.val_loss:
            parts.append(f"val loss {self.val_loss[index]:.4f}")
        if self.val_accuracy:
            parts.append(f"val acc {100 * self.val_accuracy[index]:5.1f}%")
        return "  ".join(parts)


def label_decider(targets: np.ndarray) -> Decide:
    """The default rule turning one model output into a predicted label, chosen from the target convention.

    A list of outputs → the index of the largest (class scores or logits). A single output s →
    +1 / −1 by the sign of s when the targets use −1 / +1 (hinge losses), else 1 if s > 0 else 0
    (a logit). For probability outputs (a sigmoid last layer) pass your own, e.g. ``lambda p: p.data > 0.5``.
    """
    signed = targets.size > 0 and float(np.min(targets)) < 0.0
    negative = -1.0 if signed else 0.0

    def decide(output: Output) -> float:
        if isinstance(output, Value):
            return 1.0 if output.data > 0.0 else negative
        scores = [v.data for v in output]
        return float(max(range(len(scores)), key=scores.__getitem__))

    return decide


def _true_labels(targets: np.ndarray) -> np.ndarray:
    """Class labels from targets: one-hot rows give their argmax, labels stay as they are."""
    return np.argmax(targets, axis=1) if targets.ndim == 2 else targets


def _correct(outputs: list[Output], targets: np.ndarray, decide: Decide) -> int:
    predicted = np.array([decide(output) for output in outputs], dtype=np.float64)
    return int(np.sum(predicted == _true_labels(targets)))


def evaluate(model: Model, loss: LossFunction, data: Dataset, decide: Decide | None = None) -> tuple[float, float]:
    """(mean loss, accuracy) of ``model`` on ``data``, in evaluation mode and without recording a graph."""
    rows = np.asarray(data.X, dtype=np.float64).tolist()
    targets = np.asarray(data.y)
    chooser = decide or label_decider(targets)
    was_training = getattr(model, "training", True)
    model.train(False)
    try:
        with no_grad():
            outputs = [model(row) for row in rows]
            value = loss(outputs, targets).data
    finally:
        model.train(was_training)
    return value, _correct(outputs, targets, chooser) / len(rows)


def _progress_bar(total: int, quiet: bool) -> Any:
    """A tqdm bar, or None when quiet or when tqdm (an optional extra) is not installed."""
    if quiet:
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="batch")


def fit(
    model: Model,
    loss: LossFunction,
    optimizer: Optimizer,
    data: Dataset,
    epochs: int,
    batch_size: int | None = None,
    *,
    validation: Dataset | None = None,
    shuffle: bool = True,
    seed: SeedLike = 0,
    drop_last: bool = False,
    l2: float = 0.0,
    schedule: LRSchedule | None = None,
    classify: bool = True,
    decide: Decide | None = None,
    quiet: bool = False,
    on_epoch: Callable[[History], None] | None = None,
) -> History:
    """Train ``model`` for ``epochs`` epochs of minibatches and return the ``History``.

    Each iteration: forward every example of the batch, ``loss(outputs, targets)`` (plus the
    penalty λ/(2m)·Σθ² with λ = ``l2`` and m the batch size), ``optimizer.zero_grad()``,
    ``backward()``, ``optimizer.step()``. ``batch_size=None`` is full-batch training. After each
    epoch: ``schedule.step()``, the validation pass (if ``validation``), then ``on_epoch(history)``.
    Shuffling draws from ``seed``, so the same seed and initial weights give a bit-identical history.
    A progress bar (tqdm, if installed) shows the running loss unless ``quiet``. Accuracy uses
    ``decide`` (default ``label_decider``); ``classify=False`` skips it (regression).

    Raises ``FloatingPointError`` naming the epoch and iteration if the loss stops being finite.

    >>> from nn.data import make_xor
    >>> from nn.layers import MLP
    >>> from nn.losses import binary_hinge
    >>> from nn.optim import SGD
    >>> model = MLP(2, [8, 1], seed=0)
    >>> xor = make_xor(40, seed=0)
    >>> signed = Dataset(xor.X, 2 * xor.y - 1)
    >>> history = fit(model, binary_hinge, SGD(model.parameters(), lr=0.1), signed, epochs=3, batch_size=10, quiet=True)
    >>> history.epochs, history.iterations_per_epoch, history.iterations
    ([1, 2, 3], 4, 12)
    """
    inputs = np.asarray(data.X, dtype=np.float64)
    y = np.asarray(data.y)
    if inputs.ndim != 2 or len(inputs) != len(y) or len(inputs) == 0:
        raise ValueError(f"fit: data must be a non-empty Dataset(X, y), got X of shape {inputs.shape}, y {y.shape}")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"fit: epochs must be an int >= 0, got {epochs!r}")
    size = len(inputs) if batch_size is None else batch_size
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"fit: batch_size must be a positive int or None, got {batch_size!r}")
    per_epoch = batches_per_epoch(len(inputs), size, drop_last)
    if per_epoch == 0:
        raise ValueError(f"fit: drop_last with batch_size {size} > {len(inputs)} examples leaves no batch")
    history = History(examples=len(inputs), batch_size=size, iterations_per_epoch=per_epoch)
    chooser = decide or label_decider(y)
    parameters = model.parameters()
    rng = make_rng(seed)
    bar = _progress_bar(epochs * per_epoch, quiet)
    try:
        for epoch in range(1, epochs + 1):
            history.learning_rate.append(optimizer.lr)
            model.train(True)
            loss_sum = 0.0
            correct = seen = 0
            for batch in minibatches(Dataset(inputs, y), size, shuffle=shuffle, seed=rng, drop_last=drop_last):
                outputs = [model(row) for row in batch.X.tolist()]
                data_loss = loss(outputs, batch.y)
                if not math.isfinite(data_loss.data):
                    raise FloatingPointError(
                        f"fit: the loss is {data_loss.data} at epoch {epoch}, iteration {history.iterations + 1} "
                        "(a smaller learning rate or standardised inputs usually help)"
                    )
                objective = data_loss + l2_regularization(parameters, l2, len(outputs)) if l2 else data_loss
                optimizer.zero_grad()
                objective.backward()
                optimizer.step()
                history.iterations += 1
                seen += len(outputs)
                loss_sum += data_loss.data * len(outputs)
                if classify:
                    correct += _correct(outputs, batch.y, chooser)
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(epoch=epoch, loss=f"{loss_sum / seen:.4f}", refresh=False)
            history.epochs.append(epoch)
            history.train_loss.append(loss_sum / seen)
            if classify:
                history.train_accuracy.append(correct / seen)
            if schedule is not None:
                schedule.step()
            if validation is not None:
                val_loss, val_accuracy = evaluate(model, loss, validation, chooser)
                history.val_loss.append(val_loss)
                if classify:
                    history.val_accuracy.append(val_accuracy)
            if on_epoch is not None:
                on_epoch(history)
    finally:
        if bar is not None:
            bar.close()
    return history
