"""The text each drawn element shows: numbers, the "—" of a missing gradient, and gate symbols.

Numbers use a Python format spec (``".4f"``, ``".3g"``); ``nan`` and infinities are spelled
out. A gradient that was never computed (the graph has not been through ``backward()``) is
``None`` in the graph model and shows as ``NO_GRADIENT`` ("—"), never as a misleading 0.

Gate text comes from the op's own row in the engine's table (``autograd.ops``): its symbol, or
with a number folded in, the op written with ``x`` for its wire (``x*(-1)``, ``1+x``, ``1/x``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from autograd import OPS

if TYPE_CHECKING:
    from viz.model.groups import Group

NO_GRADIENT = "—"

# What a collapsed group shows when its name has a well-known symbol; ``draw(group_symbols=...)`` overrides it.
DEFAULT_GROUP_SYMBOLS: Mapping[str, str] = {"sigmoid gate": "σ"}


def check_number_format(number_format: str) -> str:
    """``number_format`` if it is a valid format spec for floats, else a ValueError naming it.

    >>> check_number_format(".2f")
    '.2f'
    """
    try:
        format(1.5, number_format)
    except (ValueError, TypeError) as error:
        raise ValueError(f"number_format {number_format!r} is not a format spec for floats ({error})") from None
    return number_format


def format_number(x: float, number_format: str) -> str:
    """``x`` as text: ``format(x, number_format)``, with ``nan``, ``inf`` and ``-inf`` spelled out.

    >>> format_number(-0.19661193324148188, ".2f"), format_number(float("-inf"), ".2f")
    ('-0.20', '-inf')
    """
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return format(x, number_format)


def format_gradient(grad: float | None, number_format: str) -> str:
    """A gradient as text, or ``NO_GRADIENT`` ("—") when it was never computed.

    >>> format_gradient(None, ".4f"), format_gradient(0.25, ".4f")
    ('—', '0.2500')
    """
    return NO_GRADIENT if grad is None else format_number(grad, number_format)


def constant_text(c: float) -> str:
    """A folded constant, short: ``1`` not ``1.0``, ``0.5``, ``1e-05``.

    >>> constant_text(1.0), constant_text(-1.0), constant_text(0.125)
    ('1', '-1', '0.125')
    """
    if math.isfinite(c) and c == int(c) and abs(c) < 1e15:
        return str(int(c))
    return format_number(c, "g")


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
