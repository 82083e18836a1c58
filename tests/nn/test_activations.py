"""Activations: values and derivatives against independent float formulas, softmax's example and Jacobian."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd import Value, gradients
from nn.activations import ACTIVATIONS, log_softmax, resolve_activation, softmax

# plain-float definitions, written from the formulas, not from the engine
REFERENCE: dict[str, Callable[[float], float]] = {
    "identity": lambda x: x,
    "sigmoid": lambda x: 1.0 / (1.0 + math.exp(-x)),
    "tanh": lambda x: (math.exp(x) - math.exp(-x)) / (math.exp(x) + math.exp(-x)),
    "relu": lambda x: max(0.0, x),
    "leaky_relu": lambda x: x if x > 0 else 0.01 * x,
    "elu": lambda x: x if x > 0 else math.exp(x) - 1.0,
    "gelu": lambda x: 0.5 * x * (1.0 + math.erf(x / math.sqrt(2.0))),
    "silu": lambda x: x / (1.0 + math.exp(-x)),
    "softplus": lambda x: math.log(1.0 + math.exp(x)),
}
KINKED = {"relu", "leaky_relu", "elu"}  # not differentiable at 0


def test_every_activation_has_a_reference() -> None:
    assert set(REFERENCE) == set(ACTIVATIONS)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_value_and_derivative_match_centered_differences(name: str) -> None:
    function, reference = ACTIVATIONS[name], REFERENCE[name]

    @settings(max_examples=80, deadline=None)
    @given(st.floats(-8.0, 8.0, allow_nan=False))
    def check(x: float) -> None:
        h = 1e-6
        assume(name not in KINKED or abs(x) > 10 * h)
        leaf = Value(x)
        out = function(leaf)
        assert out.data == pytest.approx(reference(x), rel=1e-12, abs=1e-14)
        out.backward()
        numeric = (reference(x + h) - reference(x - h)) / (2 * h)
        assert leaf.grad == pytest.approx(numeric, rel=1e-6, abs=1e-8)

    check()


@given(st.floats(-20.0, 20.0, allow_nan=False))
@settings(max_examples=100, deadline=None)
def test_tanh_is_a_scaled_shifted_sigmoid(x: float) -> None:
    """tanh(x) = 2σ(2x) − 1, in value and in gradient."""
    a, b = Value(x), Value(x)
    left = a.tanh()
    right = 2 * (2 * b).sigmoid() - 1
    assert left.data == pytest.approx(right.data, abs=1e-15)
    left.backward()
    right.backward()
    assert a.grad == pytest.approx(b.grad, abs=1e-14)


def test_softmax_of_the_course_example() -> None:
    """[-0.21, 0.47, 1.72] → about [0.1, 0.2, 0.7]; exact figures computed with 40-digit decimals."""
    probabilities = [p.data for p in softmax([Value(-0.21), Value(0.47), Value(1.72)])]
    assert [round(p, 1) for p in probabilities] == [0.1, 0.2, 0.7]
    assert probabilities == pytest.approx([0.10138504159575, 0.20012167598712, 0.69849328241711], abs=1e-9)
    assert math.fsum(probabilities) == pytest.approx(1.0, abs=1e-15)


def test_softmax_jacobian_is_sigma_i_times_delta_ij_minus_sigma_j() -> None:
    rng = np.random.default_rng(3)
    for _ in range(10):
        logits = [Value(float(z)) for z in rng.normal(0.0, 3.0, size=5)]
        outputs = softmax(logits)
        s = np.array([o.data for o in outputs])
        expected = np.diag(s) - np.outer(s, s)
        jacobian = np.array([gradients(out, logits) for out in outputs])
        np.testing.assert_allclose(jacobian, expected, rtol=0, atol=1e-15)


def test_softmax_and_log_softmax_are_stable_for_huge_logits() -> None:
    logits = [Value(1000.0), Value(999.0), Value(-1000.0)]
    probabilities = [p.data for p in softmax(logits)]
    logs = [p.data for p in log_softmax(logits)]
    expected_log = [-math.log1p(math.exp(-1.0)), -1.0 - math.log1p(math.exp(-1.0))]
    assert all(math.isfinite(p) for p in probabilities + logs[:2])
    assert logs[:2] == pytest.approx(expected_log, rel=1e-14)
    assert probabilities[0] == pytest.approx(1.0 / (1.0 + math.exp(-1.0)), rel=1e-14)


def test_log_softmax_gradient_is_one_hot_minus_softmax() -> None:
    logits = [Value(0.3), Value(-1.2), Value(2.0), Value(0.0)]
    picked = log_softmax(logits)[2]
    picked.backward()
    s = [p.data for p in softmax([Value(v.data) for v in logits])]
    expected = [(1.0 if j == 2 else 0.0) - s[j] for j in range(4)]
    assert [v.grad for v in logits] == pytest.approx(expected, abs=1e-15)


def test_softmax_equals_exp_of_log_softmax() -> None:
    logits = [Value(v) for v in (0.5, -3.0, 7.25)]
    exp_of_logs = [math.exp(p.data) for p in log_softmax(logits)]
    assert [p.data for p in softmax(logits)] == pytest.approx(exp_of_logs, rel=1e-14)


def test_softmax_rejects_empty_and_non_values() -> None:
    with pytest.raises(ValueError, match="at least one"):
        softmax([])
    with pytest.raises(TypeError, match="item 1 must be a Value, got float"):
        log_softmax([Value(1.0), 2.0])  # type: ignore[list-item]


def test_resolve_activation_by_name_function_or_none() -> None:
    assert resolve_activation("relu") is ACTIVATIONS["relu"]
    assert resolve_activation(None)(Value(-3.0)).data == -3.0
    custom = lambda v: v.leaky_relu(0.2)  # noqa: E731
    assert resolve_activation(custom) is custom
    with pytest.raises(ValueError, match=r"unknown activation 'swish'.*'gelu'"):
        resolve_activation("swish")
