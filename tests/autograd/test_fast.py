"""The fast paths of autograd.fast, each against the reference code it stands in for."""

from __future__ import annotations

import itertools
import math
import random

import pytest

from autograd import OPS, Value, backward, current_scope, detect_anomaly, dot, maximum, no_grad, scope, sum_values
from autograd.fast import INLINE, REFERENCE, as_tuple, place_groups_in_new_scope, place_in_new_scope
from autograd.value import LeftNumber

SPECIALS = [0.0, -0.0, math.inf, -math.inf, math.nan, 1.5, -2.0, 3]


def _same(x: float, y: float) -> bool:
    return (math.isnan(x) and math.isnan(y)) or (x == y and math.copysign(1.0, x) == math.copysign(1.0, y))


def _node_fields(node: Value) -> tuple[object, ...]:
    return (node.row, node.inputs, node.const, node.const_left, node.scope, type(node._const))


@pytest.mark.parametrize("a, b", list(itertools.product(SPECIALS, repeat=2)))
def test_inline_operators_make_the_node_their_reference_makes(a: float, b: float) -> None:
    """``+ - *`` and the one-operand methods written inline (``autograd.fast``) against ``Value``'s own (``apply`` of
    the row, or ``_make``)."""
    x, y = Value(a), Value(b)
    for name, inline in INLINE.items():
        reference = REFERENCE[name]
        one_operand = name == "__neg__" or not name.startswith("__")  # -x, and x.relu(), x.exp(), ...
        operands = [(x,)] if one_operand else [(x, y), (x, b), (x, float(b))]
        for args in operands:
            with scope("s"):
                got, want = inline(*args), reference(*args)
            assert _same(got.data, want.data) and _node_fields(got)[:4] == _node_fields(want)[:4], (name, a, b)
            assert all(map(_same, got.local_grads, want.local_grads)), (name, a, b)
            assert type(got._const) is type(want._const) and got.scope is not None and got.scope.name == "s"
    assert isinstance((2.0 - x)._const, LeftNumber) and (2.0 * x).const_left and (2.0 + x).const_left


def test_inline_operators_hand_no_grad_and_detect_anomaly_to_the_reference() -> None:
    x = Value(0.0, label="x")
    with no_grad():
        assert (x * 2.0).op == "" and (x + x).inputs == ()
    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"\* produced value nan .* constant=inf"):
        x * math.inf * math.inf
    assert OPS["*"] is (x * x).row


def test_one_input_nodes_keep_their_input_bare_and_read_as_tuples() -> None:
    x = Value(2.0)
    node, pair = x.exp(), x * x
    assert node._in is x and node.inputs == (x,) and node.local_grads == (node.data,)
    assert pair._in == (x, x) and as_tuple(None) == ()




def test_place_in_new_scope_gives_what_a_with_block_gives() -> None:
    x = Value(1.0, label="x")
    with scope("layer", title="layer 1") as layer:
        with scope("neuron", title="neuron 0"):
            inside = (x * 2.0).exp()
        made = x * 2.0
        placed = made.exp()
        place_in_new_scope((made, placed), "neuron", "neuron 0")
    group = placed.scope
    assert group is not None and made.scope is group and group is not inside.scope
    assert inside.scope is not None
    assert (group.name, group.title, group.parent) == (inside.scope.name, inside.scope.title, inside.scope.parent)
    assert group.parent is layer and x.scope is None


def test_place_in_new_scope_moves_only_recorded_ops_of_the_current_scope() -> None:
    x = Value(1.0)
    with scope("elsewhere"):
        earlier = x * 3.0
    made = x * 2.0
    place_in_new_scope((x, earlier, made), "neuron")
    assert x.scope is None and earlier.scope is not None and earlier.scope.name == "elsewhere"
    assert made.scope is not None and made.scope.name == "neuron" and made.scope.parent is None
    with no_grad():
        leaf = x * 2.0
        place_in_new_scope((leaf,), "neuron")
    assert leaf.scope is None and leaf.op == ""
    with detect_anomaly():
        checked = x * 2.0
        place_in_new_scope((checked,), "neuron")
    assert checked.scope is not None and checked.scope.name == "neuron"
    assert current_scope() is None


def test_the_fast_backward_matches_the_observed_reference_bit_for_bit() -> None:
    """``backward`` without an observer runs ``autograd.fast.backward``; with one, the reference loop."""
    rng = random.Random(5)
    for trial in range(200):
        builders = [
            lambda a, b: a * b, lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a / (b * b + 1.0),
            lambda a, b: (a * 0.5).tanh(), lambda a, b: maximum(a, b), lambda a, b: a.relu() * 2.0,
            lambda a, b: sum_values([a, b, a]), lambda a, b: dot([a, b], [b, 3.0], bias=a), lambda a, b: 1.0 - a,
        ]  # fmt: skip
        leaves = [Value(rng.choice([rng.uniform(-2, 2), 0.0, 1.0])) for _ in range(3)]
        nodes = list(leaves)
        for _ in range(rng.randint(1, 30)):
            nodes.append(rng.choice(builders)(rng.choice(nodes), rng.choice(nodes)))
        root = nodes[-1]
        seed = rng.choice([1.0, -0.5, math.inf])
        backward(root, seed)
        fused = [node.grad for node in nodes]
        for leaf in leaves:
            leaf.grad = 0.0
        backward(root, seed, on_step=lambda step: None)
        reference = [node.grad for node in nodes]
        assert [repr(g) for g in fused] == [repr(g) for g in reference], trial
        assert all(node._uses == 0 for node in nodes)


def test_groups_placed_in_a_new_scope_give_what_a_with_block_gives() -> None:
    """A layer's scope placed around its neurons' scopes afterwards (``place_groups_in_new_scope``)."""
    x = Value(1.0)
    with scope("outer") as outer:
        with scope("layer", title="layer 1"):
            with scope("n0"):
                a = x * 2.0
            with scope("n1"), scope("inner"):
                b = (x * 3.0).exp()
        with scope("n0"):
            c = x * 2.0
        with scope("n1"), scope("inner"):
            d = (x * 3.0).exp()
        place_groups_in_new_scope((c, d), "layer", "layer 1")
    for made, placed in ((a, c), (b, d)):
        want, got = made.scope.path(), placed.scope.path()  # type: ignore[union-attr]
        assert [(g.name, g.title) for g in want] == [(g.name, g.title) for g in got] and got[0] is outer
    assert c.scope.parent is d.scope.parent.parent  # type: ignore[union-attr] # one layer scope for both
    with no_grad():
        leaf = x * 2.0
        place_groups_in_new_scope((leaf,), "layer")
    assert leaf.scope is None and current_scope() is None
