"""Users' own gates (``autograd.gate``): one node, checked by gradcheck, clear errors for bad definitions."""

from __future__ import annotations

import math

import pytest

from autograd import OPS, Gate, Value, gate, grad, gradcheck, op_row


def logistic_gate(x: float) -> tuple[float, tuple[float]]:
    s = 1.0 / (1.0 + math.exp(-x))
    return s, (s * (1.0 - s),)


def test_a_gate_is_one_node_with_its_own_row_and_symbol() -> None:
    sig = gate(logistic_gate, symbol="σ")
    x = Value(2.0)
    y = sig(x)
    y.backward()
    assert (y.op, y.inputs, len(y.local_grads)) == ("logistic_gate", (x,), 1)
    assert y.data == Value(2.0).sigmoid().data
    assert x.grad == pytest.approx(y.data * (1 - y.data), rel=1e-15)
    assert op_row("logistic_gate").label(None) == "σ"


def test_gradcheck_verifies_a_gate_and_catches_a_wrong_one() -> None:
    def hypot(a: float, b: float) -> tuple[float, tuple[float, float]]:
        r = math.hypot(a, b)
        return r, (a / r, b / r)

    def bad_square(a: float) -> tuple[float, float]:
        return a * a, a  # the derivative is 2a

    assert gradcheck(gate(hypot), [3.0, 4.0])
    with pytest.raises(AssertionError, match="MISMATCH"):
        gradcheck(gate(bad_square), [3.0])


def test_numbers_and_parameters_are_folded_like_the_built_in_ops() -> None:
    def scaled(a: float, b: float, k: float) -> tuple[float, tuple[float, float]]:
        return k * a * b, (k * b, k * a)

    g = gate(scaled, params={"k": 2.0})
    x = Value(3.0)
    out = g(x, 5.0, k=0.5)
    assert (out.data, out.inputs, out.local_grads, out.const) == (7.5, (x,), (2.5,), 0.5)
    assert g(x, 5.0).data == 30.0
    with pytest.raises(TypeError, match="no parameter 'j'"):
        g(x, 1.0, j=1.0)


def test_the_lecture_class_style_defines_the_same_gate() -> None:
    class MultiplyGate:
        def forward(self, x: float, y: float) -> float:
            self.x, self.y = x, y
            return x * y

        def backward(self, dz: float) -> tuple[float, float]:
            return self.y * dz, self.x * dz

    mul = gate(MultiplyGate)
    a, b = Value(-2.0), Value(5.0)
    out = mul(a, b)
    out.backward()
    assert (out.op, out.data, a.grad, b.grad) == ("MultiplyGate", -10.0, 5.0, -2.0)


def test_bad_definitions_get_errors_naming_the_gate() -> None:
    def two_grads(a: float) -> tuple[float, tuple[float, float]]:
        return a, (1.0, 1.0)

    def text_value(a: float) -> tuple[str, tuple[float]]:
        return "one", (1.0,)

    def text_grad(a: float) -> tuple[float, tuple[str]]:
        return a, ("one",)

    def bare(a: float) -> float:
        return a

    for rule, message in [
        (two_grads, "'two_grads' returned 2 local gradient.s. for 1 operand"),
        (text_value, "'text_value' returned a value that is not a number"),
        (text_grad, "'text_grad': local gradient 0 is not a number"),
        (bare, "'bare' must return .value, local_gradients."),
    ]:
        with pytest.raises((TypeError, ValueError), match=message):
            gate(rule)(Value(1.0))
    with pytest.raises(TypeError, match="takes 1 operand"):
        gate(bare)(Value(1.0), Value(2.0))


def test_a_name_that_clashes_is_an_error_but_a_rerun_cell_is_not() -> None:
    def exp(a: float) -> tuple[float, tuple[float]]:
        return a, (1.0,)

    with pytest.raises(ValueError, match="an op named 'exp' already exists"):
        gate(exp)
    first = gate(logistic_gate, symbol="σ")
    with pytest.raises(ValueError, match="an op named 'logistic_gate' already exists"):
        gate(exp, name="logistic_gate")
    again = gate(logistic_gate, symbol="s")  # the same function, defined again
    assert again.op is OPS["logistic_gate"] and first.op is not again.op


def _power_gate(k: int, name: str | None = None) -> Gate:
    def rule(x: float) -> tuple[float, tuple[float]]:
        return x**k, (k * x ** (k - 1),)

    return gate(rule, name=name, symbol=f"^{k}", derivative=lambda out, x: (k * x ** (k - 1),))


def test_gates_made_by_one_factory_never_share_a_row_silently() -> None:
    square = _power_gate(2)
    with pytest.raises(ValueError, match=r"an op named 'rule' already exists .*_power_gate.<locals>.rule.*name="):
        _power_gate(3)
    assert _power_gate(2).op is OPS["rule"] and square.op is not OPS["rule"]  # the same one again replaces itself
    square, cube = _power_gate(2, name="square_k"), _power_gate(3, name="cube_k")
    x = Value(3.0)
    (dx,) = grad(square(x), [x], create_graph=True)
    assert (dx.data, cube(x).data, op_row("square_k").label(None)) == (6.0, 27.0, "^2")


def test_a_lambda_needs_a_name_and_a_different_lambda_cannot_take_it() -> None:
    with pytest.raises(ValueError, match=r"name=\.\.\."):
        gate(lambda x: (x, (1.0,)))
    gate(lambda x: (2 * x, (2.0,)), name="twice_lambda")
    with pytest.raises(ValueError, match="an op named 'twice_lambda' already exists"):
        gate(lambda x: (3 * x, (3.0,)), name="twice_lambda")


def test_a_gate_of_any_arity_refuses_params_it_would_read_as_operands() -> None:
    def scaled_sum(*xs: float, k: float = 2.0) -> tuple[float, tuple[float, ...]]:
        return k * sum(xs), tuple(k for _ in xs)

    with pytest.raises(TypeError, match=r"gate 'scaled_sum': a rule with any number of operands .* cannot take params"):
        gate(scaled_sum, name="scaled_sum", params={"k": 2.0})
    assert gate(scaled_sum)(Value(1.0), Value(2.0)).data == 6.0


def _cell(source: str) -> dict[str, object]:
    """Run ``source`` as a notebook cell would: top-level functions of the module ``__main__``-like ``cell``."""
    namespace: dict[str, object] = {"__name__": "cell", "gate": gate}
    exec(source, namespace)
    return namespace


def test_redefining_a_gate_leaves_the_derivatives_of_graphs_built_earlier_alone() -> None:
    """Issue 20, item 7: after a re-run cell redefined a cube gate as x⁴, ``grad(y, [x], create_graph=True)``
    of a graph built with the cube gave 32 and 48 while ``y.backward()`` still gave 12."""
    cube = _cell(
        "def power_rule(x):\n    return x**3, (3 * x**2,)\n"
        "g = gate(power_rule, derivative=lambda out, x: (3 * x**2,))\n"
    )["g"]
    x = Value(2.0)
    y = cube(x)  # type: ignore[operator]
    fourth = _cell(
        "def power_rule(x):\n    return x**4, (4 * x**3,)\n"
        "g = gate(power_rule, derivative=lambda out, x: (4 * x**3,))\n"
    )["g"]
    assert OPS["power_rule"] is fourth.op  # type: ignore[attr-defined] # the cell replaced the row
    (dy,) = grad(y, [x], create_graph=True)
    (d2y,) = grad(dy, [x])
    y.backward()
    assert (dy.data, d2y.data, x.grad) == (12.0, 12.0, 12.0)  # the cube's, as the graph was built
    assert y.row is cube.op and y.op == "power_rule"  # type: ignore[attr-defined]
    z = fourth(x)  # type: ignore[operator]
    (dz,) = grad(z, [x], create_graph=True)
    assert (dz.data, grad(dz, [x])[0].data) == (32.0, 48.0)
