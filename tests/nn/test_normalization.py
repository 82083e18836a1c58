"""BatchNorm: forward against numpy, backward against finite differences, running statistics, eval mode."""

from __future__ import annotations

import numpy as np
import pytest

from autograd import Value, gradcheck, sum_values
from nn.normalization import BatchNorm


def batch_of_values(array: np.ndarray) -> list[list[Value]]:
    return [[Value(float(v)) for v in row] for row in array]


def weighted_sum(rows: list[list[Value]], weights: np.ndarray) -> Value:
    """Σ_ij w_ij·out_ij: a scalar whose gradient sends the upstream gradient w_ij into each output."""
    pairs = [pair for row, w_row in zip(rows, weights, strict=True) for pair in zip(row, w_row, strict=True)]
    return sum_values([v * float(w) for v, w in pairs])


def test_training_forward_normalises_each_feature_over_the_batch() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 2.0, size=(6, 3))
    bn = BatchNorm(3)
    for j, (g, b) in enumerate([(1.5, 0.2), (0.5, -1.0), (2.0, 3.0)]):
        bn.gamma[j].data, bn.beta[j].data = g, b
    out = np.array([[v.data for v in row] for row in bn(batch_of_values(x))])
    gamma = np.array([1.5, 0.5, 2.0])
    beta = np.array([0.2, -1.0, 3.0])
    expected = gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + 1e-5) + beta
    np.testing.assert_allclose(out, expected, rtol=1e-13, atol=1e-13)


def test_backward_matches_finite_differences_for_inputs_gamma_and_beta() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4, 2))
    weights = rng.normal(size=(4, 2))  # a weighted sum makes every output matter differently
    bn = BatchNorm(2, eps=1e-3)

    def run(*values: Value) -> Value:
        inputs, gamma, beta = values[:8], values[8:10], values[10:12]
        bn.gamma, bn.beta = list(gamma), list(beta)
        rows = [list(inputs[2 * i : 2 * i + 2]) for i in range(4)]
        return weighted_sum(bn(rows), weights)

    point = [*x.ravel().tolist(), 1.3, 0.7, -0.4, 0.25]
    assert gradcheck(run, point, eps=1e-6, atol=1e-7, rtol=1e-5)


def test_input_gradient_matches_the_closed_form() -> None:
    """dx̂ from the paper: dx_i = γ/(mσ̂) · (m·dy_i − Σdy − x̂_i·Σ(dy·x̂))."""
    rng = np.random.default_rng(2)
    m = 5
    x = rng.normal(size=m)
    dy = rng.normal(size=m)
    bn = BatchNorm(1)
    bn.gamma[0].data = 1.7
    leaves = [[Value(float(v))] for v in x]
    weighted_sum(bn(leaves), dy[:, None]).backward()
    sigma = np.sqrt(x.var() + 1e-5)
    x_hat = (x - x.mean()) / sigma
    expected = 1.7 / (m * sigma) * (m * dy - dy.sum() - x_hat * np.sum(dy * x_hat))
    np.testing.assert_allclose([row[0].grad for row in leaves], expected, rtol=1e-10, atol=1e-13)
    assert bn.beta[0].grad == pytest.approx(dy.sum(), rel=1e-13)
    assert bn.gamma[0].grad == pytest.approx(np.sum(dy * x_hat), rel=1e-10)


def test_running_statistics_follow_pytorch_momentum_and_are_used_in_eval() -> None:
    rng = np.random.default_rng(3)
    bn = BatchNorm(2, momentum=0.1)
    mean, var = np.zeros(2), np.ones(2)
    for _ in range(3):
        x = rng.normal(1.0, 3.0, size=(5, 2))
        bn(x.tolist())
        mean = 0.9 * mean + 0.1 * x.mean(axis=0)
        var = 0.9 * var + 0.1 * x.var(axis=0, ddof=1)  # the unbiased variance, as PyTorch
    np.testing.assert_allclose([v.data for v in bn.running_mean], mean, rtol=1e-14)
    np.testing.assert_allclose([v.data for v in bn.running_var], var, rtol=1e-14)

    bn.gamma[1].data = 2.0
    bn.eval()
    probe = [[0.5, -1.0]]  # one row is fine in eval mode
    out = bn(probe)
    expected = (np.array(probe[0]) - mean) / np.sqrt(var + 1e-5) * np.array([1.0, 2.0])
    assert [v.data for v in out[0]] == pytest.approx(expected.tolist(), rel=1e-14)
    before = [v.data for v in bn.running_mean]
    bn([[9.0, 9.0], [8.0, 8.0]])
    assert [v.data for v in bn.running_mean] == before  # eval never updates the statistics


def test_buffers_and_parameters_are_named_and_saved() -> None:
    bn = BatchNorm(2)
    assert [name for name, _ in bn.named_parameters()] == ["gamma.0", "gamma.1", "beta.0", "beta.1"]
    assert list(bn.state_dict()) == [
        "gamma.0", "gamma.1", "beta.0", "beta.1",
        "running_mean.0", "running_mean.1", "running_var.0", "running_var.1",
    ]  # fmt: skip
    assert bn.parameters() == [*bn.gamma, *bn.beta]


def test_bad_batches_and_settings_are_reported() -> None:
    bn = BatchNorm(2, name="norm")
    with pytest.raises(ValueError, match=r"BatchNorm 'norm': training needs at least 2 rows per batch \(.*\), got 1"):
        bn([[1.0, 2.0]])
    with pytest.raises(ValueError, match="norm: row 1 has 3 features, expected 2"):
        bn([[1.0, 2.0], [1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match=r"BatchNorm: eps must be > 0\.0"):
        BatchNorm(2, eps=0.0)
    with pytest.raises(ValueError, match=r"momentum must be in \[0\.0, 1\.0\]"):
        BatchNorm(2, momentum=1.5)


def test_constant_feature_does_not_divide_by_zero() -> None:
    out = BatchNorm(1)([[2.0], [2.0], [2.0]])
    assert [row[0].data for row in out] == [0.0, 0.0, 0.0]


def test_matches_torch_batch_norm_when_installed() -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    x = rng.normal(2.0, 3.0, size=(6, 3))
    upstream = rng.normal(size=(6, 3))
    bn = BatchNorm(3, momentum=0.2)
    leaves = batch_of_values(x)
    out = bn(leaves)
    weighted_sum(out, upstream).backward()
    reference = torch.nn.BatchNorm1d(3, momentum=0.2, dtype=torch.float64)
    tx = torch.tensor(x, requires_grad=True)
    ty = reference(tx)
    ty.backward(torch.tensor(upstream))
    np.testing.assert_allclose([[v.data for v in row] for row in out], ty.detach().numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose([[v.grad for v in row] for row in leaves], tx.grad.numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose([g.grad for g in bn.gamma], reference.weight.grad.numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose([v.data for v in bn.running_mean], reference.running_mean.numpy(), rtol=0, atol=1e-14)
    np.testing.assert_allclose([v.data for v in bn.running_var], reference.running_var.numpy(), rtol=0, atol=1e-13)
