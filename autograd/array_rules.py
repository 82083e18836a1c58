"""The elementwise rows of ``autograd.OPS`` on arrays: the same rule, a whole array at a time.

An array form has the signature of its scalar row's rule with arrays for floats: operands (and
parameters) in, ``(value, local_gradients)`` out, one local-gradient array per operand, each
element bit for bit what the scalar rule gives for that element (the same ±0, ±inf and nan,
the same zero-masking). ``array_form(row)`` is how ``Tensor`` reads a row; it is the only place an
elementwise op exists on arrays.

Two kinds of form:
- written with numpy (``ARRAY_FORMS``), for the rules built from IEEE arithmetic and comparisons
  (``+ - * /``, ``abs``, ``relu``, ``max``…) and functions numpy computes exactly as ``math`` does;
  (``exp``, ``log``, ``tanh``, ``sigmoid``, ``softplus``: numpy's own ``exp``, ``log``, ``tanh``, ``expm1`` and
  ``pow`` are vectorised approximations that differ from the C library's ``math`` in the last bit on a few percent
  of inputs (measured on this project's machine: exp 13,761, tanh 52,197, expm1 20,281 of 300,000 normal and
  uniform draws), so these forms call ``math`` element by element for the transcendental step only, ``_libm``);
- the scalar rule applied to each element (``per_element``), for every other row (``**``, ``elu``, ``gelu``…): about
  0.3 µs an element; a user's ``gate`` row works on Tensors through it too.

``tests/autograd/test_array_rules.py`` runs every elementwise row on arrays of edge values against
the scalar rule and fails when a built-in row has no form here (or is not listed as per element).

>>> import numpy as np
>>> value, (local,) = array_form(OPS["relu"])(np.array([-1.0, 2.0, np.nan]))
>>> value.tolist(), local.tolist()
([0.0, 2.0, nan], [0.0, 1.0, nan])
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from autograd import numerics
from autograd.ops import OPS, Op

Array = np.ndarray
ArrayForm = Callable[..., tuple[Array, tuple[Array | float, ...]]]


def _quiet(function: ArrayForm) -> ArrayForm:
    # IEEE results, no warnings: 1/0 = inf and 0/0 = nan are answers here, as in the scalar rules
    def form(*arguments: Array | float) -> tuple[Array, tuple[Array | float, ...]]:
        with np.errstate(all="ignore"):
            return function(*arguments)

    form.__name__ = form.__qualname__ = function.__name__
    form.__doc__ = function.__doc__
    return form


def _add(a: Array, b: Array) -> tuple[Array, tuple[Array | float, ...]]:
    return np.add(a, b), (1.0, 1.0)


def _sub(a: Array, b: Array) -> tuple[Array, tuple[Array | float, ...]]:
    return np.subtract(a, b), (1.0, -1.0)


def _mul(a: Array, b: Array) -> tuple[Array, tuple[Array | float, ...]]:
    return np.multiply(a, b), (b, a)


def _div(a: Array, b: Array) -> tuple[Array, tuple[Array | float, ...]]:
    out = np.divide(a, b)
    return out, (np.divide(1.0, b), np.divide(np.negative(out), b))


def _abs(a: Array) -> tuple[Array, tuple[Array | float, ...]]:
    return np.abs(a), (np.where(a > 0.0, 1.0, np.where(a < 0.0, -1.0, a * 0.0)),)


def _sqrt(a: Array) -> tuple[Array, tuple[Array | float, ...]]:
    out = np.sqrt(a)
    return out, (np.divide(0.5, out),)


def _sin(a: Array) -> tuple[Array, tuple[Array | float, ...]]:
    return np.sin(a), (np.cos(a),)


def _cos(a: Array) -> tuple[Array, tuple[Array | float, ...]]:
    return np.cos(a), (np.negative(np.sin(a)),)


def _relu(a: Array) -> tuple[Array, tuple[Array | float, ...]]:
    # max(a, 0) passes nan through; + 0.0 turns max(−0, 0)'s possible −0 into the rule's 0.0
    out = np.maximum(a, 0.0) + 0.0
    return out, (np.sign(out),)  # 1 where a > 0, 0 elsewhere, nan for nan: the rule's local gradient


def _leaky_relu(a: Array, slope: float) -> tuple[Array, tuple[Array | float, ...]]:
    positive = a > 0.0
    return np.where(positive, a, slope * a), (np.where(positive, 1.0, np.where(a == a, slope, a)),)


def _libm(raw: Callable[[float], float], safe: Callable[[float], float]) -> Callable[[Array], Array]:
    """The C library's ``raw`` (a function of ``math``) applied to each element; where it raises on an element (the
    edges of its domain: ``exp(1000)``, ``log(0)``), ``safe`` (its ``autograd.numerics`` form) for the whole array.

    Only the transcendental call goes element by element; the arithmetic around it is numpy's, which rounds as
    Python's floats do. ``map`` over the builtin runs the loop in C: on a layer's 100 x 16 activations tanh's forward
    and local gradient took 309 µs through ``np.frompyfunc`` of the safe Python wrappers, and take about a quarter of
    that this way.
    """

    def applied(a: Array) -> Array:
        flat = a.ravel().tolist()
        try:
            out = np.fromiter(map(raw, flat), np.float64, len(flat))
        except (OverflowError, ValueError):  # an element at an edge: each element through the safe form
            out = np.fromiter(map(safe, flat), np.float64, len(flat))
        return out.reshape(a.shape)

    return applied


_EXP, _LOG = _libm(math.exp, numerics.exp), _libm(math.log, numerics.log)
_TANH, _LOG1P = _libm(math.tanh, math.tanh), _libm(math.log1p, math.log1p)  # never raise on their inputs here


def _exp(a: Array) -> tuple[Array, tuple[Array | float, ...]]:
    out = _EXP(a)
    return out, (out,)


def _log(a: Array) -> tuple[Array, tuple[Array | float, ...]]:
    return _LOG(a), (np.divide(1.0, a),)


def _sech_squared(a: Array) -> Array:
    z = _EXP(-2.0 * np.abs(a))  # in (0, 1]: no overflow (numerics.sech_squared)
    return 4.0 * z / ((1.0 + z) * (1.0 + z))


def _tanh(a: Array) -> tuple[Array, tuple[Array | float, ...]]:
    return _TANH(a), (_sech_squared(a),)


def _sigmoids(a: Array) -> tuple[Array, Array]:
    """σ(a) and σ(−a), each as ``numerics.sigmoid`` computes it: 1/(1 + e^−x) for x ≥ 0, e^x/(1 + e^x) below."""
    e = _EXP(-np.abs(a))  # e^−|a|: the e^−x of the x ≥ 0 branch and the e^x of the other, for a and for −a
    up, down = 1.0 / (1.0 + e), e / (1.0 + e)
    return np.where(a >= 0.0, up, down), np.where(-a >= 0.0, up, down)


def _sigmoid(a: Array) -> tuple[Array, tuple[Array | float, ...]]:
    out, mirrored = _sigmoids(a)
    return out, (out * mirrored,)  # σ(a)·σ(−a), as the row computes it


def _softplus(a: Array) -> tuple[Array, tuple[Array | float, ...]]:
    # max(a, 0) + log1p(e^−|a|), with numerics.softplus's ends: nan stays nan, +inf gives inf, −inf gives 0
    out = np.where(a > 0.0, a, 0.0) + _LOG1P(_EXP(-np.abs(a)))
    out = np.where(np.isinf(a), np.where(a > 0.0, a, 0.0), out)
    return out, (_sigmoids(a)[0],)


def _extremum(larger_wins: bool) -> ArrayForm:
    def form(a: Array, b: Array) -> tuple[Array, tuple[Array | float, ...]]:
        a_wins, b_wins = (a > b, b > a) if larger_wins else (a < b, b < a)
        tie = a == b
        nan = a + b  # where neither wins nor ties, an operand is nan: value and gradients are nan
        value = np.where(a_wins, a, np.where(b_wins, b, np.where(tie, a, nan)))
        share = np.where(tie, 0.5, nan)
        return value, (np.where(a_wins, 1.0, np.where(b_wins, 0.0, share)),
                       np.where(a_wins, 0.0, np.where(b_wins, 1.0, share)))

    return form


_WRITTEN: dict[str, ArrayForm] = {
        "+": _add,
        "-": _sub,
        "*": _mul,
        "/": _div,
        "abs": _abs,
        "sqrt": _sqrt,
        "sin": _sin,
        "cos": _cos,
        "relu": _relu,
        "leaky_relu": _leaky_relu,
        "max": _extremum(True),
        "min": _extremum(False),
        "exp": _exp,
        "log": _log,
        "tanh": _tanh,
        "sigmoid": _sigmoid,
        "softplus": _softplus,
}
ARRAY_FORMS: dict[str, ArrayForm] = {name: _quiet(form) for name, form in _WRITTEN.items()}
"""Rows written with numpy, each tested bit for bit against its scalar rule."""

PER_ELEMENT = frozenset({"**", "elu", "gelu", "normal_cdf", "silu"})
"""Built-in rows whose rule runs per element (numpy's version of their functions is not the C library's)."""

NOT_ELEMENTWISE = frozenset({"sum", "dot"})
"""Rows with any number of operands: on Tensors they are ``Tensor.sum`` and ``@``."""


def elementwise(row: Op) -> bool:
    """True for a row with one or two operands, which a Tensor applies element by element."""
    return row.arity in (1, 2)


def per_element(row: Op) -> ArrayForm:
    """``row.rule`` applied to each element of its broadcast operands: exact by construction.

    >>> value, (local,) = per_element(OPS["exp"])(np.array([0.0, -np.inf]))
    >>> value.tolist(), local.tolist()
    ([1.0, 0.0], [1.0, 0.0])
    """
    rule, operands = row.rule, row.arity or 1

    def form(*arguments: Array | float) -> tuple[Array, tuple[Array | float, ...]]:
        arrays, params = arguments[:operands], arguments[operands:]
        columns = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in arrays))
        shape = columns[0].shape
        flat = [column.ravel().tolist() for column in columns]
        results = [rule(*point, *params) for point in zip(*flat, strict=True)]
        value = np.array([r[0] for r in results], dtype=np.float64).reshape(shape)
        locals_ = tuple(
            np.array([r[1][i] for r in results], dtype=np.float64).reshape(shape) for i in range(operands)
        )
        return value, locals_

    form.__name__ = form.__qualname__ = f"per_element_{row.name}"
    return form


_PER_ELEMENT_FORMS: dict[Op, ArrayForm] = {}


def array_form(row: Op) -> ArrayForm:
    """The array form of an elementwise row: its numpy form if it has one, else its rule per element."""
    form = ARRAY_FORMS.get(row.name)
    if form is not None and OPS.get(row.name) is row:
        return form
    form = _PER_ELEMENT_FORMS.get(row)
    if form is None:
        form = _PER_ELEMENT_FORMS[row] = per_element(row)
    return form
