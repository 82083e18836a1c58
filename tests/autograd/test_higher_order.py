"""Gradients of gradients: every op's derivative written in ops, against finite differences of the order below."""

from __future__ import annotations

import gc
import itertools
import math
import random
from collections.abc import Callable, Sequence

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd import (
    Value,
    dot,
    gate,
    grad,
    gradcheck,
    hessian,
    hessian_vector_product,
    maximum,
    no_grad,
    scope,
    sum_values,
)
from autograd.derivatives import DerivativeError
from autograd.ops import BUILT_IN
from tests.autograd.op_table import ROWS, OpRow

Function = Callable[..., Value]


def first(fn: Function, point: Sequence[float]) -> list[float]:
    leaves = [Value(x) for x in point]
    return [g.data for g in grad(fn(*leaves), leaves)]


def second(fn: Function, point: Sequence[float]) -> list[list[float]]:
    leaves = [Value(x) for x in point]
    return hessian(fn(*leaves), leaves).tolist()


def third(fn: Function, point: Sequence[float]) -> list[list[list[float]]]:
    leaves = [Value(x) for x in point]
    cube = []
    for d1 in grad(fn(*leaves), leaves, create_graph=True):
        cube.append([[g.data for g in grad(d2, leaves)] for d2 in grad(d1, leaves, create_graph=True)])
    return cube


def step(point: Sequence[float], index: int) -> float:
    return 1e-6 * max(1.0, abs(point[index]))


def moved(point: Sequence[float], index: int, by: float) -> list[float]:
    shifted = list(point)
    shifted[index] += by
    return shifted


def assert_close(analytic: float, numeric: float, scale: float, what: object) -> None:
    # centered differences in float64: O(h²) truncation plus rounding of about 1e-16·|f|/h, f the order below
    assert analytic == pytest.approx(numeric, rel=1e-5, abs=1e-7 * max(1.0, scale)), what


def points(row: OpRow) -> st.SearchStrategy[list[float]]:
    return st.tuples(*[st.floats(low, high, allow_nan=False) for low, high in row.domains]).map(list)


def near_a_kink(row: OpRow, point: Sequence[float]) -> bool:
    # a difference step must not cross the kink: check the corners the steps reach, twice over
    return any(
        row.avoid(*moved(point, index, sign * 2e3 * step(point, index)))
        for index in range(len(point))
        for sign in (-1, 0, 1)
    )


def test_every_built_in_op_has_its_derivative_written_in_ops() -> None:
    assert [name for name, row in BUILT_IN.items() if row.derivative is None] == []


def test_every_built_in_op_is_differentiated_twice_by_the_tests() -> None:
    # the rows below drive the second- and third-derivative tests; every op must appear in one
    covered: set[str] = set()
    for row in ROWS:
        leaves = [Value((low + high) / 2) for low, high in row.domains]
        out = row.engine(*leaves)
        covered.add(out.op)
        covered.update(node.op for node in out.inputs)
    assert set(BUILT_IN) - covered == set()


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_second_derivatives_match_differences_of_the_first(row: OpRow) -> None:
    @settings(max_examples=25, deadline=None)
    @given(points(row))
    def check(point: list[float]) -> None:
        assume(not near_a_kink(row, point))
        hessian_rows = second(row.engine, point)
        for j in range(len(point)):
            h = step(point, j)
            plus, minus = first(row.engine, moved(point, j, h)), first(row.engine, moved(point, j, -h))
            for i in range(len(point)):
                numeric = (plus[i] - minus[i]) / (2 * h)
                assert_close(hessian_rows[i][j], numeric, abs(plus[i]) / h * 1e-9, (row.name, point, i, j))

    check()


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_third_derivatives_match_differences_of_the_second(row: OpRow) -> None:
    @settings(max_examples=10, deadline=None)
    @given(points(row))
    def check(point: list[float]) -> None:
        assume(not near_a_kink(row, point))
        cube = third(row.engine, point)
        for k in range(len(point)):
            h = step(point, k)
            plus, minus = second(row.engine, moved(point, k, h)), second(row.engine, moved(point, k, -h))
            for i in range(len(point)):
                for j in range(len(point)):
                    numeric = (plus[i][j] - minus[i][j]) / (2 * h)
                    scale = abs(plus[i][j]) / h * 1e-9
                    assert_close(cube[i][j][k], numeric, scale, (row.name, point, i, j, k))

    check()


# ------------------------------------------------------------------------------ random graphs
SMOOTH: list[tuple[int, Callable[..., Value]]] = [
    (2, lambda a, b: a + b),
    (2, lambda a, b: a - b),
    (2, lambda a, b: a * b),
    (2, lambda a, b: a / (1.5 + b * b)),
    (2, lambda a, b: (1.0 + a * a) ** b.tanh()),
    (2, lambda a, b: dot([a, b], [b, 0.5], bias=a)),
    (2, lambda a, b: sum_values([a, 2.0, b, a])),
    (1, lambda a: a * a),
    (1, lambda a: 0.5 * a),
    (1, lambda a: 1.0 - a),
    (1, lambda a: 2.0 / (2.0 + a.sigmoid())),
    (1, lambda a: a**3),
    (1, lambda a: 2.0**a.tanh()),
    (1, lambda a: a.tanh()),
    (1, lambda a: a.sigmoid()),
    (1, lambda a: a.sin()),
    (1, lambda a: a.cos()),
    (1, lambda a: a.tanh().exp()),
    (1, lambda a: (1.0 + a * a).log()),
    (1, lambda a: (1.0 + a * a).sqrt()),
    (1, lambda a: a.softplus()),
    (1, lambda a: a.silu()),
    (1, lambda a: a.gelu()),
    (1, lambda a: a.normal_cdf()),
    (1, lambda a: (a + 10.0).relu()),  # away from their kinks: smooth where the differences look
    (1, lambda a: abs(a + 10.0)),
    (1, lambda a: maximum(a, -10.0)),
]


def random_graph(seed: int, size: int = 12) -> Function:
    """A function of three leaves: a random DAG of smooth ops with shared subexpressions."""
    rng = random.Random(seed)
    plan = []
    for k in range(size):
        arity, _ = op = rng.choice(SMOOTH)
        plan.append((op, [rng.randrange(3 + k) for _ in range(arity)]))

    def build(*leaves: Value) -> Value:
        nodes = list(leaves)
        for (_, function), picks in plan:
            nodes.append(function(*[nodes[p] for p in picks]))
        return sum_values(nodes[3:]) * 0.1  # everything made is used

    return build


@pytest.mark.parametrize("seed", range(40))
def test_hessians_of_random_graphs_match_differences_of_gradients(seed: int) -> None:
    fn = random_graph(seed)
    point = [random.Random(seed + 1000).uniform(-1.5, 1.5) for _ in range(3)]
    analytic = second(fn, point)
    for j in range(3):
        h = step(point, j)
        plus, minus = first(fn, moved(point, j, h)), first(fn, moved(point, j, -h))
        for i in range(3):
            numeric = (plus[i] - minus[i]) / (2 * h)
            assert_close(analytic[i][j], numeric, abs(plus[i]) / h * 1e-9, (seed, i, j))
    for i in range(3):  # the mixed partials agree, computed separately
        for j in range(3):
            assert analytic[i][j] == pytest.approx(analytic[j][i], rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("seed", range(10))
def test_the_backward_graph_computes_the_first_order_gradient(seed: int) -> None:
    fn = random_graph(seed)
    point = [random.Random(seed + 1000).uniform(-1.5, 1.5) for _ in range(3)]
    leaves = [Value(x) for x in point]
    out = fn(*leaves)
    out.backward()
    as_graph = grad(out, leaves, create_graph=True)
    for leaf, gradient in zip(leaves, as_graph, strict=True):
        assert gradient.data == pytest.approx(leaf.grad, rel=1e-12, abs=1e-12)


# ------------------------------------------------------------------------------ semantics
def test_x_cubed_at_two() -> None:
    x = Value(2.0, label="x")
    (dy,) = grad(x**3, [x], create_graph=True)
    (d2y,) = grad(dy, [x], create_graph=True)
    (d3y,) = grad(d2y, [x], create_graph=True)
    (d4y,) = grad(d3y, [x])
    assert (dy.data, d2y.data, d3y.data, d4y.data) == (12.0, 12.0, 6.0, 0.0)


def test_grad_leaves_every_grad_alone() -> None:
    x, y = Value(0.5, label="x"), Value(-1.5, label="y")
    hidden = (x * y).tanh()
    out = hidden * x + y.exp()
    out.backward()
    before = [(node, node.grad) for node in (x, y, hidden, out)]
    for create_graph in (False, True):
        grad(out, [x, y, hidden], create_graph=create_graph)
        hessian(out, [x, y])
        hessian_vector_product(out, [x, y], [1.0, 2.0])
        assert [(node, node.grad) for node, _ in before] == before


def count_values() -> int:
    return sum(type(item) is Value for item in gc.get_objects())


def test_without_create_graph_nothing_is_recorded() -> None:
    x, y = Value(0.5), Value(-1.5)
    out = (x * y).tanh() * x + y.exp()
    gc.collect()
    before = count_values()
    gradients = grad(out, [x, y])
    gc.collect()
    assert count_values() == before + 2  # the two results, and nothing else
    assert all(g.op == "" and g.inputs == () for g in gradients)
    assert gradients[0].data == pytest.approx(y.data * (1 - math.tanh(-0.75) ** 2) * 0.5 + math.tanh(-0.75))


def test_with_create_graph_the_gradient_is_a_graph_of_the_forward_nodes() -> None:
    x = Value(1.0, label="x")
    y = x.exp()
    (dy_dx,) = grad(y, [x], create_graph=True)
    assert dy_dx is y  # exp's derivative is its output
    (dz_dx,) = grad(y * y, [x], create_graph=True)
    assert dz_dx.op != "" and dz_dx.data == pytest.approx(2 * math.exp(2.0))


def test_each_piece_of_the_backward_graph_is_scoped_under_the_op_it_differentiates() -> None:
    x = Value(0.3, label="x")
    out = (x * 2.0).sigmoid().log()
    (dout,) = grad(out, [x], create_graph=True)
    scopes = set()
    stack, seen = [dout], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.scope is not None:
            scopes.add(node.scope.name)
        stack.extend(node.inputs)
    assert scopes == {"∂ of log", "∂ of σ", "∂ of x*2"}


def test_the_backward_graph_nests_in_the_callers_scope() -> None:
    x = Value(0.3)
    with scope("second order") as outer:
        (dout,) = grad(x.exp() * x, [x], create_graph=True)
    assert dout.scope is not None and dout.scope.parent is outer


def test_an_input_the_output_does_not_depend_on_gets_zero_gradient_and_zero_hessian_rows() -> None:
    x, y, unused = Value(0.5), Value(2.0), Value(7.0)
    out = x * x * y
    gradients = grad(out, [x, unused, y], create_graph=True)
    assert [g.data for g in gradients] == [2.0, 0.0, 0.25]
    assert gradients[1].op == "" and grad(gradients[1], [x, unused, y])[1].data == 0.0
    assert hessian(out, [x, unused, y]).tolist() == [[4.0, 0.0, 1.0], [0.0, 0.0, 0.0], [1.0, 0.0, 0.0]]


def test_inputs_may_be_inner_nodes_and_get_their_total_derivative() -> None:
    x = Value(0.7)
    h = x * x
    out = h.sin() + h * x  # out depends on h, and on x directly and through h
    dx, dh = grad(out, [x, h])
    assert dh.data == pytest.approx(math.cos(0.49) + 0.7)
    assert dx.data == pytest.approx(math.cos(0.49) * 1.4 + 3 * 0.49)


def test_a_constant_gradient_is_a_leaf() -> None:
    x, y = Value(1.0), Value(2.0)
    dx, dy = grad(x + 3.0 * y, [x, y], create_graph=True)
    assert (dx.op, dx.data, dy.op, dy.data) == ("", 1.0, "", 3.0)


def test_dot_knows_a_pair_from_two_numbers_that_happen_to_equal_it() -> None:
    w0, w1 = Value(0.0), Value(0.0)
    paired = dot([w0], [w1])  # ∂²/∂w0∂w1 = 1
    singles = dot([w0, w1], [0.0, 0.0])  # the same inputs and recorded floats, but linear: 0
    assert paired.local_grads == singles.local_grads and paired.inputs == singles.inputs
    assert hessian(paired, [w0, w1]).tolist() == [[0.0, 1.0], [1.0, 0.0]]
    assert hessian(singles, [w0, w1]).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    mixed = dot([w0, 2.0, w1], [3.0, w0, w1], bias=w1)  # 3·w0 + 2·w0 + w1² + w1
    assert hessian(mixed, [w0, w1]).tolist() == [[0.0, 0.0], [0.0, 2.0]]
    assert [g.data for g in grad(mixed, [w0, w1])] == [5.0, 1.0]
    with_bias_number = dot([w0, w1], [2.0, 3.0], bias=1.5)  # numbers only: a layout shared by every such node
    assert with_bias_number.const == 1.5 and hessian(with_bias_number, [w0, w1]).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    assert dot([w0, w1], [2.0, 3.0]).const is None and dot([w0], [w1], bias=2.0).const == 2.0


def test_hessian_vector_product_is_the_hessian_times_the_vector() -> None:
    x, y, z = Value(0.4), Value(-1.1), Value(2.0)
    out = (x * y).sin() * z.exp() + (x / z).tanh()
    matrix = hessian(out, [x, y, z])
    vector = [0.5, -2.0, 1.25]
    product = hessian_vector_product(out, [x, y, z], vector)
    assert product.tolist() == pytest.approx((matrix @ vector).tolist(), rel=1e-12)


def test_hessian_of_a_tiny_mlp_loss_is_symmetric() -> None:
    from nn import MLP

    model = MLP(2, [3, 1], seed=0)
    loss = sum_values([(model([1.0, -0.5]) - 1.0) ** 2, (model([0.2, 0.9]) + 1.0) ** 2])
    params = model.parameters()
    matrix = hessian(loss, params)
    assert matrix.shape == (len(params), len(params))
    assert abs(matrix - matrix.T).max() <= 1e-12 * abs(matrix).max()
    # the loss is quadratic in the last layer's weights: that block is 2·Σ h hᵀ, known exactly
    assert matrix[-1, -1] == 4.0  # ∂²/∂b² of two squared errors


# ------------------------------------------------------------------------------ gates
def logistic(x: float) -> tuple[float, tuple[float]]:
    s = 1.0 / (1.0 + math.exp(-x))
    return s, (s * (1.0 - s),)


def test_a_gate_without_a_derivative_works_for_first_derivatives_and_names_itself_for_the_second() -> None:
    sig = gate(logistic, name="logistic_first_only", symbol="σ")
    x = Value(0.5)
    (first_order,) = grad(sig(x), [x])
    assert first_order.data == pytest.approx(logistic(0.5)[1][0])
    assert gradcheck(lambda v: sig(v), [0.5])
    with pytest.raises(DerivativeError, match=r"'logistic_first_only'.*derivative=lambda out, x"):
        grad(sig(x) * x, [x], create_graph=True)


def test_a_gate_with_its_derivative_written_in_ops_differentiates_to_any_order() -> None:
    sig = gate(logistic, name="logistic_in_ops", derivative=lambda out, x: (out * (1 - out),))
    for point in (-2.0, 0.0, 0.7):
        assert second(lambda v: sig(v) * v, [point])[0][0] == pytest.approx(
            second(lambda v: v.sigmoid() * v, [point])[0][0], rel=1e-12
        )
        assert third(lambda v: sig(v), [point])[0][0][0] == pytest.approx(
            third(lambda v: v.sigmoid(), [point])[0][0][0], rel=1e-9, abs=1e-15
        )


def test_a_gate_whose_derivative_returns_the_wrong_count_is_named() -> None:
    bad = gate(lambda a, b: (a * b, (b, a)), name="bad_pair", derivative=lambda out, a, b: (b,))
    x, y = Value(1.0), Value(2.0)
    with pytest.raises(DerivativeError, match=r"'bad_pair' must return a tuple of 2"):
        grad(bad(x, y), [x], create_graph=True)


def test_a_gate_with_a_derivative_that_is_not_a_function_is_refused() -> None:
    with pytest.raises(TypeError, match=r"gate 'not_callable': derivative must be a function"):
        gate(logistic, name="not_callable", derivative=3.0)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ bad input
def test_bad_input_is_named() -> None:
    x = Value(1.0)
    with pytest.raises(TypeError, match=r"grad: output must be a Value, got float"):
        grad(1.0, [x])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"grad: inputs\[1\] must be a Value, got float"):
        grad(x * x, [x, 2.0])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"grad: inputs must be a Value or a list of Values, got str"):
        grad(x * x, "x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"hessian_vector_product: vector\[1\] must be a finite number"):
        hessian_vector_product(x * x, [x, x], [1.0, math.nan])
    with pytest.raises(ValueError, match=r"vector has 1 numbers for 2 inputs"):
        hessian_vector_product(x * x, [x, x], [1.0])
    with no_grad(), pytest.raises(RuntimeError, match=r"create_graph=True inside no_grad"):
        grad(x, [x], create_graph=True)


def test_a_single_value_is_one_input() -> None:
    x = Value(3.0)
    assert [g.data for g in grad(x * x, x)] == [6.0]


# ------------------------------------------------------------------------------ gradgradcheck
def test_gradgradcheck_passes_a_correct_derivative_and_names_the_pair_a_wrong_one_breaks() -> None:
    from autograd import GradcheckError, gradgradcheck

    right = gate(logistic, name="logistic_checked", derivative=lambda out, x: (out * (1 - out),))
    wrong = gate(logistic, name="logistic_wrong", derivative=lambda out, x: (out * (1 - out) * 1.01 - 0.0025,))
    inputs = [Value(0.3, label="a"), Value(-0.8, label="b")]
    assert gradgradcheck(lambda a, b: right(a * b) + a, inputs)
    with pytest.raises(GradcheckError, match=r"\(a, a\): analytic .* MISMATCH\n  \(a, b\): .* ok"):
        gradgradcheck(lambda a, b: wrong(a * b) + a, inputs)
    assert [v.grad for v in inputs] == [0.0, 0.0]  # the caller's Values are left alone


def test_gradgradcheck_names_itself_in_bad_arguments() -> None:
    from autograd import gradgradcheck

    with pytest.raises(ValueError, match=r"gradgradcheck: eps must be a finite number > 0"):
        gradgradcheck(lambda a: a * a, [1.0], eps=0.0)
    with pytest.raises(TypeError, match=r"gradgradcheck: fn must return a Value, got float"):
        gradgradcheck(lambda a: 1.0, [1.0])  # type: ignore[arg-type, return-value]
    with pytest.raises(TypeError, match=r"gradgradcheck: input 0 must be a Value or a real number, got str"):
        gradgradcheck(lambda a: a, ["x"])  # type: ignore[list-item]


def test_a_long_chain_is_differentiated_twice_without_recursion() -> None:
    x = Value(0.5)
    out = x
    for _ in range(20_000):
        out = (out * 0.9999).sin()
    (first_order,) = grad(out, [x], create_graph=True)
    (second_order,) = grad(first_order, [x])
    assert math.isfinite(first_order.data) and math.isfinite(second_order.data)
    assert first_order.data == pytest.approx(grad(out, [x])[0].data, rel=1e-12)


def test_a_gate_whose_node_lost_its_operands_is_named_instead_of_guessed() -> None:
    def blend(a: float, b: float, c: float) -> tuple[float, tuple[float, float, float]]:
        return a * b + c, (b, a, 1.0)

    three = gate(blend, name="blend3", derivative=lambda out, a, b, c: (b, a, 1.0))
    x = Value(2.0)
    assert [g.data for g in grad(three(x, x, x), [x], create_graph=True)] == [5.0]  # all Values: rebuilt exactly
    with pytest.raises(DerivativeError, match=r"'blend3' was applied to number operands"):
        grad(three(x, 3.0, x), [x], create_graph=True)  # which operand was the 3? the node keeps one number only

    def scaled(a: float, low: float, high: float) -> tuple[float, tuple[float]]:
        return low * a + high, (low,)

    two_params = gate(scaled, name="scaled2", params={"low": 2.0, "high": 1.0}, derivative=lambda out, a, lo, hi: (lo,))
    with pytest.raises(DerivativeError, match=r"'scaled2' has 2 parameters"):
        grad(two_params(x), [x], create_graph=True)


_SPECIALS = [0.0, -0.0, math.inf, -math.inf, math.nan, 1.5, -2.0]


def _points(row: OpRow) -> list[tuple[float, ...]]:
    """Ordinary points in the row's domain, then special inputs (all pairs for two inputs, else one at a time)."""
    points = [tuple(low + share * (high - low) for low, high in row.domains) for share in (0.5, 0.2, 0.85)]
    middle = points[0]
    if len(row.domains) <= 2:
        points += list(itertools.product(_SPECIALS, repeat=len(row.domains)))
    else:
        points += [(s,) * len(middle) for s in _SPECIALS]
        points += [(*middle[:k], s, *middle[k + 1 :]) for k in range(len(middle)) for s in _SPECIALS]
    return points


def _agree(row: OpRow, graph: float, reference: float) -> bool:
    """Bit for bit, 1 ulp apart, or for tanh within 4 ulp of 1 (its derivative in ops, 1 − out², cancels)."""
    if math.isnan(graph) or math.isnan(reference):
        return math.isnan(graph) and math.isnan(reference)
    if row.name == "tanh":  # backward's sech² is exact to the last bit; 1 − out² only to ulps of 1
        return abs(graph - reference) <= 4 * math.ulp(1.0)
    return graph == reference or abs(graph - reference) <= math.ulp(reference)


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_the_backward_graph_agrees_with_backward_on_every_row(row: OpRow) -> None:
    for point in _points(row):
        leaves = [Value(x) for x in point]
        out = row.engine(*leaves)
        graph = [g.data for g in grad(out, leaves, create_graph=True)]
        out.backward()
        reference = [leaf.grad for leaf in leaves]
        agree = [_agree(row, g, r) for g, r in zip(graph, reference, strict=True)]
        assert all(agree), (row.name, point, graph, reference)


def test_the_one_known_divergence_a_zero_value_local_gradient_times_an_infinite_upstream() -> None:
    # exp's local gradient is its output, a Value, here 0 (e^−800 underflows); sqrt(0) sends it inf.
    # backward skips a zero local gradient (0 × inf = 0, as in PyTorch); the graph cannot: the local
    # gradient's own derivative is not 0, so the product is recorded, and 0 × inf is nan.
    x = Value(-800.0)
    y = x.exp().sqrt()
    (graph,) = grad(y, [x], create_graph=True)
    y.backward()
    assert x.grad == 0.0 and math.isnan(graph.data)
