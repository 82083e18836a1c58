"""Reverse-mode backprop over a ``Tensor`` graph: the scalar engine's algorithm with arrays.

Count each node's consumers, then release nodes consumer-first (Kahn's algorithm) on explicit
stacks, so depth is limited only by memory. Each released node sends ``row.vjp`` of its gradient to
each operand that is not a constant, summed back to the operand's shape. Gradients of non-leaf
nodes are recomputed on every call; leaves accumulate. A leaf that views ``Value``s passes each of
them its share: a leaf Value adds it to ``.grad``, a computed Value backpropagates it through its graph.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from autograd.backprop import backward as value_backward
from autograd.tensor import Tensor, _memory_order, checked_array

Array = np.ndarray


class TensorEdge(NamedTuple):
    """What one Tensor node sent to one operand during backward (already summed back to the operand's shape)."""

    position: int
    input_node: Tensor
    contribution: Array


class TensorStep(NamedTuple):
    """One Tensor node processed by backward: its complete gradient and what it sent to each operand."""

    node: Tensor
    grad: Array
    edges: tuple[TensorEdge, ...]


def sum_to_shape(g: Array, shape: tuple[int, ...]) -> Array:
    """``g`` summed over the axes broadcasting added or stretched, down to ``shape``.

    >>> sum_to_shape(np.ones((3, 2)), (2,)).tolist(), sum_to_shape(np.ones((3, 2)), (3, 1)).tolist()
    ([3.0, 3.0], [[2.0], [2.0], [2.0]])
    """
    if g.shape == shape:
        return g
    extra = g.ndim - len(shape)
    if extra:
        g = g.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if stretched:
        g = g.sum(axis=stretched, keepdims=True)
    return np.broadcast_to(g, shape) if g.shape != shape else g


def _seed(root: Tensor, grad: Any) -> Array:
    if grad is None:
        if root.data.size != 1:
            raise ValueError(
                f"backward: the output has shape {root.shape}; give a seed of that shape (backward(grad)) "
                "or reduce it first (.sum(), .mean())"
            )
        return np.ones(root.data.shape)
    seed = checked_array(grad, "backward: grad")
    if seed.shape != root.data.shape:
        raise ValueError(f"backward: a seed of shape {seed.shape} for an output of shape {root.shape}")
    return seed


def consumers_first(root: Tensor) -> list[Tensor]:
    """Every node reachable from ``root`` through non-constant operands, each after all nodes that use it."""
    uses: dict[Tensor, int] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        for child in node._in or ():
            if child._constant:
                continue
            count = uses.get(child)
            if count is None:
                stack.append(child)
            uses[child] = (count or 0) + 1
    order: list[Tensor] = []
    ready = [root]
    while ready:
        node = ready.pop()
        order.append(node)
        for child in node._in or ():
            if child._constant:
                continue
            remaining = uses[child] - 1
            uses[child] = remaining
            if remaining == 0:
                ready.append(child)
    return order


def topological_order(root: Tensor) -> list[Tensor]:
    """The nodes of ``root``'s graph (constants left out), each after its inputs, the root last."""
    order = consumers_first(root)
    order.reverse()
    return order


def backward(root: Tensor, grad: Any = None, *, on_step: Callable[[TensorStep], None] | None = None) -> None:
    """Fill ``.grad`` of every node under ``root`` with ∂root/∂node (``Tensor.backward``).

    ``on_step`` is called once per node, in the order backward takes them, with a ``TensorStep`` (the player's
    record: the engine's own order and gradients).
    """
    if not isinstance(root, Tensor):
        raise TypeError(f"backward: the output must be a Tensor, got {type(root).__name__}")
    seed = _seed(root, grad)
    with np.errstate(all="ignore"):  # IEEE results (inf·0 = nan) without numpy's warnings, as the scalar engine
        if on_step is None:  # nobody watches: the same loop, for speed (read autograd/tensor_fast.py after this one)
            tensor_fast.backward(root, seed)
        else:
            _propagate(root, seed, on_step)


def _propagate(root: Tensor, seed: Array, on_step: Callable[[TensorStep], None] | None) -> None:
    received: dict[Tensor, Array] = {root: seed}  # what each node has been sent in this call
    for node in consumers_first(root):
        g = received.pop(node, None)
        if g is None:
            g = np.zeros(node.data.shape)
        if node._in is None:  # a leaf: accumulate, and pass the share on to the Values it views
            node._grad = g.copy() if node._grad is None else node._grad + g
            if node._sink is not None:  # the Values live in arrays: the gradient goes there whole (nn.parameter_home)
                node._sink(g)
            elif node._values is not None:
                _to_values(node._values, g)
            if on_step is not None:
                on_step(TensorStep(node, g, ()))
            continue
        node._grad = g if g.flags.writeable else g.copy()
        row, where = node._row, node._saved
        assert row is not None  # recorded with its row
        edges = []
        for position, child in enumerate(node._in):
            if child._constant:
                continue
            sent = sum_to_shape(row.vjp(g, where, position), child.data.shape)
            before = received.get(child)
            received[child] = sent if before is None else before + sent
            if on_step is not None:
                edges.append(TensorEdge(position, child, sent))
        if on_step is not None:
            on_step(TensorStep(node, node._grad, tuple(edges)))


def tensor_backward_steps(root: Tensor, grad: Any = None) -> list[TensorStep]:
    """Run ``backward`` and return its steps, in the order the engine took them.

    >>> x = Tensor([1.0, 2.0], label="x")
    >>> steps = tensor_backward_steps((x * x).sum())
    >>> [step.node.op or step.node.label for step in steps], steps[1].edges[0].contribution.tolist()
    (['sum', '*', 'x'], [1.0, 2.0])
    """
    steps: list[TensorStep] = []
    backward(root, grad, on_step=steps.append)
    return steps


def _to_values(values: Array, g: Array) -> None:
    computed = []
    order = _memory_order(values)  # a layer's weights are a transposed view: walk both in its memory order
    shares = np.broadcast_to(g, values.shape).ravel(order).tolist()
    for value, share in zip(values.ravel(order), shares, strict=True):
        if value._in is None:
            value.grad += share
        else:
            computed.append((value, share))
    for value, share in computed:
        value_backward(value, share)


# Read autograd/tensor_fast.py after this file: it runs backward when nobody watches, built on the code above.
from autograd import tensor_fast  # noqa: E402 - imported last: it builds on this module
