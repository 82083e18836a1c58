"""Value construction, operands, IEEE edge cases and error messages."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import OPS, Value, dot, maximum, minimum, sum_values
from autograd.ops import ACTIVATIONS, FUNCTIONS, PARAMETER_FUNCTIONS


def test_leaf_attributes_and_repr() -> None:
    x = Value(2, label="w0")
    assert (x.data, x.grad, x.label, x.op, x.inputs, x.local_grads, x.const) == (2.0, 0.0, "w0", "", (), (), None)
    assert type(x.data) is float
    f = x.sigmoid()
    f.label = "f"
    f.backward()
    assert repr(f) == "Value(data=0.8808, grad=1.0, op='sigmoid', label='f')"
    assert repr(Value(1.5)) == "Value(data=1.5, grad=0.0)"


def test_numbers_fold_into_the_op_node() -> None:
    x = Value(3.0)
    y = x * 2
    assert (y.op, y.inputs, y.local_grads, y.const, y.const_left) == ("*", (x,), (2.0,), 2.0, False)
    z = 1 + x
    assert (z.op, z.inputs, z.const, z.const_left) == ("+", (x,), 1.0, True)
    n = -x
    assert (n.op, n.const, n.local_grads) == ("*", -1.0, (-1.0,))


@pytest.mark.parametrize("number", [np.float64(2.0), np.float32(2.0), np.int64(2), 2, 2.0, True])
def test_numpy_and_python_scalars_on_either_side(number) -> None:
    x = Value(3.0)
    for out in (number * x, x * number, number + x, x - number, number / x, number**x, x**number):
        assert isinstance(out, Value), type(out)
    assert (number * x).data == float(number) * 3.0


def test_pow_forms() -> None:
    x, y = Value(2.0), Value(3.0)
    assert (x**2).data == 4.0 and (2**x).data == 4.0 and (x**y).data == 8.0
    p = x**y
    p.backward()
    assert x.grad == 12.0 and y.grad == pytest.approx(8.0 * math.log(2.0), rel=1e-15)
    assert (Value(-2.0) ** 3).data == -8.0
    e = Value(-2.0) ** Value(3.0)
    assert math.isnan(e.local_grads[1])  # d/db = a**b ln a is undefined for a < 0: nan, as PyTorch
    assert (Value(0.0) ** 0).local_grads == (0.0,)  # d(x**0)/dx = 0 even at 0 (PyTorch's rule)
    assert (Value(0.0) ** Value(2.0)).local_grads[1] == 0.0  # 0**b with b >= 0: exponent gradient 0


def test_ieee_edge_cases_never_raise() -> None:
    assert Value(0.0).log().data == -math.inf
    assert math.isnan(Value(-1.0).log().data)
    assert (1 / Value(0.0)).data == math.inf
    assert (-1 / Value(0.0)).data == -math.inf
    assert (Value(1.0) / Value(-0.0)).data == -math.inf
    assert math.isnan((Value(0.0) / 0).data)
    assert Value(1000.0).exp().data == math.inf
    assert math.isnan(Value(-1.0).sqrt().data)
    assert math.isnan((Value(-8.0) ** (1 / 3)).data)
    assert (Value(0.0) ** -1).data == math.inf
    assert (Value(-0.0) ** -1).data == -math.inf
    assert (Value(10.0) ** 400).data == math.inf
    assert (Value(-10.0) ** 401).data == -math.inf
    assert (2 ** Value(5000.0)).data == math.inf


@pytest.mark.parametrize("x", [-1000.0, 1000.0, -1e308, 1e308])
def test_sigmoid_tanh_softplus_stable_at_extremes(x: float) -> None:
    for op in ACTIVATIONS:  # every activation row is stable where its formula would overflow
        out = getattr(Value(x), op)()
        assert not math.isnan(out.data), op
        assert not math.isnan(out.local_grads[0]), op
    assert Value(x).sigmoid().data == (1.0 if x > 0 else 0.0)
    assert Value(x).tanh().data == (1.0 if x > 0 else -1.0)


def test_nan_propagates_through_every_unary_op() -> None:
    for op in (*FUNCTIONS, *PARAMETER_FUNCTIONS):  # every unary row, piecewise or not
        out = getattr(Value(math.nan), op)() if op != "abs" else abs(Value(math.nan))
        assert math.isnan(out.data) and math.isnan(out.local_grads[0]), op
    assert math.isnan(maximum(Value(math.nan), 1.0).data)


def test_kinks_follow_pytorch() -> None:
    assert Value(0.0).relu().local_grads == (0.0,)
    assert abs(Value(0.0)).local_grads == (0.0,)
    assert maximum(Value(1.0), Value(1.0)).local_grads == (0.5, 0.5)  # a tie splits evenly
    assert minimum(Value(1.0), 1.0).local_grads == (0.5,)


@pytest.mark.parametrize("bad", ["a", [1], None, 1j, {"x": 1}])
def test_bad_operands_raise_type_error_naming_types(bad) -> None:
    x = Value(1.0)
    name = type(bad).__name__
    for op in (lambda: x + bad, lambda: bad + x, lambda: x * bad, lambda: x - bad, lambda: x / bad, lambda: x**bad):
        with pytest.raises(TypeError, match=f"unsupported operand type.*'({name}' and 'Value|Value' and '{name})'"):
            op()


def test_bad_constructor_and_function_arguments() -> None:
    with pytest.raises(TypeError, match=r"Value\(\) needs a real number.*str"):
        Value("2")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="label must be a str"):
        Value(1.0, label=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="leaky_relu: slope must be a real number"):
        Value(1.0).leaky_relu("x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="ws has 2 items but xs has 1"):
        dot([Value(1.0), Value(2.0)], [Value(1.0)])
    with pytest.raises(TypeError, match=r"dot: xs\[1\] must be a Value or a real number, got str"):
        dot([1.0, 2.0], [Value(1.0), "x"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="sum_values: item 1"):
        sum_values([Value(1.0), "x"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="max: second argument"):
        maximum(Value(1.0), "x")  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [None, 3, "abc"])
def test_sum_values_of_something_that_is_not_a_list_names_it(bad: object) -> None:
    """Issue 20, item 15: ``sum_values(None)`` raised Python's own "'NoneType' object is not iterable"."""
    message = rf"sum_values: values must be an iterable of Values or numbers, got {type(bad).__name__}"
    with pytest.raises(TypeError, match=message):
        sum_values(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_an_op_parameter_must_be_finite(bad: float) -> None:
    """Issue 20, item 15: ``leaky_relu(slope=nan)`` was accepted and turned every negative input into nan."""
    with pytest.raises(ValueError, match=rf"leaky_relu: slope must be a finite number, got {bad!r}"):
        Value(-1.0).leaky_relu(bad)
    with pytest.raises(ValueError, match=rf"elu: alpha must be a finite number, got {bad!r}"):
        Value(-1.0).elu(bad)
    assert Value(-1.0).leaky_relu(0.5).data == -0.5


def test_multi_input_nodes() -> None:
    a, b, c = Value(1.0), Value(2.0), Value(3.0)
    s = sum_values([a, b, 4, c])
    assert (s.op, s.data, s.inputs, s.const) == ("sum", 10.0, (a, b, c), 4.0)
    d = dot([a, b], [c, 2.0], bias=0.5)
    assert (d.op, d.data, d.inputs, d.local_grads, d.const) == ("dot", 7.5, (a, c, b), (3.0, 1.0, 2.0), 0.5)
    assert sum_values([1, 2]).op == "" and dot([1.0], [2.0]).data == 2.0


@pytest.mark.parametrize("x", [0.5, 3.0, 10.0, 15.0, 19.0, 25.0, 100.0, 300.0])
def test_saturated_derivatives_keep_full_precision(x: float) -> None:
    """σ', tanh' and SiLU' where σ(x) and tanh(x) round to 1: no cancellation in 1 − σ or 1 − tanh²."""
    assert Value(x).tanh().local_grads[0] == pytest.approx(1.0 / math.cosh(x) ** 2, rel=1e-13)
    assert Value(-x).tanh().local_grads[0] == pytest.approx(1.0 / math.cosh(x) ** 2, rel=1e-13)
    tail = math.exp(-x) / (1.0 + math.exp(-x)) ** 2  # σ(x)σ(−x), written for x > 0
    assert Value(x).sigmoid().local_grads[0] == pytest.approx(tail, rel=1e-13)
    assert Value(-x).sigmoid().local_grads[0] == pytest.approx(tail, rel=1e-13)
    sigma_minus = math.exp(-x) / (1.0 + math.exp(-x))
    silu_grad = (1.0 / (1.0 + math.exp(-x))) * (1.0 + x * sigma_minus)
    assert Value(x).silu().local_grads[0] == pytest.approx(silu_grad, rel=1e-13)


@pytest.mark.parametrize(
    "ws, xs",
    [
        ([1.5, -2.0, 0.25], [0.5, 3.0, -1.0]),  # Values times Values: a hidden layer's neuron
        ([1.5, -2.0, 0.25], ["0.5", "3.0", "-1.0"]),  # Values times floats: a first layer's neuron
        ([1.5, -2.0, 0.25], [0.5, "3.0", -1.0]),  # mixed: the general path
        (["1.5", -2.0, 0.25], [0.5, 3.0, "-1.0"]),  # a number among the weights
    ],
)
def test_every_shape_of_dot_records_the_rows_value_and_local_gradients(ws: list, xs: list) -> None:
    def operand(item: float | str) -> Value | float:
        return float(item) if isinstance(item, str) else Value(item)  # a string marks a plain number

    w_operands, x_operands = [operand(w) for w in ws], [operand(x) for x in xs]
    bias = Value(0.125)
    node = dot(w_operands, x_operands, bias=bias)
    flat = [item for pair in zip(w_operands, x_operands, strict=True) for item in pair] + [bias]
    value, local = OPS["dot"].rule(*(v.data if isinstance(v, Value) else v for v in flat))
    assert node.data == value
    assert node.inputs == tuple(v for v in flat if isinstance(v, Value))
    assert node.local_grads == tuple(g for g, v in zip(local, flat, strict=True) if isinstance(v, Value))
