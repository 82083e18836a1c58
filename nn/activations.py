"""Activation functions over ``Value`` nodes, by name or as functions.

The elementwise ones are the engine's single-node primitives (each records its own local
derivative); ``softmax`` and ``log_softmax`` are compositions of primitives over a list.
``ACTIVATIONS`` maps the names accepted by ``activation=`` to the functions: ``identity`` and the
engine's activation rows (``autograd.ops.ACTIVATIONS``), applied by ``Value``'s method for each
(``Value.tanh``); there is no second copy of them here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from autograd import Tensor, Value, ops, sum_values

Activation = Callable[[Value], Value]


def identity(x: Value) -> Value:
    """x (no node is made: a linear unit's output is its pre-activation)."""
    return x


# The names come from the engine's table of op rules: every row marked as an activation, applied
# by ``Value``'s method for it (a new activation row is offered here without touching this file).
ACTIVATIONS: dict[str, Activation] = {
    "identity": identity,
    **{name: getattr(Value, name) for name in ops.ACTIVATIONS},
}

SINGLE_NODE: frozenset[Activation] = frozenset(ACTIVATIONS.values())
"""The activations that make at most one node (a row of the table, or none for identity)."""


def resolve_activation(activation: str | Activation | None) -> Activation:
    """The function for an ``activation=`` argument: a name in ``ACTIVATIONS``, a function, or None (identity).

    >>> resolve_activation("tanh") is Value.tanh
    True
    """
    if activation is None:
        return identity
    if callable(activation):
        return activation
    try:
        return ACTIVATIONS[activation]
    except (KeyError, TypeError):
        raise ValueError(f"unknown activation {activation!r}; choose one of {sorted(ACTIVATIONS)}") from None


def activation_key(activation: str | Activation | None) -> str | None:
    """The ``ACTIVATIONS`` name an ``activation=`` argument stands for; None for a custom function.

    One lookup for every question about an activation's name (what a model saves, what it is called).

    >>> activation_key("tanh"), activation_key(Value.tanh), activation_key(None), activation_key(lambda v: v.tanh())
    ('tanh', 'tanh', 'identity', None)
    """
    function = resolve_activation(activation)
    return next((name for name, known in ACTIVATIONS.items() if known is function), None)


def activation_name(activation: str | Activation | None) -> str:
    """What an activation is called: its ``ACTIVATIONS`` name, or ``custom`` and a custom function's name.

    >>> activation_name(Value.tanh), activation_name(lambda v: v)
    ('tanh', 'custom <lambda>')
    """
    key = activation_key(activation)
    return key if key is not None else f"custom {getattr(activation, '__name__', type(activation).__name__)}"


def _shifted(values: Sequence[Value], op: str) -> list[Value]:
    """x_i − max_j x_j, with the max taken as a plain number.

    Softmax is invariant to shifting all inputs by the same amount, so treating the shift as a
    constant leaves both the result and its gradient exact, and keeps every e^x ≤ 1 (no overflow).
    """
    if not values:
        raise ValueError(f"{op} needs at least one value")
    for index, v in enumerate(values):
        if not isinstance(v, Value):
            raise TypeError(f"{op}: item {index} must be a Value, got {type(v).__name__}")
    shift = max(v.data for v in values)
    return [v - shift for v in values]


def softmax(values: Sequence[Value]) -> list[Value]:
    """σ_i = e^{x_i} / Σ_j e^{x_j} (computed on x − max x);  ∂σ_i/∂x_j = σ_i(δ_ij − σ_j).

    >>> [round(p.data, 2) for p in softmax([Value(-0.21), Value(0.47), Value(1.72)])]
    [0.1, 0.2, 0.7]

    On a Tensor (rows of logits): e^(log σ), over the last axis.
    """
    if isinstance(values, Tensor):
        return values.log_softmax().exp()  # type: ignore[return-value]
    exps = [s.exp() for s in _shifted(values, "softmax")]
    total = sum_values(exps)
    return [e / total for e in exps]


def log_softmax(values: Sequence[Value]) -> list[Value]:
    """log σ_i = (x_i − m) − log Σ_j e^{x_j − m} with m = max x (stable for large logits).

    >>> [round(p.data, 4) for p in log_softmax([Value(1000.0), Value(1000.0)])]
    [-0.6931, -0.6931]

    On a Tensor (rows of logits): ``Tensor.log_softmax``, over the last axis.
    """
    if isinstance(values, Tensor):
        return values.log_softmax()  # type: ignore[return-value]
    shifted = _shifted(values, "log_softmax")
    log_total = sum_values([s.exp() for s in shifted]).log()
    return [s - log_total for s in shifted]
