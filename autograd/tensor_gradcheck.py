"""``gradcheck`` for functions of Tensors: ``backward()`` against centered differences, element by element."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from autograd.gradcheck import GradcheckError, check_tolerances, compared
from autograd.modes import no_grad
from autograd.tensor import Tensor, checked_array


def _evaluated(fn: Callable[..., Tensor], leaves: Sequence[Tensor]) -> Tensor:
    out = fn(*leaves)
    if not isinstance(out, Tensor):
        raise TypeError(f"gradcheck: fn must return a Tensor, got {type(out).__name__}")
    if out.data.size != 1:
        raise ValueError(f"gradcheck: fn must return a one-element Tensor, got shape {out.shape}; add .sum()")
    return out


def tensor_gradcheck(
    fn: Callable[..., Tensor], inputs: Sequence[object], eps: float, atol: float, rtol: float
) -> bool:
    """Each element of each input: analytic vs [f(x + h) − f(x − h)] / 2h (see ``autograd.gradcheck``).

    >>> tensor_gradcheck(lambda W, x: (W @ x).tanh().sum(), [Tensor([[1.0, 2.0]]), Tensor([0.5, -0.1])],
    ...                  1e-6, 1e-5, 1e-3)
    True
    """
    check_tolerances("gradcheck", eps, atol, rtol)
    points = [checked_array(x, f"gradcheck: input {i}") for i, x in enumerate(inputs)]
    labels = [x.label if isinstance(x, Tensor) and x.label else f"input {i}" for i, x in enumerate(inputs)]
    leaves = [Tensor(p, label=label) for p, label in zip(points, labels, strict=True)]
    _evaluated(fn, leaves).backward()
    lines, failed = [], False
    for i, leaf in enumerate(leaves):
        for index in np.ndindex(*points[i].shape):
            numeric = _numeric(fn, points, i, index, eps)
            where = f"{labels[i]}{list(index) if index else ''}"
            ok, line = compared(where, float(leaf.grad[index]), numeric, atol, rtol)
            failed = failed or not ok
            lines.append(line)
    if failed:
        raise GradcheckError(f"gradcheck failed (eps={eps}, atol={atol}, rtol={rtol}):\n" + "\n".join(lines))
    return True


def _numeric(fn: Callable[..., Tensor], points: list[np.ndarray], i: int, index: tuple[int, ...], eps: float) -> float:
    def at(shift: float) -> float:
        moved = [p.copy() for p in points]
        moved[i][index] += shift
        with no_grad():
            return _evaluated(fn, [Tensor(p) for p in moved]).item()

    return (at(eps) - at(-eps)) / (2.0 * eps)
