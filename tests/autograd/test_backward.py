"""Backprop semantics: repeated calls, shared sub-expressions, depth, order and the observable steps."""

from __future__ import annotations

import math

import pytest

from autograd import Value, backward, backward_steps, gradients, topological_order


def test_repeated_backward_accumulates_only_in_leaves() -> None:
    x = Value(2.0)
    y = x * x
    z = 3 * y
    z.backward()
    assert (x.grad, y.grad) == (12.0, 3.0)
    z.backward()
    assert x.grad == 24.0  # leaves accumulate, like PyTorch (micrograd would give 36)
    assert y.grad == 3.0  # non-leaf gradients are reset and recomputed each call


def test_shared_subexpression_sums_all_paths() -> None:
    a = Value(1.5)
    b = a + a
    c = b * b
    c.backward()
    assert b.grad == 2 * b.data
    assert a.grad == 8 * a.data  # dc/da = 2b · 2


def test_square_records_its_input_twice() -> None:
    a = Value(3.0)
    sq = a * a
    assert sq.inputs == (a, a)
    assert sq.local_grads == (3.0, 3.0)
    sq.backward()
    assert a.grad == 6.0


def test_deep_chain_of_a_million_ops() -> None:
    v = root = Value(1.0)
    for _ in range(1_000_000):
        v = v * 1.0
    v.backward()
    assert root.grad == 1.0


def test_backward_seed_scales_gradients() -> None:
    x = Value(2.0)
    (x * 5).backward(0.5)
    assert x.grad == 2.5


def test_backward_on_a_leaf() -> None:
    x = Value(2.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0


def test_backward_rejects_a_non_number_seed() -> None:
    with pytest.raises(TypeError, match="grad must be a real number"):
        Value(1.0).backward("1")  # type: ignore[arg-type]


def test_topological_order_puts_inputs_first_and_is_deterministic() -> None:
    def build():
        x, y = Value(1.0, label="x"), Value(2.0, label="y")
        h = (x * y).tanh()
        return h + x * h

    order = topological_order(build())
    position = {id(node): i for i, node in enumerate(order)}
    for node in order:
        for child in node.inputs:
            assert position[id(child)] < position[id(node)]
    assert len(order) == len({id(n) for n in order})
    describe = [(n.op, n.label) for n in order]
    assert describe == [(n.op, n.label) for n in topological_order(build())]
    assert order[-1].op == "+"


def test_backward_steps_record_every_non_leaf_with_its_contributions() -> None:
    x = Value(3.0, label="x")
    y = x * x
    z = y + x
    steps = backward_steps(z)
    assert [s.node for s in steps] == [z, y]
    first, second = steps
    assert first.grad == 1.0
    assert [(e.input_node, e.contribution) for e in first.edges] == [(y, 1.0), (x, 1.0)]
    # x is reached three times: from z (1), then twice from y (3 each); the running sum is visible
    assert [(e.position, e.local_grad, e.contribution, e.accumulated) for e in second.edges] == [
        (0, 3.0, 3.0, 4.0),
        (1, 3.0, 3.0, 7.0),
    ]
    assert x.grad == 7.0


def test_gradients_of_a_group_leave_grads_untouched() -> None:
    x = Value(0.5)
    s = 1 / (1 + (-x).exp())
    out = s * 2
    out.backward()
    before = [(n, n.grad) for n in topological_order(out)]
    sigma = s.data
    (local,) = gradients(s, [x])
    assert local == pytest.approx(sigma * (1 - sigma), rel=1e-15)
    assert [(n, n.grad) for n in topological_order(out)] == before
    assert gradients(s, [s]) == (1.0,)
    assert gradients(s, [Value(1.0)]) == (0.0,)


def test_gradients_stop_at_the_group_inputs() -> None:
    a = Value(2.0)
    inner = a * a  # outside the group
    group_out = inner.exp()
    (local,) = gradients(group_out, [inner])
    assert local == pytest.approx(group_out.data)


def test_a_zero_local_gradient_sends_zero_even_times_inf_or_nan() -> None:
    from autograd import maximum

    x = Value(-1.0)
    x.relu().sqrt().backward()  # sqrt'(0) = inf upstream, relu'(-1) = 0
    assert x.grad == 0.0
    loser, winner = Value(1.0), Value(2.0)
    (maximum(loser, winner) - 2.0).sqrt().backward()
    assert (loser.grad, winner.grad) == (0.0, math.inf)
    steps = backward_steps(Value(-1.0).relu().sqrt())
    assert steps[-1].edges[0].contribution == 0.0


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: backward(3.0), "backward: the output must be a Value, got float"),
        (lambda: topological_order(1.0), "topological_order: root must be a Value, got float"),
        (lambda: gradients(Value(1.0), [1.0]), r"gradients: wrt\[0\] must be a Value, got float"),
    ],
)
def test_a_non_value_is_a_type_error_naming_the_argument(call, message) -> None:
    with pytest.raises(TypeError, match=message):
        call()


def test_ints_beyond_float_range_name_the_argument() -> None:
    big = 10**400
    with pytest.raises(OverflowError, match=r"Value\(\): the number with 401 digits is beyond float range"):
        Value(big)
    with pytest.raises(OverflowError, match=r"\*: second argument: the number"):
        Value(1.0) * big
    with pytest.raises(OverflowError, match="backward: grad: the number"):
        Value(1.0).backward(big)


def test_a_zero_gradient_sends_zero_even_through_a_local_gradient_that_overflowed() -> None:
    """Issue 20, item 14: ``log``'s local gradient 1/x is beyond float range at a subnormal x (inf), and the
    branch ``maximum`` does not take has gradient 0: 0·inf made x's gradient nan. d/dx max(x, ln x) = 1 there."""
    from autograd import grad, maximum

    x = Value(5e-324)
    y = maximum(x, x.log())
    steps = backward_steps(y)
    assert x.grad == 1.0 and [edge.contribution for edge in steps[-1].edges] == [0.0]
    x.grad = 0.0
    y.backward()
    assert x.grad == 1.0
    assert grad(y, [x], create_graph=True)[0].data == 1.0
    z = Value(2.0) * 0.0 * Value(math.inf).exp()  # the documented rule's other half: a zero local gradient
    z.backward()
    assert not math.isnan(z.inputs[0].inputs[0].grad)
