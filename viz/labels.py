"""The text of gates and constants (numbers on wires and records: ``viz.number_format``).

Gate text comes from the op's own row in the engine's table (``autograd.ops``): its symbol, or
with a number folded in, the op written with ``x`` for its wire (``x*(-1)``, ``1+x``, ``1/x``),
or ``·`` when ``x`` names another value of the graph (``wire_placeholder``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING

from autograd import OPS
from autograd.ops import number_text

if TYPE_CHECKING:
    from viz.model.graph_model import Gate, GraphModel
    from viz.model.groups import Group
    from viz.options import DrawOptions

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


def op_text(op: str, const: float | None, wire: str = "x") -> str:
    """An op node's text in the graph style: its symbol, with a parameter (not an operand) folded in.

    Number operands are drawn as separate constant nodes in the graph style.

    >>> op_text("*", 2.0), op_text("leaky_relu", 0.01)
    ('*', 'leaky_relu(x,0.01)')
    """
    if const is None or is_operand_constant(op):
        return op_symbol(op)
    return gate_text(op, const, False, wire)


# what a gate's text calls its wire when ``x`` names another value of the graph
OTHER_WIRE = "·"


def wire_placeholder(gate_input_names: Iterable[str], graph_names: Collection[str]) -> str:
    """The letter a gate's text uses for its wire: ``x``, unless ``x`` names a different value in the same graph.

    >>> wire_placeholder(["y"], {"x", "y"}), wire_placeholder(["x"], {"x", "y"}), wire_placeholder(["q"], {"q"})
    ('·', 'x', 'x')
    """
    return "x" if "x" not in graph_names or "x" in gate_input_names else OTHER_WIRE


def gate_text(op: str, const: float | None, const_left: bool, wire: str = "x") -> str:
    """A gate's text in the circuit style: the op's row writes it, its number operand folded in.

    >>> [gate_text("*", -1.0, False), gate_text("+", 1.0, True), gate_text("/", 1.0, True), gate_text("/", 2.0, False)]
    ['x*(-1)', '1+x', '1/x', 'x/2']
    """
    row = OPS.get(op)
    return row.label(const, const_left, wire) if row is not None else op


def group_text(group: Group, symbols: Mapping[str, str], boxed: bool) -> str:
    """What a collapsed group's gate says: its symbol (``σ``), else its title (``neuron 3`` inside
    its layer's box, ``boxed``; ``neuron 3 of layer 2`` without boxes).

    >>> from viz.model.groups import Group
    >>> group = Group("s4", "layers.1.neurons.3", "", "s3", 1, True, False, "neuron 3", "neuron 3 of layer 2")
    >>> group_text(group, DEFAULT_GROUP_SYMBOLS, True), group_text(group, DEFAULT_GROUP_SYMBOLS, False)
    ('neuron 3', 'neuron 3 of layer 2')
    """
    return symbols.get(group.name) or group.shown_title(boxed)


def gate_wire(gate: Gate, model: GraphModel, options: DrawOptions, names: set[str]) -> str:
    """What ``gate``'s text calls its wire (``labels.wire_placeholder``): never a letter naming another value."""
    inputs = [options.name_of(model.value(model.edge(edge_id).source)) for edge_id in gate.inputs]
    return wire_placeholder(inputs, names)
