"""Activation functions over ``Value`` nodes, by name or as functions.

The elementwise ones are the engine's single-node primitives (each records its own local
derivative); ``softmax`` and ``log_softmax`` are compositions of primitives over a list.
``ACTIVATIONS`` maps the names accepted by ``activation=`` to the functions: ``identity`` and the
engine's activation rows (``autograd.ops.ACTIVATIONS``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from autograd import Value, ops, sum_values

Activation = Callable[[Value], Value]


def identity(x: Value) -> Value:
    """x (no node is made: a linear unit's output is its pre-activation)."""
    return x


def sigmoid(x: Value) -> Value:
    """σ(x) = 1 / (1 + e^−x);  σ' = σ(1 − σ)."""
    return x.sigmoid()


def tanh(x: Value) -> Value:
    """tanh x = 2σ(2x) − 1;  tanh' = 1 − tanh²."""
    return x.tanh()


def relu(x: Value) -> Value:
    """max(0, x);  derivative 1 for x > 0, else 0."""
    return x.relu()


def leaky_relu(x: Value, slope: float = 0.01) -> Value:
    """x if x > 0 else slope·x."""
    return x.leaky_relu(slope)


def elu(x: Value, alpha: float = 1.0) -> Value:
    """x if x > 0 else α(e^x − 1)."""
    return x.elu(alpha)


def gelu(x: Value) -> Value:
    """x·Φ(x), Φ the standard normal CDF."""
    return x.gelu()


def silu(x: Value) -> Value:
    """x·σ(x) (swish)."""
    return x.silu()


def softplus(x: Value) -> Value:
    """ln(1 + e^x), a smooth ReLU;  derivative σ(x)."""
    return x.softplus()


# The names come from the engine's table of op rules: every row marked as an activation, applied
# by ``Value``'s method for it (a new activation row is offered here without touching this file).
ACTIVATIONS: dict[str, Activation] = {
    "identity": identity,
    **{name: getattr(Value, name) for name in ops.ACTIVATIONS},
}


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
    """
    exps = [s.exp() for s in _shifted(values, "softmax")]
    total = sum_values(exps)
    return [e / total for e in exps]


def log_softmax(values: Sequence[Value]) -> list[Value]:
    """log σ_i = (x_i − m) − log Σ_j e^{x_j − m} with m = max x (stable for large logits).

    >>> [round(p.data, 4) for p in log_softmax([Value(1000.0), Value(1000.0)])]
    [-0.6931, -0.6931]
    """
    shifted = _shifted(values, "log_softmax")
    log_total = sum_values([s.exp() for s in shifted]).log()
    return [s - log_total for s in shifted]
