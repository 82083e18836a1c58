"""Every elementwise row of ``autograd.OPS`` on arrays: bit for bit what the scalar rule gives, element by element."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import OPS, Tensor, Value, gate
from autograd.array_rules import ARRAY_FORMS, NOT_ELEMENTWISE, PER_ELEMENT, array_form
from autograd.ops import BUILT_IN
from autograd.tensor import unary_rows

EDGES = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 1e-300, -1e-300, 5e-324, 1e308, -1e308, 710.0, -745.5,
         math.inf, -math.inf, math.nan, 3.0, 40.0, -40.0]
ELEMENTWISE = sorted(name for name, row in BUILT_IN.items() if row.arity in (1, 2))


def _bits(x: float) -> tuple[bool, float, float]:
    # nan equals nan (of either sign, as the scalar engine's own tests read it); 0.0 and -0.0 differ
    if math.isnan(x):
        return (True, 0.0, 0.0)
    return (False, x, math.copysign(1.0, x))


def test_every_built_in_row_is_written_for_arrays_or_listed_as_per_element() -> None:
    # a new scalar row fails here until it has an array form (or is run per element on purpose)
    assert set(BUILT_IN) == set(ARRAY_FORMS) | PER_ELEMENT | NOT_ELEMENTWISE
    assert not set(ARRAY_FORMS) & PER_ELEMENT


@pytest.mark.parametrize("name", [row.name for row in unary_rows()])
def test_every_one_operand_row_is_a_tensor_method_recording_its_row(name: str) -> None:
    method = abs if name == "abs" else getattr(Tensor, name)
    out = method(Tensor([0.5, -1.5]))
    assert out.op == name and out.row is not None and out.row.row is OPS[name]


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_array_form_equals_the_scalar_rule_on_edge_values(name: str) -> None:
    row = BUILT_IN[name]
    params = [default for _, default in row.params]
    points = list(itertools.product(EDGES, repeat=row.arity or 1))
    spread = np.random.default_rng(0).normal(0.0, 30.0, size=(2000, row.arity or 1))  # ordinary values too
    points += [tuple(point) for point in spread.tolist()]
    columns = [np.array(column) for column in zip(*points, strict=True)]
    value, local = array_form(row)(*columns, *params)
    local = [np.broadcast_to(g, value.shape) for g in local]
    for k, point in enumerate(points):
        want_value, want_local = row.rule(*point, *params)
        assert _bits(float(value[k])) == _bits(want_value), (name, point, value[k], want_value)
        for i, want in enumerate(want_local):
            assert _bits(float(local[i][k])) == _bits(want), (name, point, i, local[i][k], want)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), min_size=1, max_size=12),
       st.sampled_from(ELEMENTWISE))
def test_tensor_ops_equal_value_ops_element_by_element(xs: list[float], name: str) -> None:
    # forward and gradient through the Tensor equal the scalar engine's, element by element
    row = BUILT_IN[name]
    ys = list(reversed(xs))
    t_operands = [Tensor(xs, label="a"), Tensor(ys, label="b")][: row.arity or 1]
    out = Tensor.apply(t_operands[0], row) if row.arity == 1 else _binary(name, *t_operands)
    out.backward(np.ones(len(xs)))
    for k, point in enumerate(zip(xs, ys, strict=True)):
        leaves = [Value(p) for p in point[: row.arity or 1]]
        from autograd.value import apply

        v = apply(row, leaves, [default for _, default in row.params])
        v.backward()
        assert _bits(float(out.data[k])) == _bits(v.data), (name, point)
        for leaf, t in zip(leaves, t_operands, strict=True):
            assert _bits(float(t.grad[k])) == _bits(leaf.grad), (name, point, t.grad[k], leaf.grad)


def _binary(name: str, a: Tensor, b: Tensor) -> Tensor:
    operators = {"+": a.__add__, "-": a.__sub__, "*": a.__mul__, "/": a.__truediv__, "**": a.__pow__,
                 "max": a.maximum, "min": a.minimum}
    return operators[name](b)


def test_a_users_gate_works_on_tensors_through_its_rule() -> None:
    def cube(x: float) -> tuple[float, tuple[float, ...]]:
        return x**3, (3 * x * x,)

    cube_gate = gate(cube, name="tensor test cube")
    t = Tensor([1.0, -2.0])
    y = t.apply(OPS["tensor test cube"]).sum()
    y.backward()
    assert y.item() == -7.0 and t.grad.tolist() == [3.0, 12.0]
    assert cube_gate(Value(2.0)).data == 8.0


def test_parameters_of_a_row_pass_through() -> None:
    t = Tensor([-2.0, 3.0])
    out = t.leaky_relu(0.2)
    out.backward(np.ones(2))
    assert out.data.tolist() == [-0.4, 3.0] and t.grad.tolist() == [0.2, 1.0] and out.params == (0.2,)
