"""Losses against hand computations (numpy / math), their gradients, stability and error messages."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from autograd import Value, gradcheck
from nn.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    binary_hinge,
    l2_regularization,
    mse,
    multiclass_hinge,
    softmax_cross_entropy,
)


def values(numbers: list[float]) -> list[Value]:
    return [Value(v) for v in numbers]


def test_mse_mean_sum_and_the_notes_half_sum() -> None:
    y, t = [0.5, -1.0, 2.0], [0.0, 1.0, 2.5]
    squares = [(a - b) ** 2 for a, b in zip(y, t, strict=True)]
    assert mse(values(y), t).data == pytest.approx(sum(squares) / 3, rel=1e-15)
    assert mse(values(y), t, "sum").data == pytest.approx(sum(squares), rel=1e-15)
    assert mse(values(y), t, "sum", half=True).data == pytest.approx(0.5 * sum(squares), rel=1e-15)
    leaves = values(y)
    mse(leaves, t, "sum", half=True).backward()
    assert [v.grad for v in leaves] == pytest.approx([a - b for a, b in zip(y, t, strict=True)], rel=1e-15)


def test_mse_flattens_multi_output_batches_and_a_single_value() -> None:
    batch = [values([1.0, 2.0]), values([3.0, 4.0])]
    assert mse(batch, np.array([[0.0, 0.0], [0.0, 0.0]])).data == pytest.approx(30 / 4)
    assert mse(Value(3.0), 1.0).data == 4.0


def test_binary_cross_entropy_on_probabilities() -> None:
    p, t = [0.9, 0.2, 0.6], [1.0, 0.0, 0.25]
    expected = [-(ti * math.log(pi) + (1 - ti) * math.log(1 - pi)) for pi, ti in zip(p, t, strict=True)]
    leaves = values(p)
    loss = binary_cross_entropy(leaves, t)
    assert loss.data == pytest.approx(sum(expected) / 3, rel=1e-14)
    loss.backward()
    grads = [(pi - ti) / (pi * (1 - pi)) / 3 for pi, ti in zip(p, t, strict=True)]
    assert [v.grad for v in leaves] == pytest.approx(grads, rel=1e-12)


def test_binary_cross_entropy_with_logits_equals_bce_of_sigmoid_and_has_gradient_sigma_minus_t() -> None:
    z, t = [2.0, -0.5, 0.0, 3.5], [1.0, 0.0, 1.0, 0.3]
    sig = [1 / (1 + math.exp(-v)) for v in z]
    expected = [-(ti * math.log(s) + (1 - ti) * math.log(1 - s)) for s, ti in zip(sig, t, strict=True)]
    leaves = values(z)
    loss = binary_cross_entropy_with_logits(leaves, t, "sum")
    assert loss.data == pytest.approx(sum(expected), rel=1e-14)
    loss.backward()
    assert [v.grad for v in leaves] == pytest.approx([s - ti for s, ti in zip(sig, t, strict=True)], rel=1e-13)


def test_bce_with_logits_is_stable_for_huge_logits() -> None:
    leaves = values([1000.0, -1000.0, 1000.0])
    loss = binary_cross_entropy_with_logits(leaves, [0.0, 1.0, 1.0], "sum")
    assert loss.data == 2000.0
    loss.backward()
    assert [v.grad for v in leaves] == [1.0, -1.0, 0.0]


def test_softmax_cross_entropy_single_example_and_batch() -> None:
    logits = [-0.21, 0.47, 1.72]
    log_total = math.log(sum(math.exp(v) for v in logits))
    single = softmax_cross_entropy(values(logits), 2)
    assert single.data == pytest.approx(log_total - 1.72, rel=1e-14)
    assert single.data == pytest.approx(0.35882971748652, abs=1e-12)  # 40-digit decimal reference
    batch_logits = [values(logits), values([1.0, 0.0, -1.0])]
    batch = softmax_cross_entropy(batch_logits, np.array([2, 0]))
    second = math.log(math.exp(1) + 1 + math.exp(-1)) - 1.0
    assert batch.data == pytest.approx((log_total - 1.72 + second) / 2, rel=1e-14)
    batch.backward()
    s = [math.exp(v - log_total) for v in logits]
    assert [v.grad for v in batch_logits[0]] == pytest.approx([s[0] / 2, s[1] / 2, (s[2] - 1) / 2], rel=1e-13)


def test_softmax_cross_entropy_is_stable() -> None:
    loss = softmax_cross_entropy(values([1000.0, 0.0]), 1)
    assert loss.data == pytest.approx(1000.0, rel=1e-15)


def test_multiclass_hinge_matches_the_notes_three_examples() -> None:
    """cs231n's linear-classification example: scores for cat, car, frog images; losses 2.9, 0, 12.9."""
    scores = [values([3.2, 5.1, -1.7]), values([1.3, 4.9, 2.0]), values([2.2, 2.5, -3.1])]
    labels = [0, 1, 2]
    per_example = [multiclass_hinge(row, label).data for row, label in zip(scores, labels, strict=True)]
    assert per_example == pytest.approx([2.9, 0.0, 12.9], abs=1e-12)
    mean = multiclass_hinge(scores, labels)
    assert mean.data == pytest.approx(15.8 / 3, abs=1e-12)
    mean.backward()
    # d/ds_j = 1 for each violating j, −(count of violations) for the correct class; /3 for the mean
    assert [v.grad for v in scores[0]] == pytest.approx([-1 / 3, 1 / 3, 0.0])
    assert [v.grad for v in scores[1]] == [0.0, 0.0, 0.0]
    assert [v.grad for v in scores[2]] == pytest.approx([1 / 3, 1 / 3, -2 / 3])


def test_binary_hinge_is_micrograds_max_margin_loss() -> None:
    s, y = [0.5, -2.0, 0.9, -0.1], [1, -1, -1, 1]
    expected = [max(0.0, 1 - yi * si) for si, yi in zip(s, y, strict=True)]
    leaves = values(s)
    loss = binary_hinge(leaves, y)
    assert loss.data == pytest.approx(sum(expected) / 4, rel=1e-15)
    loss.backward()
    assert [v.grad for v in leaves] == pytest.approx([-0.25, 0.0, 0.25, -0.25])


def test_l2_regularization_is_lambda_over_2m_sum_of_squares_with_gradient_lambda_theta_over_m() -> None:
    params = values([0.5, -1.5, 2.0])
    penalty = l2_regularization(params, strength=0.3, examples=4)
    assert penalty.data == pytest.approx(0.3 / 8 * (0.25 + 2.25 + 4.0), rel=1e-15)
    penalty.backward()
    assert [p.grad for p in params] == pytest.approx([0.3 * p.data / 4 for p in params], rel=1e-15)


@pytest.mark.parametrize(
    "loss",
    [
        lambda a, b, c: mse([a, b, c], [0.1, -0.3, 0.7]),
        lambda a, b, c: binary_cross_entropy([a.sigmoid(), b.sigmoid(), c.sigmoid()], [1.0, 0.0, 0.4]),
        lambda a, b, c: binary_cross_entropy_with_logits([a, b, c], [1.0, 0.0, 0.4]),
        lambda a, b, c: softmax_cross_entropy([a, b, c], 1),
        lambda a, b, c: multiclass_hinge([a, b, c], 0, "sum"),
        lambda a, b, c: binary_hinge([a, b, c], [1, -1, 1]),
        lambda a, b, c: l2_regularization([a, b, c], 0.5, 3),
    ],
    ids=["mse", "bce", "bce_logits", "softmax_ce", "multiclass_hinge", "binary_hinge", "l2"],
)
def test_every_loss_passes_gradcheck(loss: object) -> None:
    assert gradcheck(loss, [0.3, -1.1, 0.8], atol=1e-7, rtol=1e-5)  # type: ignore[arg-type]


def test_errors_name_the_loss_and_the_problem() -> None:
    with pytest.raises(ValueError, match="mse: 2 output value"):
        mse(values([1.0, 2.0]), [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="mse: reduction must be 'mean' or 'sum', got 'avg'"):
        mse(values([1.0]), [1.0], "avg")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="binary_hinge: target 1 is not finite"):
        binary_hinge(values([1.0, 2.0]), [1.0, float("nan")])
    with pytest.raises(ValueError, match=r"softmax_cross_entropy: target 0 must be a class index in \[0, 3\), got 3"):
        softmax_cross_entropy(values([1.0, 2.0, 3.0]), 3)
    with pytest.raises(ValueError, match="class index"):
        softmax_cross_entropy(values([1.0, 2.0]), 1.0)
    with pytest.raises(ValueError, match="2 example"):
        multiclass_hinge([values([1.0, 2.0]), values([1.0, 2.0])], [0])
    with pytest.raises(TypeError, match="example 0, score 1 must be a Value, got float"):
        softmax_cross_entropy([[Value(1.0), 2.0]], [0])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="output 1 must be a Value or a list of Values"):
        mse([Value(1.0), "x"], [1.0, 2.0])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="empty batch"):
        mse([], [])
    with pytest.raises(ValueError, match="examples must be at least 1"):
        l2_regularization(values([1.0]), 0.1, 0)


def test_matches_torch_losses_when_installed() -> None:
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    rng = np.random.default_rng(6)
    logits, labels = rng.normal(0.0, 3.0, size=(5, 4)), rng.integers(0, 4, size=5)
    rows = [values(row.tolist()) for row in logits]
    ours = softmax_cross_entropy(rows, labels)
    ours.backward()
    t_logits = torch.tensor(logits, requires_grad=True)
    theirs = functional.cross_entropy(t_logits, torch.tensor(labels))
    theirs.backward()
    assert ours.data == pytest.approx(theirs.item(), rel=1e-14)
    np.testing.assert_allclose([[v.grad for v in row] for row in rows], t_logits.grad.numpy(), rtol=0, atol=1e-15)

    z, t = rng.normal(0.0, 5.0, size=6), rng.uniform(0.0, 1.0, size=6)
    leaves = values(z.tolist())
    ours = binary_cross_entropy_with_logits(leaves, t)
    ours.backward()
    t_z = torch.tensor(z, requires_grad=True)
    theirs = functional.binary_cross_entropy_with_logits(t_z, torch.tensor(t))
    theirs.backward()
    assert ours.data == pytest.approx(theirs.item(), rel=1e-14)
    np.testing.assert_allclose([v.grad for v in leaves], t_z.grad.numpy(), rtol=0, atol=1e-15)


def test_losses_build_no_one_input_sums() -> None:
    """Two classes leave one margin, one parameter one square: no Σ over a single term (drawn as a no-op gate)."""
    from nn import l2_regularization, multiclass_hinge

    hinge = multiclass_hinge([[Value(1.0), Value(2.0)]], [0])
    penalty = l2_regularization([Value(3.0)], strength=0.5)
    for loss in (hinge, penalty):
        stack, seen = [loss], set()
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            assert not (node.op == "sum" and len(node.inputs) == 1)
            stack.extend(node.inputs)
    assert hinge.data == 2.0 and penalty.data == 2.25


@pytest.mark.parametrize("matrix", [False, True], ids=["scalar", "matrix"])
def test_loss_options_are_checked_on_both_paths(matrix: bool) -> None:
    from autograd import Tensor

    # Any: the losses' signatures name the scalar path; a Tensor takes the matrix path inside them
    scores: Any = Tensor([[0.5], [-2.0]]) if matrix else values([0.5, -2.0])
    class_scores: Any = Tensor([[3.2, 5.1, -1.7]]) if matrix else [values([3.2, 5.1, -1.7])]
    with pytest.raises(TypeError, match="mse: half must be True or False, got str 'no'"):
        mse(scores, [1.0, 0.0], half="no")  # type: ignore[arg-type]  # a non-empty string would halve the loss
    with pytest.raises(TypeError, match="binary_hinge: margin must be a number, got str '1'"):
        binary_hinge(scores, [1, -1], margin="1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"binary_hinge: margin must be >= 0\.0 and finite, got nan"):
        binary_hinge(scores, [1, -1], margin=float("nan"))
    with pytest.raises(ValueError, match=r"multiclass_hinge: margin must be >= 0\.0 and finite, got -1\.0"):
        multiclass_hinge(class_scores, [0], margin=-1.0)
    assert binary_hinge(scores, [1, -1], margin=0).data == pytest.approx(0.0)  # Δ = 0: the perceptron loss
