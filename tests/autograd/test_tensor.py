"""``Tensor``: cs231n's vectorised example, every op against centered differences, broadcasting, modes, errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd import GradcheckError, Tensor, Value, detect_anomaly, gradcheck, no_grad, scope

REFERENCE = json.loads((Path(__file__).parent / "data" / "cs231n-vectorized.json").read_text())


def test_cs231n_vectorized_example_matches_the_lecture() -> None:
    w = Tensor(REFERENCE["inputs"]["W"], label="W")
    x = Tensor(REFERENCE["inputs"]["x"], label="x")
    q = w @ x
    f = (q**2).sum()
    f.backward()
    np.testing.assert_allclose(q.data, REFERENCE["forward"]["q = W x"], rtol=1e-14)
    assert f.item() == pytest.approx(REFERENCE["forward"]["f = sum(q_i^2)"], rel=1e-14)
    np.testing.assert_allclose(q.grad, REFERENCE["backward"]["df/dq = 2q"], rtol=1e-14)
    np.testing.assert_allclose(w.grad, REFERENCE["backward"]["df/dW = 2 q x^T"], rtol=1e-14)
    np.testing.assert_allclose(x.grad, REFERENCE["backward"]["df/dx = 2 W^T q"], rtol=1e-14)
    # the notes' outer product x·(∂f/∂q)ᵀ is the transpose of ∂f/∂W
    np.testing.assert_allclose(w.grad.T, REFERENCE["course_notes_outer_product"]["value"], rtol=1e-14)


def _numeric(fn: Callable[..., Tensor], arrays: list[np.ndarray], eps: float = 1e-6) -> list[np.ndarray]:
    grads = []
    for i, array in enumerate(arrays):
        grad = np.zeros_like(array)
        for index in np.ndindex(*array.shape):
            moved = [a.copy() for a in arrays]
            moved[i][index] += eps
            up = fn(*(Tensor(a) for a in moved)).item()
            moved[i][index] -= 2 * eps
            down = fn(*(Tensor(a) for a in moved)).item()
            grad[index] = (up - down) / (2 * eps)
        grads.append(grad)
    return grads


def _check(fn: Callable[..., Tensor], *arrays: np.ndarray) -> None:
    leaves = [Tensor(a) for a in arrays]
    fn(*leaves).backward()
    for leaf, numeric in zip(leaves, _numeric(fn, list(arrays)), strict=True):
        np.testing.assert_allclose(leaf.grad, numeric, rtol=1e-5, atol=1e-6)


finite = st.floats(-3.0, 3.0, allow_nan=False, width=64)


def _arrays(shape: tuple[int, ...]) -> st.SearchStrategy[np.ndarray]:
    return hnp.arrays(np.float64, shape, elements=finite)


# a weight per output element, so every element's gradient is tested (not only their sum)
def _weighted(t: Tensor) -> Tensor:
    weights = np.arange(1.0, t.data.size + 1.0).reshape(t.shape) / t.data.size
    return (t * weights).sum()


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_matmul_follows_numpy_rules_for_every_pair_of_1d_and_2d(data: st.DataObject) -> None:
    m, k, n = (data.draw(st.integers(1, 4)) for _ in range(3))
    shapes = {1: [(k,), (k,)], 2: [(m, k), (k,)], 3: [(k,), (k, n)], 4: [(m, k), (k, n)]}
    a_shape, b_shape = shapes[data.draw(st.integers(1, 4))]
    a, b = data.draw(_arrays(a_shape)), data.draw(_arrays(b_shape))
    out = Tensor(a) @ Tensor(b)
    np.testing.assert_array_equal(out.data, a @ b)
    _check(lambda x, y: _weighted(x @ y), a, b)


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_broadcast_arithmetic_sums_each_gradient_back_to_its_operand(data: st.DataObject) -> None:
    shape_a, shape_b = data.draw(
        st.sampled_from([((3, 2), (2,)), ((3, 1), (1, 2)), ((2,), (3, 2)), ((), (2, 2)), ((2, 2), (2, 2))])
    )
    a = data.draw(_arrays(shape_a))
    b = data.draw(hnp.arrays(np.float64, shape_b, elements=st.floats(0.5, 3.0)))
    for op in (lambda x, y: x + y, lambda x, y: x - y, lambda x, y: x * y, lambda x, y: x / y,
               lambda x, y: y**x, lambda x, y: x.maximum(y + 0.1), lambda x, y: x.minimum(y + 0.1)):
        _check(lambda x, y, op=op: _weighted(op(x, y)), a, b)
        assert Tensor(a).__add__(Tensor(b)).shape == np.broadcast_shapes(shape_a, shape_b)


@settings(max_examples=25, deadline=None)
@given(_arrays((3, 4)), st.sampled_from([None, 0, 1, (0, 1), -1]))
def test_reductions(a: np.ndarray, axis: int | tuple[int, ...] | None) -> None:
    a = a + np.arange(12).reshape(3, 4) * 1e-3  # keep the max away from ties, where it has no derivative
    for reduce in (Tensor.sum, Tensor.mean, Tensor.max):
        out = reduce(Tensor(a), axis)
        assert out.shape == np.sum(a, axis=axis).shape
        _check(lambda x, reduce=reduce: _weighted(reduce(x, axis)), a)


@settings(max_examples=25, deadline=None)
@given(_arrays((3, 4)))
def test_structure_ops(a: np.ndarray) -> None:
    _check(lambda x: _weighted(x.T), a)
    _check(lambda x: _weighted(x.reshape(2, 6)), a)
    _check(lambda x: _weighted(x.reshape(-1)), a)
    _check(lambda x: _weighted(x[1]), a)
    _check(lambda x: _weighted(x[:, 1:3]), a)
    _check(lambda x: _weighted(x[np.arange(3), np.array([0, 3, 3])]), a)  # each row's target class
    _check(lambda x: _weighted(x[np.array([0, 0, 2])]), a)  # a row picked twice gets both gradients
    _check(lambda x: _weighted(-x), a)
    _check(lambda x: _weighted(x.log_softmax()), a)
    _check(lambda x: _weighted(x[0].log_softmax()), a)


@settings(max_examples=20, deadline=None)
@given(_arrays((2, 3)))
def test_every_one_operand_function_against_centered_differences(a: np.ndarray) -> None:
    positive = np.abs(a) + 0.5
    for name in ("exp", "sin", "cos", "tanh", "sigmoid", "gelu", "silu", "softplus", "normal_cdf"):
        _check(lambda x, name=name: _weighted(getattr(x, name)()), a)
    for name in ("log", "sqrt"):
        _check(lambda x, name=name: _weighted(getattr(x, name)()), positive)
    away_from_zero = np.where(np.abs(a) < 0.01, 0.5, a)
    for fn in (abs, Tensor.relu, Tensor.leaky_relu, Tensor.elu):
        _check(lambda x, fn=fn: _weighted(fn(x)), away_from_zero)


def test_a_two_layer_network_against_centered_differences() -> None:
    rng = np.random.default_rng(0)
    x, w1, b1, w2 = rng.normal(size=(5, 3)), rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(4, 2))
    _check(lambda x, w1, b1, w2: ((x @ w1 + b1).tanh() @ w2).max(axis=1).mean(), x, w1, b1, w2)


def test_leaf_gradients_accumulate_and_others_are_recomputed() -> None:
    x = Tensor([1.0, 2.0])
    y = x * 3.0
    z = y.sum()
    z.backward()
    z.backward()
    assert x.grad.tolist() == [6.0, 6.0] and y.grad.tolist() == [1.0, 1.0]


def test_grad_is_zeros_before_backward_and_backward_needs_a_seed_for_many_elements() -> None:
    x = Tensor([[1.0, 2.0]])
    assert x.grad.tolist() == [[0.0, 0.0]]
    y = x * 2.0
    with pytest.raises(ValueError, match=r"shape \(1, 2\).*\.sum\(\)"):
        y.backward()
    y.backward(np.array([[1.0, -1.0]]))
    assert x.grad.tolist() == [[2.0, -2.0]]
    with pytest.raises(ValueError, match=r"seed of shape \(2,\) for an output of shape \(1, 2\)"):
        y.backward([1.0, 1.0])


def test_a_deep_chain_backpropagates_without_recursion() -> None:
    x = Tensor([0.5])
    y = x
    for _ in range(20_000):
        y = y * 1.0
    y.sum().backward()
    assert x.grad.tolist() == [1.0]


def test_no_grad_records_nothing() -> None:
    x = Tensor([1.0, 2.0])
    with no_grad():
        y = (x @ x) * 2.0
    assert y.op == "" and y.inputs == () and y.item() == 10.0


def test_detect_anomaly_names_the_op_the_element_and_the_shapes() -> None:
    x = Tensor([[1.0, 0.0]], label="x")
    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"log produced value -inf at \(0, 1\).*x \(1, 2\)"):
        x.log()
    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"sqrt produced a non-finite local gradient inf"):
        x.sqrt()


def test_constants_get_no_gradient_and_nodes_record_their_scope() -> None:
    x = Tensor([1.0, 2.0])
    with scope("layer") as layer:
        y = x * np.array([3.0, 4.0]) + 1.0
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 4.0]
    assert y.scope is layer and y.inputs[1].constant and not x.constant


def test_gradcheck_on_tensors_checks_every_element_and_names_the_culprit() -> None:
    w, x = Tensor([[0.1, 0.5], [-0.3, 0.8]], label="W"), Tensor([0.2, 0.4], label="x")
    assert gradcheck(lambda w, x: ((w @ x) ** 2).sum(), [w, x])
    # a wrong gradient: a row whose vjp doubles the right one
    from autograd.tensor import record
    from autograd.tensor_ops import SUM, TensorOp

    bad = TensorOp("bad sum", "Σ", SUM.forward, lambda g, c, i: 2 * SUM.vjp(g, c, i), SUM.scalar)
    with pytest.raises(GradcheckError, match=r"W\[0, 1\]: analytic .*MISMATCH"):
        gradcheck(lambda w: record(bad, (w,), (None,)), [w])


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: Tensor([[1.0, 2.0], [3.0]]), ValueError, "ragged"),
        (lambda: Tensor(["a", "b"]), TypeError, r"element \(0,\) is 'a' \(str\)"),
        (lambda: Tensor([1.0, object()]), TypeError, r"element \(1,\)"),
        (lambda: Tensor([1.0]) + Tensor([1.0, 2.0, 3.0]).reshape(3, 1) @ Tensor([[1.0, 2.0]]), None, None),
        (lambda: Tensor([1.0, 2.0]) + Tensor([1.0, 2.0, 3.0]), ValueError, r"\+: shapes \(2,\) and \(3,\) do not"),
        (lambda: Tensor(np.ones((2, 3))) @ Tensor(np.ones(2)), ValueError, r"@: shapes \(2, 3\) and \(2,\).*3 and 2"),
        (lambda: Tensor(np.ones((2, 2, 2))) @ Tensor(np.ones(2)), ValueError, r"@: operands must be 1-D or 2-D"),
        (lambda: Tensor(np.ones(3)).sum(axis=1), ValueError, r"sum: axis 1 is not an axis .* shape \(3,\)"),
        (lambda: Tensor(np.ones(3))[5], IndexError, r"\[\]: .*shape \(3,\)"),
        (lambda: Tensor(np.ones(3))[0.5], IndexError, r"cannot index .* float"),
        (lambda: Tensor(np.ones(6)).reshape(4, 2), ValueError, r"reshape: cannot reshape .* \(6,\) to \(4, 2\)"),
        (lambda: Tensor([1.0]) + "a", TypeError, r"\+: right operand: the argument is 'a'"),
    ],
)
def test_bad_input_is_an_error_naming_the_op_and_shapes(make: Callable[[], object], error: type, message: str) -> None:
    if error is None:
        make()
        return
    with pytest.raises(error, match=message):
        make()


def test_arrays_on_the_left_give_tensors() -> None:
    x = Tensor([1.0, 2.0])
    y = np.array([3.0, 4.0]) * x + np.float64(1.0)
    assert isinstance(y, Tensor) and y.data.tolist() == [4.0, 9.0]
    assert isinstance(np.eye(2) @ x, Tensor)


def test_a_value_combines_with_a_tensor_as_a_0d_tensor() -> None:
    v, t = Value(2.0, label="v"), Tensor([1.0, 2.0])
    y = (v * t + v - t / v + v**t).sum()
    assert isinstance(y, Tensor)
    y.backward()
    assert v.grad == pytest.approx(3 + 2 + 3 / 4 + 1 + 2 * 2)  # d/dv of 3v + 2v − 3/v + v + v²
    assert t.grad.tolist() == pytest.approx([2 + 0 - 0.5 + np.log(2) * 2, 2 - 0.5 + np.log(2) * 4])


def test_a_computed_value_passes_its_share_on_through_its_own_graph() -> None:
    # micrograd's data_loss + reg_loss with a matrix data loss and a scalar penalty
    w = Value(3.0, label="w")
    penalty = w * w * 0.5
    loss = (Tensor([1.0, 2.0]) * w).sum() + penalty
    loss.backward()
    assert w.grad == 3.0 + 3.0


def test_from_values_checks_its_elements() -> None:
    with pytest.raises(TypeError, match=r"element \(1,\) must be a Value, got float"):
        Tensor.from_values([Value(1.0), 2.0])
    with pytest.raises(TypeError, match=r"element \(0,\) is a Value; link Values with Tensor.from_values"):
        Tensor([Value(1.0)])


def test_a_constant_tensor_gets_no_gradient() -> None:
    x, w = Tensor([[1.0, 2.0]], constant=True), Tensor([3.0, 4.0])
    (x @ w).sum().backward()
    assert x.constant and x.grad.tolist() == [[0.0, 0.0]] and w.grad.tolist() == [1.0, 2.0]
    with pytest.raises(TypeError, match="Tensor constant must be True or False, got 1"):
        Tensor([1.0], constant=1)  # type: ignore[arg-type]


def test_ieee_results_without_numpy_warnings(recwarn: pytest.WarningsRecorder) -> None:
    x = Tensor([0.0, np.inf, -1.0])
    y = (x * np.inf + x.log() + 1.0 / x).sum() + (x @ Tensor([np.inf, 0.0, 1.0])) + (x - np.inf).mean()
    y.backward()
    assert np.isnan(y.item()) and [str(w.message) for w in recwarn] == []
