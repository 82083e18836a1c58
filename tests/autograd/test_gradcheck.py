"""gradcheck: passes correct gradients, reports wrong ones by label with both numbers."""

from __future__ import annotations

import re

import pytest

from autograd import GradcheckError, Value, gradcheck, numeric_gradient


def test_gradcheck_passes_a_correct_function() -> None:
    assert gradcheck(lambda x, y: (x * y).tanh() + y.exp() / x, [Value(0.7, label="x"), 1.3])


def test_gradcheck_reports_a_planted_bug_by_label() -> None:
    def leaky(x: Value, y: Value) -> Value:
        return x * x.data + y  # the bug: one factor escapes the graph, so d/dx is half of the truth

    with pytest.raises(GradcheckError) as info:
        gradcheck(leaky, [Value(3.0, label="x"), Value(1.0, label="y")])
    report = str(info.value)
    assert "x: analytic 3, numeric 6" in report and "MISMATCH" in report
    assert re.search(r"y: analytic 1, numeric (1|0\.99999)\S*, \|diff\| \S+  ok", report)
    assert report.count("MISMATCH") == 1


def test_gradcheck_leaves_the_callers_values_alone() -> None:
    x = Value(2.0, label="x")
    x.grad = 5.0
    gradcheck(lambda v: v * v, [x])
    assert (x.data, x.grad) == (2.0, 5.0)


def test_gradcheck_unlabelled_inputs_are_numbered() -> None:
    with pytest.raises(GradcheckError, match="input 1: analytic 0"):
        gradcheck(lambda a, b: a + Value(b.data), [1.0, 2.0])


def test_gradcheck_argument_errors() -> None:
    with pytest.raises(TypeError, match="fn must return a Value"):
        gradcheck(lambda x: 3.0, [1.0])  # type: ignore[arg-type, return-value]
    with pytest.raises(TypeError, match="input 0 must be a Value or a real number"):
        gradcheck(lambda x: x, ["a"])  # type: ignore[list-item]


def test_numeric_gradient_is_a_centered_difference() -> None:
    assert numeric_gradient(lambda x: x * x * x, [2.0], 0, 1e-4) == pytest.approx(12.0, abs=1e-7)


@pytest.mark.parametrize(
    "options", [{"eps": 0}, {"eps": -1e-6}, {"eps": float("nan")}, {"eps": "1e-6"}, {"atol": -1.0}]
)
def test_bad_step_or_tolerance_is_a_clear_error(options) -> None:
    name = next(iter(options))
    with pytest.raises(ValueError, match=f"gradcheck: {name} must be a finite number"):
        gradcheck(lambda x: x * x, [1.0], **options)
