"""Reverse-mode backprop over a ``Value`` graph: the one place the chain rule is applied.

Algorithm: count, for each node reachable from the root, how many times it is used as an
input; then release nodes consumer-first (Kahn's algorithm), which is a reverse
topological order. Both passes use explicit stacks, so depth is limited only by memory
(a chain of a million ops backpropagates). Every node then sends
``local_grad × node.grad`` to each of its inputs, where it is summed (``_propagate``, the chain rule).
Without an observer, ``backward`` runs the same loop fused for speed (``autograd.fast.backward``).

Renderers observe backprop through ``on_step`` / ``backward_steps`` instead of
re-implementing it: each ``BackwardStep`` is the engine's own record of one node's step.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import NamedTuple

from autograd import fast
from autograd.numerics import to_number
from autograd.value import Value


class BackwardEdge(NamedTuple):
    """What one node sent to one of its inputs during backward."""

    position: int  # index in node.inputs (``a*a`` has edges 0 and 1 to the same Value)
    input_node: Value
    local_grad: float  # ∂node/∂input, recorded when the node was made
    contribution: float  # local_grad × node's gradient
    accumulated: float  # the input's gradient right after adding this contribution (running sum at forks)


class BackwardStep(NamedTuple):
    """One node processed by backward: its final gradient and what it sent to each input."""

    node: Value
    grad: float  # ∂root/∂node (upstream gradient), complete when the node is processed
    edges: tuple[BackwardEdge, ...]


def _check_node(node: object, function: str, argument: str) -> None:
    if not isinstance(node, Value):
        raise TypeError(f"{function}: {argument} must be a Value, got {type(node).__name__}")


def _consumers_first(root: Value, stop: Collection[Value] = ()) -> list[Value]:
    """Every node reachable from ``root``, each after all nodes that use it (reverse topological order).

    Nodes in ``stop`` are included but not expanded, as if they were leaves.
    """
    uses: dict[Value, int] = {}
    stack = [root]
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        if stop and node in stop:
            continue
        for child in node.inputs:
            count = uses.get(child)
            if count is None:
                uses[child] = 1
                push(child)
            else:
                uses[child] = count + 1
    order: list[Value] = []
    append = order.append
    ready = [root]
    pop, push = ready.pop, ready.append
    while ready:
        node = pop()
        append(node)
        if stop and node in stop:
            continue
        for child in node.inputs:
            remaining = uses[child] - 1
            uses[child] = remaining
            if remaining == 0:
                push(child)
    return order


def topological_order(root: Value) -> list[Value]:
    """The nodes of ``root``'s graph, each after all of its inputs (the root last).

    Deterministic: it depends only on the graph's structure and the inputs' call order.

    >>> x, y = Value(1.0, label="x"), Value(2.0, label="y")
    >>> [n.label or n.op for n in topological_order(x * y + x)]
    ['x', 'y', '*', '+']
    """
    _check_node(root, "topological_order", "root")
    order = _consumers_first(root)
    order.reverse()
    return order


def _propagate(order: Sequence[Value], on_step: Callable[[BackwardStep], None] | None) -> None:
    """Apply the chain rule over ``order`` (consumers first); each node's gradient is final when reached.

    This is the reference version of backprop: ``autograd.fast.backward`` gives the same
    gradients bit for bit (tests/autograd/test_fast.py checks it on random graphs).
    """
    for node in order:
        inputs = node.inputs
        if not inputs:
            continue
        g = node.grad
        edges = []
        for position, (child, local) in enumerate(zip(inputs, node.local_grads, strict=True)):
            contribution = 0.0
            # zero sends zero: a zero local gradient even times an inf or nan gradient (as torch), and a zero
            # gradient even times a local gradient that overflowed (1/x at a subnormal x is inf; torch's g/x is 0)
            if local and g:
                contribution = local * g
                child.grad += contribution
            edges.append(BackwardEdge(position, child, local, contribution, child.grad))
        if on_step is not None:
            on_step(BackwardStep(node, g, tuple(edges)))


def backward(root: Value, grad: float = 1.0, *, on_step: Callable[[BackwardStep], None] | None = None) -> None:
    """Fill ``.grad`` of every node in ``root``'s graph with ∂root/∂node, scaled by ``grad``.

    Each call resets the non-leaf gradients of this graph and recomputes them (diagrams show
    this pass); leaf gradients accumulate across calls, like PyTorch: for ``x = 2``,
    ``y = x*x``, ``z = 3*y``, calling ``z.backward()`` twice leaves ``x.grad == 24``.
    Two threads must not backpropagate through shared nodes at the same time.
    """
    _check_node(root, "backward", "the output")
    seed = to_number(grad, "backward: grad")
    if seed is None:
        raise TypeError(f"backward: grad must be a real number, got {type(grad).__name__}")
    if on_step is None:  # nobody watches: the same loop, fused for speed (read autograd/fast.py after this one)
        fast.backward(root, seed)
        return
    order = _consumers_first(root)
    for node in order:
        if node.inputs:
            node.grad = 0.0
    root.grad += seed
    _propagate(order, on_step)


def backward_steps(root: Value, grad: float = 1.0) -> list[BackwardStep]:
    """Run ``backward`` and return its steps, in the order the engine took them.

    >>> x = Value(3.0, label="x")
    >>> steps = backward_steps(x * x)
    >>> [(e.contribution, e.accumulated) for e in steps[0].edges]
    [(3.0, 3.0), (3.0, 6.0)]
    """
    steps: list[BackwardStep] = []
    backward(root, grad, on_step=steps.append)
    return steps


def gradients(output: Value, wrt: Sequence[Value]) -> tuple[float, ...]:
    """∂output/∂w for each ``w`` in ``wrt``, treating each ``w`` as a leaf; every ``.grad`` is left as it was.

    Used to collapse a group of nodes into one gate whose local gradient is the group's.

    >>> x = Value(0.0)
    >>> s = 1 / (1 + (-x).exp())
    >>> gradients(s, [x])
    (0.25,)
    """
    _check_node(output, "gradients", "output")
    for index, w in enumerate(wrt):
        _check_node(w, "gradients", f"wrt[{index}]")
    stop = set(wrt)
    order = _consumers_first(output, stop)
    # order holds every node in between, and the stop nodes that are reachable
    saved = [(node, node.grad) for node in order]
    saved.extend((node, node.grad) for node in stop)
    try:
        for node, _ in saved:
            node.grad = 0.0
        output.grad = 1.0
        _propagate([node for node in order if node not in stop], None)
        return tuple(w.grad for w in wrt)
    finally:
        for node, grad in saved:
            node.grad = grad
