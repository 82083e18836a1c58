"""Numerical gradient checking: ``backward()`` against centered differences."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

from autograd.modes import no_grad
from autograd.numerics import as_number
from autograd.value import Value

if TYPE_CHECKING:
    from autograd.tensor import Tensor


def _check_tolerance(check: str, name: str, x: object, positive: bool) -> None:
    # eps = 0 would divide by zero; a nan or negative eps or tolerance would pass or fail everything silently
    number = as_number(x) if not isinstance(x, bool) else None
    if number is None or not math.isfinite(number) or number < 0.0 or (positive and number == 0.0):
        need = "a finite number > 0" if positive else "a finite number >= 0"
        raise ValueError(f"{check}: {name} must be {need}, got {x!r}")


def check_tolerances(check: str, eps: float, atol: float, rtol: float) -> None:
    """A ValueError naming the check and the argument unless eps > 0 and atol, rtol ≥ 0 (all finite)."""
    _check_tolerance(check, "eps", eps, positive=True)
    _check_tolerance(check, "atol", atol, positive=False)
    _check_tolerance(check, "rtol", rtol, positive=False)


def checked_point(
    check: str, inputs: Sequence[Value | float], eps: float, atol: float, rtol: float
) -> tuple[list[float], list[str]]:
    """The floats of ``inputs`` and a name for each (its label, else ``input i``), the tolerances checked."""
    check_tolerances(check, eps, atol, rtol)
    point: list[float] = []
    labels: list[str] = []
    for index, item in enumerate(inputs):
        number = item.data if isinstance(item, Value) else as_number(item)
        if number is None:
            raise TypeError(f"{check}: input {index} must be a Value or a real number, got {type(item).__name__}")
        point.append(number)
        labels.append(item.label if isinstance(item, Value) and item.label else f"input {index}")
    return point, labels


def compared(name: str, analytic: float, numeric: float, atol: float, rtol: float) -> tuple[bool, str]:
    """Whether |analytic − numeric| ≤ atol + rtol·|numeric| (or both are nan), and the report line."""
    difference = abs(analytic - numeric)
    ok = difference <= atol + rtol * abs(numeric) or (math.isnan(analytic) and math.isnan(numeric))
    mark = "ok" if ok else "MISMATCH"
    return ok, f"  {name}: analytic {analytic:.10g}, numeric {numeric:.10g}, |diff| {difference:.3g}  {mark}"


class GradcheckError(AssertionError):
    """Raised by ``gradcheck`` when an analytic gradient disagrees with the numeric one."""


def numeric_gradient(fn: Callable[..., Value], point: Sequence[float], index: int, eps: float) -> float:
    """Centered difference [f(x + h) − f(x − h)] / 2h along input ``index``, evaluated under ``no_grad``."""
    plus, minus = list(point), list(point)
    plus[index] += eps
    minus[index] -= eps
    with no_grad():
        f_plus = evaluated("gradcheck", fn, plus)[1].data
        f_minus = evaluated("gradcheck", fn, minus)[1].data
    return (f_plus - f_minus) / (2.0 * eps)


def evaluated(
    check: str, fn: Callable[..., Value], point: Sequence[float], labels: Sequence[str] = ()
) -> tuple[list[Value], Value]:
    """Fresh leaves at ``point`` (labelled when ``labels`` are given) and ``fn`` of them, checked to be a Value.

    The one way both checks call ``fn``: the caller's Values are never touched, and anything but a
    Value back is a TypeError naming the check.

    >>> evaluated("gradcheck", lambda x: x * 2, [1.5])[1].data
    3.0
    """
    leaves = [Value(x, label=label) for x, label in zip(point, labels or [""] * len(point), strict=True)]
    out = fn(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"{check}: fn must return a Value, got {type(out).__name__}")
    return leaves, out


def gradcheck(
    fn: Callable[..., Value] | Callable[..., Tensor],
    inputs: Sequence[Value | float] | Sequence[Tensor | Any],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> bool:
    """Check ``fn``'s backward gradients against centered differences at ``inputs``.

    ``fn`` takes one Value per input and returns a Value. An input passes when
    |analytic − numeric| ≤ atol + rtol·|numeric|. Returns True, or raises ``GradcheckError``
    with a report naming every input (by label) with both numbers. The caller's Values are
    not modified: the check runs on fresh leaves.

    >>> gradcheck(lambda x, y: x * y.exp(), [Value(2.0, label="x"), 0.5])
    True

    With ``Tensor`` inputs, ``fn`` takes Tensors and returns a one-element Tensor; every element is checked.
    """
    from autograd.tensor import Tensor

    if any(isinstance(x, Tensor) for x in inputs):
        from autograd.tensor_gradcheck import tensor_gradcheck

        return tensor_gradcheck(fn, inputs, eps, atol, rtol)  # type: ignore[arg-type]
    fn, inputs = cast(Callable[..., Value], fn), cast(Sequence[Value | float], inputs)
    point, labels = checked_point("gradcheck", inputs, eps, atol, rtol)
    leaves, out = evaluated("gradcheck", fn, point, labels)
    out.backward()
    lines = []
    failed = False
    for index, leaf in enumerate(leaves):
        ok, line = compared(labels[index], leaf.grad, numeric_gradient(fn, point, index, eps), atol, rtol)
        failed = failed or not ok
        lines.append(line)
    if failed:
        raise GradcheckError(f"gradcheck failed (eps={eps}, atol={atol}, rtol={rtol}):\n" + "\n".join(lines))
    return True
