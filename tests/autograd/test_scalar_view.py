"""``scalar_view``: a Tensor computation as Values, each matrix op in its own scope, with the same gradients."""

from __future__ import annotations

import numpy as np
import pytest

from autograd import Tensor, Value, scalar_view
from autograd.tensor_backprop import topological_order


def _compare(root: Tensor, leaves: list[Tensor]) -> dict[Tensor, np.ndarray]:
    root.backward()
    nodes: dict[Tensor, np.ndarray] = {}
    out = scalar_view(root, nodes)
    assert isinstance(out, Value)
    assert out.data == pytest.approx(root.item(), rel=1e-13)
    out.backward()
    for leaf in leaves:
        grads = np.vectorize(lambda v: v.grad, otypes=[float])(nodes[leaf])
        np.testing.assert_allclose(grads, leaf.grad, rtol=1e-12, atol=1e-14)
    return nodes


def test_cs231n_example_as_scalars_with_one_scope_per_matrix_op() -> None:
    w = Tensor([[0.1, 0.5], [-0.3, 0.8]], label="W")
    x = Tensor([0.2, 0.4], label="x")
    nodes = _compare(((w @ x) ** 2).sum(), [w, x])
    q = topological_order(((w @ x) ** 2).sum())[2]
    assert q.op == "@"
    products = [v for v in nodes[next(t for t in nodes if t.op == "@")].flat]
    assert [v.op for v in products] == ["dot", "dot"]
    assert {v.scope.name for v in products} == {"W@x"}
    assert nodes[w][1, 0].label == "W[1,0]" and nodes[x][1].label == "x[1]"


def test_a_two_layer_network_with_every_kind_of_op() -> None:
    rng = np.random.default_rng(1)
    x = Tensor(rng.normal(size=(4, 3)), label="X")
    w1, b1 = Tensor(rng.normal(size=(3, 5)), label="W1"), Tensor(rng.normal(size=5), label="b1")
    w2 = Tensor(rng.normal(size=(5, 2)), label="W2")
    hidden = (x @ w1 + b1).relu()
    scores = hidden @ w2
    picked = scores[np.arange(4), np.array([0, 1, 1, 0])]
    loss = (scores.max(axis=1) - picked).mean() + (w1 * w1).sum() * 1e-3 + scores.T.reshape(-1).tanh().sum() / 7.0
    _compare(loss, [x, w1, b1, w2])


def test_values_stay_values_and_constants_stay_numbers() -> None:
    a = Value(1.5, label="a")
    t = Tensor([1.0, -2.0], label="t")
    root = (a * t * np.array([2.0, 3.0]) + 1.0).sum()
    root.backward()
    a_tensor_grad = a.grad
    a.grad = 0.0
    nodes: dict[Tensor, np.ndarray] = {}
    out = scalar_view(root, nodes)
    assert isinstance(out, Value)
    out.backward()
    assert a.grad == pytest.approx(a_tensor_grad) and a.grad == 2.0 * 1.0 + 3.0 * -2.0
    assert any(v is a for array in nodes.values() for v in array.flat)


def test_many_elements_give_an_array_and_non_tensors_are_refused() -> None:
    out = scalar_view(Tensor([1.0, 2.0], label="v") * 2.0)
    assert isinstance(out, np.ndarray) and [v.data for v in out] == [2.0, 4.0]
    with pytest.raises(TypeError, match="scalar_view: root must be a Tensor, got Value"):
        scalar_view(Value(1.0))  # type: ignore[arg-type]


@pytest.mark.parametrize("axis", [None, 1, (0, 1)])
def test_max_splits_ties_as_the_scalar_chain_of_max_gates_does(axis: int | tuple[int, ...] | None) -> None:
    t = Tensor([[1.0, 5.0, 5.0, 2.0, 5.0], [0.0, 0.0, 0.0, 0.0, 0.0]], label="t")
    top = t.max(axis=axis)
    weights = np.arange(1.0, top.data.size + 1.0).reshape(top.shape)
    _compare((top * weights).sum(), [t])
    if axis == 1:  # three tied: the last gets 1/2, the one before 1/4, the first two 1/8 each (here ×1)
        np.testing.assert_array_equal(t.grad[0], [0.0, 0.25, 0.25, 0.0, 0.5])
