"""Random expression DAGs over every op, against a high-precision (mpmath) evaluation of values and gradients.

The oracle writes each op's value and derivative again in mpmath at 50 digits (with the engine's
conventions at kinks and ties), and backpropagates through the same DAG. Tolerances allow for
the conditioning of each graph: the oracle is also run with every node's value nudged by a few
float64 roundings, and the spread it shows is the error float64 can be expected to make.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from autograd import Value, dot, maximum, minimum, sum_values
from autograd.ops import BUILT_IN

mpmath = pytest.importorskip("mpmath")
mp = mpmath.mp
mpf = mpmath.mpf

Mp = object  # an mpmath number
LEAKY_SLOPE, ELU_ALPHA = 0.1, 1.5


KINKED = {"abs", "relu", "leaky_relu", "elu"}  # a kink at 0
TIED = {"max", "min"}  # a kink where the operands tie


def near_a_kink(name: str, operands: Sequence[Mp]) -> bool:
    """True when an operand is within rounding of a kink but not on it: which side float64 lands on is luck.

    Exact ties and exact zeros stay in (the engine's conventions there are tested); they come from
    equal inputs or equal computations, which float64 repeats exactly.
    """
    if name in KINKED:
        return 0 < abs(operands[0]) < 1e-9
    if name in TIED:
        a, b = operands
        return 0 < abs(a - b) < 1e-9 * max(abs(a), abs(b))
    return False


def _sign(a: Mp) -> Mp:
    return mpf(1) if a > 0 else mpf(-1) if a < 0 else mpf(0)


def _step(a: Mp, below: Mp) -> Mp:
    return mpf(1) if a > 0 else below


def _extremum(a: Mp, b: Mp, larger: bool) -> tuple[Mp, tuple[Mp, Mp]]:
    if a == b:
        return a, (mpf(0.5), mpf(0.5))
    first = (a > b) == larger
    return (a if first else b), ((mpf(1), mpf(0)) if first else (mpf(0), mpf(1)))


def _pow(a: Mp, b: Mp) -> tuple[Mp, tuple[Mp, Mp]]:
    out = mpmath.power(a, b)
    base = mpf(0) if b == 0 else b * mpmath.power(a, b - 1)
    exponent = mpf(0) if (a == 0 and b >= 0) else out * mpmath.log(a)
    return out, (base, exponent)


def _sig(a: Mp) -> Mp:
    return 1 / (1 + mpmath.exp(-a))


# op name -> (number of operands, mpmath rule: values -> (value, local gradients))
ORACLE: dict[str, tuple[int, Callable[..., tuple[Mp, tuple[Mp, ...]]]]] = {
    "+": (2, lambda a, b: (a + b, (mpf(1), mpf(1)))),
    "-": (2, lambda a, b: (a - b, (mpf(1), mpf(-1)))),
    "*": (2, lambda a, b: (a * b, (b, a))),
    "/": (2, lambda a, b: (a / b, (1 / b, -a / b**2))),
    "**": (2, _pow),
    "abs": (1, lambda a: (abs(a), (_sign(a),))),
    "exp": (1, lambda a: (mpmath.exp(a), (mpmath.exp(a),))),
    "log": (1, lambda a: (mpmath.log(a), (1 / a,))),
    "sqrt": (1, lambda a: (mpmath.sqrt(a), (1 / (2 * mpmath.sqrt(a)),))),
    "sin": (1, lambda a: (mpmath.sin(a), (mpmath.cos(a),))),
    "cos": (1, lambda a: (mpmath.cos(a), (-mpmath.sin(a),))),
    "tanh": (1, lambda a: (mpmath.tanh(a), (mpmath.sech(a) ** 2,))),
    "sigmoid": (1, lambda a: (_sig(a), (_sig(a) * _sig(-a),))),  # σ(−a), not 1 − σ(a): no cancellation at 50 digits
    "relu": (1, lambda a: (max(a, mpf(0)), (_step(a, mpf(0)),))),
    "leaky_relu": (1, lambda a: (a if a > 0 else LEAKY_SLOPE * a, (_step(a, mpf(LEAKY_SLOPE)),))),
    "elu": (1, lambda a: (a if a > 0 else ELU_ALPHA * mpmath.expm1(a), (_step(a, ELU_ALPHA * mpmath.exp(a)),))),
    "gelu": (1, lambda a: (a * mpmath.ncdf(a), (mpmath.ncdf(a) + a * mpmath.npdf(a),))),
    "normal_cdf": (1, lambda a: (mpmath.ncdf(a), (mpmath.npdf(a),))),
    "silu": (1, lambda a: (a * _sig(a), (_sig(a) * (1 + a * _sig(-a)),))),
    "softplus": (1, lambda a: (mpmath.log1p(mpmath.exp(a)), (_sig(a),))),
    "max": (2, lambda a, b: _extremum(a, b, True)),
    "min": (2, lambda a, b: _extremum(a, b, False)),
    "sum": (3, lambda a, b, c: (a + b + c, (mpf(1),) * 3)),
    "dot": (4, lambda w0, x0, w1, x1: (w0 * x0 + w1 * x1, (x0, w0, x1, w1))),
}

ENGINE: dict[str, Callable[..., Value]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "**": lambda a, b: a**b,
    "abs": abs,
    "leaky_relu": lambda a: a.leaky_relu(LEAKY_SLOPE),
    "elu": lambda a: a.elu(ELU_ALPHA),
    "max": maximum,
    "min": minimum,
    "sum": lambda a, b, c: sum_values([a, b, c]),
    "dot": lambda w0, x0, w1, x1: dot([w0, w1], [x0, x1]),
}


def engine_op(name: str) -> Callable[..., Value]:
    return ENGINE.get(name) or (lambda a: getattr(a, name)())


def test_the_oracle_knows_every_op() -> None:
    assert set(BUILT_IN) - set(ORACLE) == set()


NUMBERS = st.sampled_from([-2.0, -1.0, -0.5, 0.5, 1.0, 2.0, 3.0]) | st.floats(-4.0, 4.0, allow_subnormal=False)
# an instruction: op, operand picks (earlier nodes by index, or the number when the pick is negative)
picks = st.lists(st.integers(-3, 40), min_size=4, max_size=4)
instructions = st.tuples(st.sampled_from(sorted(ORACLE)), picks, NUMBERS)
programs = st.tuples(st.lists(NUMBERS, min_size=1, max_size=3), st.lists(instructions, min_size=1, max_size=8))

Program = tuple[list[float], list[tuple[str, list[int], float]]]


def operand_refs(program: Program) -> list[list[int | None]]:
    """For each instruction, the earlier node of each operand, or None for the number (at most one per op)."""
    leaves, body = program
    refs = []
    for k, (name, picks, _) in enumerate(body):
        count, available = ORACLE[name][0], len(leaves) + k
        chosen: list[int | None] = [pick % available for pick in picks[:count]]
        if picks[0] < 0 and count >= 2:
            chosen[picks[1] % count] = None
        refs.append(chosen)
    return refs


def run_engine(program: Program) -> tuple[Value, list[Value]]:
    leaves, body = program
    nodes = [Value(x) for x in leaves]
    for (name, _, number), refs in zip(body, operand_refs(program), strict=True):
        nodes.append(engine_op(name)(*[number if r is None else nodes[r] for r in refs]))
    return nodes[-1], nodes[: len(leaves)]


def run_oracle(program: Program, nudges: Sequence[float]) -> tuple[Mp, list[Mp], Mp]:
    """The output value, its gradient for each leaf, and the gradient taken with |local gradients| (a scale).

    A number outside float64's normal range (an overflow, or an underflow to a subnormal) is an
    ``ArithmeticError``: there float64 cannot be accurate, whatever the engine does.
    """
    leaves, body = program
    values: list[Mp] = [mpf(x) for x in leaves]
    records = []
    for (name, _, number), refs, nudge in zip(body, operand_refs(program), nudges, strict=True):
        operands = [mpf(number) if r is None else values[r] for r in refs]
        if near_a_kink(name, operands):
            raise ArithmeticError(f"{name} is within rounding of its kink")
        out, local = ORACLE[name][1](*operands)
        for number in (out, *local):
            if not isinstance(number, mpf) or not (number == 0 or 1e-290 < abs(number) < 1e290):
                raise ArithmeticError(f"{name} gives {number}: outside float64's normal range")
        records.append((refs, local))
        values.append(out * (1 + mpf(nudge)))
    grads = [mpf(0)] * len(values)
    scale = [mpf(0)] * len(values)
    grads[-1] = scale[-1] = mpf(1)
    for k in range(len(body) - 1, -1, -1):
        node = len(leaves) + k
        refs, local = records[k]
        for r, g in zip(refs, local, strict=True):
            if r is not None and g != 0:
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
