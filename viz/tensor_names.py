"""The names a Tensor drawing writes, as the course notes write them: ``W1``, ``b1``, ``Z1 = X·W1 + b1``, ``H1``.

A *layer* is found in the graph by its shape, not by who made it: ``X @ W + b`` with ``W`` and ``b`` leaves used
nowhere else, and the one-operand elementwise op (the activation) that alone reads the sum, if there is one.
Layers are numbered in the order the graph computes them; a layer's Tensors are named from its number unless
the user named them (a label without a dot: ``nn``'s labels are module paths, ``layers.0.W``): ``W1``, ``b1``,
``Z1`` for the sum, ``H1`` for the activation. Every other Tensor is its label, or the formula that made it over
these names (``Σ(relu(1-c*s))``), or past 20 characters the op with its operands elided (``(…)/100``).

>>> from autograd import Tensor
>>> from autograd.tensor_backprop import topological_order
>>> X = Tensor([[1.0, 2.0]], label="X")
>>> W, b = Tensor([[0.5], [0.25]], label="layers.0.W"), Tensor([0.1], label="layers.0.b")
>>> naming = notes_names(((X @ W + b).relu() ** 2).sum())
>>> [naming.names[node] for node in topological_order(naming.root)]
['X', 'W1', 'X@W1', 'b1', 'Z1', 'H1', 'H1**2', 'f']
>>> naming.layers[0].equations(naming.names)
[('Z1', [('X', '1×2'), ('·', ''), ('W1', '2×1'), ('+', ''), ('b1', '1')]), ('H1', [('relu(Z1)', '1×1')])]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from autograd.modes import Scope
from autograd.scalar_view import formula_names
from autograd.tensor import Tensor
from autograd.tensor_backprop import topological_order

_LONGEST = 20  # a formula name past this is the op with its operands elided: a box's title stays short


def shape_text(shape: tuple[int, ...]) -> str:
    """A shape as the notes write it under a symbol: ``100×16``; a number's shape is ``scalar``."""
    return "×".join(str(n) for n in shape) if shape else "scalar"


@dataclass(frozen=True, eq=False)
class TensorLayer:
    """One ``act(X @ W + b)`` found in a graph: its number (from 1), its Tensors, and how it is titled."""

    number: int
    inputs: Tensor
    weights: Tensor
    product: Tensor
    bias: Tensor
    pre: Tensor
    activation: Tensor | None
    scope: Scope | None  # the scope holding all of it and nothing else (an nn layer's), else None

    @property
    def output(self) -> Tensor:
        """What the layer hands on: the activation, or the sum when there is none."""
        return self.activation if self.activation is not None else self.pre

    @property
    def members(self) -> tuple[Tensor, ...]:
        """The Tensors drawn inside the layer's box, in formula order."""
        return (self.weights, self.product, self.bias, self.pre) + (
            (self.activation,) if self.activation is not None else ())

    @property
    def shown(self) -> tuple[Tensor, ...]:
        """The Tensors whose numbers the collapsed box shows (``X·W`` is only written, in the equation)."""
        return tuple(node for node in self.members if node is not self.product)

    @property
    def title(self) -> str:
        """``layer 1`` (or the scope's title, when the layer is one scope)."""
        return self.scope.title if self.scope is not None else f"layer {self.number}"

    @property
    def handles(self) -> tuple[str, ...]:
        """The names ``expand`` takes for this layer: ``layer 1``, and its scope's name (``layers.0``) if any."""
        return (f"layer {self.number}",) + ((self.scope.name,) if self.scope is not None else ())

    def equations(self, names: Mapping[Tensor, str]) -> list[tuple[str, list[tuple[str, str]]]]:
        """The layer as the notes write it: each equation's left side and its right side as (symbol, shape)
        pieces, the shape written under the symbol (empty under an operator)."""
        pre = [(names[self.inputs], shape_text(self.inputs.shape)), ("·", ""),
               (names[self.weights], shape_text(self.weights.shape)), ("+", ""),
               (names[self.bias], shape_text(self.bias.shape))]
        written = [(names[self.pre], pre)]
        if self.activation is not None:
            assert self.activation.row is not None
            call = f"{self.activation.row.label(self.activation.params)}({names[self.pre]})"
            written.append((names[self.activation], [(call, shape_text(self.activation.shape))]))
        return written


@dataclass(frozen=True)
class NotesNaming:
    """A graph's names (``names``), its layers in order, and which layer holds each of their Tensors."""

    root: Tensor
    names: dict[Tensor, str]
    layers: list[TensorLayer]
    layer_of: dict[Tensor, TensorLayer] = field(repr=False)


def notes_names(root: Tensor, output_name: str = "f") -> NotesNaming:
    """Name ``root``'s graph as the notes do (see the module docstring); ``root`` is ``output_name`` unless
    labelled."""
    order = topological_order(root)
    layers = find_layers(order)
    given: dict[Tensor, str] = {}
    for layer in layers:
        k = layer.number
        given[layer.weights] = _own(layer.weights.label) or f"W{k}"
        given[layer.bias] = _own(layer.bias.label) or f"b{k}"
        given[layer.pre] = _own(layer.pre.label) or f"Z{k}"
        if layer.activation is not None:  # nn labels a hidden layer's output h1: the notes' H1
            label = _own(layer.activation.label)
            given[layer.activation] = f"H{k}" if label.lower() in ("", f"h{k}") else label
    if layers and layers[0].inputs.row is None and not layers[0].inputs.label:
        given[layers[0].inputs] = "X"  # the network's data, as the notes write it (not the anonymous leaf's "t")
    if root.row is not None and root not in given:
        given[root] = _own(root.label) or output_name
    names = formula_names(order, given, longest=_LONGEST, elide=True)
    for node in order:
        if node.row is None and node not in given and "." in node.label:
            names[node] = node.label.rsplit(".", 1)[1]  # a module path: its last part (θ for the L2 penalty)
    layer_of = {node: layer for layer in layers for node in layer.members}
    return NotesNaming(root, names, layers, layer_of)


def _own(label: str) -> str:
    """A label the user chose (kept), or "" for none or a module path (``layers.0.W``, named by the layer)."""
    return "" if "." in label else label


def find_layers(order: list[Tensor]) -> list[TensorLayer]:
    """Every ``act(X @ W + b)`` of ``order`` (inputs first), numbered in that order (see the module docstring)."""
    users: dict[Tensor, list[Tensor]] = {}
    for node in order:
        for child in node.inputs:
            users.setdefault(child, []).append(node)
    in_scope: dict[Scope | None, int] = {}
    for node in order:
        in_scope[node.scope] = in_scope.get(node.scope, 0) + 1
    layers: list[TensorLayer] = []
    for node in order:
        found = _layer_at(node, users)
        if found is None:
            continue
        product, weights, bias, activation = found
        members = [weights, product, bias, node] + ([activation] if activation is not None else [])
        scopes = {member.scope for member in members}
        only = next(iter(scopes)) if len(scopes) == 1 else None
        whole = only if only is not None and in_scope.get(only, 0) == len(members) else None
        layers.append(TensorLayer(len(layers) + 1, product.inputs[0], weights, product, bias, node, activation, whole))
    return layers


def _layer_at(
    node: Tensor, users: Mapping[Tensor, list[Tensor]]
) -> tuple[Tensor, Tensor, Tensor, Tensor | None] | None:
    """(X@W, W, b, activation or None) when ``node`` is the ``+`` of ``X @ W + b``, else None."""
    row = node.row
    if row is None or row.name != "+" or len(node.inputs) != 2:
        return None
    product, bias = node.inputs
    if product.row is None or product.row.name != "@" or not _own_leaf(bias, users):
        return None
    weights = product.inputs[1]
    if not _own_leaf(weights, users) or len(users.get(product, [])) != 1 or product.inputs[0] is weights:
        return None
    readers = users.get(node, [])
    activation = None
    if len(readers) == 1:
        reader = readers[0]
        scalar_row = reader.row.row if reader.row is not None else None
        if scalar_row is not None and scalar_row.arity == 1 and reader.scope == node.scope:
            activation = reader
    return product, weights, bias, activation


def _own_leaf(node: Tensor, users: Mapping[Tensor, list[Tensor]]) -> bool:
    """A parameter of one layer: a leaf with a gradient, read by one op only."""
    return node.row is None and not node.constant and len(users.get(node, [])) == 1
