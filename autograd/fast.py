"""The engine's speed work, fenced off from the reference code: read this after the reference loop.

The reference is ``autograd.value`` (each operator applies its row; ``_make`` records a node) and
``autograd.backprop`` (``backward``'s loop, the one the player watches). Each piece here computes
exactly what the code it stands in for computes, and tests/autograd/test_fast.py checks each against
its reference, bit for bit. What each buys was counted by callgrind (the same count on every
machine), each piece swapped for its reference in turn, on one demo step (``MLP(2, [16, 16, 1])``,
100 points: 200 M instructions with every piece) or one wide graph's build + backward (200 chains
x 200 steps of ``v * 1.0001 + 0.0001``: 702 M); ``benchmarks/instructions.py`` counts both.

- The node layout (``new_node``, ``as_tuple``): most nodes have one input; such a node keeps that
  input and its local gradient in ``_in``/``_local`` directly, not in 1-tuples: two objects fewer
  per node for the allocator and the garbage collector.
- Inline arithmetic (``speed_up``): ``+ - *`` are most of every graph; written inline they skip
  ``apply``'s operand loop and the rule's call and tuples. Wide graph: 702 M, 2,392 M through ``apply``.
  The one-operand methods (``relu``, ``tanh``, ...) record the same way, without ``_make``'s tuples.
- ``backward``: the chain rule without observers, fused into two passes over the nodes' slots.
  Wide graph: 702 M, 2,383 M with the reference loop (which also builds the player's records).
- ``InputVector``: a layer's neurons read the same inputs; reading them once serves every ``dot``.
  Demo step: 200 M, 387 M when each neuron's ``dot`` reads its inputs on its own.
- ``place_in_new_scope``: a fused neuron's two nodes placed in its scope after they are made.
  Demo step: 200 M, 232 M when each neuron enters its scope instead.
  ``place_groups_in_new_scope``: a layer's scope placed around its neurons' scopes the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd.derivatives import DotLayout
from autograd.modes import CURRENT_MODE, Scope
from autograd.ops import FUNCTIONS, OPS, Op
from autograd.value import LeftNumber, Operand, Value, _make, apply

_ADD, _SUB, _MUL, _DOT = OPS["+"], OPS["-"], OPS["*"], OPS["dot"]
_ONE_ONE = (1.0, 1.0)
_ONE_MINUS_ONE = (1.0, -1.0)
_get_mode = CURRENT_MODE.get
_new_value = object.__new__  # a node without Value.__init__'s checks: its data is a float already


# ----------------------------------------------------------------------------------------- node layout
def as_tuple(slot: Any) -> tuple[Any, ...]:
    """A node's ``_in`` or ``_local`` as a tuple: ``()`` for a leaf, a 1-tuple for a one-input node's bare item.

    >>> as_tuple(None), as_tuple(2.0), as_tuple((1.0, 2.0))
    ((), (2.0,), (1.0, 2.0))
    """
    if slot is None:
        return ()
    return slot if type(slot) is tuple else (slot,)


def new_node(
    data: float,
    row: Op,
    inputs: tuple[Value, ...],
    local: tuple[float, ...],
    const: float | LeftNumber | DotLayout | None,
    group: Scope | None,
) -> Value:
    """The node ``autograd.value._make`` records, laid out compactly (a one-input node keeps its input bare)."""
    out: Value = _new_value(Value)
    # One statement per slot: a multiple assignment would build and unpack a tuple per node.
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._uses = 0
    out._row = row
    if len(inputs) == 1:
        out._in = inputs[0]
        out._local = local[0]
    else:
        out._in = inputs
        out._local = local
    out._const = const
    out._scope = group
    return out


def _record(data: float, row: Op, inputs: Any, local: Any, const: Any = None) -> Value:
    """``_make`` for the inline paths, already laid out: the node directly while recording plainly, else ``_make``.

    ``new_node``'s lines written out again: a call per node would cost more than the assignments.
    """
    mode = _get_mode()
    if not mode.plain:
        return _make(data, row, as_tuple(inputs), as_tuple(local), const)
    out: Value = _new_value(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._uses = 0
    out._row = row
    out._in = inputs
    out._local = local
    out._const = const
    out._scope = mode.scope
    return out


# ----------------------------------------------------------------------------------- inline arithmetic
# What it buys: the wide graph (all ``*`` and ``+`` with a float) runs 3.4x fewer instructions than
# through ``apply`` (see the module docstring). Any operand other than a float or a Value goes to ``apply``.
def _add(self: Value, other: Operand) -> Value:
    if type(other) is float:  # the common number: no conversion
        return _record(self.data + other, _ADD, self, 1.0, other)
    if type(other) is Value:
        return _record(self.data + other.data, _ADD, (self, other), _ONE_ONE)
    return apply(_ADD, (self, other))


def _radd(self: Value, other: Operand) -> Value:
    if type(other) is float:
        return _record(other + self.data, _ADD, self, 1.0, LeftNumber(other))
    return apply(_ADD, (other, self))


def _sub(self: Value, other: Operand) -> Value:
    if type(other) is Value:
        return _record(self.data - other.data, _SUB, (self, other), _ONE_MINUS_ONE)
    if type(other) is float:
        return _record(self.data - other, _SUB, self, 1.0, other)
    return apply(_SUB, (self, other))


def _mul(self: Value, other: Operand) -> Value:
    if type(other) is float:
        return _record(self.data * other, _MUL, self, other, other)
    if type(other) is Value:
        return _record(self.data * other.data, _MUL, (self, other), (other.data, self.data))
    return apply(_MUL, (self, other))


def _rmul(self: Value, other: Operand) -> Value:
    if type(other) is float:
        return _record(other * self.data, _MUL, self, other, LeftNumber(other))
    return apply(_MUL, (other, self))


def _neg(self: Value) -> Value:
    return _record(-self.data, _MUL, self, -1.0, -1.0)


def _unary(row: Op) -> Any:
    """A one-operand row's method (``x.exp()``), recording without ``_make``'s tuples and call."""
    rule = row.rule

    def method(self: Value) -> Value:
        out, (local,) = rule(self.data)
        return _record(out, row, self, local)

    return method


INLINE = {"__add__": _add, "__radd__": _radd, "__sub__": _sub, "__mul__": _mul, "__rmul__": _rmul, "__neg__": _neg}
# and every one-operand method made from a row (relu, tanh, exp, ...): a neuron's activation is one per example
INLINE.update((name, _unary(OPS[name])) for name in FUNCTIONS if name.isidentifier() and name != "abs")
REFERENCE: dict[str, Any] = {}  # Value's own operators, which the inline ones replace (the tests compare them)


def speed_up(value: type[Value]) -> None:
    """Put the inline operators on ``Value`` (``autograd.value`` calls this once, after defining it)."""
    for name, inline in INLINE.items():
        REFERENCE.setdefault(name, getattr(value, name))
        inline.__doc__ = REFERENCE[name].__doc__
        inline.__name__, inline.__qualname__ = name, f"{value.__name__}.{name}"
        setattr(value, name, inline)


# ------------------------------------------------------------------------------------- scope placement
def place_in_new_scope(nodes: Sequence[Value], name: str, title: str | None = None) -> None:
    """Move ``nodes``, just made in the current scope, into a new ``Scope`` called ``name`` inside it.

    The reference: making them inside ``with scope(name, title=title):``, which gives the same scope
    tree, names and titles. What it buys: a fused neuron makes a fixed pair of nodes per example (its
    ``dot`` and its activation); placing them afterwards skips the block's entry and exit (Python-level
    calls and two ``ContextVar`` writes): 32 M of the demo step's 232 M instructions.
    Only nodes that are recorded ops of the current scope move: outside recording (``no_grad``)
    results are leaves, which belong to no scope, and a node made elsewhere stays where it is.

    >>> from autograd import Value
    >>> x = Value(1.0)
    >>> y = x * 2.0
    >>> z = y.exp()
    >>> place_in_new_scope((y, z), "gate")
    >>> z.scope is y.scope, z.scope, x.scope
    (True, Scope('gate'), None)
    """
    mode = CURRENT_MODE.get()
    if not mode.recording:
        return
    parent = mode.scope
    group = Scope(name, parent, title)
    for node in nodes:
        if node._scope is parent and node._in is not None:
            node._scope = group


# ---------------------------------------------------------------------------------------- input vectors
class InputVector(list):  # type: ignore[type-arg] # a list of Values or of floats
    """An input vector read once for several ``dot`` nodes: its items are all Values or all floats.

    What it buys: the demo step's second and third layers read 16 inputs for each of 17 neurons;
    reading them once per layer, not once per neuron, halves the step's instructions (200 M, not 387 M).

    A layer's neurons all take the same inputs, so ``nn.Layer`` makes one ``InputVector`` per call
    and every neuron's ``dot`` reuses its data and the inputs' half of its lists of inputs and
    local gradients (x0, x1, … among w0, x0, w1, x1, …, b). Its items and their data are read
    when it is made: make it right before the dot products and leave it unchanged, as ``Layer``
    and ``dot`` itself (for a single product) do. ``input_vector`` makes one (a vector of other
    items is left as it is, and ``dot`` takes its general path).

    >>> from autograd import dot
    >>> xs = input_vector([Value(1.0), Value(2.0)])
    >>> ws = [Value(3.0), Value(4.0)]
    >>> dot(ws, xs, Value(0.5)).data, dot(ws, xs, Value(0.5)).local_grads
    (11.5, (1.0, 3.0, 2.0, 4.0, 1.0))
    """

    __slots__ = ("_data", "_inputs", "_local")  # a list subclass with slots: as fast to make and read as a list

    _data: list[float] | None  # the Values' data; None for floats, which are their own data
    _inputs: list[Value] | None  # None for floats, which are not inputs
    _local: list[float] | tuple[float, ...]


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


def neuron_dot(ws: Sequence[Operand], xs: Sequence[Operand], bias: Value) -> Value | None:
    """``autograd.dot(ws, xs, bias)`` for a neuron (Values for weights and bias) over an input vector, else None.

    ``dot`` hands off here; ``xs`` is usually a layer's ``InputVector`` already (a lone ``dot`` reads its own).
    Returns None when a weight is not a Value, or ``xs`` is not all Values or all floats: ``dot`` then
    takes its general path. The caller checked the lengths.

    Why it is written this way: a neuron is one ``dot`` per example, and in CPython a loop body or a
    call costs far more than the arithmetic. The weights' data is read by one comprehension (which
    also checks their types), the pairs are written into copies of the vector's lists by slice
    assignment, and the only loop left is the sum, which runs left to right, one ``+`` at a time, and
    adds the bias last, to round as the row does.
    """
    vector = xs if type(xs) is InputVector else input_vector(xs)
    if type(vector) is not InputVector:
        return None
    value = Value
    total = 0.0
    inputs = vector._inputs
    if inputs is None:  # numbers are not inputs: each weight's local gradient is its number
        for w, x in zip(ws, vector):  # noqa: B905 - equal lengths; a first layer has few inputs: one loop
            if type(w) is not value:
                return None
            total += w.data * x  # type: ignore[union-attr]
        layout = _numbers_only(len(ws) + 1)
        return _record(total + bias.data, _DOT, (*ws, bias), vector._local, layout)
    w_data = [w.data for w in ws if type(w) is value]  # type: ignore[union-attr]
    if len(w_data) != len(ws):  # a number or another type among the weights
        return None
    for w_value, x_value in zip(w_data, vector._data):  # type: ignore[arg-type] # noqa: B905 - equal lengths
        total += w_value * x_value
    size = 2 * len(ws)
    inputs = inputs[:]
    inputs[:size:2] = ws  # type: ignore[assignment]
    inputs[size] = bias
    local = vector._local[:]
    local[1:size:2] = w_data  # type: ignore[index]
    return _record(total + bias.data, _DOT, tuple(inputs), tuple(local))


_NUMBERS_ONLY: dict[int, DotLayout] = {}


def _numbers_only(count: int) -> DotLayout:
    """The layout of a neuron's dot whose every input is a weight times a number, or the bias: one shared per count."""
    layout = _NUMBERS_ONLY.get(count)
    if layout is None:
        layout = _NUMBERS_ONLY[count] = DotLayout(None, (-1,) * count, (*range(0, 2 * count - 2, 2), -1))
    return layout


def place_groups_in_new_scope(nodes: Sequence[Value], name: str, title: str | None = None) -> None:
    """Move the groups ``nodes`` were just made in (each a scope inside the current one) into a new ``Scope``.

    The reference: making them inside ``with scope(name, title=title):`` (a layer around its neurons, each of
    which made its nodes in a scope of its own). What it buys: a layer's scope costs one ``Scope`` instead of
    the block's entry and exit, per layer per example. A node made in the current scope itself, or in none,
    is left where it is.
    """
    mode = CURRENT_MODE.get()
    if not mode.recording:
        return
    parent = mode.scope
    new = Scope(name, parent, title)
    for node in nodes:
        group = node._scope
        while group is not None and group.parent is not parent:
            group = group.parent
        if group is not None and group is not new:
            group.parent = new


# -------------------------------------------------------------------------------------------- backward
def backward(root: Value, seed: float = 1.0) -> None:
    """``autograd.backprop.backward`` without observers: the same gradients, bit for bit, in the same order.

    What it buys (the wide graph's build + backward: 702 M instructions, 2,383 M with the reference
    loop and its records): the reference sorts the graph first (a dict of use counts, a list of nodes), then
    walks it again; here the counts live on the nodes (``_uses``), leaves are never queued (they send
    nothing), and each node sends its gradient as it is released. Nodes are released in exactly the
    reference order, so every sum is added up in the same order. Any node with the engine's slots will
    do (``benchmarks/machine_floor.py`` runs it over its bare nodes). An exception (Ctrl-C) leaves every
    use count at zero for the next call.

    >>> x = Value(3.0)
    >>> backward(x * x + x)
    >>> x.grad
    7.0
    """
    if root._in is None:
        root.grad += seed
        return
    try:
        _count_and_send(root, seed)
    except BaseException:
        _clear_uses(root)
        raise


def _count_and_send(root: Value, seed: float) -> None:
    several = tuple  # a local name: read once per node in both passes
    inputs: Any  # a one-input node's input, or a tuple of several (the layout above)
    # pass 1: count each non-leaf node's consumers, and reset its gradient
    root.grad = 0.0
    stack: list[Any] = [root]
    pop, push = stack.pop, stack.append
    while stack:
        inputs = pop()._in
        if type(inputs) is not several:  # one input (most nodes): no loop, as in pass 2
            if inputs._in is not None:
                uses = inputs._uses
                if not uses:
                    inputs.grad = 0.0
                    push(inputs)
                inputs._uses = uses + 1
            continue
        for child in inputs:
            if child._in is not None:
                uses = child._uses
                if not uses:
                    child.grad = 0.0
                    push(child)
                child._uses = uses + 1
    root.grad += seed
    # pass 2: release each node once all of its consumers have sent their share (Kahn's algorithm)
    push(root)
    while stack:
        node = pop()
        g = node.grad
        inputs = node._in
        if type(inputs) is not several:
            local = node._local
            if local and g:  # zero (either factor) sends zero, as in the reference loop
                inputs.grad += local * g
            if inputs._in is not None:
                uses = inputs._uses - 1
                inputs._uses = uses
                if not uses:
                    push(inputs)
            continue
        for child, local in zip(inputs, node._local):  # noqa: B905 - recorded together
            if local and g:
                child.grad += local * g
            if child._in is not None:
                uses = child._uses - 1
                child._uses = uses
                if not uses:
                    push(child)


def _clear_uses(root: Value) -> None:
    """Zero every use count under ``root`` after an interrupted backward, so the next one starts clean."""
    seen = {id(root)}
    stack = [root]
    while stack:
        node = stack.pop()
        node._uses = 0
        for child in as_tuple(node._in):
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)


speed_up(Value)
