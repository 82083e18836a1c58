"""Random expression DAGs over every op, against a high-precision (mpmath) evaluation of values and gradients.

Each step of a DAG applies a row of the tests' one reference table (tests/autograd/op_table.py) that
makes one op node to earlier nodes. The oracle evaluates the row's formula in mpmath at 50 digits,
differentiates it there (``mpmath.diff``), and backpropagates through the same DAG. Points near a
row's kink or pole (its ``avoid``) are left out: which side float64 lands on is luck there, and the
engine's conventions at kinks and ties are tested elsewhere (test_value.py, test_op_table.py).
Tolerances allow for the conditioning of each graph: the oracle is also run with every node's value
nudged by a few float64 roundings, and the spread it shows is the error float64 can be expected to make.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from autograd import Value
from tests.autograd.op_table import ROWS, OpRow

mpmath = pytest.importorskip("mpmath")
mp = mpmath.mp
mpf = mpmath.mpf

Mp = object  # an mpmath number


def _one_node(row: OpRow) -> bool:
    leaves = [Value((low + high) / 2) for low, high in row.domains]
    return all(not node.inputs for node in row.engine(*leaves).inputs)


# The rows that are one op each ("sin(x)/x" is two): the tolerances below count float64's error per op.
OPS_ROWS = [row for row in ROWS if _one_node(row)]


def local_gradients(row: OpRow, operands: Sequence[Mp]) -> tuple[Mp, ...]:
    """∂row/∂operand for each operand: a central difference with a step of 1e-100 relative to the operand
    (1e-300 at 0), worked at 700 digits: its error, about 1e-200 relative, is far below float64's 1e-16."""

    def partial(index: int) -> Mp:
        def along(t: Mp) -> Mp:
            return row.exact(mpmath, *operands[:index], t, *operands[index + 1 :])

        x = operands[index]
        step = abs(x) * mpf("1e-100") if x != 0 else mpf("1e-300")  # to the scale of x: tiny and huge x too
        with mp.workdps(700):  # enough digits that x ± step is exact beside any other operand (1e±290)
            return +mpmath.diff(along, x, h=step)

    return tuple(partial(index) for index in range(len(operands)))


NUMBERS = st.sampled_from([-2.0, -1.0, -0.5, 0.5, 1.0, 2.0, 3.0]) | st.floats(-4.0, 4.0, allow_subnormal=False)
# an instruction: a row of the table, and its operands' picks (earlier nodes, by index)
picks = st.lists(st.integers(0, 40), min_size=5, max_size=5)
instructions = st.tuples(st.integers(0, len(OPS_ROWS) - 1), picks)
programs = st.tuples(st.lists(NUMBERS, min_size=1, max_size=3), st.lists(instructions, min_size=1, max_size=8))

Program = tuple[list[float], list[tuple[int, list[int]]]]


def operand_refs(program: Program) -> list[list[int]]:
    """For each instruction, the earlier node of each of its row's operands."""
    leaves, body = program
    return [
        [pick % (len(leaves) + k) for pick in picks[: len(OPS_ROWS[index].domains)]]
        for k, (index, picks) in enumerate(body)
    ]


def run_engine(program: Program) -> tuple[Value, list[Value]]:
    leaves, body = program
    nodes = [Value(x) for x in leaves]
    for (index, _), refs in zip(body, operand_refs(program), strict=True):
        nodes.append(OPS_ROWS[index].engine(*[nodes[r] for r in refs]))
    return nodes[-1], nodes[: len(leaves)]


def run_oracle(program: Program, nudges: Sequence[float]) -> tuple[Mp, list[Mp], Mp]:
    """The output value, its gradient for each leaf, and the gradient taken with |local gradients| (a scale).

    A number outside float64's normal range (an overflow, or an underflow to a subnormal), or a complex
    one (a logarithm of a negative number), is an ``ArithmeticError``: the program is not used.
    """
    leaves, body = program
    values: list[Mp] = [mpf(x) for x in leaves]
    records = []
    for (index, _), refs, nudge in zip(body, operand_refs(program), nudges, strict=True):
        row = OPS_ROWS[index]
        operands = [values[r] for r in refs]
        if row.avoid(*[float(x) for x in operands]):
            raise ArithmeticError(f"{row.name} is near its kink or pole")
        out = row.exact(mpmath, *operands)
        local = local_gradients(row, operands)
        for number in (out, *local):
            if not isinstance(number, mpf) or not (number == 0 or 1e-290 < abs(number) < 1e290):
                raise ArithmeticError(f"{row.name} gives {number}: outside float64's normal range")
        records.append((refs, local))
        values.append(out * (1 + mpf(nudge)))
    grads = [mpf(0)] * len(values)
    scale = [mpf(0)] * len(values)
    grads[-1] = scale[-1] = mpf(1)
    for k in range(len(body) - 1, -1, -1):
        node = len(leaves) + k
        refs, local = records[k]
        for r, g in zip(refs, local, strict=True):
            if g != 0:
                grads[r] += g * grads[node]
                scale[r] += abs(g) * scale[node]
    return values[-1], grads[: len(leaves)], max(scale[: len(leaves)])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(programs)
def test_random_graphs_match_a_high_precision_oracle(program: Program) -> None:
    mp.dps = 50
    body = program[1]
    try:
        value, grads, scale = run_oracle(program, [0.0] * len(body))
        rng = random.Random(len(body))
        nudges = [[rng.choice((-1, 1)) * 8e-16 * (1 + rng.random()) for _ in body] for _ in range(3)]
        nudged = [run_oracle(program, nudge) for nudge in nudges]
    except (ArithmeticError, ValueError, ZeroDivisionError):
        assume(False)
        return
    magnitudes = [abs(value), scale, *[abs(g) for g in grads]]
    assume(all(m == 0 or 1e-250 < m < 1e250 for m in magnitudes))
    out, leaves = run_engine(program)
    out.backward()
    steps = len(body) + 1
    spread = max(abs(v - value) for v, _, _ in nudged)
    assert abs(out.data - value) <= 8 * spread + 4 * steps * 2.2e-16 * abs(value) + 1e-300, (out.data, value)
    for index, leaf in enumerate(leaves):
        exact = grads[index]
        spread = max(abs(g[index] - exact) for _, g, _ in nudged)
        tolerance = 8 * spread + 8 * steps * 2.2e-16 * scale + 1e-300
        assert abs(leaf.grad - exact) <= tolerance, (index, leaf.grad, float(exact), float(tolerance))


def test_gelu_far_in_the_left_tail_matches_the_oracle() -> None:
    """gelu(−13.5) ≈ −1.06e-40: Φ there is 1 + erf(…) cancelled to nothing unless written with erfc."""
    program: Program = ([2.0], [(1, [0] * 5), (0, [0] * 5), (7, [1, 0, 0, 0, 0]), (0, [0] * 5), (30, [3, 0, 0, 0, 0])])
    mp.dps = 50
    assert [OPS_ROWS[index].name for index, _ in program[1]][-1] == "gelu"
    value, _, _ = run_oracle(program, [0.0] * len(program[1]))
    out, _ = run_engine(program)
    assert float(value) == pytest.approx(-1.0555389862638153e-40, rel=1e-15)  # not the cancelled -1.0555389862192e-40
    assert abs(out.data - value) <= 1e-13 * abs(value)
