"""The notes' names of a Tensor graph: layers found by their shape, named from their number, formulas kept short."""

from __future__ import annotations

import numpy as np

from autograd import Tensor, scope
from autograd.tensor_backprop import topological_order
from nn import MLP
from viz.tensor_names import find_layers, notes_names


def _names(root: Tensor) -> list[str]:
    naming = notes_names(root)
    return [naming.names[node] for node in topological_order(root)]


def test_an_mlps_layers_are_named_from_their_number_and_titled_by_their_scope() -> None:
    out = MLP(2, [3, 1], seed=0)(Tensor(np.ones((4, 2)), label="X"))
    naming = notes_names(out.sum())
    assert [layer.title for layer in naming.layers] == ["layer 1", "layer 2"]
    assert [layer.handles for layer in naming.layers] == [("layer 1", "layers.0"), ("layer 2", "layers.1")]
    first, last = naming.layers
    assert [naming.names[node] for node in first.members] == ["W1", "X@W1", "b1", "Z1", "H1"]  # nn's h1 → H1
    assert last.activation is None and naming.names[last.pre] == "Z2"
    assert first.equations(naming.names)[0] == ("Z1", [("X", "4×2"), ("·", ""), ("W1", "2×3"), ("+", ""),
                                                        ("b1", "3")])


def test_a_users_own_labels_are_kept() -> None:
    x, w, b = Tensor(np.ones((2, 2)), label="X"), Tensor(np.ones((2, 2)), label="weights"), Tensor(np.ones(2))
    z = x @ w + b
    z.label = "scores"
    assert _names(z.tanh().sum()) == ["X", "weights", "X@weights", "b1", "scores", "H1", "f"]


def test_only_x_at_w_plus_b_with_its_own_leaves_is_a_layer() -> None:
    x, w, b = Tensor(np.ones((2, 2)), label="X"), Tensor(np.ones((2, 2)), label="W"), Tensor(np.ones(2), label="b")
    assert find_layers(topological_order((x @ w).sum())) == []  # no bias
    assert find_layers(topological_order((x @ w + b + w.sum()).sum())) == []  # W read twice: shared, not a layer's
    assert find_layers(topological_order((w @ x + b).sum())) != []  # any computed or leaf left operand
    with scope("elsewhere"):
        pre = x @ w + b
    layer = find_layers(topological_order(pre.relu().sum()))[0]
    assert layer.activation is None  # an op outside the layer's scope is not its activation


def test_a_long_formula_is_the_op_with_its_operands_elided_and_its_numbers_kept() -> None:
    x = Tensor(np.ones(3), label="x")
    long = ((((x * 2.0).exp() + 1.0).log() * 3.0).sum() / 100.0)
    assert _names(long) == ["x", "x*2", "exp(x*2)", "(exp(x*2))+1", "log((exp(x*2))+1)", "(…)*3", "Σ((…)*3)", "f"]
    assert all(len(name) <= 20 for name in _names(long * 2.0))


def test_a_networks_unlabelled_data_is_x_as_the_notes_write_it() -> None:
    data = Tensor(np.ones((4, 2)))  # no label: the anonymous leaf would read "t"
    naming = notes_names(MLP(2, [3, 1], seed=0)(data).sum())
    assert naming.names[data] == "X"
    assert naming.layers[0].equations(naming.names)[0][1][0] == ("X", "4×2")
