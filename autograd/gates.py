"""Users' own gates: a new op from a function of floats, recorded as one node like the built-in ops.

A gate is a row of ``autograd.ops`` (the built-in ops are rows made by the same ``Op``
constructor and ``define``): its rule takes the operands as floats and returns the value and
the local gradients, one per operand. The lecture's class style (a ``forward(x, y)`` that
returns the value and a ``backward(dz)`` that returns the gradients for each input) is the same
thing: ``backward`` is linear in ``dz``, so ``backward(1.0)`` gives the local gradients.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from autograd.derivatives import WrittenInOps
from autograd.numerics import as_number
from autograd.ops import CALL, Op, define
from autograd.value import Value, apply


class Gate:
    """A user-defined op: call it on Values or numbers to record one node; ``op`` is its table row.

    >>> import math
    >>> def logistic(x):
    ...     s = 1.0 / (1.0 + math.exp(-x))
    ...     return s, (s * (1.0 - s),)
    >>> sig = gate(logistic, symbol="σ")
    >>> x = Value(0.0)
    >>> y = sig(x); y.backward()
    >>> y.op, y.data, x.grad
    ('logistic', 0.5, 0.25)
    """

    def __init__(self, op: Op) -> None:
        self.op = op

    def __call__(self, *operands: Value | float, **params: float) -> Value:
        op = self.op
        if op.arity is not None and len(operands) != op.arity:
            raise TypeError(f"gate {op.name!r} takes {op.arity} operand(s), got {len(operands)}")
        unknown = set(params) - {name for name, _ in op.params}
        if unknown:
            raise TypeError(f"gate {op.name!r} has no parameter {sorted(unknown)[0]!r}")
        return apply(op, operands, [params.get(name, default) for name, default in op.params])

    def __repr__(self) -> str:
        return f"gate({self.op.name!r})"


def gate(
    rule: Callable[..., Any] | type,
    *,
    name: str | None = None,
    symbol: str = "",
    params: dict[str, float] | None = None,
    derivative: Callable[..., Any] | None = None,
) -> Gate:
    """Define a new op from ``rule(*operands, *params) -> (value, local_gradients)``, or from a gate class.

    ``rule`` takes one float per operand (then the ``params``, in order) and returns the value and
    one local gradient ∂value/∂operand per operand (a bare number for a one-operand gate). A class
    with ``forward(*operands)`` and ``backward(dz)`` (cs231n's gate style) works too. The gate is named
    after the function or class unless ``name`` is given, and drawn with ``symbol`` (default: its name).
    A name taken by another op is an error; redefining the same top-level function (a re-run notebook
    cell) is not. Functions made in a factory or a loop share a name: give each gate its own ``name``
    (a lambda always needs one); the same one made again (same code, closure and row) replaces itself.
    ``derivative(out, *operands, *params)``, optional, returns the same local gradients written with
    Value ops (``out`` is the gate's node); it lets ``autograd.grad(..., create_graph=True)``
    differentiate through the gate again. Without it the gate works for first derivatives.

    >>> class Multiply:
    ...     def forward(self, x, y):
    ...         self.x, self.y = x, y
    ...         return x * y
    ...     def backward(self, dz):
    ...         return self.y * dz, self.x * dz
    >>> mul = gate(Multiply, symbol="×")
    >>> a, b = Value(3.0), Value(-4.0)
    >>> out = mul(a, b); out.backward(); (out.data, a.grad, b.grad)
    (-12.0, -4.0, 3.0)
    """
    parameters = tuple((params or {}).items())
    if inspect.isclass(rule):
        function: Callable[..., Any] = _from_class(rule)
        signature_of: Callable[..., Any] = getattr(rule, "forward", function)
        skip = 1  # forward's self
    elif callable(rule):
        function, signature_of, skip = rule, rule, 0
    else:
        raise TypeError(f"gate: rule must be a function or a class, got {type(rule).__name__}")
    gate_name = name if name is not None else getattr(rule, "__name__", "")
    if not isinstance(gate_name, str) or not gate_name or gate_name == "<lambda>":
        raise ValueError("gate: give the gate a name (name=...)")
    if not isinstance(symbol, str):
        raise TypeError(f"gate {gate_name!r}: symbol must be a str, got {type(symbol).__name__}")
    for parameter, default in parameters:
        if as_number(default) is None:
            raise TypeError(f"gate {gate_name!r}: parameter {parameter!r} must default to a number, got {default!r}")
    if derivative is not None and not callable(derivative):
        raise TypeError(f"gate {gate_name!r}: derivative must be a function, got {type(derivative).__name__}")
    arity = _operand_count(signature_of, skip, len(parameters))
    if arity is None and parameters:
        # rule(*operands, *params) could not tell where the operands end
        raise TypeError(
            f"gate {gate_name!r}: a rule with any number of operands (*args) cannot take params; "
            "give it a fixed number of operands, or fix the parameter with functools.partial"
        )
    written = WrittenInOps(derivative) if derivative is not None else None
    rule_of_floats = _checked(function, gate_name, arity)
    op = Op(gate_name, rule_of_floats, arity, CALL, symbol, parameters, rule.__doc__ or "", derivative=written)
    # the checked rule is a new closure each time: the table compares the user's function (a re-run cell)
    op.rule.__wrapped__ = rule  # type: ignore[attr-defined]
    return Gate(define(op))


def _from_class(cls: type) -> Callable[..., Any]:
    for method in ("forward", "backward"):
        if not callable(getattr(cls, method, None)):
            raise TypeError(f"gate: class {cls.__name__} needs a {method}() method")

    def rule(*operands: float) -> tuple[Any, Any]:
        instance = cls()
        value = instance.forward(*operands)
        return value, instance.backward(1.0)  # backward is linear in dz: at dz = 1 it gives the local gradients

    return rule


def _operand_count(function: Callable[..., Any], skip: int, parameter_count: int) -> int | None:
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return None
    kinds = [p.kind for p in signature.parameters.values()][skip:]
    if inspect.Parameter.VAR_POSITIONAL in kinds:
        return None
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return sum(kind in positional for kind in kinds) - parameter_count


Checked = Callable[..., tuple[float, tuple[float, ...]]]


def _checked(function: Callable[..., Any], name: str, arity: int | None) -> Checked:
    """The user's rule, its result checked: a clear error for a wrong count or a non-number."""

    def rule(*floats: float) -> tuple[float, tuple[float, ...]]:
        count = arity if arity is not None else len(floats)
        result = function(*floats)
        if not isinstance(result, tuple) or len(result) != 2:
            raise TypeError(f"gate {name!r} must return (value, local_gradients), got {result!r}")
        value, local = result
        number = as_number(value)
        if number is None:
            raise TypeError(f"gate {name!r} returned a value that is not a number: {value!r}")
        grads = (local,) if as_number(local) is not None else local
        if not isinstance(grads, (tuple, list)):
            raise TypeError(f"gate {name!r} must return its local gradients as a tuple of numbers, got {local!r}")
        if len(grads) != count:
            raise ValueError(f"gate {name!r} returned {len(grads)} local gradient(s) for {count} operand(s)")
        checked = []
        for index, grad in enumerate(grads):
            g = as_number(grad)
            if g is None:
                raise TypeError(f"gate {name!r}: local gradient {index} is not a number: {grad!r}")
            checked.append(g)
        return number, tuple(checked)

    return rule
