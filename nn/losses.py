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

from autograd import Tensor, Value, sum_values
from nn import matrix_losses
from nn.activations import log_softmax
from nn.checks import check_count, check_flag, check_real

Reduction = Literal["mean", "sum"]
Outputs = Value | Sequence[Value | Sequence[Value]]
"""One output (a Value) or a batch: per example a Value, or a list of Values for multi-output models."""


def apply_reduction(terms: Sequence[Value], reduction: Reduction, loss: str) -> Value:
    """Σ terms (``"sum"``) or Σ terms / n (``"mean"``), one ``sum`` node (and one ``/``); a single term as it is.

    >>> from autograd import Value
    >>> term = Value(2.0) * 3.0
    >>> apply_reduction([term], "mean", "mse") is term, apply_reduction([term, term], "mean", "mse").op
    (True, '/')
    """
    if reduction not in ("mean", "sum"):
        raise ValueError(f"{loss}: reduction must be 'mean' or 'sum', got {reduction!r}")
    if not terms:
        raise ValueError(f"{loss}: empty batch")
    if len(terms) == 1:  # divided by 1: no node that does nothing (a drawing shows every node)
        return terms[0]
    total = _total(terms)
    return total / len(terms) if reduction == "mean" else total


def _total(terms: Sequence[Value]) -> Value:
    """Σ terms as one ``sum`` node; a single term as it is (a one-input Σ does nothing)."""
    return terms[0] if len(terms) == 1 else sum_values(terms)


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


def numeric_targets(targets: object, loss: str) -> np.ndarray:
    """``targets`` as a float64 array, or a ``TypeError`` naming the first one that is not a number.

    >>> numeric_targets(["cat", "dog"], "mse")
    Traceback (most recent call last):
    ...
    TypeError: mse: targets must be numbers, got 'cat' (target 0); turn class names into indices first, ...
    """
    array = np.asarray(targets)
    if array.dtype.kind in "biuf":
        return array.astype(np.float64)
    for index, item in enumerate(array.ravel().tolist()):
        if isinstance(item, bool) or not isinstance(item, int | float):
            raise TypeError(
                f"{loss}: targets must be numbers, got {item!r} (target {index}); turn class names into indices "
                "first, e.g. names, y = np.unique(y, return_inverse=True)"
            )
    return array.astype(np.float64)


def _flat_targets(targets: object, count: int, loss: str) -> list[float]:
    result: list[float] = flat_target_array(targets, count, loss).tolist()
    return result


def flat_target_array(targets: object, count: int, loss: str) -> np.ndarray:
    """``count`` finite targets as a flat float64 array, or an error naming the loss and the culprit."""
    array = numeric_targets(targets, loss).ravel()
    if array.size != count:
        raise ValueError(f"{loss}: {count} output value(s) but {array.size} target value(s)")
    finite = np.isfinite(array)
    if np.count_nonzero(finite) != array.size:  # counted: a third of np.all's time on a batch's targets
        raise ValueError(f"{loss}: target {int(np.argmin(finite))} is not finite")
    return array


def _pairs(outputs: Outputs, targets: object, loss: str) -> list[tuple[Value, float]]:
    values = _flat_outputs(outputs, loss)
    return list(zip(values, _flat_targets(targets, len(values), loss), strict=True))


def _check_probability_targets(pairs: list[tuple[Value, float]], loss: str) -> None:
    for index, (_, t) in enumerate(pairs):
        if not 0.0 <= t <= 1.0:
            raise probability_target_error(index, t, loss)


def check_probability_targets(targets: np.ndarray, loss: str) -> None:
    """The matrix path's check of ``_check_probability_targets``: the first target outside [0, 1], named.

    >>> check_probability_targets(np.array([0.0, 1.0, -1.0]), "bce")
    Traceback (most recent call last):
    ...
    ValueError: bce: target 2 is -1.0, but targets are probabilities in [0, 1] (0/1 labels); ...
    """
    flat = targets.reshape(-1)
    outside = ~((flat >= 0.0) & (flat <= 1.0))
    if np.count_nonzero(outside):
        index = int(np.flatnonzero(outside)[0])
        raise probability_target_error(index, float(flat[index]), loss)


def probability_target_error(index: int, target: float, loss: str) -> ValueError:
    """The error for a target that is not a probability (both paths say it the same way)."""
    return ValueError(
        f"{loss}: target {index} is {target!r}, but targets are probabilities in [0, 1] (0/1 labels); "
        "for −1/+1 labels use (y + 1) / 2, or binary_hinge"
    )


def mse(outputs: Outputs, targets: object, reduction: Reduction = "mean", *, half: bool = False) -> Value:
    """Squared error (y − t)² per output value, reduced; ``half=True`` gives the course notes' ½Σ(y − t)².

    The mean is over every output value (as ``torch.nn.MSELoss``).

    >>> mse([Value(1.0), Value(3.0)], [0.0, 1.0]).data
    2.5
    >>> mse([Value(1.0), Value(3.0)], [0.0, 1.0], "sum", half=True).data
    2.5
    """
    half = check_flag(half, "half", "mse")  # half="no" would halve the loss (a non-empty string is true)
    if isinstance(outputs, Tensor):  # the matrix path (nn.matrix_losses)
        return matrix_losses.mse(outputs, targets, reduction, half=half)  # type: ignore[return-value]
    terms = []
    for y, t in _pairs(outputs, targets, "mse"):
        d = y - t if t else y  # a zero target subtracts nothing: no x-0 node
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
    if isinstance(probabilities, Tensor):  # the matrix path (nn.matrix_losses)
        return matrix_losses.binary_cross_entropy(probabilities, targets, reduction)  # type: ignore[return-value]
    pairs = _pairs(probabilities, targets, "binary_cross_entropy")
    _check_probability_targets(pairs, "binary_cross_entropy")
    for index, (p, _) in enumerate(pairs):
        if not 0.0 <= p.data <= 1.0:  # NaN too
            raise ValueError(
                f"binary_cross_entropy: prediction {index} is {p.data!r}, not a probability in [0, 1]: the model's "
                "output is unbounded (a linear last layer). Use binary_cross_entropy_with_logits on the raw score, "
                "or give the model output_activation='sigmoid'"
            )
    terms = []
    for p, t in pairs:
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
    if isinstance(logits, Tensor):  # the matrix path (nn.matrix_losses)
        return matrix_losses.binary_cross_entropy_with_logits(logits, targets, reduction)  # type: ignore[return-value]
    pairs = _pairs(logits, targets, "binary_cross_entropy_with_logits")
    _check_probability_targets(pairs, "binary_cross_entropy_with_logits")
    terms = [z.softplus() - t * z for z, t in pairs]
    return apply_reduction(terms, reduction, "binary_cross_entropy_with_logits")


def binary_hinge(scores: Outputs, targets: object, reduction: Reduction = "mean", *, margin: float = 1.0) -> Value:
    """The max-margin loss relu(margin − y·s) for scores s and labels y in {−1, +1} (micrograd's demo loss).

    With 0/1 labels every label-0 example would be a constant loss of ``margin`` with zero
    gradient, so any label other than −1 or +1 is refused.

    >>> binary_hinge([Value(0.5), Value(-2.0)], [1, -1]).data
    0.25
    >>> binary_hinge([Value(0.5), Value(-2.0)], [1, 0])
    Traceback (most recent call last):
    ...
    ValueError: binary_hinge: labels must be -1 or +1, got 0 (target 1); for 0/1 labels pass 2*y - 1
    """
    margin = check_real(margin, "margin", "binary_hinge")  # checked here: a str would fail deep in an op
    if isinstance(scores, Tensor):  # the matrix path (nn.matrix_losses)
        return matrix_losses.binary_hinge(scores, targets, reduction, margin=margin)  # type: ignore[return-value]
    pairs = _pairs(scores, targets, "binary_hinge")
    for index, (_, y) in enumerate(pairs):
        if y not in (-1.0, 1.0):
            hint = "for 0/1 labels pass 2*y - 1" if y == 0.0 else "the labels are the classes' signs"
            raise ValueError(f"binary_hinge: labels must be -1 or +1, got {y:g} (target {index}); {hint}")
    terms = [(margin - s if y > 0 else margin + s).relu() for s, y in pairs]  # y·s without a 1*x node
    return apply_reduction(terms, reduction, "binary_hinge")


ClassScores = Sequence[Value | Sequence[Value]]
"""Class scores of one example (a list of Values) or of a batch (a list of such lists)."""


def _per_example(scores: ClassScores, targets: object, loss: str) -> list[tuple[list[Value], int]]:
    """Pairs (scores, class index), accepting one example (a list of Values and an int) or a batch.

    Targets are class indices, or one-hot rows (one row of 0s with a single 1 per example).
    """
    labels = np.asarray(targets)
    single = bool(scores) and isinstance(scores[0], Value)
    if single and labels.ndim >= 1 and labels.shape[0] == len(scores) > 1:
        raise single_scores_error(len(scores), labels, loss)
    rows = [scores] if single else scores
    labels = _class_indices(labels.reshape(1, -1) if single and labels.ndim == 1 else labels, len(rows), loss)
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
            more = f" (the model gives {len(values)} score(s) per example)" if is_index and label >= len(values) else ""
            raise ValueError(f"{loss}: target {index} must be a class index in [0, {len(values)}), got {shown!r}{more}")
        pairs.append((values, int(label)))
    return pairs


def single_scores_error(count: int, labels: np.ndarray, loss: str) -> ValueError:
    """The error for one score per example given to a loss that needs one score per class."""
    return ValueError(
        f"{loss}: got {count} single scores and {count} targets: each example has 1 score (the "
        "model has 1 output) but this loss needs one score per class. Give the last layer one output per "
        f"class, e.g. MLP(nin, [..., {_classes_needed(labels)}])"
    )


def _classes_needed(labels: np.ndarray) -> str:
    if labels.ndim == 2:
        return str(labels.shape[1])
    if labels.dtype.kind in "iu" and labels.size:
        return str(int(labels.max()) + 1)
    return "classes"


def _class_indices(labels: np.ndarray, examples: int, loss: str) -> np.ndarray:
    """Class indices from indices or one-hot rows; a count mismatch says which form was read."""
    if labels.dtype.kind not in "biuf":
        numeric_targets(labels, loss)  # names the first target that is not a number
    if labels.ndim == 2 and labels.shape[0] == examples and labels.shape[1] > 1:
        one_hot = np.isin(labels, (0, 1)).all() and (labels.sum(axis=1) == 1).all()
        if not one_hot:
            raise ValueError(f"{loss}: 2-D targets must be one-hot rows (a single 1 per row), got {labels.tolist()!r}")
        return np.asarray(np.argmax(labels, axis=1), dtype=np.int64)
    flat = labels.reshape(-1)
    if len(flat) != examples:
        hint = ""
        if labels.ndim == 2:
            hint = f" (one-hot targets of shape {labels.shape} need {labels.shape[0]} examples)"
        elif examples and len(flat) % examples == 0:
            hint = f" (one-hot targets must keep their rows: shape ({examples}, {len(flat) // examples}))"
        raise ValueError(f"{loss}: {examples} example(s) but {len(flat)} target(s){hint}")
    return flat


def softmax_cross_entropy(logits: ClassScores, targets: object, reduction: Reduction = "mean") -> Value:
    """−log softmax(z)_y for logits z and class index y (stable: ``log_softmax`` subtracts the max).

    Its gradient with respect to z_j is softmax(z)_j − [j = y].

    >>> round(softmax_cross_entropy([Value(-0.21), Value(0.47), Value(1.72)], 2).data, 6)
    0.35883
    """
    if isinstance(logits, Tensor):  # the matrix path (nn.matrix_losses)
        return matrix_losses.softmax_cross_entropy(logits, targets, reduction)  # type: ignore[return-value]
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
    margin = check_real(margin, "margin", "multiclass_hinge")  # Δ ≥ 0 and finite (nan would poison the loss)
    if isinstance(scores, Tensor):  # the matrix path (nn.matrix_losses)
        return matrix_losses.multiclass_hinge(scores, targets, reduction, margin=margin)  # type: ignore[return-value]
    terms = []
    for row, label in _per_example(scores, targets, "multiclass_hinge"):
        correct = row[label]
        margins = [(s - correct + margin).relu() for j, s in enumerate(row) if j != label]
        terms.append(_total(margins) if margins else correct * 0.0)
    return apply_reduction(terms, reduction, "multiclass_hinge")


def l2_regularization(parameters: Iterable[Value], strength: float, examples: int = 1) -> Value:
    """λ/(2m) · Σ θ² (the course notes' weight-decay penalty; its gradient is λθ/m).

    >>> l2_regularization([Value(1.0), Value(-2.0)], strength=0.5, examples=5).data
    0.25
    """
    strength = check_real(strength, "strength", "l2_regularization")  # λ < 0 would reward large weights
    check_count(examples, "examples", "l2_regularization")
    squares = [p * p for p in parameters]
    if not squares:
        raise ValueError("l2_regularization: no parameters")
    return _total(squares) * (strength / (2.0 * examples))
