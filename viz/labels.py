"""The text of gates and constants (numbers on wires and records: ``viz.number_format``).

Gate text comes from the op's own row in the engine's table (``autograd.ops``): its symbol, or
with a number folded in, the op written with ``x`` for its wire (``x*(-1)``, ``1+x``, ``1/x``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from autograd import OPS
from autograd.ops import number_text

if TYPE_CHECKING:
    from viz.model.groups import Group

# What a collapsed group shows when its name has a well-known symbol; ``draw(group_symbols=...)`` overrides it.
DEFAULT_GROUP_SYMBOLS: Mapping[str, str] = {"sigmoid gate": "σ"}


def constant_text(c: float) -> str:
    """A constant drawn on its own, as the op table writes numbers (``autograd.ops.number_text``: ``1`` not
    ``1.0``, ``0.5``, ``1e-05``), without the parentheses a negative one gets inside an expression.

    >>> constant_text(1.0), constant_text(-1.0), constant_text(0.125), constant_text(float("-inf"))
    ('1', '-1', '0.125', '-inf')
    """
    return number_text(c).removeprefix("(").removesuffix(")")


def op_symbol(op: str) -> str:
    """The symbol an op is drawn with (``σ`` for sigmoid), from its row; else its engine name.

    >>> op_symbol("sigmoid"), op_symbol("exp")
    ('σ', 'exp')
    """
    row = OPS.get(op)
    return row.shown if row is not None else op


def is_operand_constant(op: str) -> bool:
    """True when an op's ``const`` is a number operand (drawn as a constant), not a parameter.

    >>> is_operand_constant("*"), is_operand_constant("leaky_relu")
    (True, False)
    """
    row = OPS.get(op)
    return row is None or row.const_is_operand


def op_text(op: str, const: float | None) -> str:
    """An op node's text in the graph style: its symbol, with a parameter (not an operand) folded in.

    Number operands are drawn as separate constant nodes in the graph style.

    >>> op_text("*", 2.0), op_text("leaky_relu", 0.01)
    ('*', 'leaky_relu(x,0.01)')
    """
    if const is None or is_operand_constant(op):
        return op_symbol(op)
    return gate_text(op, const, False)


def gate_text(op: str, const: float | None, const_left: bool) -> str:
    """A gate's text in the circuit style: the op's row writes it, its number operand folded in.

    >>> [gate_text("*", -1.0, False), gate_text("+", 1.0, True), gate_text("/", 1.0, True), gate_text("/", 2.0, False)]
    ['x*(-1)', '1+x', '1/x', 'x/2']
    """
    row = OPS.get(op)
    return row.label(const, const_left) if row is not None else op


def group_text(group: Group, symbols: Mapping[str, str], boxed: bool) -> str:
    """What a collapsed group's gate says: its symbol (``σ``), else its title (``neuron 3`` inside
    its layer's box, ``boxed``; ``neuron 3 of layer 2`` without boxes).

    >>> from viz.model.groups import Group
    >>> group = Group("s4", "layers.1.neurons.3", "", "s3", 1, True, False, "neuron 3", "neuron 3 of layer 2")
    >>> group_text(group, DEFAULT_GROUP_SYMBOLS, True), group_text(group, DEFAULT_GROUP_SYMBOLS, False)
    ('neuron 3', 'neuron 3 of layer 2')
    """
    return symbols.get(group.name) or group.shown_title(boxed)
