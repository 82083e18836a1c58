"""``grad``: gradients returned as Values, and with ``create_graph=True`` the backward pass as a graph.

Without ``create_graph`` this is the engine's own float backward (``backward``), run with every
``.grad`` saved and put back, so nothing is recorded and nothing is left changed.

With ``create_graph=True`` the chain rule runs again over the same reverse topological order,
but on Values: each node's local gradients come from its row's ``derivative`` (written in ops,
``autograd.derivatives``), each is multiplied by the node's upstream gradient and summed into
its inputs' gradients with ordinary ops. Every node made for one forward node is recorded in
``scope("∂ of <its gate>")``, so a diagram can draw or collapse "∂ of exp" as one gate. The
result is a graph like any other: ``grad`` of it gives third derivatives, and so on.

Constants stay plain floats while they can (an upstream gradient of 1, the local gradient 1 of
``+``), so the backward graph has no ``*1`` gates: the gradient of ``x + y`` with respect to ``x``
is the constant 1, a leaf. An input the output does not depend on gets a zero gradient (a leaf
holding 0.0), as does every derivative of it.

The graph's gradients equal ``backward``'s bit for bit on every row of the table (tanh's ``1 − out²``
to ulps of 1: backward uses sech², exact to the last bit); tests/autograd/test_higher_order.py checks
each row at ordinary and special inputs. One divergence is known and kept: a local gradient that is a
Value equal to 0 times an inf or nan upstream gives nan here, where ``backward`` skips the zero and
gives 0 (``exp(x).sqrt()`` at x = −800). The graph cannot skip it: that local gradient's own
derivative may be non-zero, and a higher derivative needs its node.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from autograd.backprop import _consumers_first, backward
from autograd.derivatives import DerivativeError, Local
from autograd.modes import is_recording, scope
from autograd.value import Value


def grad(output: Value, inputs: Value | Iterable[Value], create_graph: bool = False) -> tuple[Value, ...]:
    """∂output/∂input for each input, as a tuple of Values; every ``.grad`` is left untouched.

    ``inputs`` may be any nodes of the graph (leaves or not; a single Value is one input). With
    ``create_graph=True`` the returned Values carry the backward computation as a graph, so
    they can be differentiated again; without it they are plain leaves.

    >>> x = Value(2.0, label="x")
    >>> (dy_dx,) = grad(x**3, [x], create_graph=True)
    >>> (d2y_dx2,) = grad(dy_dx, [x])
    >>> dy_dx.data, d2y_dx2.data, x.grad
    (12.0, 12.0, 0.0)

    A result this call made is labelled ``∂y/∂x`` when the output and the input have labels.
    """
    wanted = _checked_inputs(output, inputs)
    if not create_graph:
        floats = _float_gradients(output, wanted)
        return tuple(Value(g, label=_name(output, node)) for g, node in zip(floats, wanted, strict=True))
    if not is_recording():
        raise RuntimeError("grad: create_graph=True inside no_grad() cannot record the backward graph; call it outside")
    forward = _consumers_first(output)
    gradient = _backward_graph(output, forward)
    forward_nodes = set(forward) if output.label else set()
    results = []
    for node in wanted:
        result = _as_value(gradient.get(node, 0.0))
        if not result.label and result not in forward_nodes:
            result.label = _name(output, node)  # a node this call made (not exp's output): name it for diagrams
        results.append(result)
    return tuple(results)


def _name(output: Value, node: Value) -> str:
    return f"∂{output.label}/∂{node.label}" if output.label and node.label else ""


def _checked_inputs(output: object, inputs: object) -> tuple[Value, ...]:
    if not isinstance(output, Value):
        raise TypeError(f"grad: output must be a Value, got {type(output).__name__}")
    if isinstance(inputs, Value):
        return (inputs,)
    if isinstance(inputs, (str, bytes)) or not isinstance(inputs, Iterable):
        raise TypeError(f"grad: inputs must be a Value or a list of Values, got {type(inputs).__name__}")
    wanted = tuple(inputs)
    for index, item in enumerate(wanted):
        if not isinstance(item, Value):
            raise TypeError(f"grad: inputs[{index}] must be a Value, got {type(item).__name__}")
    return wanted


def _float_gradients(output: Value, inputs: Sequence[Value]) -> list[float]:
    """The engine's own backward from ``output``, with every ``.grad`` it touches saved and restored."""
    nodes = [*_consumers_first(output), *inputs]
    saved = [(node, node.grad) for node in nodes]
    try:
        for node in nodes:
            node.grad = 0.0  # leaves too: backward adds into them
        backward(output)
        return [node.grad for node in inputs]
    finally:
        for node, before in saved:
            node.grad = before


def _backward_graph(output: Value, forward: Sequence[Value]) -> dict[Value, Local]:
    """∂output/∂node for every node in ``forward`` (the graph under ``output``, consumers first)."""
    gradient: dict[Value, Local] = {output: 1.0}
    for node in forward:  # consumers first: a node's gradient is complete when reached
        upstream = gradient.get(node)
        inputs = node.inputs
        if upstream is None or not inputs or (type(upstream) is float and not upstream):
            continue  # a constant zero gradient sends zero, as in backward
        row = node.row  # the row the node was made with, even if a re-run cell has redefined the gate since
        assert row is not None  # a node with inputs was made by an op
        derivative = row.derivative
        if derivative is None:
            raise DerivativeError(_missing_derivative(row.name, node))
        with scope(f"∂ of {row.label(node.const, node.const_left)}"):
            for child, local in zip(inputs, derivative.local_grads(node, row), strict=True):
                if type(local) is float and not local:
                    continue  # a zero local gradient sends zero, as in backward
                contribution = _times(local, upstream)
                earlier = gradient.get(child)
                gradient[child] = contribution if earlier is None else earlier + contribution
    return gradient


def _times(local: Local, upstream: Local) -> Local:
    """local × upstream, without a gate where one side is the constant ±1."""
    if type(upstream) is float:
        if upstream == 1.0:
            return local
        if type(local) is float:
            return local * upstream
    if type(local) is float:
        if local == 1.0:
            return upstream
        if local == -1.0:
            return -upstream
    return local * upstream


def _as_value(gradient: Local) -> Value:
    return gradient if isinstance(gradient, Value) else Value(gradient)


def _missing_derivative(name: str, node: Value) -> str:
    where = f" (node {node.label!r})" if node.label else ""
    return (
        f"grad(create_graph=True): the op {name!r}{where} has no derivative written in ops, so its gradient "
        f"cannot be differentiated again. Add one where the gate is defined: gate(..., name={name!r}, "
        "derivative=lambda out, x: (...,)), returning its local gradients as Value expressions "
        "(for a sigmoid: out * (1 - out)). First derivatives (create_graph=False) work without it."
    )
