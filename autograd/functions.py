"""Multi-input primitives, each a single graph node: ``maximum``, ``minimum``, ``sum_values``, ``dot``.

Each applies its row of ``autograd.ops``. Numbers among the operands are folded into the node
(they need no gradient); Values become its inputs, in call order. ``sum_values`` and ``dot``
inline their row's arithmetic: a neuron is one ``dot`` per forward pass, and walking the
operands once is much cheaper than building the rule's argument list; tests/autograd/test_op_table.py
checks both against their rows bit for bit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from autograd.ops import OPS
from autograd.value import DotLayout, Operand, Value, _make, apply, to_number

_MAX, _MIN = OPS["max"], OPS["min"]


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
    return _make(total, "sum", tuple(inputs), (1.0,) * len(inputs), constant)


class InputVector(list):  # type: ignore[type-arg] # a list of Values or of floats
    """An input vector read once for several ``dot`` nodes: its items are all Values or all floats.

    A layer's neurons all take the same inputs, so ``nn.Layer`` makes one ``InputVector`` per call
    and every neuron's ``dot`` reuses its data and the inputs' half of its lists of inputs and
    local gradients (x0, x1, … among w0, x0, w1, x1, …, b). Its items and their data are read
    when it is made: make it right before the dot products and leave it unchanged, as ``Layer``
    and ``dot`` itself (for a single product) do. ``input_vector`` makes one (a vector of other
    items is left as it is, and ``dot`` takes its general path).

    >>> xs = input_vector([Value(1.0), Value(2.0)])
    >>> ws = [Value(3.0), Value(4.0)]
    >>> dot(ws, xs, Value(0.5)).data, dot(ws, xs, Value(0.5)).local_grads
    (11.5, (1.0, 3.0, 2.0, 4.0, 1.0))
    """

    __slots__ = ("_data", "_inputs", "_local")  # a list subclass with slots: as fast to make and read as a list

    _data: list[float] | None  # the Values' data; None for floats, which are their own data
    _inputs: list[Value] | None  # None for floats, which are not inputs
    _local: list[float] | tuple[float, ...]

    def neuron_dot(self, ws: Sequence[Operand], bias: Value) -> Value | None:
        """w·x + b as one ``dot`` node when every weight is a Value (the caller checked the lengths), else None.

        Why it is written this way: a neuron is one ``dot`` per example, and in CPython a loop body
        or a call costs far more than the arithmetic. The weights' data is read by one comprehension
        (which also checks their types), the pairs are written into copies of the vector's lists by
        slice assignment, and the only loop left is the sum, which runs left to right, one ``+`` at
        a time, and adds the bias last, to round as the row does.
        """
        value = Value
        total = 0.0
        inputs = self._inputs
        if inputs is None:  # numbers are not inputs: each weight's local gradient is its number
            for w, x in zip(ws, self):  # noqa: B905 - equal lengths; a first layer has few inputs: one loop
                if type(w) is not value:
                    return None
                total += w.data * x  # type: ignore[union-attr]
            layout = _numbers_only(len(ws) + 1)
            return _make(total + bias.data, "dot", (*ws, bias), self._local, layout)  # type: ignore[arg-type]
        w_data = [w.data for w in ws if type(w) is value]  # type: ignore[union-attr]
        if len(w_data) != len(ws):  # a number or another type among the weights
            return None
        for w_value, x_value in zip(w_data, self._data):  # type: ignore[arg-type] # noqa: B905 - equal lengths
            total += w_value * x_value
        size = 2 * len(ws)
        inputs = inputs[:]
        inputs[:size:2] = ws  # type: ignore[assignment]
        inputs[size] = bias
        local = self._local[:]
        local[1:size:2] = w_data  # type: ignore[index]
        return _make(total + bias.data, "dot", tuple(inputs), tuple(local))


def input_vector(xs: Sequence[Operand]) -> Sequence[Operand]:
    """``xs`` read once for several ``dot`` nodes: an ``InputVector`` when its items are all Values or all
    floats, else ``xs`` itself (each ``dot`` then reads it on its own).

    >>> type(input_vector([1.0, 2.0])).__name__, type(input_vector([Value(1.0), 2.0])).__name__
    ('InputVector', 'list')
    """
    if len(xs) == 0 or type(xs) is InputVector:  # len: a numpy row has no truth value
        return xs
    vector = InputVector(xs)
    if type(xs[0]) is float:
        for x in xs:
            if type(x) is not float:
                return xs
        vector._data = vector._inputs = None  # not the vector itself: a cycle would wait for the garbage collector
        vector._local = (*xs, 1.0)  # type: ignore[arg-type]
        return vector
    value = Value
    data = [x.data for x in xs if type(x) is value]  # type: ignore[union-attr]
    if len(data) != len(xs):
        return xs
    size = 2 * len(xs)
    inputs: list[Value] = [value] * (size + 1)  # type: ignore[list-item] # every even slot is written per dot
    inputs[1:size:2] = xs  # type: ignore[assignment]
    local = [1.0] * (size + 1)  # the last slot is the bias's
    local[:size:2] = data
    vector._data, vector._inputs, vector._local = data, inputs, local
    return vector


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
    if ws and type(bias) is Value:  # a neuron's shape: several dots over one vector share its reading
        vector = xs if type(xs) is InputVector else input_vector(xs)  # a layer's vector: no call
        if type(vector) is InputVector:
            node = vector.neuron_dot(ws, bias)
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
        layout = DotLayout(constant, _partners(ws, xs, bias))
        return _make(total, "dot", tuple(inputs), tuple(local_grads), layout)
    return _make(total, "dot", tuple(inputs), tuple(local_grads), constant)


_NUMBERS_ONLY: dict[int, DotLayout] = {}


def _numbers_only(count: int) -> DotLayout:
    """The layout of a neuron's dot whose every input is a weight times a number, or the bias: one shared per count."""
    layout = _NUMBERS_ONLY.get(count)
    if layout is None:
        layout = _NUMBERS_ONLY[count] = DotLayout(None, (-1,) * count)
    return layout


def _partners(ws: Sequence[Operand], xs: Sequence[Operand], bias: Operand | None) -> tuple[int, ...]:
    partners: list[int] = []
    for w, x in zip(ws, xs):  # noqa: B905 - dot checked the lengths
        if isinstance(w, Value) and isinstance(x, Value):
            here = len(partners)
            partners += (here + 1, here)
        elif isinstance(w, Value) or isinstance(x, Value):
            partners.append(-1)
    if isinstance(bias, Value):
        partners.append(-1)
    return tuple(partners)


def dot_partners(node: Value) -> tuple[int, ...]:
    """For each input of a ``dot`` node, the index of the input it is multiplied by (-1: a number or the bias).

    ∂dot/∂w_i is its partner x_i; gradients of gradients need to know which input that is.

    >>> w, x = [Value(2.0), Value(3.0)], [Value(-1.0), 4.0]
    >>> dot_partners(dot(w, x, bias=Value(0.5)))
    (1, 0, -1, -1)
    """
    layout = node._const
    if type(layout) is DotLayout:
        return layout.partners
    count = len(node.inputs)  # Values in every pair, then the bias if it is a Value
    return tuple(index ^ 1 for index in range(count - count % 2)) + (-1,) * (count % 2)
