"""The table of op rules: every row is tested, returns IEEE results, and the operators' inline paths agree with it."""

from __future__ import annotations

import itertools
import math

import pytest

from autograd import OPS, Value, dot, maximum, minimum, op_row, sum_values
from autograd.derivatives import dot_numbers, dot_operands, dot_partners
from autograd.fast import InputVector, input_vector
from autograd.ops import BUILT_IN, FUNCTIONS, PARAMETER_FUNCTIONS, number_text
from tests.autograd.op_table import ROWS

SPECIALS = [0.0, -0.0, math.inf, -math.inf, math.nan, 1.5, -2.0]


def test_every_built_in_op_has_a_row_in_the_tests_reference_table() -> None:
    covered = set()
    for row in ROWS:
        point = [(low + high) / 2 for low, high in row.domains]
        out = row.engine(*[Value(x) for x in point])
        covered.add(out.op)
        covered.update(node.op for node in out.inputs)
    assert set(BUILT_IN) - covered == set()


def _same(x: float, y: float) -> bool:
    return (math.isnan(x) and math.isnan(y)) or (x == y and math.copysign(1.0, x) == math.copysign(1.0, y))


@pytest.mark.parametrize("name", sorted(BUILT_IN))
def test_every_rule_gives_ieee_results_on_special_inputs(name: str) -> None:
    row = BUILT_IN[name]
    arity = row.arity if row.arity is not None else 3
    params = [default for _, default in row.params]
    for point in itertools.product(SPECIALS, repeat=arity):
        value, local = row.rule(*point, *params)  # never raises
        assert type(value) is float, (name, point)
        assert len(local) == arity and all(type(g) is float for g in local), (name, point, local)


def test_sin_and_cos_are_ieee_at_infinity() -> None:
    assert math.isnan(Value(math.inf).sin().data) and math.isnan(Value(-math.inf).cos().data)


@pytest.mark.parametrize("name", [n for n in FUNCTIONS if n != "abs"])
def test_every_function_row_is_a_value_method_recording_its_row(name: str) -> None:
    x = Value(0.7)
    out = getattr(x, name)()
    assert out.op == name and (out.data, out.local_grads) == OPS[name].rule(0.7)
    assert getattr(Value, name).__doc__ == OPS[name].doc


# Value's hand-written methods that apply a row: the operators, and the functions with a parameter
# (the one-argument functions are made from their rows, checked above)
_WRITTEN_METHODS = ["__add__", "__sub__", "__mul__", "__truediv__", "__pow__", "__abs__", *PARAMETER_FUNCTIONS]


@pytest.mark.parametrize("method", _WRITTEN_METHODS)
def test_every_hand_written_method_states_its_rows_doc(method: str) -> None:
    bound = getattr(Value(0.7), method)
    out = bound(Value(0.3)) if method.startswith("__") and method != "__abs__" else bound()
    assert getattr(Value, method).__doc__ == OPS[out.op].doc, (method, out.op)



@pytest.mark.parametrize("a, b", list(itertools.product(SPECIALS, repeat=2)))
def test_inline_operators_match_their_rows_bit_for_bit(a: float, b: float) -> None:
    cases = [
        ("+", lambda x, y: x + y), ("-", lambda x, y: x - y), ("*", lambda x, y: x * y),
        ("/", lambda x, y: x / y), ("**", lambda x, y: x**y),
        ("max", maximum), ("min", minimum),
    ]  # fmt: skip
    for name, operator in cases:
        value, local = op_row(name).rule(a, b)
        both = operator(Value(a), Value(b))
        right = operator(Value(a), b)
        left = operator(a, Value(b))
        assert _same(both.data, value) and _same(right.data, value) and _same(left.data, value), (name, a, b)
        for got, want in [
            *zip(both.local_grads, local, strict=True),
            (right.local_grads[0], local[0]),
            (left.local_grads[0], local[1]),
        ]:
            assert _same(got, want), (name, a, b)
    negated = -Value(a)
    assert (negated.op, negated.const) == ("*", -1.0) and _same(negated.data, op_row("*").rule(a, -1.0)[0])


@pytest.mark.parametrize("point", list(itertools.product(SPECIALS, repeat=3)))
def test_sum_and_dot_match_their_rows_bit_for_bit(point: tuple[float, float, float]) -> None:
    a, b, c = point
    total = sum_values([Value(a), Value(b), Value(c)])
    assert _same(total.data, op_row("sum").rule(a, b, c)[0])
    product = dot([Value(a), Value(b)], [Value(c), Value(a)], bias=Value(b))
    value, local = op_row("dot").rule(a, c, b, a, b)
    assert _same(product.data, value) and all(map(_same, product.local_grads, local))
    # a first layer's shape: the inputs are numbers, so only the weights and the bias are inputs
    on_data = dot([Value(a), Value(b)], [c, a], bias=Value(b))
    assert _same(on_data.data, value) and len(on_data.inputs) == 3
    assert all(map(_same, on_data.local_grads, (c, a, 1.0)))


@pytest.mark.parametrize("size", [1, 2, 5])
def test_dots_over_one_input_vector_match_the_general_path_bit_for_bit(size: int) -> None:
    """A layer reads its inputs once (``input_vector``); every dot over it is the node the general path makes."""
    rows = [[SPECIALS[(3 * i + j) % len(SPECIALS)] for j in range(size)] for i in range(4)]
    data = [SPECIALS[(5 * j + 1) % len(SPECIALS)] for j in range(size)]
    for xs in ([Value(x) for x in data], list(data)):
        vector = input_vector(xs)
        assert type(vector) is InputVector and list(vector) == xs
        for row in rows:
            ws, bias = [Value(w) for w in row], Value(row[0])
            shared = dot(ws, vector, bias)
            general = dot(ws, xs, bias.data)  # a number bias takes the general path
            assert _same(shared.data, general.data) and shared.inputs[: len(general.inputs)] == general.inputs
            assert all(map(_same, shared.local_grads, general.local_grads)) and shared.inputs[-1] is bias
            assert len(shared.inputs) == len(general.inputs) + 1 and shared.local_grads[-1] == 1.0
            assert dot_partners(shared)[:-1] == dot_partners(general) and dot_partners(shared)[-1] == -1
            # where each input stood, and the numbers among the xs, are the same on both paths
            assert dot_operands(shared)[:-1] == dot_operands(general) and dot_operands(shared)[-1] == -1
            assert dot_numbers(shared) == dot_numbers(general)
            assert dot_numbers(shared) == (() if xs[0].__class__ is Value else tuple(
                (i, i, x) for i, x in enumerate(data)))
    mixed = [Value(1.0), 2.0]
    assert input_vector(mixed) is mixed and input_vector([]) == []
    weights_with_a_number = [Value(1.0), 3.0]
    node = dot(weights_with_a_number, input_vector([Value(2.0), Value(4.0)]), Value(0.5))
    assert node.data == 14.5 and len(node.inputs) == 4  # the general path: the number is not an input


def test_a_dot_node_keeps_where_each_number_stood() -> None:
    """A number on either side of a pair, or as the bias: ``dot_numbers`` lists only the xs' numbers, by position."""
    w0, w1, x1, b = Value(2.0), Value(-3.0), Value(4.0), Value(0.5)
    node = dot([w0, 5.0, w1], [0.25, x1, -1.0], bias=b)
    assert node.inputs == (w0, x1, w1, b)
    assert dot_operands(node) == (0, 3, 4, -1) and dot_partners(node) == (-1, -1, -1, -1)
    assert dot_numbers(node) == ((0, 0, 0.25), (2, 2, -1.0))  # 5.0 is a weight: not an input number
    no_bias = dot([w0, w1], [1.0, x1])  # the last input is a weight times 1.0, not a bias
    assert dot_operands(no_bias) == (0, 2, 3) and dot_numbers(no_bias) == ((0, 0, 1.0),)


def test_labels_follow_one_rule_for_every_op_and_side() -> None:
    labels = {
        (op, c, left): OPS[op].label(c, left)
        for op in ("+", "-", "*", "/", "**", "max")
        for c in (2.0, -1.0)
        for left in (False, True)
    }
    assert labels[("+", 2.0, False)] == "x+2" and labels[("+", 2.0, True)] == "2+x"
    assert labels[("-", -1.0, False)] == "x-(-1)" and labels[("+", -1.0, False)] == "x+(-1)"
    assert labels[("*", -1.0, False)] == "x*(-1)" and labels[("/", 2.0, True)] == "2/x"
    assert labels[("max", 2.0, True)] == "max(2,x)"
    for text in labels.values():
        assert "--" not in text and "+-" not in text and "*-" not in text and "/-" not in text
    assert OPS["sigmoid"].label(None) == "σ" and number_text(0.5) == "0.5"
