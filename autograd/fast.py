"""The engine's speed work, fenced off from the reference code: read this after the reference loop.

Everything here computes exactly what the plain code it stands in for computes (the tests check each
against its reference, bit for bit); each piece says what it buys, measured with
``benchmarks/instructions.py`` (callgrind: the same count on every machine) on the demo step
(``MLP(2, [16, 16, 1])``, 100 points) and the wide graph (200 chains x 200 steps).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from autograd.modes import CURRENT_MODE, Scope

if TYPE_CHECKING:
    from autograd.value import Value


# ------------------------------------------------------------------------------------- scope placement
def place_in_new_scope(nodes: Sequence[Value], name: str, title: str | None = None) -> None:
    """Move ``nodes``, just made in the current scope, into a new ``Scope`` called ``name`` inside it.

    The reference: making them inside ``with scope(name, title=title):``, which gives the same scope
    tree, names and titles. What it buys: a fused neuron makes a fixed pair of nodes per example (its
    ``dot`` and its activation); placing them afterwards skips the block's entry and exit (two
    Python-level calls and two ``ContextVar`` writes), about a third of the cost of entering.
    Only nodes that are recorded ops of the current scope move: outside recording (``no_grad``)
    results are leaves, which belong to no scope, and a node made elsewhere stays where it is.

    >>> from autograd import Value
    >>> x = Value(1.0)
    >>> y = x * 2.0
    >>> z = y.exp()
    >>> place_in_new_scope((y, z), "gate")
    >>> z.scope is y.scope, z.scope, x.scope
    (True, Scope('gate'), None)
    """
    mode = CURRENT_MODE.get()
    if not mode.recording:
        return
    parent = mode.scope
    group = Scope(name, parent, title)
    for node in nodes:
        if node._scope is parent and node._in is not None:
            node._scope = group
