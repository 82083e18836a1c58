"""An op's derivative written in ops: the ``derivative`` of a row in ``autograd.ops``.

First-order backprop only needs each node's local gradients as floats, recorded when the node
was made. Gradients of gradients need them as ``Value`` expressions of the node's operands, so
that the backward pass is itself a graph that can be differentiated again
(``autograd.grad(..., create_graph=True)``). Each row says how, with one of three objects:

- ``WrittenInOps(function)``: ``function(out, *operands, *params)`` returns one local gradient per
  operand, written with ``Value`` ops (``exp`` → ``out``, ``log`` → ``1 / a``). Number operands
  arrive as floats; the gradients at their positions are not used.
- ``CONSTANT``: the local gradients are constant wherever they are defined (``+``, ``relu``,
  ``max``), so the recorded floats are the derivative and their own derivative is 0.
- ``BILINEAR``: ``dot``: each input's local gradient is the input it is multiplied by.

A row without a derivative (``None``) still backpropagates; ``create_graph`` through it is an
error naming the op (``autograd.higher_order``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, Union

from autograd.numerics import as_number

if TYPE_CHECKING:
    from autograd.ops import Op
    from autograd.value import Value

# a local gradient in the backward graph: a Value, or a plain float where it is a constant
Local = Union["Value", float]


class DerivativeError(TypeError):
    """An op's derivative cannot be written for a node: it has none, or the node lost what it needs."""


class Derivative:
    """How a row's local gradients are written in ops; each kind owns its rule."""

    def local_grads(self, node: Value, row: Op) -> tuple[Local, ...]:
        """One local gradient per input of ``node`` (made by ``row``), as Values or constant floats."""
        raise NotImplementedError


class Constant(Derivative):
    """Local gradients that are constant where defined (``+``: 1, ``relu``: 0 or 1): the recorded floats."""

    def local_grads(self, node: Value, row: Op) -> tuple[Local, ...]:
        return node.local_grads

    def __repr__(self) -> str:
        return "CONSTANT"


class DotLayout(NamedTuple):
    """A ``dot`` node's ``_const`` when a number stood in a pair: the bias number, who multiplies whom, and where
    each input stood in the call."""

    value: float | None
    partners: tuple[int, ...]  # per input, the index of the input it is multiplied by, -1 for none
    operands: tuple[int, ...]  # per input, its place in the call's w0, x0, w1, x1, …: 2i, 2i + 1, -1 for the bias


def dot_partners(node: Value) -> tuple[int, ...]:
    """For each input of a ``dot`` node, the index of the input it is multiplied by (-1: a number or the bias).

    ∂dot/∂w_i is its partner x_i; gradients of gradients need to know which input that is. With a
    Value in every pair the inputs are w0, x0, w1, x1, …, then the bias if it is a Value; otherwise
    the node keeps its ``DotLayout``.

    >>> from autograd import Value, dot
    >>> w, x = [Value(2.0), Value(3.0)], [Value(-1.0), 4.0]
    >>> dot_partners(dot(w, x, bias=Value(0.5)))
    (1, 0, -1, -1)
    """
    layout = node._const
    if isinstance(layout, DotLayout):
        return layout.partners
    count = len(node.inputs)
    return tuple(index ^ 1 for index in range(count - count % 2)) + (-1,) * (count % 2)


def dot_operands(node: Value) -> tuple[int, ...]:
    """For each input of a ``dot`` node, where it stood in the call: ``2i`` for ``ws[i]``, ``2i + 1`` for ``xs[i]``,
    -1 for the bias.

    >>> from autograd import Value, dot
    >>> dot_operands(dot([Value(2.0), Value(3.0)], [-1.0, 4.0], bias=Value(0.5)))
    (0, 2, -1)
    """
    layout = node._const
    if isinstance(layout, DotLayout):
        return layout.operands
    count = len(node.inputs)
    return tuple(range(count - count % 2)) + (-1,) * (count % 2)


def dot_numbers(node: Value) -> tuple[tuple[int, int, float], ...]:
    """The numbers among a ``dot`` node's ``xs``: ``(k, i, xs[i])`` for each input ``k`` that is a weight ``ws[i]``
    multiplied by a number (its local gradient is that number). A drawing shows them as inputs ``x[i]``.

    >>> from autograd import Value, dot
    >>> dot_numbers(dot([Value(2.0), Value(3.0)], [-1.0, Value(4.0)], bias=Value(0.5)))
    ((0, 0, -1.0),)
    """
    partners, operands, local = dot_partners(node), dot_operands(node), node.local_grads
    return tuple(
        (k, operands[k] // 2, local[k]) for k in range(len(partners))
        if partners[k] < 0 and operands[k] >= 0 and operands[k] % 2 == 0
    )


class Bilinear(Derivative):
    """``dot``: ∂/∂w_i = x_i and ∂/∂x_i = w_i (the partner Value), or the recorded number (a constant)."""

    def local_grads(self, node: Value, row: Op) -> tuple[Local, ...]:
        inputs, recorded = node.inputs, node.local_grads
        return tuple(
            inputs[partner] if partner >= 0 else recorded[index] for index, partner in enumerate(dot_partners(node))
        )

    def __repr__(self) -> str:
        return "BILINEAR"


CONSTANT = Constant()
BILINEAR = Bilinear()


class WrittenInOps(Derivative):
    """``function(out, *operands, *params)`` → one local gradient per operand, written with Value ops.

    >>> from autograd import Value
    >>> from autograd.ops import OPS
    >>> x = Value(2.0)
    >>> y = x.log()
    >>> (local,) = OPS["log"].derivative.local_grads(y, OPS["log"])
    >>> local.op, local.const, local.inputs == (x,), local.data
    ('/', 1.0, True, 0.5)
    """

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function

    def local_grads(self, node: Value, row: Op) -> tuple[Local, ...]:
        operands, positions = _operands(node, row)
        params = _params(node, row)
        result = self.function(node, *operands, *params)
        if not isinstance(result, (tuple, list)) or len(result) != len(operands):
            raise DerivativeError(
                f"the derivative of {row.name!r} must return a tuple of {len(operands)} local gradient(s) "
                f"(one per operand), got {result!r}"
            )
        return tuple(_checked(result[position], type(node), row, position) for position in positions)

    def __repr__(self) -> str:
        return f"WrittenInOps({getattr(self.function, '__qualname__', self.function)!r})"


def _checked(local: object, value: type[Value], row: Op, position: int) -> Local:
    if isinstance(local, value):  # the node's own class: this module never imports Value
        return local
    number = as_number(local) if not isinstance(local, bool) else None
    if number is None:
        raise DerivativeError(
            f"the derivative of {row.name!r} returned {local!r} for operand {position}: "
            "each local gradient must be a Value or a number"
        )
    return number


def _operands(node: Value, row: Op) -> tuple[list[Local], list[int]]:
    """The node's operands in call order (Values and number operands) and the positions of its inputs.

    A node keeps its Values and at most one number (``const``, with the side it stood on), so the
    call is rebuilt exactly for one- and two-operand ops; a longer call with numbers in it is not.
    """
    inputs: list[Local] = list(node.inputs)
    arity = row.arity if row.arity is not None else len(inputs)
    missing = arity - len(inputs)
    if missing == 0:
        return inputs, list(range(arity))
    number = node.const
    if missing == 1 and arity == 2 and number is not None and row.const_is_operand:
        if node.const_left:
            return [number, inputs[0]], [1]
        return [inputs[0], number], [0]
    raise DerivativeError(
        f"{row.name!r} was applied to number operands whose positions its node does not keep; "
        f"pass them as Values (Value(2.0)) to differentiate through {row.name!r} twice"
    )


def _params(node: Value, row: Op) -> tuple[float, ...]:
    if not row.params:
        return ()
    if len(row.params) == 1 and node.const is not None:
        return (node.const,)
    raise DerivativeError(
        f"{row.name!r} has {len(row.params)} parameters and its nodes keep only one number; "
        f"its gradient cannot be differentiated again"
    )
