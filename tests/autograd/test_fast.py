"""The fast paths of autograd.fast, each against the reference code it stands in for."""

from __future__ import annotations

from autograd import Value, current_scope, detect_anomaly, no_grad, scope
from autograd.fast import place_in_new_scope


def test_place_in_new_scope_gives_what_a_with_block_gives() -> None:
    x = Value(1.0, label="x")
    with scope("layer", title="layer 1") as layer:
        with scope("neuron", title="neuron 0"):
            inside = (x * 2.0).exp()
        made = x * 2.0
        placed = made.exp()
        place_in_new_scope((made, placed), "neuron", "neuron 0")
    group = placed.scope
    assert group is not None and made.scope is group and group is not inside.scope
    assert inside.scope is not None
    assert (group.name, group.title, group.parent) == (inside.scope.name, inside.scope.title, inside.scope.parent)
    assert group.parent is layer and x.scope is None


def test_place_in_new_scope_moves_only_recorded_ops_of_the_current_scope() -> None:
    x = Value(1.0)
    with scope("elsewhere"):
        earlier = x * 3.0
    made = x * 2.0
    place_in_new_scope((x, earlier, made), "neuron")
    assert x.scope is None and earlier.scope is not None and earlier.scope.name == "elsewhere"
    assert made.scope is not None and made.scope.name == "neuron" and made.scope.parent is None
    with no_grad():
        leaf = x * 2.0
        place_in_new_scope((leaf,), "neuron")
    assert leaf.scope is None and leaf.op == ""
    with detect_anomaly():
        checked = x * 2.0
        place_in_new_scope((checked,), "neuron")
    assert checked.scope is not None and checked.scope.name == "neuron"
    assert current_scope() is None
