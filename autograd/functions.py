"""Multi-input primitives, each a single graph node: ``maximum``, ``minimum``, ``sum_values``, ``dot``.

Each applies its row of ``autograd.ops``. Numbers among the operands are folded into the node
(they need no gradient); Values become its inputs, in call order. ``sum_values`` and ``dot``
write their row's arithmetic out (a loop over the operands, cheaper than building the rule's
argument list); tests/autograd/test_op_table.py checks both against their rows bit for bit.
A neuron's ``dot`` over a layer's shared input vector is ``autograd.fast.InputVector``'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from autograd import fast
from autograd.derivatives import DotLayout
from autograd.numerics import to_number
from autograd.ops import OPS
from autograd.value import Operand, Value, _make, apply

_MAX, _MIN, _SUM, _DOT = OPS["max"], OPS["min"], OPS["sum"], OPS["dot"]


def _operand(x: object, op: str, position: str) -> Value | float:
    if isinstance(x, Value):
        return x
    number = to_number(x, f"{op}: {position}")
    if number is None:
        raise TypeError(f"{op}: {position} must be a Value or a real number, got {type(x).__name__}")
    return number


def maximum(a: Operand, b: Operand) -> Value:
    """max(a, b), one node: the max gate routes the whole gradient to the larger input.

    Tie rule: when a == b each input gets half the gradient (as ``torch.maximum``), a valid
    subgradient that keeps gradient checks symmetric. A nan operand gives nan.

    >>> a, b = Value(3.0), Value(1.0)
    >>> m = maximum(a, b); m.backward(); (a.grad, b.grad)
    (1.0, 0.0)
    """
    return apply(_MAX, (a, b))


def minimum(a: Operand, b: Operand) -> Value:
    """min(a, b), one node: routes the gradient to the smaller input; a tie splits it evenly.

    >>> a, b = Value(3.0), Value(1.0)
    >>> m = minimum(a, b); m.backward(); (a.grad, b.grad)
    (0.0, 1.0)
    """
    return apply(_MIN, (a, b))


def sum_values(values: Iterable[Operand]) -> Value:
    """Σ values as one n-ary ``sum`` node;  ∂/∂v_i = 1 for every input.

    Numbers are added into the node's ``const``; the sum runs left to right, as a chain of ``+``.

    >>> xs = [Value(1.0), Value(2.0), 3]
    >>> s = sum_values(xs); s.data, len(s.inputs), s.const
    (6.0, 2, 3.0)
    """
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"sum_values: values must be an iterable of Values or numbers, got {type(values).__name__}")
    inputs: list[Value] = []
    total = 0.0
    constant: float | None = None
    for index, item in enumerate(values):
        operand = _operand(item, "sum_values", f"item {index}")
        if isinstance(operand, Value):
            inputs.append(operand)
            total += operand.data
        else:
            total += operand
            constant = operand if constant is None else constant + operand
    if not inputs:
        return Value(total)
    return _make(total, _SUM, tuple(inputs), (1.0,) * len(inputs), constant)


def dot(ws: Sequence[Operand], xs: Sequence[Operand], bias: Operand | None = None) -> Value:
    """Σ_i w_i·x_i (+ bias) as one ``dot`` node;  ∂/∂w_i = x_i, ∂/∂x_i = w_i, ∂/∂bias = 1.

    Inputs are recorded pairwise in call order (w0, x0, w1, x1, …, bias); a number in a pair
    is not an input (its partner's local gradient is that number).

    >>> w, x = [Value(2.0), Value(-3.0)], [Value(-1.0), Value(-2.0)]
    >>> d = dot(w, x, bias=-3.0); d.data
    1.0
    """
    if len(ws) != len(xs):
        raise ValueError(f"dot: ws has {len(ws)} items but xs has {len(xs)}")
    if ws and type(bias) is Value:  # a neuron's shape: the fast path (autograd.fast.InputVector) takes it
        node = fast.neuron_dot(ws, xs, bias)
        if node is not None:
            return node
    inputs: list[Value] = []
    local_grads: list[float] = []
    total = 0.0
    for index, (w_item, x_item) in enumerate(zip(ws, xs, strict=True)):
        w = _operand(w_item, "dot", f"ws[{index}]")
        x = _operand(x_item, "dot", f"xs[{index}]")
        w_data = w.data if isinstance(w, Value) else w
        x_data = x.data if isinstance(x, Value) else x
        total += w_data * x_data
        if isinstance(w, Value):
            inputs.append(w)
            local_grads.append(x_data)
        if isinstance(x, Value):
            inputs.append(x)
            local_grads.append(w_data)
    paired = len(inputs)
    constant: float | None = None
    if bias is not None:
        b = bias if type(bias) is Value else _operand(bias, "dot", "bias")
        if isinstance(b, Value):
            inputs.append(b)
            local_grads.append(1.0)
            total += b.data
        else:
            total += b
            constant = b
    if not inputs:
        return Value(total)
    if paired != 2 * len(ws):  # a number stood in a pair: keep who multiplies whom, for gradients of gradients
        layout = DotLayout(constant, *_layout(ws, xs, bias))
        return _make(total, _DOT, tuple(inputs), tuple(local_grads), layout)
    return _make(total, _DOT, tuple(inputs), tuple(local_grads), constant)


def _layout(ws: Sequence[Operand], xs: Sequence[Operand], bias: Operand | None
            ) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Per input of the node: the input it multiplies (-1: a number), and its place in the call (``DotLayout``)."""
    partners: list[int] = []
    operands: list[int] = []
    for index, (w, x) in enumerate(zip(ws, xs)):  # noqa: B905 - dot checked the lengths
        if isinstance(w, Value) and isinstance(x, Value):
            here = len(partners)
            partners += (here + 1, here)
            operands += (2 * index, 2 * index + 1)
        elif isinstance(w, Value) or isinstance(x, Value):
            partners.append(-1)
            operands.append(2 * index + isinstance(x, Value))
    if isinstance(bias, Value):
        partners.append(-1)
        operands.append(-1)
    return tuple(partners), tuple(operands)
