"""Every op's forward value and gradient against an independent float64 reference (centered differences)."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd import Value
from tests.autograd.op_table import ROWS, OpRow


def centered_difference(forward, point: list[float], index: int) -> float:
    h = 1e-6 * max(1.0, abs(point[index]))
    plus, minus = list(point), list(point)
    plus[index] += h
    minus[index] -= h
    return (forward(*plus) - forward(*minus)) / (plus[index] - minus[index])


def points(row: OpRow) -> st.SearchStrategy[list[float]]:
    return st.tuples(*[st.floats(low, high, allow_nan=False) for low, high in row.domains]).map(list)


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_op_matches_reference(row: OpRow) -> None:
    @settings(max_examples=60, deadline=None)
    @given(points(row))
    def check(point: list[float]) -> None:
        assume(not row.avoid(*point))
        leaves = [Value(x) for x in point]
        out = row.engine(*leaves)
        expected = row.forward(*point)
        assert out.data == pytest.approx(expected, rel=1e-12, abs=1e-12)
        out.backward()
        for index, leaf in enumerate(leaves):
            numeric = centered_difference(row.forward, point, index)
            scale = max(1.0, abs(expected))
            # centered differences in float64: O(h²) truncation plus rounding of about 1e-16·|f|/h
            assert leaf.grad == pytest.approx(numeric, rel=1e-6, abs=1e-7 * scale), (row.name, point, index)

    check()


def test_every_row_has_a_distinct_name() -> None:
    names = [row.name for row in ROWS]
    assert len(names) == len(set(names))


SMOOTH_UNARY = {
    "tanh": (lambda v: v.tanh(), math.tanh),
    "sigmoid": (lambda v: v.sigmoid(), lambda x: 1.0 / (1.0 + math.exp(-x))),
    "softplus": (lambda v: v.softplus(), lambda x: math.log1p(math.exp(x))),
    "square": (lambda v: v * v, lambda x: x * x),
    "scale": (lambda v: v * 0.5, lambda x: x * 0.5),
    "silu": (lambda v: v.silu(), lambda x: x / (1.0 + math.exp(-x))),
}
SMOOTH_BINARY = {
    "+": (lambda a, b: a + b, lambda a, b: a + b),
    "-": (lambda a, b: a - b, lambda a, b: a - b),
    "*": (lambda a, b: a * b, lambda a, b: a * b),
}

programs = st.lists(
    st.one_of(
        st.tuples(st.just("unary"), st.sampled_from(sorted(SMOOTH_UNARY)), st.integers(0, 50), st.just(0)),
        st.tuples(st.just("binary"), st.sampled_from(sorted(SMOOTH_BINARY)), st.integers(0, 50), st.integers(0, 50)),
    ),
    min_size=1,
    max_size=12,
)


def run_program(program, inputs, unary, binary):
    """Apply each instruction to earlier results (by index modulo their count), sharing sub-expressions."""
    results = list(inputs)
    for kind, name, i, j in program:
        a, b = results[i % len(results)], results[j % len(results)]
        results.append(unary[name](a) if kind == "unary" else binary[name](a, b))
    return results[-1]


@settings(max_examples=150, deadline=None)
@given(programs, st.lists(st.floats(-2.0, 2.0), min_size=3, max_size=3))
def test_random_expressions_match_centered_differences(program, point) -> None:
    engine_unary = {name: pair[0] for name, pair in SMOOTH_UNARY.items()}
    engine_binary = {name: pair[0] for name, pair in SMOOTH_BINARY.items()}
    float_unary = {name: pair[1] for name, pair in SMOOTH_UNARY.items()}
    float_binary = {name: pair[1] for name, pair in SMOOTH_BINARY.items()}

    def forward(*xs: float) -> float:
        return run_program(program, xs, float_unary, float_binary)

    value = forward(*point)
    assume(math.isfinite(value) and abs(value) < 1e6)
    leaves = [Value(x) for x in point]
    out = run_program(program, leaves, engine_unary, engine_binary)
    if not isinstance(out, Value):  # the program returned an input untouched
        return
    assert out.data == pytest.approx(value, rel=1e-12, abs=1e-12)
    out.backward()
    for index, leaf in enumerate(leaves):
        numeric = centered_difference(forward, point, index)
        assert leaf.grad == pytest.approx(numeric, rel=1e-5, abs=1e-6 * max(1.0, abs(value)))
