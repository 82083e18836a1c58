"""The text of gates and constants (numbers on wires and records: ``viz.number_format``).

Gate text folds an op's number operand into the op, as the cs231n figures do: ``-x`` is the
``*-1`` gate, ``1 + x`` the ``+1`` gate, ``1 / x`` the ``1/x`` gate.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

# Ops drawn with a symbol instead of their engine name.
OP_SYMBOLS: Mapping[str, str] = {"sigmoid": "σ", "sqrt": "√", "abs": "|x|", "sum": "Σ"}

# Ops whose number is an operand (``x * 2``) rather than a parameter (a leaky ReLU's slope).
_OPERAND_OPS = frozenset({"+", "-", "*", "/", "**", "max", "min", "sum", "dot"})
_COMMUTATIVE_OPS = frozenset({"+", "*"})

# What a collapsed group shows when its name has a well-known symbol; ``draw(group_symbols=...)`` overrides it.
DEFAULT_GROUP_SYMBOLS: Mapping[str, str] = {"sigmoid gate": "σ"}


def constant_text(c: float) -> str:
    """A folded constant, short: ``1`` not ``1.0``, ``0.5``, ``1e-05``.

    >>> constant_text(1.0), constant_text(-1.0), constant_text(0.125)
    ('1', '-1', '0.125')
    """
    if math.isfinite(c) and c == int(c) and abs(c) < 1e15:
        return str(int(c))
    return "nan" if math.isnan(c) else format(c, "g")


def op_symbol(op: str) -> str:
    """The symbol an op is drawn with (``σ`` for sigmoid), else its engine name.

    >>> op_symbol("sigmoid"), op_symbol("exp")
    ('σ', 'exp')
    """
    return OP_SYMBOLS.get(op, op)


def is_operand_constant(op: str) -> bool:
    """True when an op's ``const`` is a number operand (drawn as a constant), not a parameter.

    >>> is_operand_constant("*"), is_operand_constant("leaky_relu")
    (True, False)
    """
    return op in _OPERAND_OPS


def op_text(op: str, const: float | None) -> str:
    """An op node's text in the graph style: its symbol, with a parameter (not an operand) folded in.

    Number operands are drawn as separate constant nodes in the graph style.

    >>> op_text("*", 2.0), op_text("leaky_relu", 0.01)
    ('*', 'leaky_relu(0.01)')
    """
    symbol = op_symbol(op)
    if const is None or is_operand_constant(op):
        return symbol
    return f"{symbol}({constant_text(const)})"


def gate_text(op: str, const: float | None, const_left: bool) -> str:
    """A gate's text in the circuit style, the number operand folded in (cs231n notation).

    >>> [gate_text("*", -1.0, False), gate_text("+", 1.0, True), gate_text("/", 1.0, True), gate_text("/", 2.0, False)]
    ['*-1', '+1', '1/x', 'x/2']
    """
    symbol = op_symbol(op)
    if const is None or not is_operand_constant(op):
        return op_text(op, const)
    c = constant_text(const)
    if op in _COMMUTATIVE_OPS:
        return f"{op}{c}" if not c.startswith("-") or op == "*" else c  # x + (-3) reads as -3
    if op in ("-", "/", "**"):
        return f"{c}{op}x" if const_left else f"x{op}{c}"
    if op in ("max", "min"):
        return f"{op}(x,{c})"
    return f"{symbol}+{c}" if not c.startswith("-") else f"{symbol}{c}"  # sum, dot: the folded number is added
