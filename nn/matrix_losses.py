"""The losses of ``nn.losses`` on Tensor outputs (the matrix path): the same formulas on whole arrays.

Each function here is what its namesake in ``nn.losses`` hands off to when the outputs are a
``Tensor`` (one row per example, or one number per example for one output); the targets are
checked by the same functions, with the same messages. ``reduction="mean"`` divides the sum
of the per-example terms by their count, as the scalar path's ``sum`` node and ``/`` do.

>>> from autograd import Tensor
>>> mse(Tensor([1.0, 3.0]), [0.0, 1.0]).item()
2.5
"""

from __future__ import annotations

from typing import Literal

import numpy as np

import nn.losses  # the target checks both paths share, read at call time (nn.losses imports this module)
from autograd import Tensor

Reduction = Literal["mean", "sum"]


def reduced(terms: Tensor, reduction: Reduction, loss: str) -> Tensor:
    """Σ terms or Σ terms / count, the count of per-example terms (every element)."""
    if reduction not in ("mean", "sum"):
        raise ValueError(f"{loss}: reduction must be 'mean' or 'sum', got {reduction!r}")
    if terms.size == 0:
        raise ValueError(f"{loss}: empty batch")
    total = terms.sum()
    return total / terms.size if reduction == "mean" else total


def _targets(outputs: Tensor, targets: object, loss: str) -> np.ndarray:
    data = outputs.data
    return nn.losses.flat_target_array(targets, data.size, loss).reshape(data.shape)


def _check_probabilities(targets: np.ndarray, loss: str) -> None:
    nn.losses.check_probability_targets(targets, loss)


def mse(outputs: Tensor, targets: object, reduction: Reduction = "mean", *, half: bool = False) -> Tensor:
    """(y − t)² per output value, reduced; ``half=True`` gives ½Σ(y − t)²."""
    d = outputs - _targets(outputs, targets, "mse")
    total = reduced(d * d, reduction, "mse")
    return total * 0.5 if half else total


def binary_cross_entropy(probabilities: Tensor, targets: object, reduction: Reduction = "mean") -> Tensor:
    """−[t·log p + (1 − t)·log(1 − p)]; for t = 1 only −log p, for t = 0 only −log(1 − p), as the scalar path."""
    loss = "binary_cross_entropy"
    t = _targets(probabilities, targets, loss)
    _check_probabilities(t, loss)
    p = probabilities.data.ravel()
    outside = np.flatnonzero(~((p >= 0.0) & (p <= 1.0)))
    if outside.size:
        index = int(outside[0])
        raise ValueError(
            f"{loss}: prediction {index} is {float(p[index])!r}, not a probability in [0, 1]: the model's output is "
            "unbounded (a linear last layer). Use binary_cross_entropy_with_logits on the raw score, or give the "
            "model output_activation='sigmoid'"
        )
    flat, t = probabilities.reshape(-1), t.ravel()
    ones, zeros = np.flatnonzero(t == 1.0), np.flatnonzero(t == 0.0)
    soft = np.flatnonzero((t != 1.0) & (t != 0.0))
    total = -(flat[ones].log().sum()) - (1.0 - flat[zeros]).log().sum()
    if soft.size:
        p_soft, t_soft = flat[soft], t[soft]
        total = total - (t_soft * p_soft.log() + (1.0 - t_soft) * (1.0 - p_soft).log()).sum()
    return total / t.size if _checked(reduction, loss) == "mean" else total


def _checked(reduction: Reduction, loss: str) -> Reduction:
    if reduction not in ("mean", "sum"):
        raise ValueError(f"{loss}: reduction must be 'mean' or 'sum', got {reduction!r}")
    return reduction


def binary_cross_entropy_with_logits(logits: Tensor, targets: object, reduction: Reduction = "mean") -> Tensor:
    """softplus(z) − t·z, the stable binary cross-entropy of σ(z)."""
    loss = "binary_cross_entropy_with_logits"
    t = _targets(logits, targets, loss)
    _check_probabilities(t, loss)
    return reduced(logits.softplus() - t * logits, reduction, loss)


def binary_hinge(scores: Tensor, targets: object, reduction: Reduction = "mean", *, margin: float = 1.0) -> Tensor:
    """relu(margin − y·s) for labels y in {−1, +1}."""
    y = _targets(scores, targets, "binary_hinge")
    wrong = np.abs(y) != 1.0  # the targets are finite: not -1 or +1
    if np.count_nonzero(wrong):  # the scalar path's message, for the first wrong label
        index = int(np.flatnonzero(wrong)[0])
        label = float(y.ravel()[index])
        hint = "for 0/1 labels pass 2*y - 1" if label == 0.0 else "the labels are the classes' signs"
        raise ValueError(f"binary_hinge: labels must be -1 or +1, got {label:g} (target {index}); {hint}")
    return reduced((margin - y * scores).relu(), reduction, "binary_hinge")


def _class_rows(logits: Tensor, targets: object, loss: str) -> tuple[Tensor, np.ndarray]:
    rows = logits.reshape(1, -1) if logits.ndim == 1 else logits
    if rows.ndim != 2:
        raise ValueError(f"{loss}: class scores must be a Tensor of shape (examples, classes), got {logits.shape}")
    labels = np.asarray(targets)
    if logits.ndim == 1 and labels.ndim >= 1 and labels.shape[0] == logits.shape[0] > 1:
        raise nn.losses.single_scores_error(logits.shape[0], labels, loss)  # as the scalar path reads Values
    indices = nn.losses._class_indices(labels, rows.shape[0], loss)
    classes = rows.shape[1]
    if indices.dtype.kind in "iu" and not np.count_nonzero((indices < 0) | (indices >= classes)):
        return rows, indices.astype(np.intp)  # integer indices, all in range: what the loop below finds
    for index, label in enumerate(indices.tolist()):
        if isinstance(label, bool) or not isinstance(label, int) or not 0 <= label < classes:
            too_large = isinstance(label, int) and not isinstance(label, bool) and label >= classes
            more = f" (the model gives {classes} score(s) per example)" if too_large else ""  # as the scalar path
            raise ValueError(f"{loss}: target {index} must be a class index in [0, {classes}), got {label!r}{more}")
    return rows, indices.astype(np.intp)


def softmax_cross_entropy(logits: Tensor, targets: object, reduction: Reduction = "mean") -> Tensor:
    """−log softmax(z)_y per example: log-softmax of each row, each row's target class picked."""
    rows, labels = _class_rows(logits, targets, "softmax_cross_entropy")
    picked = rows.log_softmax()[np.arange(len(labels)), labels]
    return reduced(-picked, reduction, "softmax_cross_entropy")


def multiclass_hinge(scores: Tensor, targets: object, reduction: Reduction = "mean", *, margin: float = 1.0) -> Tensor:
    """Σ_{j≠y} max(0, s_j − s_y + Δ) per example (the multiclass SVM loss)."""
    rows, labels = _class_rows(scores, targets, "multiclass_hinge")
    n, classes = rows.shape
    correct = rows[np.arange(n), labels].reshape(n, 1)
    others = np.ones((n, classes))
    others[np.arange(n), labels] = 0.0  # the target class adds nothing (its margin is Δ, not a violation)
    return reduced(((rows - correct + margin).relu() * others).sum(axis=1), reduction, "multiclass_hinge")
