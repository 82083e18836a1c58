"""``scalar_view``: a Tensor computation rebuilt as an ordinary ``Value`` graph, one matrix op per scope.

Each leaf Tensor becomes one ``Value`` per element, labelled by position (``W[0,1]``); a leaf that
views Values (``Tensor.from_values``, a network's weights) becomes those very Values; a constant
becomes plain numbers folded into the ops, as the scalar engine keeps them. Each op node is then
rebuilt by its row's ``scalar`` form (``autograd.tensor_ops``: ``@`` as one ``dot`` per output
element, ``sum`` as one ``sum`` node, an elementwise op as its own scalar row), inside an
``autograd.scope`` named after the op (``W@x``), so ``viz.draw(..., collapse=["W@x"], parameters=[])`` shows the
matrix picture (``parameters=[]``: W's and x's elements feed the gate; by default a leaf only one group uses is
drawn inside it, as a neuron's weights are, and folds away with it) and ``expand`` opens it into its dot products.
The numbers are the same (sums may
round in another order than BLAS does) and, after ``backward()``, every scalar leaf's gradient is
the Tensor leaf's gradient at that position.

>>> from autograd import Tensor
>>> W = Tensor([[0.1, 0.5], [-0.3, 0.8]], label="W")
>>> x = Tensor([0.2, 0.4], label="x")
>>> nodes = {}
>>> f = scalar_view(((W @ x) ** 2).sum(), nodes)
>>> f.backward()
>>> round(f.data, 3), [round(v.grad, 3) for v in nodes[W].flat]
(0.116, [0.088, 0.176, 0.104, 0.208])
>>> nodes[W][0, 1].label, f.scope.name
('W[0,1]', 'Σ((W@x)**2)')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from autograd.modes import scope
from autograd.ops import Infix, number_text
from autograd.tensor import Tensor
from autograd.tensor_backprop import topological_order
from autograd.value import Value

Array = np.ndarray
_LONGEST = 32  # a scope name past this length is the op's own text (the formula would not fit a box)


def scalar_view(root: Tensor, nodes: dict[Tensor, Array] | None = None) -> Value | Array:
    """``root``'s computation as Values: a Value for a one-element ``root``, else an object array of Values.

    ``nodes``, when given, receives every Tensor of the graph mapped to its array of Values (or numbers,
    for a constant): ``nodes[W][i, j]`` is the scalar leaf for ``W[i, j]``.
    """
    if not isinstance(root, Tensor):
        raise TypeError(f"scalar_view: root must be a Tensor, got {type(root).__name__}")
    built: dict[Tensor, Array] = {} if nodes is None else nodes
    order = topological_order(root)
    names = formula_names(order)
    for node in order:
        _build(node, built, names)
    out = built[root]
    return out.reshape(-1)[0] if out.size == 1 else out  # type: ignore[no-any-return]


def formula_names(
    order: list[Tensor], given: Mapping[Tensor, str] | None = None, longest: int = _LONGEST, elide: bool = False
) -> dict[Tensor, str]:
    """A name for each Tensor of ``order`` (inputs first): its label, else the formula that made it (``W@x``,
    ``(W@x)**2``), or past ``longest`` (32) characters the op's own text (``elide``: the op with its operands
    written ``…``, ``Σ(…)``); constants by their number (or ``c``). A name in ``given`` is taken as it is.

    The scopes of ``scalar_view`` use these names; the Tensor drawings give their own short names (``W1``, ``Z1``).

    >>> from autograd import Tensor
    >>> from autograd.tensor_backprop import topological_order
    >>> W, x = Tensor([[1.0]], label="W"), Tensor([2.0], label="x")
    >>> order = topological_order(((W @ x) * 3.0).sum())
    >>> names = formula_names(order)
    >>> [names[node] for node in order]
    ['W', 'x', 'W@x', '(W@x)*3', 'Σ((W@x)*3)']
    """
    names: dict[Tensor, str] = {}
    for node in order:
        row = node.row
        if given is not None and node in given:
            names[node] = given[node]
            continue
        if row is None:
            names[node] = node.label or "t"
            continue
        for child in node.inputs:
            if child not in names:  # a constant (left out of the order: it has no gradient)
                names[child] = number_text(float(child.data)) if child.data.size == 1 else "c"
        name = node.label or _formula(node, [names[child] for child in node.inputs])
        if len(name) > longest:
            kept = [names[child] if child.constant else "…" for child in node.inputs]  # numbers stay: (…)/100
            name = _formula(node, kept) if elide else row.label(node.params)
        names[node] = name
    return names


def _operand(node: Tensor, built: dict[Tensor, Array]) -> Array:
    if node not in built:  # a constant (left out of the order: it has no gradient)
        built[node] = np.asarray(node.data, dtype=object)
    return built[node]


def _build(node: Tensor, built: dict[Tensor, Array], names: dict[Tensor, str]) -> None:
    row = node.row
    if row is None:  # a leaf
        built[node] = node.values if node.values is not None else _leaves(node)
        return
    operands = [_operand(child, built) for child in node.inputs]
    with scope(names[node], title=names[node]):
        out = np.asarray(row.scalar(operands, node.params), dtype=object)
    if node.label:
        for index, value in np.ndenumerate(out):
            if isinstance(value, Value) and not value.label:
                value.label = _element_label(node.label, index)
    built[node] = out


def _leaves(node: Tensor) -> Array:
    out = np.empty(node.data.shape, dtype=object)
    for index, number in np.ndenumerate(node.data):
        out[index] = Value(float(number), label=_element_label(node.label, index))
    return out


def _element_label(label: str, index: tuple[int, ...]) -> str:
    if not index:
        return label
    return f"{label}[{','.join(str(i) for i in index)}]"


def _formula(node: Tensor, operands: list[str]) -> str:
    row = node.row
    assert row is not None
    if row.row is not None and row.row.arity == 2:  # an elementwise infix or two-operand function
        if isinstance(row.row.notation, Infix):
            return f"{wrapped(operands[0])}{row.symbol}{wrapped(operands[1])}"
        return f"{row.symbol}({operands[0]},{operands[1]})"
    if row.name == "@":
        return f"{wrapped(operands[0])}@{wrapped(operands[1])}"
    if row.name == "T":
        return f"{wrapped(operands[0])}ᵀ"
    if row.name == "[]":
        return f"{wrapped(operands[0])}{row.label(node.params)}"
    if row.name == "reshape":
        return operands[0]
    axis = _axis_text(node.params) if row.name in ("sum", "mean", "max") else ""
    return f"{row.symbol}({operands[0]}{axis})"


def _axis_text(params: tuple[Any, ...]) -> str:
    return "" if not params or params[0] is None else f", axis {params[0]}"


def wrapped(text: str) -> str:
    """``text`` in parentheses unless it is one name or number (``W``, ``h1[0]``, ``2``)."""
    plain = text.replace("_", "").replace("[", "").replace("]", "").replace(",", "").replace(".", "")
    return text if plain.isalnum() else f"({text})"
