"""``autograd.tensor_fast`` against the code it stands in for: the same nodes, the same gradients, bit for bit."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Tensor, Value, detect_anomaly, no_grad, scope, tensor_fast
from autograd.tensor_backprop import _propagate, backward, consumers_first

EDGES = [0.0, -0.0, 1.5, -2.0, np.inf, -np.inf, np.nan, 1e308, -1e-310]


def bits(a: Any) -> np.ndarray:
    """The float64 bit patterns of ``a``: equal bits, not just equal values (−0 and nan told apart)."""
    return np.asarray(a, dtype=np.float64).reshape(-1).view(np.int64)


def same(a: Any, b: Any) -> bool:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and bool(np.array_equal(bits(a), bits(b)))


def same_node(fast: Tensor, reference: Tensor) -> None:
    assert same(fast.data, reference.data)
    assert (fast.op, fast.row, fast.params, fast.constant, fast.label, fast.scope) == (
        reference.op, reference.row, reference.params, reference.constant, reference.label, reference.scope
    )
    assert [t.constant for t in fast.inputs] == [t.constant for t in reference.inputs]
    for a, b in zip(fast.inputs, reference.inputs, strict=True):
        assert same(a.data, b.data)
    if reference._saved is None:
        assert fast._saved is None
        return
    for a, b in zip(fast._saved.operands, reference._saved.operands, strict=True):
        assert same(a, b)
    saved, expected = fast._saved.saved, reference._saved.saved
    if expected is None:
        assert saved is None
    else:
        assert len(saved) == len(expected)
        for a, b in zip(saved, expected, strict=True):
            assert same(a, b)


def reference(name: str) -> Any:
    return tensor_fast._REFERENCE[name]


edge = st.sampled_from(EDGES) | st.floats(-5.0, 5.0, width=64)


@settings(max_examples=60, deadline=None)
@given(st.lists(edge, min_size=6, max_size=6), st.lists(edge, min_size=3, max_size=3), edge)
def test_inline_binary_ops_make_the_node_their_reference_makes(a: list[float], b: list[float], number: float) -> None:
    left, right = Tensor(np.reshape(a, (2, 3))), Tensor(b)
    for name in ("__add__", "__sub__", "__mul__", "__truediv__", "__radd__", "__rsub__", "__rmul__", "__rtruediv__"):
        fast = getattr(Tensor, name)
        for other in (right, number, np.array(b), Tensor(b, constant=True)):
            same_node(fast(left, other), reference(name)(left, other))
        scalar = Tensor(a[0])  # 0-d with 0-d: ``/`` divides numpy scalars instead of calling ufuncs
        for other in (Tensor(number), number, np.array(b[0]), Tensor(b[0], constant=True)):
            same_node(fast(scalar, other), reference(name)(scalar, other))


@settings(max_examples=40, deadline=None)
@given(st.lists(edge, min_size=6, max_size=6))
def test_inline_one_operand_ops_make_the_node_their_reference_makes(a: list[float]) -> None:
    t = Tensor(np.reshape(a, (2, 3)))
    for name, arguments in (("relu", ()), ("sum", ()), ("mean", ()), ("reshape", ((3, 2),)), ("reshape", (6,)),
                            ("reshape", (-1, 2))):
        same_node(getattr(Tensor, name)(t, *arguments), reference(name)(t, *arguments))
    w = Tensor(np.reshape(a, (3, 2)))
    same_node(t @ w, reference("__matmul__")(t, w))
    for number in a:  # 0-d: numpy hands back scalars
        same_node(Tensor(number).relu(), reference("relu")(Tensor(number)))


def test_inline_ops_record_in_the_current_scope_and_propagate_constants() -> None:
    x, c = Tensor([1.0, 2.0]), Tensor([3.0, 4.0], constant=True)
    with scope("layer") as group:
        y = (x * c).relu().sum()
    assert y.scope is group and y.inputs[0].scope is group
    both = c + c
    assert both.constant and both.op == "" and both.inputs == ()
    same_node(both, reference("__add__")(c, c))


def test_anything_else_goes_to_the_reference_with_its_message() -> None:
    x = Tensor([[1.0, 2.0]])
    for make in (lambda: x + 2, lambda: x * [1.0, 2.0], lambda: 1 - x, lambda: x / True, lambda: x + Value(2.0),
                 lambda: x @ np.ones((2, 1)), lambda: x.sum(axis=1), lambda: x.mean(axis=0), lambda: x.reshape((2,))):
        try:
            node = make()
        except ValueError as error:
            pytest.fail(f"a valid operand failed: {error}")
        assert node.op  # recorded by the reference: the same kind of node
    with pytest.raises(ValueError, match=r"\+: shapes \(1, 2\) and \(3,\) do not broadcast"):
        x + Tensor([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="inner dimensions 2 and 3 differ"):
        x @ Tensor(np.ones((3, 1)))
    with pytest.raises(ValueError, match=r"cannot reshape a Tensor of shape \(1, 2\) to \(3,\)"):
        x.reshape(3)
    with pytest.raises(TypeError, match="'a'"):
        x * "a"  # type: ignore[operator]
    with no_grad():
        assert (x + x).op == ""
    with detect_anomaly(), pytest.raises(FloatingPointError, match="produced value"):
        Tensor([1.0]) / Tensor([0.0])


def _network(seed: int) -> tuple[Tensor, list[Tensor], list[Value]]:
    """A network step as the matrix path records it, with every row the fast backward writes out, shared nodes,
    broadcasting and linked Values (leaves and a computed one)."""
    rng = np.random.default_rng(seed)
    x = Tensor(rng.normal(size=(5, 3)), constant=True)
    w1, b1 = Tensor(rng.normal(size=(3, 4)), label="W1"), Tensor(rng.normal(size=4) * [1, 0, 1, 1], label="b1")
    values = [Value(float(v)) for v in rng.normal(size=4)]
    computed = values[0] * values[1]
    w2 = Tensor.from_values(np.array([[values[2]], [values[3]], [computed], [values[0]]], dtype=object))
    z = x @ w1 + b1
    h = z.relu()
    hidden = h * 0.5 - h.mean() + h.T.T
    scores = (hidden @ w2).reshape(5)
    rows = (hidden @ Tensor(rng.normal(size=(4, 3)), label="W3")).log_softmax()
    picked = rows[np.arange(5), np.array([0, 2, 1, 1, 0])]
    loss = (1.0 - scores * rng.choice([-1.0, 1.0], size=5)).relu().mean() - picked.mean() + (w1 * w1).sum() / 3.0
    loss = loss + (b1 / 2.0).max() + hidden.sum(axis=0).sum() + (scores * 0.0).sum() - b1.sum() * 2.0
    loss = loss + (h * b1).mean() * loss  # a local gradient broadcast over the product's shape; 0-d with 0-d
    loss = loss * Tensor(np.inf) if seed == 7 else loss  # infinite upstream gradients: zero masks still send 0
    return loss, [x, w1, b1, w2, z, h, hidden, scores, rows, picked], values


@pytest.mark.parametrize("seed", range(8))
def test_the_fast_backward_matches_the_reference_loop_bit_for_bit(seed: int) -> None:
    loss, nodes, values = _network(seed)
    backward(loss)  # nobody watches: tensor_fast.backward
    fast = [n.grad.copy() for n in nodes]
    fast_values = [v.grad for v in values]
    for v in values:
        v.grad = 0.0
    for n in nodes:
        if not n.inputs:
            n._grad = None
    with np.errstate(all="ignore"):
        _propagate(loss, np.ones(()), None)
    for got, node in zip(fast, nodes, strict=True):
        assert same(got, node.grad), node.op or node.label
    assert bits(fast_values).tolist() == bits([v.grad for v in values]).tolist()


def _leaves_in_release_order(loss: Tensor, nodes: list[Tensor], fast: bool) -> list[str]:
    """The leaves' labels in the order backward hands them their gradients (each leaf's sink records it)."""
    released: list[str] = []
    for node in nodes:
        if not node.inputs and not node.constant:
            node._sink = lambda g, label=node.label or node.op: released.append(label)  # type: ignore[misc]
    if fast:
        backward(loss)
    else:
        with np.errstate(all="ignore"):
            _propagate(loss, np.ones(()), None)
    return released


@pytest.mark.parametrize("seed", range(3))
def test_the_fast_backward_releases_the_nodes_in_the_reference_order(seed: int) -> None:
    # the order decides in which order two leaves viewing the same parameters add into them (bits)
    loss = _network(seed)[0]
    leaves = [n for n in consumers_first(loss) if not n.inputs]
    for i, leaf in enumerate(leaves):
        leaf.label = f"leaf {i}"
    assert _leaves_in_release_order(loss, leaves, True) == _leaves_in_release_order(loss, leaves, False)
    assert _leaves_in_release_order(loss, leaves, True) == [leaf.label for leaf in leaves]


def test_an_interrupted_backward_leaves_every_use_count_at_zero() -> None:
    loss, nodes, _ = _network(0)
    leaf = next(n for n in consumers_first(loss) if not n.inputs)

    def interrupt(g: np.ndarray) -> None:
        raise KeyboardInterrupt

    leaf._sink = interrupt
    with pytest.raises(KeyboardInterrupt):
        backward(loss)
    assert all(n._uses == 0 for n in consumers_first(loss))
    leaf._sink = None
    for n in nodes:
        n._grad = None
    backward(loss)  # counted afresh: the same gradients as a first call
    first = [n.grad.copy() for n in nodes]
    for n in nodes:
        n._grad = None
    backward(loss)
    assert all(same(a, n.grad) for a, n in zip(first, nodes, strict=True))


def test_the_fast_backward_accumulates_leaves_and_linked_values_as_the_reference_does() -> None:
    a = Value(2.0)
    x = Tensor([1.0, -1.0])
    for _ in range(2):
        (x * x * Tensor.from_values([a, a])).sum().backward()
    assert x.grad.tolist() == [8.0, -8.0] and a.grad == 4.0


def test_to_values_sends_a_broadcast_share_to_each_value() -> None:
    a, b = Value(1.0), Value(2.0)
    tensor_fast.to_values(np.array([[a, b]], dtype=object).T, np.array([[3.0], [4.0]]))
    tensor_fast.to_values(np.array([a, b], dtype=object), np.array(1.0))
    assert (a.grad, b.grad) == (4.0, 5.0)


def test_inline_ops_give_ieee_results_without_warnings_and_leave_numpy_as_they_found_it() -> None:
    import warnings

    before = np.geterr()
    x, zero = Tensor([1e308, -1.0, 0.0]), Tensor([0.0, 0.0, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):  # the engine's ops say what IEEE says, whatever the caller's setting
            big = x * 1e308
            out = [x * 10.0, x / zero, x - np.inf, big.sum(), big.mean(), x.reshape(3, 1) @ x.reshape(1, 3),
                   x.sum() / zero.sum(), zero.sum() / 0]
    assert out[0].data[0] == np.inf and np.isnan(out[1].data[2]) and out[3].item() == np.inf
    assert out[6].item() == np.inf and np.isnan(out[7].item())
    assert np.geterr() == before


@pytest.mark.parametrize("numpy_state", [True, False])
def test_the_quiet_switch_is_ieee_inside_and_restores_the_callers_error_state(numpy_state: bool) -> None:
    import warnings

    # without numpy's context variable (numpy 1.x, or one that keeps its state elsewhere): np.seterr
    enter, leave = tensor_fast.quiet_switch(tensor_fast._numpy_error_state() if numpy_state else None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise", under="warn"):
            before = np.geterr()
            token = enter()
            try:
                assert np.divide(1.0, np.zeros(1))[0] == np.inf
                assert set(np.geterr().values()) == {"ignore"}
            finally:
                leave(token)
            assert np.geterr() == before
            with pytest.raises(FloatingPointError):
                np.divide(1.0, np.zeros(1))


def test_two_threads_backpropagating_through_a_shared_weight_both_give_it_their_gradient() -> None:
    import threading

    w = Tensor([1.0, 2.0], label="W")  # a leaf in both graphs: its use count lives on it
    x, z, p = Tensor([3.0, 4.0], label="x"), Tensor([5.0, 6.0], label="z"), Tensor([7.0], label="p")
    first, second = (w * x).sum() + p.sum(), (w * z).sum()  # the first pass releases p before W
    inside, done = threading.Event(), threading.Event()

    def pause(g: np.ndarray) -> None:  # p's sink: the first pass is under way, W not released yet
        inside.set()
        done.wait(timeout=0.5)  # the second pass, were it let in now, would count W over the first's count

    p._sink = pause

    def other() -> None:
        inside.wait(timeout=5.0)
        backward(second)
        done.set()

    thread = threading.Thread(target=other)
    thread.start()
    backward(first)
    thread.join(timeout=5.0)
    assert not thread.is_alive()
    assert w.grad.tolist() == [8.0, 10.0]  # x + z: each pass gave W its share
