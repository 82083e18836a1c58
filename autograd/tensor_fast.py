"""The matrix engine's speed work, fenced off from the reference code: read this after ``tensor_backprop``.

The reference is ``autograd.tensor`` (each op checks its operands and ``record`` makes the node), the rows
of ``autograd.tensor_ops`` and ``autograd.tensor_backprop`` (the loop the player watches). On the arrays of
a network step (a few thousand numbers) numpy's own work is a microsecond or two per call, and the Python
around it (calls through a row, ``sum_to_shape``, a dict per node, the checks) cost as much again. Each piece
here gives exactly what the code it stands in for gives, bit for bit (tests/autograd/test_tensor_fast.py
checks each against its reference). What each buys was counted by callgrind on one step of
``benchmarks/matrix_vs_torch.py`` (``MLP(2, [16, 16, 1])`` on 100 points, hinge + L2, SGD), each piece swapped
for its reference in turn (with every piece: 1.76 M instructions with the parameters kept in arrays while ``fit``
trained, by a ``ParameterArrays`` that ``nn.parameter_home`` has since replaced, 3.16 M as a user wrote the step;
numpy by hand: 0.72 M; before this module: 2.21 M and 4.12 M).

A second round ("since" below) was counted with the cyclic GC off over 400 steps (±20 k from run to run): the
ParameterArrays step 1.76 M -> 1.47 M, the user's step of that time 3.12 M -> 2.86 M; the step with the
parameters living in their layers' arrays (``nn.parameter_home``) 1.78 M -> 1.46 M by ``benchmarks/instructions.py
--matrix-only`` (numpy by hand: 0.75 M), 0.239 -> 0.183 ms median in ``matrix_vs_torch.py`` (numpy: 0.071 ms).

- ``backward``: the chain rule without observers, in one loop; each structural row's vector-Jacobian
  product written for the common shapes, an operand's gradient summed back to its shape only when
  broadcasting stretched it, an elementwise row's one-number local gradient (``x - y``'s −1, ``L / n``'s 1/n)
  applied without numpy's per-element zero mask, and ``x * x``'s share computed once. 1.95 M with the
  reference loop. Since: the use counts live on the nodes (``Tensor._uses``, as ``autograd.fast`` does for
  Values) and each node sends its shares as it is released, in the reference's order, instead of a sorted list
  walked again (so one pass runs at a time: a lock, 0.16 µs), and a batch of rows is summed into a bias without
  ``sum_to_shape``'s calls (1.76 M -> 1.67 M on the ParameterArrays step); a product's zeros are written in by
  ``np.putmask`` (``np.where`` when the mask broadcasts), the mask and ``x - y``'s −1 against 0-d arrays, not
  Python floats numpy converts on every call (a relu's share on 100 × 16, half its mask set: 3.7 -> 3.1 µs), a
  0-d share is a numpy scalars' product and ``sum``'s share is filled without ``np.full``'s Python (with the
  inline ops' frames below: 1.53 M -> 1.47 M).
  The demo step's backward alone: 80 -> 65 µs. ``log_softmax``'s share: σ from what its forward now keeps
  (``tensor_ops``: e^shifted and its row sums, no longer recomputed), Σg by the ufunc without np.sum's Python
  wrapper: a digits-sized step (``MLP(64, [32, 10])``, batch 32, softmax cross-entropy, Adam) 197 -> 180 µs.
- ``to_values``: a leaf viewing Values (a layer's weights, ``Tensor.from_values``) adds its gradient into
  each Value's ``.grad`` in one loop over Python floats. 3.53 M with the reference (the user's step).
- The inline ops (``speed_up``): ``+ - * /``, ``@``, ``relu`` (also through ``apply``), ``sum``, ``mean`` and
  ``reshape`` compute their row's forward in place and make the node ``record`` makes (``tensor.recorded``: the
  same row, parameters and ``Context``), without the calls through ``_binary``, ``apply``, the row and
  ``array_rules``; a float, int or float array operand becomes a constant leaf without ``checked_array``'s scan.
  Anything else (an anomaly check, ``no_grad``, a list, a Value operand, shapes that do not fit) goes to the
  reference method, which says what is wrong. 2.02 M without them. Their IEEE quiet came from ``np.errstate``
  as a decorator, not a ``with`` block (1.67 M with every piece then, 1.76 M with the blocks). Since: numpy's
  ignore-all error state is made once and set and reset by C calls (``quiet_switch``; np.seterr on numpy 1.x),
  inline in ``+ - * /``: 0.35 µs less per op, about 60 k a step; every inline op calls ``recorded`` itself (two
  Python frames fewer), ``recorded`` makes the ``Context`` with ``tuple.__new__``, a 0-d ``/`` (a mean's total
  over its count) divides numpy scalars instead of calling four ufuncs (about 40 k with the ``Context``), and
  ``relu`` adds its ``+ 0`` in place against a 0-d zero: 3.6 -> 3.0 µs on a 100 × 16 matrix.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextvars import ContextVar
from functools import partial
from typing import Any

import numpy as np

from autograd.backprop import backward as value_backward
from autograd.modes import CURRENT_MODE
from autograd.ops import OPS, Op
from autograd.tensor import Tensor, _leaf, _memory_order, recorded
from autograd.tensor_backprop import sum_to_shape
from autograd.tensor_ops import (
    INDEX,
    LOG_SOFTMAX,
    MATMUL,
    MEAN,
    RESHAPE,
    SUM,
    TRANSPOSE,
    Context,
    TensorOp,
    _count,
    elementwise_op,
)

Array = np.ndarray
_ndarray, _float64 = np.ndarray, np.float64
_zeros, _empty, _where, _multiply, _putmask, _equal = np.zeros, np.empty, np.where, np.multiply, np.putmask, np.equal
_new_object = object.__new__
_reduce = np.add.reduce
_INT64 = 2**63
_ZERO, _MINUS_ONE = np.zeros(()), np.array(-1.0)  # numbers as numpy takes them without converting
_ZERO.flags.writeable = _MINUS_ONE.flags.writeable = False
_current_mode = CURRENT_MODE.get


def _numpy_error_state() -> ContextVar[Any] | None:
    """The context variable numpy >= 2 keeps its floating-point error state in (np.errstate sets and resets it), or
    None (numpy 1.x, or a numpy that keeps it elsewhere)."""
    try:
        from numpy._core import _ufunc_config
    except ImportError:
        return None
    state = getattr(_ufunc_config, "_extobj_contextvar", None)
    return state if isinstance(state, ContextVar) else None


def quiet_switch(state: ContextVar[Any] | None) -> tuple[Callable[[], Any], Callable[[Any], Any]]:
    """``(enter, leave)``: ``token = enter()`` makes numpy ignore every floating-point error (IEEE results, no
    warnings), ``leave(token)`` restores the caller's setting: what ``np.errstate(all="ignore")`` does around a
    call, thread-safe as it is (each call keeps its token to itself).

    np.errstate makes numpy's error state anew on every call (``_make_extobj``: two thirds of its cost, a tenth of
    an inline op's); with numpy's context variable ``state`` it is made here once, and ``enter`` is a C call. The
    state made once keeps numpy's buffer size of this moment, which changes no float64 result (buffers serve
    casts). Without ``state`` (numpy 1.x), ``np.seterr`` as np.errstate uses it there.
    """
    if state is None:
        def leave(token: Any) -> Any:
            return np.seterr(**token)

        return partial(np.seterr, all="ignore"), leave
    with np.errstate(all="ignore"):
        quiet_state = state.get()
    return partial(state.set, quiet_state), state.reset


_enter_quiet, _leave_quiet = quiet_switch(_numpy_error_state())


def _quiet(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` run with numpy's floating-point errors ignored (``quiet_switch``)."""

    def quiet(*arguments: Any) -> Any:
        token = _enter_quiet()
        try:
            return function(*arguments)
        finally:
            _leave_quiet(token)

    return quiet


# ------------------------------------------------------------------------------------------ backward
def backward(root: Tensor, seed: Array) -> None:
    """``tensor_backprop._propagate`` without an observer: the same gradients, bit for bit, in the same order.

    The reference sorts the graph first (a dict of use counts, a list of nodes), then walks the list; here the
    counts live on the nodes (``_uses``) and each node sends its shares as it is released, in exactly the
    reference's order, so every sum is added up in the same order. An exception (Ctrl-C) leaves every use count
    at zero for the next call. One pass at a time: two threads' passes over graphs that share a node (a weight
    Tensor used in both) would mix their counts on it, and a gradient would go missing without a word.
    """
    with _ONE_PASS_AT_A_TIME:
        try:
            _count_uses(root)
            _send(root, seed)
        except BaseException:
            _clear_uses(root)
            raise


_ONE_PASS_AT_A_TIME = threading.RLock()  # reentrant: a leaf's sink may run a backward pass of its own


def _count_uses(root: Tensor) -> None:
    """Pass 1: each node's count of consumers (constants are never counted, as in ``consumers_first``)."""
    stack = [root]
    pop, push = stack.pop, stack.append
    while stack:
        inputs = pop()._in
        if inputs is None:
            continue
        for child in inputs:
            if child._constant:
                continue
            uses = child._uses
            if not uses and child._in is not None:  # a leaf has nothing to count under it
                push(child)
            child._uses = uses + 1


def _send(root: Tensor, seed: Array) -> None:
    """Pass 2: release each node once all its consumers have sent their shares (Kahn's algorithm, LIFO, as
    ``consumers_first``), and send its own."""
    received: dict[Tensor, Array] = {root: seed}
    take = received.pop
    stack = [root]
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        g = take(node, None)
        if g is None:
            g = _zeros(node.data.shape)
        inputs = node._in
        if inputs is None:  # a leaf: accumulate, and pass the share on to the Values it views
            node._grad = g.copy() if node._grad is None else node._grad + g
            if node._sink is not None:
                node._sink(g)
            elif node._values is not None:
                to_values(node._values, g)
            continue
        node._grad = g if g.flags.writeable else g.copy()
        row: TensorOp = node._row  # type: ignore[assignment]
        context: Context = node._saved
        fast = _VJPS.get(row)
        if fast is not None:
            sent = fast(g, context, inputs)
        elif row.row is not None:
            sent = _elementwise_shares(g, context.saved, inputs)
        else:
            sent = [None if child._constant else row.vjp(g, context, i) for i, child in enumerate(inputs)]
        for child, share in zip(inputs, sent):  # noqa: B905 - one share per operand
            if child._constant:
                continue
            shape = child.data.shape
            if share.shape != shape:  # type: ignore[union-attr]
                share = _summed_to(share, shape)  # type: ignore[arg-type]
            before = received.get(child)
            received[child] = share if before is None else before + share  # type: ignore[assignment,operator]
            uses = child._uses - 1
            child._uses = uses
            if not uses:
                push(child)


def _elementwise_shares(g: Array, saved: Any, inputs: tuple[Tensor, ...]) -> list[Any]:
    """An elementwise row's shares: upstream × local gradient, a zero local gradient sending zero."""
    if saved is _ONE_ONE:  # ``+`` (the inline forward's locals): each operand gets the upstream as it is
        return [g, g]
    sent: list[Any] = []
    last_local: Any = None
    for position, child in enumerate(inputs):
        if child._constant:
            sent.append(None)
            continue
        local = saved[position]
        if local is last_local:  # x * x: both operands get the same share, computed once
            sent.append(sent[-1])
            continue
        last_local = local
        if type(local) is float or local.ndim == 0:  # one number: decided here, not by numpy per element
            number = float(local)
            if number == 1.0 and type(local) is float:
                sent.append(g)
            elif number == 0.0:
                sent.append(_where(True, 0.0, g))  # zeros of g's shape, whatever g holds
            elif g.ndim == 0:  # numpy scalars' own product, not a ufunc call on 0-d arrays
                sent.append(_as_array(g[()] * (local if type(local) is float else local[()])))
            else:  # ``x - y``'s −1 as a 0-d array: numpy converts a Python float on every call
                sent.append(_multiply(g, _MINUS_ONE if number == -1.0 else local))
        else:
            # np.where(local == 0, 0, g·local), as the product with its zeros written in where the mask has its
            # shape, the zero a 0-d array: a relu's share on 100 × 16 with half its mask set, 3.7 -> 3.1 µs
            share = _multiply(g, local)
            zero = _equal(local, _ZERO)
            if zero.shape == share.shape:
                _putmask(share, zero, _ZERO)
            else:
                share = _where(zero, _ZERO, share)
            sent.append(share)
    return sent


def _summed_to(g: Array, shape: tuple[int, ...]) -> Array:
    """``sum_to_shape`` with its common case written out: a batch of rows summed into one row (a bias)."""
    if g.ndim == 2 and len(shape) == 1 and shape[0] == g.shape[1]:
        return _reduce(g, 0)  # type: ignore[no-any-return]
    return sum_to_shape(g, shape)


def _clear_uses(root: Tensor) -> None:
    """Zero every use count under ``root`` after an interrupted backward, so the next one starts clean."""
    seen = {id(root)}
    stack = [root]
    while stack:
        node = stack.pop()
        node._uses = 0
        for child in node._in or ():
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)


# Each structural row's vjp for all operands at once (None for a constant operand is skipped by the loop).
def _matmul(g: Array, context: Context, inputs: tuple[Tensor, ...]) -> list[Array | None]:
    a, b = context.operands
    if a.ndim == 2 and b.ndim == 2:  # ∂L/∂A = ∂L/∂Y·Bᵀ, ∂L/∂B = Aᵀ·∂L/∂Y
        return [None if inputs[0]._constant else g @ b.T, None if inputs[1]._constant else a.T @ g]
    return [None if t._constant else MATMUL.vjp(g, context, i) for i, t in enumerate(inputs)]


def _sum(g: Array, context: Context, inputs: tuple[Tensor, ...]) -> list[Array]:
    shape, axis = context.operands[0].shape, context.params[0]
    if axis is None:
        return [_filled(shape, g)]
    return [SUM.vjp(g, context, 0)]


def _mean(g: Array, context: Context, inputs: tuple[Tensor, ...]) -> list[Array]:
    shape, axis = context.operands[0].shape, context.params[0]
    if axis is None:
        return [_filled(shape, g / _count(shape, axis))]
    return [MEAN.vjp(g, context, 0)]


def _filled(shape: tuple[int, ...], g: Array) -> Array:
    """``np.full(shape, g)`` for a float64 ``g`` without np.full's Python (a third of its time)."""
    out = _empty(shape)
    out[...] = g
    return out


def _reshape(g: Array, context: Context, inputs: tuple[Tensor, ...]) -> list[Array]:
    return [g.reshape(context.operands[0].shape)]


def _transpose(g: Array, context: Context, inputs: tuple[Tensor, ...]) -> list[Array]:
    return [g.T]


def _index(g: Array, context: Context, inputs: tuple[Tensor, ...]) -> list[Array]:
    return [INDEX.vjp(g, context, 0)]


def _log_softmax(g: Array, context: Context, inputs: tuple[Tensor, ...]) -> list[Array]:
    exps, total = context.saved  # g − σ·Σg, Σ by the ufunc np.sum calls through its Python wrapper
    return [g - exps / total * _reduce(g, -1, keepdims=True)]


_VJPS: dict[TensorOp, Callable[[Array, Context, tuple[Tensor, ...]], list[Any]]] = {
    MATMUL: _matmul, SUM: _sum, MEAN: _mean, RESHAPE: _reshape, TRANSPOSE: _transpose, INDEX: _index,
    LOG_SOFTMAX: _log_softmax,
}


# ----------------------------------------------------------------------------------- linked Values
def to_values(values: Array, g: Array) -> None:
    """``tensor_backprop._to_values``: each viewed Value's share of ``g`` added to its ``.grad`` (a leaf), or
    backpropagated through its graph (a computed Value), in the same order."""
    order = _memory_order(values)
    shares = (g if g.shape == values.shape else np.broadcast_to(g, values.shape)).ravel(order).tolist()
    computed = None
    for value, share in zip(values.ravel(order).tolist(), shares):  # noqa: B905 - the same size
        if value._in is None:
            value.grad += share
        else:
            if computed is None:
                computed = []
            computed.append((value, share))
    if computed is not None:
        for value, share in computed:
            value_backward(value, share)


# ------------------------------------------------------------------------------------------ inline ops
def _constant(x: Any) -> Tensor | None:
    """A number or float64 array as ``as_tensor`` makes it (a constant leaf holding a copy), or None for anything
    else (the reference method then checks it and names what is wrong)."""
    kind = type(x)
    if kind is float:
        data = np.array(x)
    elif kind is int and -_INT64 <= x < _INT64:  # as np.array(x).astype(float64) rounds it
        data = np.array(float(x))
    elif kind is _ndarray and x.dtype == _float64:
        data = x.copy()
    else:
        return None
    out: Tensor = _new_object(Tensor)
    _leaf(out, data, "")
    out._constant = True
    return out


def _binary(name: str, forward: Callable[[Array, Array], tuple[Any, Any]], swapped: bool) -> Callable[..., Tensor]:
    """The inline ``a <op> b`` (``swapped``: the reflected method, ``b <op> a``)."""
    op = elementwise_op(OPS[name])
    reference = getattr(Tensor, f"__r{name_of[name]}__" if swapped else f"__{name_of[name]}__")

    def method(self: Tensor, other: Any) -> Tensor:
        mode = _current_mode()
        if not mode.plain:
            return reference(self, other)  # type: ignore[no-any-return]
        operand = other if type(other) is Tensor else _constant(other)
        if operand is None:
            return reference(self, other)  # type: ignore[no-any-return]
        left, right = (operand, self) if swapped else (self, operand)
        a, b = left.data, right.data
        token = _enter_quiet()
        try:
            out, saved = forward(a, b)
        except ValueError:  # shapes that do not broadcast: the reference names them
            return reference(self, other)  # type: ignore[no-any-return]
        finally:
            _leave_quiet(token)
        if type(out) is not _ndarray:
            out = _as_array(out)
        return recorded(op, (left, right), (a, b), (), out, saved, mode.scope)

    return method


def _as_array(number: Any) -> Array:
    """A 0-d result as record keeps it: numpy hands back a scalar for a reduction or 0-d operands."""
    return np.asarray(number, dtype=_float64)


name_of = {"+": "add", "-": "sub", "*": "mul", "/": "truediv"}
_add, _subtract, _divide, _negative = np.add, np.subtract, np.divide, np.negative
_ONE_ONE, _ONE_MINUS_ONE = (1.0, 1.0), (1.0, -1.0)


def _div(a: Array, b: Array) -> tuple[Array, Any]:
    if a.ndim == 0 and b.ndim == 0:  # a mean's total / count: numpy scalars' own division, not four ufunc calls
        x, y = a[()], b[()]
        quotient = x / y
        return quotient, (1.0 / y, -quotient / y)
    out = _divide(a, b)
    return out, (_divide(1.0, b), _divide(_negative(out), b))


_FORWARDS: dict[str, Callable[[Array, Array], tuple[Any, Any]]] = {
    "+": lambda a, b: (_add(a, b), _ONE_ONE),
    "-": lambda a, b: (_subtract(a, b), _ONE_MINUS_ONE),
    "*": lambda a, b: (_multiply(a, b), (b, a)),
    "/": _div,
}


def _matmul_method(self: Tensor, other: Any) -> Tensor:
    mode = _current_mode()
    if type(other) is not Tensor or not mode.plain:
        return _REFERENCE["__matmul__"](self, other)  # type: ignore[no-any-return]
    a, b = self.data, other.data
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[0]:
        return _REFERENCE["__matmul__"](self, other)  # type: ignore[no-any-return]
    return recorded(MATMUL, (self, other), (a, b), (), _quiet_matmul(a, b), None, mode.scope)


_quiet_matmul = _quiet(np.matmul)


_RELU = elementwise_op(OPS["relu"])
_maximum, _sign = np.maximum, np.sign


def _relu_method(self: Tensor) -> Tensor:
    mode = _current_mode()
    if not mode.plain:
        return _REFERENCE["relu"](self)  # type: ignore[no-any-return]
    a = self.data
    # array_rules' relu, max(a, 0) + 0 (nan passes through maximum and sign with no warning), the + 0 in place and
    # 0 as a 0-d array: numpy converts a Python float on every call (a sixth of the op's time on a layer's matrix)
    out = _maximum(a, _ZERO)
    if type(out) is _ndarray:
        _add(out, _ZERO, out=out)
    else:  # a 0-d operand: numpy hands back a scalar
        out = _as_array(out + 0.0)
    return recorded(_RELU, (self,), (a,), (), out, (_sign(out),), mode.scope)


@_quiet
def _quiet_sum(a: Array) -> Any:
    return _reduce(a, axis=None)


@_quiet
def _quiet_mean(a: Array) -> Any:
    return _reduce(a, axis=None) / _count(a.shape, None)


def _sum_method(self: Tensor, axis: Any = None) -> Tensor:
    mode = _current_mode()
    if axis is not None or not mode.plain:
        return _REFERENCE["sum"](self, axis)  # type: ignore[no-any-return]
    a = self.data
    return recorded(SUM, (self,), (a,), (None,), _as_array(_quiet_sum(a)), None, mode.scope)


def _mean_method(self: Tensor, axis: Any = None) -> Tensor:
    mode = _current_mode()
    if axis is not None or not mode.plain:
        return _REFERENCE["mean"](self, axis)  # type: ignore[no-any-return]
    a = self.data
    return recorded(MEAN, (self,), (a,), (None,), _as_array(_quiet_mean(a)), None, mode.scope)


def _reshape_method(self: Tensor, *shape: Any) -> Tensor:
    target = shape[0] if len(shape) == 1 and type(shape[0]) is tuple else shape
    mode = _current_mode()
    if not mode.plain or any(type(n) is not int for n in target):
        return _REFERENCE["reshape"](self, *shape)  # type: ignore[no-any-return]
    a = self.data
    try:
        out = a.reshape(target)
    except ValueError:  # the reference names both shapes
        return _REFERENCE["reshape"](self, *shape)  # type: ignore[no-any-return]
    return recorded(RESHAPE, (self,), (a,), (tuple(target),), out, None, mode.scope)


def _apply_method(self: Tensor, row: Op, *params: float) -> Tensor:
    if row is _RELU.row and not params and _current_mode().plain:  # a layer's activation (nn.matrix.activate)
        return _relu_method(self)
    return _REFERENCE["apply"](self, row, *params)  # type: ignore[no-any-return]


INLINE: dict[str, Callable[..., Tensor]] = {
    "__matmul__": _matmul_method, "relu": _relu_method, "sum": _sum_method, "mean": _mean_method,
    "reshape": _reshape_method, "apply": _apply_method,
}
_REFERENCE: dict[str, Any] = {}  # Tensor's own methods, which the inline ones replace (the tests compare them)


def speed_up(tensor: type[Tensor]) -> None:
    """Put the inline ops on ``Tensor`` (``autograd.tensor`` calls this once, after defining it)."""
    for name in INLINE:
        _REFERENCE.setdefault(name, getattr(tensor, name))
    for symbol, word in name_of.items():
        for swapped in (False, True):
            name = f"__r{word}__" if swapped else f"__{word}__"
            _REFERENCE.setdefault(name, getattr(tensor, name))
            INLINE[name] = _binary(symbol, _FORWARDS[symbol], swapped)
    for name, inline in INLINE.items():
        inline.__doc__ = _REFERENCE[name].__doc__
        inline.__name__, inline.__qualname__ = name, f"{tensor.__name__}.{name}"
        setattr(tensor, name, inline)
