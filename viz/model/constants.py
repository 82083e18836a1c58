"""A network's inputs given as plain numbers, drawn as input wires ``x[0]``, ``x[1]``, ….

``MLP(...)([0.5, -1.0])`` folds the numbers into its first layer's ``dot`` nodes: each weight's
local gradient is the number it multiplies (``autograd.derivatives.dot_numbers``). Wrapping them
as Values would cost the engine a node per input per example (+18 M instructions per demo step),
so the drawing finds them instead: one input per position ``i`` of the ``xs`` the neurons share,
named ``x[i]`` as ``nn.MLP`` names Value inputs. They are numbers: the engine keeps no gradient for
them, and a drawing says so (an empty gradient slot; the player's arithmetic still shows what each
gate sends them).

Only ``dot`` nodes inside a group inside a group (a neuron in a layer) count, and only when every
such node agrees on the number at each position. In a batch loss the first sample's numbers are
drawn so (its path is the one drawn in full); each later sample has its own numbers, folded into
its gate.

>>> from nn import MLP
>>> from viz.model.groups import GraphIndex
>>> from autograd import topological_order
>>> out = MLP(2, [3, 1], seed=0)([0.5, -1.0])
>>> shared_numbers(GraphIndex(out, topological_order(out), None)).numbers
{0: 0.5, 1: -1.0}
"""

from __future__ import annotations

from dataclasses import dataclass

from autograd.derivatives import dot_numbers
from viz.model.groups import GraphIndex

# how an input given as a number is named (``nn.MLP`` names Value inputs alike)
INPUT_NAME = "x[{}]"


@dataclass(frozen=True)
class SharedNumbers:
    """``numbers``: the number at each input position (ascending); ``users``: each ``dot`` node taking them
    (by topological position), with its ``(input k, position)`` pairs: weight ``k`` multiplies ``x[position]``."""

    numbers: dict[int, float]
    users: dict[int, tuple[tuple[int, int], ...]]


NONE = SharedNumbers({}, {})


def shared_numbers(index: GraphIndex) -> SharedNumbers:
    """The numbers the neurons' ``dot`` nodes take at each input position, and who takes them (``NONE``: no
    numbers, or they disagree)."""
    numbers: dict[int, float] = {}
    users: dict[int, tuple[tuple[int, int], ...]] = {}
    for i, node in enumerate(index.order):
        scope = index.member_scope[i]
        if node.op != "dot" or scope is None or index.depth[scope] < 1 or index.sample_of_node[i] is not None:
            continue  # not a neuron's dot, or a later sample's (its own numbers, folded into its gate)
        found = dot_numbers(node)
        for _, position, number in found:
            if numbers.setdefault(position, number) != number:  # a batch: each sample has its own
                return NONE
        if found:
            users[i] = tuple((k, position) for k, position, _ in found)
    return SharedNumbers(dict(sorted(numbers.items())), users)


def constant_id(position: int) -> str:
    """The drawn id of the input at ``position`` (``c0``): the graph model's ids for values are ``n7``."""
    return f"c{position}"
