"""Second-order gradient checking: the Hessian from ``grad`` of ``grad`` against differences of gradients."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from autograd.curvature import hessian
from autograd.gradcheck import GradcheckError, checked_point, compared, evaluated
from autograd.higher_order import grad
from autograd.value import Value


def gradgradcheck(
    fn: Callable[..., Value],
    inputs: Sequence[Value | float],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> bool:
    """Check ``fn``'s second derivatives against centered differences of its first derivatives.

    H[i, j] = ∂²f/∂x_i∂x_j (``hessian``, from the recorded backward graph) is compared with
    [∂f/∂x_i (x + h·e_j) − ∂f/∂x_i (x − h·e_j)] / 2h, each gradient from the engine's first-order
    backward. A pair passes when |analytic − numeric| ≤ atol + rtol·|numeric|. Returns True, or
    raises ``GradcheckError`` naming every pair of inputs (by label) with both numbers. The
    caller's Values are not modified.

    >>> gradgradcheck(lambda x, y: x * y.exp() + x**3, [Value(2.0, label="x"), 0.5])
    True
    """
    point, labels = checked_point("gradgradcheck", inputs, eps, atol, rtol)
    leaves, out = evaluated("gradgradcheck", fn, point, labels)
    analytic = hessian(out, leaves)
    steps = [(_first_derivatives(fn, point, j, eps), _first_derivatives(fn, point, j, -eps)) for j in range(len(point))]
    lines = []
    failed = False
    for row in range(len(point)):
        for column, (plus, minus) in enumerate(steps):
            numeric = (plus[row] - minus[row]) / (2.0 * eps)
            ok, line = compared(f"({labels[row]}, {labels[column]})", float(analytic[row, column]), numeric, atol, rtol)
            failed = failed or not ok
            lines.append(line)
    if failed:
        raise GradcheckError(f"gradgradcheck failed (eps={eps}, atol={atol}, rtol={rtol}):\n" + "\n".join(lines))
    return True


def _first_derivatives(fn: Callable[..., Value], point: Sequence[float], index: int, step: float) -> list[float]:
    moved = list(point)
    moved[index] += step
    leaves, out = evaluated("gradgradcheck", fn, moved)
    return [g.data for g in grad(out, leaves)]
