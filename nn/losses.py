"""Loss functions over model outputs (``Value`` nodes) and targets (numbers or arrays), each a graph of primitives.

Every loss takes a batch: ``outputs`` is one model output per example (a Value, or a list of
Values for multi-output models) and ``targets`` the matching numbers (array-like). A single
example may be passed as is. ``reduction="mean"`` (default) averages the per-example losses,
``"sum"`` adds them. Their signature ``loss(outputs, targets)`` is what ``nn.train.fit`` calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np

from autograd import Value, sum_values
from nn.activations import log_softmax

Reduction = Literal["mean", "sum"]
Outputs = Value | Sequence[Value | Sequence[Value]]
"""One output (a Value) or a batch: per example a Value, or a list of Values for multi-output models."""


def apply_reduction(terms: Sequence[Value], reduction: Reduction, loss: str) -> Value:
    """Σ terms (``"sum"``) or Σ terms / n (``"mean"``), one ``sum`` node (and one ``/``)."""
    if reduction not in ("mean", "sum"):
        raise ValueError(f"{loss}: reduction must be 'mean' or 'sum', got {reduction!r}")
    if not terms:
        raise ValueError(f"{loss}: empty batch")
    total = sum_values(terms)
    return total / len(terms) if reduction == "mean" else total


def _flat_outputs(outputs: Outputs, loss: str) -> list[Value]:
    if isinstance(outputs, Value):
        return [outputs]
    flat: list[Value] = []
    for index, item in enumerate(outputs):
        if isinstance(item, Value):
            flat.append(item)
            continue
        if not isinstance(item, Sequence) or not all(isinstance(v, Value) for v in item):
            raise TypeError(f"{loss}: output {index} must be a Value or a list of Values, got {type(item).__name__}")
        flat.extend(item)
    return flat


def _flat_targets(targets: object, count: int, loss: str) -> list[float]:
    array = np.asarray(targets, dtype=np.float64).ravel()
    if array.size != count:
        raise ValueError(f"{loss}: {count} output value(s) but {array.size} target value(s)")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{loss}: target {int(np.argmin(np.isfinite(array)))} is not finite")
    result: list[float] = array.tolist()
    return result


def _pairs(outputs: Outputs, targets: object, loss: str) -> Iterable[tuple[Value, float]]:
    values = _flat_outputs(outputs, loss)
    return zip(values, _flat_targets(targets, len(values), loss), strict=True)


def mse(outputs: Outputs, targets: object, reduction: Reduction = "mean", *, half: bool = False) -> Value:
    """Squared error (y − t)² per output value, reduced; ``half=True`` gives the course notes' ½Σ(y − t)².

    The mean is over every output value (as ``torch.nn.MSELoss``).

    >>> mse([Value(1.0), Value(3.0)], [0.0, 1.0]).data
    2.5
    >>> mse([Value(1.0), Value(3.0)], [0.0, 1.0], "sum", half=True).data
    2.5
    """
    terms = []
    for y, t in _pairs(outputs, targets, "mse"):
        d = y - t
        terms.append(d * d)
    total = apply_reduction(terms, reduction, "mse")
    return total * 0.5 if half else total


def binary_cross_entropy(probabilities: Outputs, targets: object, reduction: Reduction = "mean") -> Value:
    """−[t·log p + (1 − t)·log(1 − p)] for probabilities p in (0, 1) and targets t in [0, 1].

    A probability of exactly 0 or 1 on the wrong side gives inf (IEEE), as the formula says;
    prefer ``binary_cross_entropy_with_logits`` for training.

    >>> round(binary_cross_entropy(Value(0.8), 1.0).data, 6)
    0.223144
    """
    terms = []
    for p, t in _pairs(probabilities, targets, "binary_cross_entropy"):
        if t == 1.0:
            terms.append(-p.log())
        elif t == 0.0:
            terms.append(-(1.0 - p).log())
        else:  # soft labels need both halves
            terms.append(-(t * p.log() + (1.0 - t) * (1.0 - p).log()))
    return apply_reduction(terms, reduction, "binary_cross_entropy")


def binary_cross_entropy_with_logits(logits: Outputs, targets: object, reduction: Reduction = "mean") -> Value:
    """The binary cross-entropy of p = σ(z), computed stably from the logit z: softplus(z) − t·z.

    Equal to −[t·log σ(z) + (1 − t)·log(1 − σ(z))]; its gradient is σ(z) − t, and it never
    overflows (softplus is computed as max(z, 0) + log1p(e^−|z|)).

    >>> round(binary_cross_entropy_with_logits(Value(1000.0), 0.0).data, 6)
    1000.0
    """
    terms = [z.softplus() - t * z for z, t in _pairs(logits, targets, "binary_cross_entropy_with_logits")]
    return apply_reduction(terms, reduction, "binary_cross_entropy_with_logits")


def binary_hinge(scores: Outputs, targets: object, reduction: Reduction = "mean", *, margin: float = 1.0) -> Value:
    """The max-margin loss relu(margin − y·s) for scores s and labels y in {−1, +1} (micrograd's demo loss).

    >>> binary_hinge([Value(0.5), Value(-2.0)], [1, -1]).data
    0.25
    """
    terms = [(margin - y * s).relu() for s, y in _pairs(scores, targets, "binary_hinge")]
    return apply_reduction(terms, reduction, "binary_hinge")


ClassScores = Sequence[Value | Sequence[Value]]
"""Class scores of one example (a list of Values) or of a batch (a list of such lists)."""


def _per_example(scores: ClassScores, targets: object, loss: str) -> list[tuple[list[Value], int]]:
    """Pairs (scores, class index), accepting one example (a list of Values and an int) or a batch."""
    single = bool(scores) and isinstance(scores[0], Value)
    rows = [scores] if single else scores
    labels = np.asarray(targets).reshape(-1)
    if len(labels) != len(rows):
        raise ValueError(f"{loss}: {len(rows)} example(s) but {len(labels)} target(s)")
    pairs = []
    for index, (row, label) in enumerate(zip(rows, labels, strict=True)):
        if isinstance(row, Value):
            raise TypeError(f"{loss}: example {index} must be a list of class scores, got a single Value")
        values: list[Value] = []
        for position, v in enumerate(row):
            if not isinstance(v, Value):
                raise TypeError(f"{loss}: example {index}, score {position} must be a Value, got {type(v).__name__}")
            values.append(v)
        is_index = isinstance(label, int | np.integer) and not isinstance(label, bool | np.bool_)
        if not is_index or not 0 <= label < len(values):
            shown = label.item() if isinstance(label, np.generic) else label
            raise ValueError(f"{loss}: target {index} must be a class index in [0, {len(values)}), got {shown!r}")
        pairs.append((values, int(label)))
    return pairs


def softmax_cross_entropy(logits: ClassScores, targets: object, reduction: Reduction = "mean") -> Value:
    """−log softmax(z)_y for logits z and class index y (stable: ``log_softmax`` subtracts the max).

    Its gradient with respect to z_j is softmax(z)_j − [j = y].

    >>> round(softmax_cross_entropy([Value(-0.21), Value(0.47), Value(1.72)], 2).data, 6)
    0.35883
    """
    pairs = _per_example(logits, targets, "softmax_cross_entropy")
    terms = [-log_softmax(row)[label] for row, label in pairs]
    return apply_reduction(terms, reduction, "softmax_cross_entropy")


def multiclass_hinge(
    scores: ClassScores, targets: object, reduction: Reduction = "mean", *, margin: float = 1.0
) -> Value:
    """The multiclass SVM loss (cs231n): Σ_{j≠y} max(0, s_j − s_y + Δ) with Δ = ``margin``.

    >>> round(multiclass_hinge([Value(3.2), Value(5.1), Value(-1.7)], 0).data, 10)  # the notes' cat example
    2.9
    """
    terms = []
    for row, label in _per_example(scores, targets, "multiclass_hinge"):
        correct = row[label]
        margins = [(s - correct + margin).relu() for j, s in enumerate(row) if j != label]
        terms.append(sum_values(margins) if margins else correct * 0.0)
    return apply_reduction(terms, reduction, "multiclass_hinge")


def l2_regularization(parameters: Iterable[Value], strength: float, examples: int = 1) -> Value:
    """λ/(2m) · Σ θ² (the course notes' weight-decay penalty; its gradient is λθ/m).

    >>> l2_regularization([Value(1.0), Value(-2.0)], strength=0.5, examples=5).data
    0.25
    """
    if examples < 1:
        raise ValueError(f"l2_regularization: examples must be at least 1, got {examples}")
    squares = [p * p for p in parameters]
    if not squares:
        raise ValueError("l2_regularization: no parameters")
    return sum_values(squares) * (strength / (2.0 * examples))
