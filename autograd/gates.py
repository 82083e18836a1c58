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
from autograd.ops import BUILT_IN, CALL, OPS, Op, define
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
    return Gate(_define(op))


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


# ------------------------------------------------------------------------------------------ re-run cells
def _define(op: Op) -> Op:
    """Add a gate's row to the table; a name already taken by a different rule is an error naming it.

    A node keeps the row it was made with (``Value.row``), so replacing a row never changes a graph built before.
    """
    existing = OPS.get(op.name)
    if existing is not None and not _same_definition(existing, op):
        raise ValueError(
            f"an op named {op.name!r} already exists ({_where(existing)}); a different rule "
            f"({_where(op)}) cannot take its name: choose another name (gate(..., name=...))"
        )
    return define(op)


def _source(rule: Callable[..., Any]) -> Callable[..., Any]:
    # a gate's checked rule wraps the user's function (``__wrapped__``); compare what the user wrote
    return getattr(rule, "__wrapped__", rule)


def _where(op: Op) -> str:
    source = _source(op.rule)
    return f"{getattr(source, '__module__', '?')}.{getattr(source, '__qualname__', '?')}"


def _same_definition(old: Op, new: Op) -> bool:
    """True when ``new`` may replace ``old``: a re-run notebook cell, never a built-in or another rule.

    A top-level function is one function per name in its module: defining it again (a re-run cell,
    edited or not) replaces its row. A function made inside another (a factory, a loop, a lambda)
    shares its code and name with its siblings: it replaces a row only when it is the same function
    with the same closure contents and defaults, and the row is the same (symbol, params, derivative).
    """
    if old.name in BUILT_IN or _where(old) != _where(new):
        return False
    if "<" not in _where(new):  # top level: no <locals>, no <lambda>
        return True
    return (
        same_function(_source(old.rule), _source(new.rule))
        and (old.arity, old.symbol, old.params) == (new.arity, new.symbol, new.params)
        and same_function(getattr(old.derivative, "function", None), getattr(new.derivative, "function", None))
    )


def same_function(a: object, b: object, depth: int = 0) -> bool:
    """True when ``a`` and ``b`` compute the same thing: the same code, defaults and closure contents.

    >>> def power(k):
    ...     def rule(x):
    ...         return x**k
    ...     return rule
    >>> same_function(power(2), power(2)), same_function(power(2), power(3))
    (True, False)
    """
    if a is b:
        return True
    if depth > 4:  # functions that hold each other (recursion): deep enough, call them different
        return False
    if inspect.isclass(a) and inspect.isclass(b):
        methods = ("forward", "backward")
        return all(same_function(getattr(a, m, None), getattr(b, m, None), depth + 1) for m in methods)
    code_a, code_b = getattr(a, "__code__", None), getattr(b, "__code__", None)
    if code_a is None or code_a != code_b:
        return False
    cells_a, cells_b = _cells(a), _cells(b)
    pairs = [
        *zip(cells_a, cells_b, strict=True),
        (getattr(a, "__defaults__", None), getattr(b, "__defaults__", None)),
        (getattr(a, "__kwdefaults__", None), getattr(b, "__kwdefaults__", None)),
    ]
    return all(_same_object(x, y, depth + 1) for x, y in pairs)


def _cells(function: object) -> list[object]:
    contents = []
    for cell in getattr(function, "__closure__", None) or ():
        try:
            contents.append(cell.cell_contents)
        except ValueError:  # a cell not filled yet
            contents.append(_EMPTY_CELL)
    return contents


_EMPTY_CELL = object()


def _same_object(x: object, y: object, depth: int) -> bool:
    if x is y or (callable(x) and same_function(x, y, depth)):
        return True
    try:
        return bool(x == y)
    except Exception:  # an object whose == is not a bool (a numpy array): different unless identical
        return False
