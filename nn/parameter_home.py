"""Where a layer's parameters live on the matrix path: two arrays its ``Value``s are views of.

Why: a matrix step's own arithmetic is a few dozen numpy calls, and reading 337 parameters' ``.data``
into arrays, adding 337 gradients back into ``.grad`` and letting the optimizer read and write them one
``Value`` at a time cost more than all of that arithmetic (the demo step: 127 of 343 µs). So the first
time a layer runs on a Tensor, its weights and biases move into a ``ParameterHome``: one row per neuron,
``[w_0 … w_{nin-1}, b]`` (the parameters' own order), values in ``theta`` and gradients in ``grad``.
Each parameter stays the same object, its class switched to ``HomedValue``, whose ``data`` and ``grad``
read and write its cell of those arrays: ``model.parameters()``, ``p.data -= lr * p.grad``, ``save`` and
the scalar engine see the same numbers as before, and the matrix path reads and writes whole arrays
(``weights``, ``biases``, ``add_weight_grad``), as does an optimizer over whole homes (``Gather``).

The scalar path is faster on plain ``Value``s (it reads slots), so a layer called on scalars gives its
parameters back their slots first (``release``): the numbers are copied back, the class switched back.
Numbers never change in the moves, and either way every read gives the same float.

>>> from autograd import Value
>>> w, b = [Value(0.5), Value(-1.0)], Value(0.25)
>>> home = ParameterHome.build([w], [b])
>>> type(w[0]).__name__, home.theta.tolist()
('HomedValue', [[0.5, -1.0, 0.25]])
>>> w[0].data = 2.0
>>> home.theta[0, 0], release(home), type(w[0]).__name__, w[0].data
(np.float64(2.0), None, 'Value', 2.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd import Value
from autograd.numerics import to_number
from autograd.tensor_fast import to_values

Array = np.ndarray


class HomedValue(Value):
    """A parameter ``Value`` whose ``data`` and ``grad`` are its cell in a ``ParameterHome``'s arrays.

    Only ``ParameterHome.build`` makes one (by switching a Value's class: the object, its label and the
    graphs it is in stay the same); ``release`` switches it back.
    """

    __slots__ = ()

    # (its home, its cell): kept in the ``_const`` slot, which a leaf never uses (a number operand's place)
    _home = Value.__dict__["_const"]  # the slot's own descriptor, under a name that says what it holds here

    @property
    def const(self) -> float | None:
        """None: a parameter is a leaf (its ``_const`` slot holds its place in its home)."""
        return None

    @property
    def const_left(self) -> bool:
        """False, as for any leaf."""
        return False

    def __setstate__(self, state: tuple[None, dict[str, Any]]) -> None:
        """A copy (``copy.deepcopy``, ``pickle``) sets its slots through the slots' own descriptors, not the
        properties: its numbers are in its home's copied arrays already, and the default (``setattr`` in slot order)
        would write ``data`` through the property before its home is set. The hidden ``data`` and ``grad`` slots get
        the same numbers (nothing reads them while the Value lives in a home)."""
        _, slots = state
        for name, item in slots.items():
            _SLOTS[name].__set__(self, item)

    def __copy__(self) -> Value:
        """A shallow copy is a plain ``Value`` holding the numbers of the moment, as a Value's copy is: sharing the
        home would make it an alias of this cell (a snapshot ``[copy.copy(p) for p in params]`` then moves)."""
        twin: Value = Value.__new__(Value)
        for name in _SLOTS:
            if hasattr(self, name):  # a slot never set stays unset
                setattr(twin, name, getattr(self, name))  # data and grad: read through the properties
        twin._const = None  # a leaf's, not its place in the home
        return twin

    @property  # type: ignore[override]
    def data(self) -> float:
        home, at = self._home
        return home.theta_flat.item(at)  # type: ignore[no-any-return]

    @data.setter
    def data(self, number: float) -> None:
        home, at = self._home
        home.theta_flat[at] = _number(self, number, "data")

    @property  # type: ignore[override]
    def grad(self) -> float:
        home, at = self._home
        return home.grad_flat.item(at)  # type: ignore[no-any-return]

    @grad.setter
    def grad(self, number: float) -> None:
        home, at = self._home
        home.grad_flat[at] = _number(self, number, "grad")


_SLOTS = {name: Value.__dict__[name] for name in Value.__slots__}  # the slots' own descriptors, under the properties


def _number(value: Value, number: object, what: str) -> float:
    checked = to_number(number, f"{value.label or 'parameter'}.{what}")
    if checked is None:
        raise TypeError(f"{value.label or 'parameter'}.{what} must be a real number, got {type(number).__name__}")
    return checked


class ParameterHome:
    """A layer's parameters as arrays: row j is neuron j's ``[w_0 … w_{nin-1}, b]``.

    ``live`` turns False when any of its Values moves to another home or back to its slots: the owner then
    builds a new home at its next matrix call (``serves``).
    """

    def __init__(self, columns: list[list[Value]], biases: list[Value], cells: tuple[Array, Array, int]) -> None:
        """The home of these columns and biases, in ``cells``: flat value and gradient arrays and where in them it
        starts (``build``)."""
        self.columns, self.biases = columns, biases
        self.nin = len(columns[0])
        rows = [[*column, bias] for column, bias in zip(columns, biases, strict=True)]
        flat = [value for row in rows for value in row]
        shape = (len(rows), self.nin + 1)
        self.values = np.fromiter(flat, dtype=object, count=len(flat)).reshape(shape)
        self.base_theta, self.base_grad, self.offset = cells
        span = slice(self.offset, self.offset + len(flat))
        self.theta_flat, self.grad_flat = self.base_theta[span], self.base_grad[span]  # views: one cell each
        self.theta_flat[:] = [value.data for value in flat]
        self.grad_flat[:] = [value.grad for value in flat]
        self.live = True
        self._view()

    def _view(self) -> None:
        """The views of the arrays that every call reads (made once: the arrays never move)."""
        shape, nin = self.values.shape, self.nin
        self.theta, self.grad = self.theta_flat.reshape(shape), self.grad_flat.reshape(shape)
        self.weight_values, self.bias_values = self.values[:, :nin].T, self.values[:, nin]  # X @ W's W: nin × neurons
        self._weight_theta, self._bias_theta = self.theta[:, :nin].T, self.theta[:, nin]
        self._weight_grad, self._bias_grad = self.grad[:, :nin].T, self.grad[:, nin]

    def __setstate__(self, state: dict[str, Any]) -> None:
        """A copy's arrays are views of its own base arrays (a deep copy or a pickle copies each array apart)."""
        self.__dict__.update(state)
        span = slice(self.offset, self.offset + self.values.size)
        self.theta_flat, self.grad_flat = self.base_theta[span], self.base_grad[span]
        self._view()

    @classmethod
    def build(cls, columns: Sequence[Sequence[Value]], biases: Sequence[Value],
              previous: ParameterHome | None = None) -> ParameterHome | None:
        """A home for these neurons' weights (``columns[j]``) and biases, its Values switched to views of it; None
        when they cannot move: a weight that is not a leaf ``Value`` (a computed one passes gradients on), one Value
        in two places among these neurons (tied weights), or one living in another layer's or model's home (tied
        across them) that is still live: it stays there, and this layer reads its Values one by one, rather than
        each call moving it back and forth. ``previous``: the owner's own home so far, whose Values may always move
        (a home all of whose Values are among these may too: a neuron's, before its layer runs).
        """
        return cls.side_by_side([(columns, biases)], [previous])[0]

    @classmethod
    def side_by_side(cls, groups: Sequence[tuple[Sequence[Sequence[Value]], Sequence[Value]]],
                     previous: Sequence[ParameterHome | None] | None = None) -> list[ParameterHome | None]:
        """``build`` for several layers at once, their homes side by side in one pair of arrays (a model's layers,
        in order): an optimizer over the model then reads and writes one slice (``Gather``), not one per layer.
        A Value two of them share lives in the first one's home."""
        claimed: set[int] = set()
        movable: list[Rows | None] = []
        for (columns, biases), before in zip(groups, previous or [None] * len(groups), strict=True):
            rows = _movable(columns, biases)
            if rows is not None:
                ids = {id(value) for column in rows[0] for value in column} | {id(value) for value in rows[1]}
                if ids & claimed or not _free(rows, ids, before):
                    rows = None
                else:
                    claimed |= ids
            movable.append(rows)
        sizes = [0 if rows is None else sum(len(column) + 1 for column in rows[0]) for rows in movable]
        theta, grad = np.zeros(sum(sizes)), np.zeros(sum(sizes))
        homes: list[ParameterHome | None] = []
        offset = 0
        for rows, size in zip(movable, sizes, strict=True):
            homes.append(None if rows is None else cls(rows[0], rows[1], (theta, grad, offset)))
            offset += size
        for home in homes:
            if home is None:
                continue
            for at, value in enumerate(home.values.flat):
                if type(value) is HomedValue:
                    value._home[0].live = False  # its old home no longer holds all of its owner's parameters
                value.__class__ = HomedValue
                value._home = (home, at)
        return homes

    def serves(self, columns: Sequence[Sequence[Value]], biases: Sequence[Value]) -> bool:
        """Whether these are still exactly this home's Values (compared by identity, in C) and all of them live here."""
        return self.live and self.columns == columns and self.biases == biases

    def weights(self) -> Array:
        """W for ``X @ W``: nin × neurons, a copy (the optimizer then updates ``theta`` in place)."""
        copied: Array = self._weight_theta.copy()
        return copied

    def biases_now(self) -> Array:
        """The biases, a copy."""
        copied: Array = self._bias_theta.copy()
        return copied

    def add_weight_grad(self, g: Array) -> None:
        """``g`` (nin × neurons, as ``weights``) added into the weights' gradients.

        A graph keeps the home it was made with until its backward pass. When a Value has left the home since
        (a scalar call released it, another layer's or model's call moved it into its own), each Value gets its
        share where it lives now (``autograd.tensor_fast.to_values``, as for a leaf viewing Values that never moved).
        """
        if self.live:
            np.add(self._weight_grad, g, out=self._weight_grad)
        else:
            to_values(self.weight_values, g)

    def add_bias_grad(self, g: Array) -> None:
        """``g`` (one per neuron) added into the biases' gradients (as ``add_weight_grad``)."""
        if self.live:
            np.add(self._bias_grad, g, out=self._bias_grad)
        else:
            to_values(self.bias_values, g)


_MOVABLE = (Value, HomedValue)


Rows = tuple[list[list[Value]], list[Value]]  # a layer's weight columns and biases


def _movable(columns: Sequence[Sequence[Value]], biases: Sequence[Value]) -> Rows | None:
    """The columns and biases as lists, when they may move into a home (leaf Values, each in one place), else None."""
    listed, listed_biases = [list(column) for column in columns], list(biases)
    if not listed or len(listed) != len(listed_biases) or not all(len(c) == len(listed[0]) for c in listed):
        return None
    flat = [value for column in listed for value in column] + listed_biases
    if len({id(value) for value in flat}) != len(flat):
        return None
    if not all(type(value) in _MOVABLE and value._in is None for value in flat):
        return None
    return listed, listed_biases


def _free(rows: Rows, ids: set[int], previous: ParameterHome | None) -> bool:
    """Whether none of these Values lives in a live home other than ``previous`` that keeps Values not among them."""
    for value in [*(value for column in rows[0] for value in column), *rows[1]]:
        if type(value) is HomedValue:
            home = value._home[0]
            if home.live and home is not previous and not all(id(kept) in ids for kept in home.values.flat):
                return False
    return True


def release(home: ParameterHome) -> None:
    """Every Value still living in ``home`` back to a plain ``Value`` holding the same numbers (the scalar path reads
    slots)."""
    home.live = False
    for at, value in enumerate(home.values.flat):
        if type(value) is HomedValue and value._home[0] is home:
            data, grad = home.theta_flat.item(at), home.grad_flat.item(at)
            value._const = None  # a leaf's again, no longer its place in the home
            value.__class__ = Value  # type: ignore[assignment]
            value.data, value.grad = data, grad


def release_of(value: Value) -> None:
    """``release`` of the home ``value`` lives in, if it lives in one (a layer about to run on scalars)."""
    if type(value) is HomedValue:
        release(value._home[0])


class Gather:
    """A list of parameters that all live in homes, as runs of consecutive cells (an optimizer's parameters, the L2
    penalty's θ): their values and gradients read, written and added to as whole slices.

    >>> from autograd import Value
    >>> a, b = [Value(1.0)], Value(2.0)
    >>> home = ParameterHome.build([a], [b])
    >>> Gather.of([a[0], b]).data().tolist()
    [1.0, 2.0]
    """

    def __init__(self, parameters: list[Value], homes: list[ParameterHome], runs: list[tuple[Array, Array, int, int]]
                 ) -> None:
        self.parameters, self.homes = parameters, homes
        self.values = np.fromiter(parameters, dtype=object, count=len(parameters))
        # each run's cells as views of its arrays, and where it sits in the gathered vector: made once (a home never
        # reallocates), as slicing on every call was half of an SGD step's reading and writing
        self.theta_views = [theta[start:stop] for theta, _, start, stop in runs]
        self.grad_views = [grad[start:stop] for _, grad, start, stop in runs]
        ends = np.cumsum([stop - start for _, _, start, stop in runs]).tolist()
        self.spans = [slice(begin, end) for begin, end in zip([0, *ends[:-1]], ends, strict=True)]

    @classmethod
    def of(cls, parameters: Sequence[Value]) -> Gather | None:
        """The runs of ``parameters`` (worked out once per list, while their homes stay live), or None when one of
        them does not live in a home."""
        key = id(parameters)
        found = _GATHERS.get(key)
        if found is not None and found.current(parameters):
            return found
        listed = list(parameters)
        homes: dict[int, ParameterHome] = {}
        runs: list[tuple[Array, Array, int, int]] = []
        for value in listed:
            if type(value) is not HomedValue:
                return None
            home, at = value._home
            homes[id(home)] = home
            cell = home.offset + at
            last = runs[-1] if runs else None
            if last is not None and last[0] is home.base_theta and last[3] == cell:
                runs[-1] = (last[0], last[1], last[2], cell + 1)
            else:
                runs.append((home.base_theta, home.base_grad, cell, cell + 1))
        gather = cls(listed, list(homes.values()), runs)
        _GATHERS[key] = gather
        if len(_GATHERS) > _KEPT:
            del _GATHERS[next(iter(_GATHERS))]
        return gather

    def current(self, parameters: Sequence[Value]) -> bool:
        """Whether ``parameters`` still holds exactly these Values and each still lives where it did."""
        return all(home.live for home in self.homes) and self.parameters == parameters

    def data(self) -> Array:
        """The parameters' values, a new array."""
        return self._joined(self.theta_views)

    def grads(self) -> Array:
        """The parameters' gradients, a new array."""
        return self._joined(self.grad_views)

    def write(self, theta: Array) -> None:
        """New values, into the homes."""
        for view, span in zip(self.theta_views, self.spans, strict=True):
            view[:] = theta[span]

    def add_grad(self, g: Array) -> None:
        """``g`` added into the gradients (one by one when a home has moved or gone since the forward pass)."""
        if not all(home.live for home in self.homes):
            to_values(self.values, g)
            return
        for view, span in zip(self.grad_views, self.spans, strict=True):
            np.add(view, g[span], out=view)

    def zero_grad(self) -> None:
        """Every gradient set to 0."""
        for view in self.grad_views:
            view.fill(0.0)

    @staticmethod
    def _joined(pieces: list[Array]) -> Array:
        return pieces[0].copy() if len(pieces) == 1 else np.concatenate(pieces)


def read_numbers(parameters: Sequence[Value]) -> tuple[Array, Array]:
    """Each parameter's value and gradient, as new arrays in the list's order: whole slices when they all live in
    homes (a snapshot of 337 parameters: 1 µs instead of 40 through the properties), else one Value at a time.

    >>> from autograd import Value
    >>> [numbers.tolist() for numbers in read_numbers([Value(1.0), Value(2.0)])]
    [[1.0, 2.0], [0.0, 0.0]]
    """
    gather = Gather.of(parameters)
    if gather is not None:
        return gather.data(), gather.grads()
    # list comprehensions handed to fromiter: Python 3.11 reads a slot in one specialised instruction, where
    # map(attrgetter) calls per item, and np.array(list) inspects each item (the demo step's SGD step, 337
    # parameters: 40 -> 22 µs)
    count = len(parameters)
    data = np.fromiter([p.data for p in parameters], np.float64, count)
    return data, np.fromiter([p.grad for p in parameters], np.float64, count)


# The Gathers of the last few parameter lists (an optimizer's, the L2 penalty's), by the list's id. Each keeps a copy
# of its list, not the list: ``current`` compares the items, so a list changed in place is noticed (and a new list
# that got a freed one's id is told apart).
_GATHERS: dict[int, Gather] = {}
_KEPT = 8
