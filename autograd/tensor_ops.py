"""The table of matrix rules: one row (``TensorOp``) per op a ``Tensor`` records.

A row gives the op's ``name`` (what ``Tensor.op`` records), its ``symbol`` (drawn on the gate),
its ``forward`` (arrays and parameters in, the result and what backward needs out), its ``vjp``
(the vector-Jacobian product: the upstream gradient in, one operand's gradient out) and its
``scalar`` form (the same op as ``Value`` nodes, for ``autograd.scalar_view``). The engine sums
each operand's gradient back to the operand's own shape (broadcasting), so rows never do.

Elementwise ops are not written here: each is a row of the scalar table ``autograd.OPS`` applied
to arrays (``autograd.array_rules``), wrapped by ``elementwise_op``; its vjp is upstream × local
gradient, element by element, as the scalar engine's chain rule is.

The structural rows, with the rules the course notes teach:

- ``@`` (numpy's 1-D/2-D rules): for Y = A·B, ∂L/∂A = ∂L/∂Y·Bᵀ and ∂L/∂B = Aᵀ·∂L/∂Y ("a swap");
- ``sum``/``mean`` over ``axis``: the upstream gradient copied back along the summed axes (÷ n for mean);
- ``max`` over ``axis``: the gradient routed to the arg-max (ties split as a chain of two-input max gates does);
- ``reshape``, ``T`` (transpose) and ``[]`` (indexing): the gradient moved back where each element came from.

>>> import numpy as np
>>> MATMUL.vjp(np.ones(2), MATMUL_CONTEXT(np.eye(2), np.array([1.0, 2.0])), 1).tolist()
[1.0, 1.0]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from autograd.array_rules import array_form
from autograd.ops import Op

Array = np.ndarray


class Context(NamedTuple):
    """What a vjp reads from a node: its operands' arrays, its parameters and what forward saved."""

    operands: tuple[Array, ...]
    params: tuple[Any, ...]
    saved: Any


def MATMUL_CONTEXT(a: Array, b: Array) -> Context:  # noqa: N802 - a doctest helper, named after its row
    """The context of ``a @ b`` (for trying the row's vjp by hand)."""
    return Context((a, b), (), None)


@dataclass(frozen=True, eq=False)
class TensorOp:
    """One row: ``forward(*arrays, *params) -> (out, saved)``; ``vjp(g, context, i)`` → ∂L/∂operand i.

    ``scalar(operands, params)`` builds the op from ``Value`` nodes: each operand an object array of
    Values and floats, the result an object array of Values (``autograd.scalar_view``).
    ``row`` is the scalar row an elementwise op applies (None for a structural op).
    """

    name: str
    symbol: str
    forward: Callable[..., tuple[Array, Any]]
    vjp: Callable[[Array, Context, int], Array]
    scalar: Callable[[Sequence[Array], tuple[Any, ...]], Array]
    doc: str = ""
    row: Op | None = None

    def label(self, params: tuple[Any, ...]) -> str:
        """The gate's text: its symbol, with the parameter that tells it apart (``Σ axis 0``, ``[1]``)."""
        if self.name in ("sum", "mean", "max") and params and params[0] is not None:
            return f"{self.symbol} axis {params[0]}"
        if self.name == "[]" and params:
            return f"[{_key_text(params[0])}]"
        if self.row is not None and params:
            return self.row.label(float(params[0]))
        return self.symbol


def _key_text(key: Any) -> str:
    parts = key if isinstance(key, tuple) else (key,)
    texts = []
    for part in parts:
        if isinstance(part, slice):
            texts.append(":" if part == slice(None) else f"{_or(part.start)}:{_or(part.stop)}")
        elif isinstance(part, np.ndarray):
            texts.append("idx" if part.size > 4 else str(part.tolist()))
        else:
            texts.append(str(part))
    return ",".join(texts)


def _or(x: object) -> str:
    return "" if x is None else str(x)


# ------------------------------------------------------------------------------------- elementwise
_ELEMENTWISE: dict[Op, TensorOp] = {}


def elementwise_op(row: Op) -> TensorOp:
    """The Tensor op applying scalar row ``row`` element by element (made once per row)."""
    op = _ELEMENTWISE.get(row)
    if op is None:
        op = _ELEMENTWISE[row] = _elementwise(row)
    return op


def _elementwise(row: Op) -> TensorOp:
    form = array_form(row)
    operands = row.arity or 1

    def forward(*arguments: Any) -> tuple[Array, Any]:
        value, local = form(*arguments)
        return np.asarray(value, dtype=np.float64), local

    def vjp(g: Array, context: Context, i: int) -> Array:
        local = context.saved[i]
        if type(local) is float and local == 1.0:
            return g
        # a zero local gradient sends zero, even times an inf or nan upstream (the scalar engine's rule)
        product: Array = np.where(local == 0.0, 0.0, np.multiply(g, local))
        return product

    def scalar(arrays: Sequence[Array], params: tuple[Any, ...]) -> Array:
        from autograd.value import apply

        def one(*items: Any) -> Any:
            return apply(row, items[:operands], items[operands:])

        out: Array = np.frompyfunc(one, operands + len(params), 1)(*arrays[:operands], *params)
        return np.asarray(out, dtype=object)

    return TensorOp(row.name, row.shown, forward, vjp, scalar, row.doc, row)


# -------------------------------------------------------------------------------------------- matmul
def _as_matrices(a: Array, b: Array) -> tuple[Array, Array]:
    return (a if a.ndim == 2 else a[np.newaxis, :]), (b if b.ndim == 2 else b[:, np.newaxis])


def _matmul_forward(a: Array, b: Array) -> tuple[Array, Any]:
    with np.errstate(all="ignore"):  # IEEE results (inf·0 = nan), no warning: as every op of the engine
        return np.asarray(a @ b, dtype=np.float64), None


def _matmul_vjp(g: Array, context: Context, i: int) -> Array:
    a, b = context.operands
    left, right = _as_matrices(a, b)
    upstream = np.reshape(g, (left.shape[0], right.shape[1]))
    if i == 0:
        return np.reshape(upstream @ right.T, a.shape)  # ∂L/∂A = ∂L/∂Y·Bᵀ
    return np.reshape(left.T @ upstream, b.shape)  # ∂L/∂B = Aᵀ·∂L/∂Y


def _matmul_scalar(arrays: Sequence[Array], params: tuple[Any, ...]) -> Array:
    from autograd.functions import dot

    a, b = arrays
    left, right = _as_matrices(a, b)
    out = np.empty((left.shape[0], right.shape[1]), dtype=object)
    for r in range(left.shape[0]):
        for c in range(right.shape[1]):
            out[r, c] = dot(list(left[r, :]), list(right[:, c]))
    shape = a.shape[:-1] + b.shape[1:]  # numpy's rule: a 1-D operand's own dimension drops out
    return np.reshape(out, shape)


MATMUL = TensorOp(
    "@", "@", _matmul_forward, _matmul_vjp, _matmul_scalar,
    "A @ B (numpy's 1-D/2-D rules);  ∂L/∂A = ∂L/∂Y·Bᵀ, ∂L/∂B = Aᵀ·∂L/∂Y.",
)


# -------------------------------------------------------------------------------------- reductions
def _spread(g: Array, shape: tuple[int, ...], axis: int | tuple[int, ...] | None) -> Array:
    """``g`` (a reduction's gradient) copied back along the reduced axes to ``shape``."""
    if axis is not None:
        g = np.expand_dims(g, axis)
    return np.broadcast_to(g, shape)


def _count(shape: tuple[int, ...], axis: int | tuple[int, ...] | None) -> int:
    if axis is None:
        return int(np.prod(shape, dtype=np.int64))
    axes = axis if isinstance(axis, tuple) else (axis,)
    return int(np.prod([shape[a] for a in axes], dtype=np.int64))


def _sum_forward(a: Array, axis: Any) -> tuple[Array, Any]:
    with np.errstate(all="ignore"):  # inf − inf = nan, no warning
        return np.asarray(np.sum(a, axis=axis), dtype=np.float64), None


def _sum_vjp(g: Array, context: Context, i: int) -> Array:
    return _spread(g, context.operands[0].shape, context.params[0])


def _reduced(arrays: Sequence[Array], axis: Any, combine: Callable[[list[Any]], Any]) -> Array:
    a = arrays[0]
    axes = tuple(range(a.ndim)) if axis is None else (axis if isinstance(axis, tuple) else (axis,))
    axes = tuple(sorted(x % a.ndim for x in axes))
    kept = [x for x in range(a.ndim) if x not in axes]
    moved = np.transpose(a, kept + list(axes))
    rows = np.reshape(moved, (*[a.shape[x] for x in kept], -1))
    out = np.empty(rows.shape[:-1], dtype=object)
    for index in np.ndindex(*rows.shape[:-1]):
        out[index] = combine(list(rows[index]))
    return out


def _sum_scalar(arrays: Sequence[Array], params: tuple[Any, ...]) -> Array:
    from autograd.functions import sum_values

    return _reduced(arrays, params[0], sum_values)


SUM = TensorOp("sum", "Σ", _sum_forward, _sum_vjp, _sum_scalar, "Σ a over axis;  ∂/∂a_i = 1.")


def _mean_forward(a: Array, axis: Any) -> tuple[Array, Any]:
    with np.errstate(all="ignore"):  # inf − inf = nan, no warning
        return np.asarray(np.sum(a, axis=axis) / _count(a.shape, axis), dtype=np.float64), None


def _mean_vjp(g: Array, context: Context, i: int) -> Array:
    shape = context.operands[0].shape
    return _spread(g / _count(shape, context.params[0]), shape, context.params[0])


def _mean_scalar(arrays: Sequence[Array], params: tuple[Any, ...]) -> Array:
    from autograd.functions import sum_values

    n = _count(arrays[0].shape, params[0])
    return _reduced(arrays, params[0], lambda items: sum_values(items) / n)


MEAN = TensorOp("mean", "mean", _mean_forward, _mean_vjp, _mean_scalar, "Σ a / n over axis;  ∂/∂a_i = 1/n.")


def _max_forward(a: Array, axis: Any) -> tuple[Array, Any]:
    out = np.max(a, axis=axis)
    winners = a == (out if axis is None else np.expand_dims(out, axis))
    return np.asarray(out, dtype=np.float64), _chain_shares(winners, axis)


def _chain_shares(winners: Array, axis: Any) -> Array:
    """Each element's share of the max's gradient, as a chain of two-input max gates, left to right, routes it.

    The chain max(…max(max(x₀, x₁), x₂)…) sends everything to a single largest element; at a tie each max gate
    splits evenly, so of k tied elements (in order) the last gets 1/2, the one before 1/4, …, and the first two
    1/2^(k−1) each. Writing the rule in closed form keeps ``scalar_view`` (which builds that chain) equal, ties
    included. With a nan among the elements no element wins, and every share is nan, as in the chain.
    """
    flat_axes = tuple(range(winners.ndim)) if axis is None else (axis if isinstance(axis, tuple) else (axis,))
    moved = np.moveaxis(winners, flat_axes, tuple(range(winners.ndim - len(flat_axes), winners.ndim)))
    lines = moved.reshape(*moved.shape[: moved.ndim - len(flat_axes)], -1)
    count = lines.sum(axis=-1, keepdims=True)
    rank = np.cumsum(lines, axis=-1)  # 1 for the first tied element, k for the last
    with np.errstate(all="ignore"):
        exponent = np.where(rank == 1, count - 1, count - rank + 1)
        shares = np.where(lines, np.ldexp(1.0, -exponent.astype(np.int64)), 0.0)
        shares = np.where(count == 0, np.nan, shares)  # a nan: no winner
    return np.moveaxis(shares.reshape(moved.shape), tuple(range(winners.ndim - len(flat_axes), winners.ndim)),
                       flat_axes)


def _max_vjp(g: Array, context: Context, i: int) -> Array:
    routed: Array = np.multiply(_spread(g, context.operands[0].shape, context.params[0]), context.saved)
    return routed


def _max_scalar(arrays: Sequence[Array], params: tuple[Any, ...]) -> Array:
    from autograd.functions import maximum

    def chain(items: list[Any]) -> Any:
        best = items[0]
        for item in items[1:]:
            best = maximum(best, item)
        return best

    return _reduced(arrays, params[0], chain)


MAX = TensorOp(
    "max", "max", _max_forward, _max_vjp, _max_scalar,
    "max a over axis;  ∂ = 1 to the arg-max (the max gate's routing); ties split as a chain of max gates does.",
)


# --------------------------------------------------------------------------------------- structure
def _reshape_forward(a: Array, shape: tuple[int, ...]) -> tuple[Array, Any]:
    return np.reshape(a, shape), None


def _reshape_vjp(g: Array, context: Context, i: int) -> Array:
    return np.reshape(g, context.operands[0].shape)


def _reshape_scalar(arrays: Sequence[Array], params: tuple[Any, ...]) -> Array:
    return np.reshape(arrays[0], params[0])


RESHAPE = TensorOp(
    "reshape", "reshape", _reshape_forward, _reshape_vjp, _reshape_scalar, "the same numbers in a new shape."
)


def _transpose_forward(a: Array) -> tuple[Array, Any]:
    return np.transpose(a), None


def _transpose_vjp(g: Array, context: Context, i: int) -> Array:
    return np.transpose(g)


def _transpose_scalar(arrays: Sequence[Array], params: tuple[Any, ...]) -> Array:
    return np.transpose(arrays[0])


TRANSPOSE = TensorOp("T", "ᵀ", _transpose_forward, _transpose_vjp, _transpose_scalar, "Aᵀ;  ∂L/∂A = (∂L/∂Aᵀ)ᵀ.")


def _index_forward(a: Array, key: Any) -> tuple[Array, Any]:
    return np.array(a[key], dtype=np.float64), None


def _index_vjp(g: Array, context: Context, i: int) -> Array:
    a = context.operands[0]
    grad = np.zeros(a.shape)
    np.add.at(grad, context.params[0], g)  # an element picked twice gets both gradients
    return grad


def _index_scalar(arrays: Sequence[Array], params: tuple[Any, ...]) -> Array:
    picked: Array = np.asarray(arrays[0][params[0]], dtype=object)
    return picked


INDEX = TensorOp("[]", "[]", _index_forward, _index_vjp, _index_scalar, "a[key];  ∂ goes back to the picked elements.")

def _log_softmax_forward(a: Array) -> tuple[Array, Any]:
    # the max taken off as a constant: exact, since log-softmax doesn't change when a row shifts (no overflow)
    with np.errstate(all="ignore"):
        shifted = a - np.max(a, axis=-1, keepdims=True)
        exps = np.exp(shifted)
        total = np.sum(exps, axis=-1, keepdims=True)
        out = shifted - np.log(total)
    return out, (exps, total)  # what the vjp's σ = e^shifted / Σ e^shifted is made of


def _log_softmax_vjp(g: Array, context: Context, i: int) -> Array:
    # ∂ log σ_i/∂z_j = δ_ij − σ_j, so the vjp is g − σ·Σg
    exps, total = context.saved
    with np.errstate(all="ignore"):
        softmax = exps / total
    sent: Array = g - softmax * np.sum(g, axis=-1, keepdims=True)
    return sent


def _log_softmax_scalar(arrays: Sequence[Array], params: tuple[Any, ...]) -> Array:
    a = arrays[0]
    out = np.empty(a.shape, dtype=object)
    for index in np.ndindex(*a.shape[:-1]):
        row = list(a[index])
        shift = max(v.data if hasattr(v, "data") else v for v in row)
        shifted = [v - shift for v in row]
        from autograd.functions import sum_values

        log_total = sum_values([s.exp() for s in shifted]).log()
        out[index] = [s - log_total for s in shifted]
    return out


LOG_SOFTMAX = TensorOp(
    "log_softmax", "log σ", _log_softmax_forward, _log_softmax_vjp, _log_softmax_scalar,
    "log σ(z)_i = (z_i − m) − log Σ_j e^(z_j − m), m = max z, over the last axis;  vjp g − σ·Σg.",
)

STRUCTURAL: tuple[TensorOp, ...] = (MATMUL, SUM, MEAN, MAX, RESHAPE, TRANSPOSE, INDEX, LOG_SOFTMAX)
