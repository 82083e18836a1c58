"""Second derivatives: the Hessian matrix, and Hessian-vector products that never build it.

Both differentiate the backward graph that ``grad(..., create_graph=True)`` records: the
Hessian differentiates each of its n gradients once more (n backward passes); a
Hessian-vector product differentiates the single number Σ_i v_i·∂f/∂x_i (one pass), which is
∇(∇f·v) = H·v, so its cost stays that of a gradient however many inputs there are.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from autograd.functions import sum_values
from autograd.higher_order import _checked_inputs, grad
from autograd.numerics import as_number
from autograd.value import Value


def hessian(output: Value, inputs: Value | Iterable[Value]) -> npt.NDArray[np.float64]:
    """The n×n matrix H[i, j] = ∂²output/∂x_i∂x_j, as floats.

    Row i is the gradient of ∂output/∂x_i; an input the output does not depend on has a zero
    row and column. No symmetrisation: H[i, j] and H[j, i] are computed separately and agree to
    rounding.

    >>> x, y = Value(1.0), Value(2.0)
    >>> hessian(x * x * y, [x, y]).tolist()
    [[4.0, 2.0], [2.0, 0.0]]
    """
    wanted = _checked_inputs(output, inputs)
    first = grad(output, wanted, create_graph=True)
    matrix = np.zeros((len(wanted), len(wanted)))
    for row, derivative in enumerate(first):
        matrix[row] = [g.data for g in grad(derivative, wanted)]
    return matrix


def hessian_vector_product(
    output: Value, inputs: Value | Iterable[Value], vector: Sequence[float]
) -> npt.NDArray[np.float64]:
    """H·v, the Hessian of ``output`` times ``vector``, without building H: ∇(∇output · v).

    One backward graph and one pass over it, whatever the number of inputs.

    >>> x, y = Value(1.0), Value(2.0)
    >>> hessian_vector_product(x * x * y, [x, y], [1.0, 0.0]).tolist()
    [4.0, 2.0]
    """
    wanted = _checked_inputs(output, inputs)
    weights = _checked_vector(vector, len(wanted))
    first = grad(output, wanted, create_graph=True)
    directional = sum_values([g * w for g, w in zip(first, weights, strict=True)])  # ∇output · v, one node
    return np.array([g.data for g in grad(directional, wanted)])


def _checked_vector(vector: object, size: int) -> list[float]:
    if isinstance(vector, (str, bytes)) or not isinstance(vector, Iterable):
        raise TypeError(f"hessian_vector_product: vector must be a sequence of numbers, got {type(vector).__name__}")
    items = list(vector)
    if len(items) != size:
        raise ValueError(f"hessian_vector_product: vector has {len(items)} numbers for {size} inputs")
    numbers = []
    for index, item in enumerate(items):
        number = as_number(item) if not isinstance(item, bool) else None
        if number is None or not math.isfinite(number):
            raise TypeError(f"hessian_vector_product: vector[{index}] must be a finite number, got {item!r}")
        numbers.append(number)
    return numbers
