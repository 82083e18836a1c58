"""The safe expression parser: every supported form, every error form with its column, and a fuzz."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, dot, maximum, minimum, sum_values, topological_order
from viz.cli.expression import ExpressionError, parse_assignments, parse_expression

VALUES = {"x": 1.5, "y": -2.0, "z": 0.25}


def built(text: str) -> Value:
    return parse_expression(text, VALUES).root


def leaves() -> tuple[Value, Value, Value]:
    return Value(VALUES["x"]), Value(VALUES["y"]), Value(VALUES["z"])


# expression -> the same computation written with the engine directly
FORMS = {
    "x + y": lambda x, y, z: x + y,
    "x - y": lambda x, y, z: x - y,
    "x * y": lambda x, y, z: x * y,
    "x / y": lambda x, y, z: x / y,
    "x ** 2": lambda x, y, z: x**2,
    "2 ** x": lambda x, y, z: 2**x,
    "x ** z": lambda x, y, z: x**z,
    "-x": lambda x, y, z: -x,
    "+x": lambda x, y, z: x,
    "(x + y) * z": lambda x, y, z: (x + y) * z,
    "1 / (1 + exp(-x))": lambda x, y, z: 1 / (1 + (-x).exp()),
    "exp(x)": lambda x, y, z: x.exp(),
    "log(z)": lambda x, y, z: z.log(),
    "sqrt(z)": lambda x, y, z: z.sqrt(),
    "tanh(y)": lambda x, y, z: y.tanh(),
    "sigmoid(y)": lambda x, y, z: y.sigmoid(),
    "relu(y)": lambda x, y, z: y.relu(),
    "gelu(x)": lambda x, y, z: x.gelu(),
    "silu(x)": lambda x, y, z: x.silu(),
    "softplus(y)": lambda x, y, z: y.softplus(),
    "abs(y)": lambda x, y, z: abs(y),
    "leaky_relu(y)": lambda x, y, z: y.leaky_relu(),
    "leaky_relu(y, 0.2)": lambda x, y, z: y.leaky_relu(0.2),
    "leaky_relu(y, slope=0.2)": lambda x, y, z: y.leaky_relu(0.2),
    "elu(y, alpha=2)": lambda x, y, z: y.elu(2.0),
    "max(x, y)": lambda x, y, z: maximum(x, y),
    "maximum(x, 0)": lambda x, y, z: maximum(x, 0),
    "min(x, y)": lambda x, y, z: minimum(x, y),
    "minimum(2, y)": lambda x, y, z: minimum(2, y),
    "sum(x, y, z, 1)": lambda x, y, z: sum_values([x, y, z, 1]),
    "sum_values(x)": lambda x, y, z: sum_values([x]),
    "dot([x, y], [z, 3])": lambda x, y, z: dot([x, y], [z, 3]),
    "dot([x, y], [z, 3], 0.5)": lambda x, y, z: dot([x, y], [z, 3], 0.5),
    "dot([x], [y], bias=z)": lambda x, y, z: dot([x], [y], z),
    "x * x * y": lambda x, y, z: x * x * y,
    "1e-3 * x + 0x10": lambda x, y, z: 1e-3 * x + 16,
}


def same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


@pytest.mark.parametrize("text", sorted(FORMS))
def test_every_supported_form_builds_the_engine_graph(text: str) -> None:
    parsed = parse_expression(text, VALUES)
    x, y, z = leaves()
    expected = FORMS[text](x, y, z)
    root = parsed.root
    assert same(root.data, expected.data)
    assert (root.op, root.const, root.const_left) == (expected.op, expected.const, expected.const_left)
    assert len(topological_order(root)) == len(topological_order(expected))
    root.backward()
    expected.backward()
    for name, leaf in zip("xyz", (x, y, z), strict=True):
        if name in parsed.variables:
            assert same(parsed.variables[name].grad, leaf.grad), name


def test_gradients_match_the_engine_built_directly() -> None:
    parsed = parse_expression("x * y + exp(x) / z", VALUES)
    parsed.root.backward()
    x, y, z = leaves()
    (x * y + x.exp() / z).backward()
    assert [parsed.variables[name].grad for name in "xyz"] == [x.grad, y.grad, z.grad]


def test_a_variable_is_one_leaf_shared_by_its_uses_and_numbers_fold() -> None:
    parsed = parse_expression("x * x", VALUES)
    assert parsed.root.inputs == (parsed.variables["x"], parsed.variables["x"])
    assert parsed.variables["x"].label == "x"
    folded = built("2 * 3 * x")
    assert (folded.op, folded.const, folded.inputs[0].label) == ("*", 6.0, "x")
    assert built("exp(0) + 1").data == 2.0  # a number-only expression is one leaf
    assert built("10 ** 400").data == math.inf  # IEEE, not OverflowError


def test_scope_names_a_group_that_draw_can_collapse() -> None:
    root = built('scope("σ", 1 / (1 + exp(-x))) * y')
    gate = root.inputs[0]
    assert gate.scope is not None and gate.scope.name == "σ"
    assert root.scope is None and gate.inputs[0].scope is not None


def test_deep_sums_need_no_recursion() -> None:
    root = built(" + ".join(["x"] * 2000))
    assert root.data == 2000 * VALUES["x"]


# text -> (column, part of the message)
ERRORS = {
    "x +": (4, "invalid syntax"),
    "(x + y": (1, "'(' was never closed"),
    "x + y)": (6, "unmatched ')'"),
    "x // y": (3, "operator '//' is not supported"),
    "x % y": (3, "operator '%' is not supported"),
    "x @ y": (3, "operator '@' is not supported"),
    "(x) & y": (5, "operator '&' is not supported"),
    "not x": (1, "operator 'not' is not supported"),
    "~x": (1, "operator '~' is not supported"),
    "x < y": (1, "a comparison is not supported"),
    "x and y": (1, "'and'/'or' is not supported"),
    "x if y else z": (1, "a conditional expression is not supported"),
    "lambda: x": (1, "a lambda is not supported"),
    "x.exp()": (1, "only the engine's functions can be called"),
    "x[0]": (1, "indexing is not supported"),
    "[x, y]": (1, "a list (only dot takes lists) is not supported"),
    "(x, y)": (1, "a tuple is not supported"),
    "x + w": (5, "no value for 'w'"),
    "σ + x": (1, "no value for 'σ'"),
    "x + foo(x)": (5, "unknown function 'foo'"),
    "scope('σσσ', x) + w": (19, "no value for 'w'"),  # columns count characters, not UTF-8 bytes
    "exp": (1, "'exp' is a function"),
    "exp(x, y)": (1, "exp() takes one argument, got 2"),
    "exp()": (1, "exp() takes one argument, got 0"),
    "max(x)": (1, "max() takes two arguments"),
    "sum()": (1, "sum() takes at least one argument"),
    "exp(*x)": (5, "does not take '*' arguments"),
    "exp(x, k=1)": (8, "does not take the keyword 'k'"),
    "exp(**x)": (5, "does not take '**' arguments"),
    "leaky_relu(slope=x)": (1, "leaky_relu() needs its x first"),  # not x with the default slope
    "leaky_relu(x, alpha=2)": (15, "does not take the keyword 'alpha'; it takes 'slope'"),
    "elu(x, 2, alpha=3)": (11, "elu() got 'alpha' twice"),
    "leaky_relu(x, slope=y)": (21, "slope must be a number, not a variable"),
    "dot([x], [y], w=1)": (15, "dot() does not take the keyword 'w'"),
    "leaky_relu(x, y)": (15, "slope must be a number, not a variable"),
    "dot(x, y)": (5, "dot() takes two lists"),
    "dot([x], [y, z])": (1, "same length"),
    'scope(x, y)': (7, "scope() needs a quoted name first"),
    'scope("a")': (1, "scope() takes a name and an expression"),
    "scope('a', x=x)": (12, "scope() does not take the keyword 'x'"),
    "scope(name='a', x=x)": (7, "scope() does not take the keyword 'name'"),
    "scope('a', x, y)": (1, "scope() takes a name and an expression, got 3 arguments"),
    "'text'": (1, "a string is not a number"),
    "True": (1, "True is not a number"),
    "1j": (1, "1j is not a number"),
    "(x +\n y +)": (10, "invalid syntax"),  # columns count from the start of the whole text
    "  ": (1, "the expression is empty"),
    "x\0": (3, "null bytes"),
    "1" * 5000: (5001, "a number has too many digits"),
    "-" * 100000 + "x": (1, "nested too deeply"),
    "x + \ud800": (5, "'\\ud800' is not valid text"),
    "(" * 300 + "x" + ")" * 300: (201, "too many nested parentheses"),
}


@pytest.mark.parametrize("text", list(ERRORS), ids=lambda text: repr(text[:20]))
def test_every_error_names_its_column(text: str) -> None:
    column, message = ERRORS[text]
    with pytest.raises(ExpressionError) as caught:
        built(text)
    assert caught.value.column == column
    assert message in caught.value.message
    assert str(caught.value).startswith(f"column {column}: ")


def test_assignments() -> None:
    assert parse_assignments(["a=1", " b = -2.5e1 ", "c=inf"]) == {"a": 1.0, "b": -25.0, "c": math.inf}
    for bad, message in [("a", "write NAME=NUMBER"), ("1a=2", "write NAME=NUMBER"), ("a=two", "'two' is not a number"),
                         ("a=", "'' is not a number")]:
        with pytest.raises(ExpressionError, match=message):
            parse_assignments([bad])
    with pytest.raises(ExpressionError, match="a is set twice"):
        parse_assignments(["a=1", "a=2"])


EXPRESSION_ALPHABET = st.sampled_from(
    [*"xyz0123456789.+-*/() ,=[]<>%&|~'\"", "**", "exp", "log", "max", "dot", "scope", "e5", "\n", "σ", "\0"]
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=40), st.lists(EXPRESSION_ALPHABET, max_size=30).map("".join)))
def test_fuzz_any_text_gives_a_graph_or_the_clean_error(text: str) -> None:
    try:
        result = parse_expression(text, VALUES)
    except ExpressionError as error:
        assert error.column is None or 1 <= error.column <= len(text) + 1
        assert "\n" not in error.message.strip() or "\n" in text
    else:
        assert isinstance(result.root, Value)
        assert set(result.variables) <= set(VALUES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("leaky_relu(x, slope=0.2)", lambda x: x.leaky_relu(0.2)),
        ("leaky_relu(x, 0.2)", lambda x: x.leaky_relu(0.2)),
        ("elu(x, alpha=2)", lambda x: x.elu(2.0)),
        ("dot([x], [x], bias=1)", lambda x: x * x + 1),
    ],
)
def test_keyword_arguments_bind_by_name(text: str, expected: Callable[[Value], Value]) -> None:
    result = parse_expression(text, {"x": -1.5}).root
    assert result.data == expected(Value(-1.5)).data


def test_names_are_nfkc_normalised_on_both_sides() -> None:
    # Python reads the identifier ℌ as H; --set ℌ=… names the same variable
    parsed = parse_expression("ℌ * 2", parse_assignments(["ℌ=3"]))
    assert parsed.root.data == 6.0 and list(parsed.variables) == ["H"]
    with pytest.raises(ExpressionError, match="H is set twice"):
        parse_assignments(["ℌ=1", "H=2"])


@pytest.mark.parametrize(("text", "message"), [("x is 1", "a comparison is not supported"),
                                             ("2(x)", "only the engine's functions can be called"),
                                             ("scope('\\d', x) + 'a' 'b'", "a string is not a number")])
def test_no_syntax_warning_escapes(text: str, message: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning would fail the test instead of reaching stderr
        with pytest.raises(ExpressionError, match=message):
            parse_expression(text, {"x": 1.0})


def test_every_function_row_of_the_engine_is_an_expression_function() -> None:
    from autograd import ops

    for name in (*ops.FUNCTIONS, *ops.PARAMETER_FUNCTIONS, *ops.PAIR_FUNCTIONS):
        operands = "x, 0.5" if name in ops.PARAMETER_FUNCTIONS else "x, y" if name in ops.PAIR_FUNCTIONS else "x"
        root = parse_expression(f"{name}({operands})", {"x": 0.3, "y": 0.7}).root
        assert root.op == name
