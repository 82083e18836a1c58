"""Neurons and the layers built from them: ``Neuron``, ``Layer``, ``MLP``, ``Maxout``.

A neuron computes act(w·x + b). Its pre-activation w·x + b is one fused ``dot`` node by default
(fast, drawn as a single Σ gate); ``fused=False`` builds the individual ``*`` and ``+`` nodes
instead, for teaching diagrams. Both give bit-identical numbers: ``dot`` sums the products
left to right and adds the bias last, and so does the gate-by-gate chain.

By default (``scoped=True``) each neuron's and layer's nodes sit in an ``autograd.scope`` named
after the module (``layers.1.neurons.3``), so renderers can draw them as clusters or collapse
them, and ``viz.draw`` can shrink a big network automatically. A fused neuron places its two
nodes in its scope after making them (``autograd.fast.place_in_new_scope``) rather than entering
the scope around them. ``scoped=False`` skips the scopes: micrograd's demo step is about 1.2x
faster without them (``benchmarks/mlp_vs_micrograd.py`` prints both).

The keywords every one of these modules takes (``init``, ``seed``, ``fused``, ``scoped``, ``name``)
are declared once, in ``NeuronKeywords``, with their defaults in ``NEURON_DEFAULTS``.

Parameters are labelled with their dotted names (``layers.1.neurons.3.w.0``; a diagram shows
``w0`` inside the neuron's box); a scoped MLP labels its hidden activations ``h1[3]`` (layer 1,
unit 3), as the course notes name them.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

import numpy as np

from autograd import Tensor, Value, dot, maximum, scope
from autograd.fast import input_vector, place_groups_in_new_scope, place_in_new_scope
from autograd.value import Operand
from nn import matrix
from nn.activations import SINGLE_NODE, Activation, activation_key, activation_name, resolve_activation
from nn.checks import check_count, check_flag
from nn.init import Initialiser, SeedLike, make_rng, resolve_initialiser
from nn.module import Module, Sizer, child_name, numbered
from nn.parameter_home import release_of

if TYPE_CHECKING:
    from typing_extensions import Unpack

Input = TypeVar("Input")
Output = TypeVar("Output")
_SCALARS = frozenset({float, int, Value})


class NeuronKeywords(TypedDict, total=False):
    """The keywords ``Neuron``, ``Layer``, ``MLP`` and ``Maxout`` take, declared once (defaults: ``NEURON_DEFAULTS``).

    ``init``: how the weights are drawn (``nn.init``); ``seed``: the seed or ``numpy.random.Generator``
    they are drawn from; ``fused``: a neuron's pre-activation as one ``dot`` node (else ``*`` and ``+``
    nodes); ``scoped``: each module's nodes in a scope named after it; ``name``: the module's name.
    """

    init: str | Initialiser
    seed: SeedLike
    fused: bool
    scoped: bool
    name: str


NEURON_DEFAULTS: NeuronKeywords = {"init": "uniform", "seed": None, "fused": True, "scoped": True, "name": ""}


def neuron_keywords(owner: str, given: NeuronKeywords) -> NeuronKeywords:
    """``given`` over the defaults; an unknown keyword is a ``TypeError`` naming ``owner`` and it.

    >>> neuron_keywords("Layer", {"seed": 3})["fused"]
    True
    """
    unknown = sorted(set(given) - set(NEURON_DEFAULTS))
    if unknown:
        takes = sorted(NEURON_DEFAULTS)
        raise TypeError(f"{owner}() got an unexpected keyword argument {unknown[0]!r} (it takes {takes})")
    return {**NEURON_DEFAULTS, **given}


def _child_keywords(options: NeuronKeywords, rng: np.random.Generator, name: str) -> NeuronKeywords:
    """A child module's keywords: its parent's, drawing from the parent's stream, under its own name."""
    child: NeuronKeywords = {**options, "seed": rng, "name": name}
    return child


def run_in_scope(module: Module, scoped: bool, forward: Callable[[Input], Output], xs: Input) -> Output:
    """``forward(xs)``, inside ``autograd.scope(module.name or its class name, title=module.title)`` when ``scoped``."""
    if not scoped:
        return forward(xs)
    with scope(module.name or type(module).__name__, module.title):
        return forward(xs)


def _check_inputs(module: Module, xs: Sequence[Operand], nin: int) -> None:
    if len(xs) == nin and type(xs[0]) in _SCALARS:  # the common case, without the slower checks below
        return
    owner = module.name or type(module).__name__
    if len(xs) and isinstance(xs[0], Sequence | np.ndarray) and not isinstance(xs[0], str):
        raise ValueError(
            f"{owner}: got a batch of {len(xs)} rows, but a model takes one example (a row of {nin} numbers) "
            "per call: outputs = [model(row) for row in X]"
        )
    if len(xs) != nin:
        raise ValueError(f"{owner}: expected {nin} inputs, got {len(xs)}")


def checked_activation(activation: str | Activation | None, argument: str, owner: str) -> str | None:
    """Validate an ``activation=`` argument; return the ``ACTIVATIONS`` name that rebuilds it (None: a custom one).

    >>> checked_activation("tanh", "activation", "MLP"), checked_activation(lambda v: v, "activation", "MLP")
    ('tanh', None)
    >>> checked_activation("nope", "activation", "MLP")
    Traceback (most recent call last):
    ...
    ValueError: MLP: activation: unknown activation 'nope'; choose one of [...]
    """
    try:
        function = resolve_activation(activation)
    except ValueError as error:
        raise ValueError(f"{owner}: {argument}: {error}") from None
    return activation_key(function)


def _flags(fused: object, scoped: object, owner: str) -> tuple[bool, bool]:
    """The ``fused`` and ``scoped`` switches, checked (a file's ``"fused": "no"`` is no False)."""
    return check_flag(fused, "fused", owner), check_flag(scoped, "scoped", owner)


def _rebuildable(arguments: dict[str, Any], *activations: str | None) -> dict[str, Any] | None:
    """``arguments``, or None when an activation is a custom function a file cannot name."""
    return None if None in activations else arguments


class Neuron(Module):
    """act(w·x + b) with ``nin`` weights drawn by ``init`` from ``seed`` and a bias starting at 0.

    ``activation`` is a name from ``nn.activations.ACTIVATIONS``, a function of one Value, or None
    (linear). Parameters: ``w.0`` … ``w.{nin-1}``, then ``b``.

    >>> n = Neuron(2, activation="tanh", seed=0)
    >>> y = n([1.0, -2.0])
    >>> y.op, [name for name, _ in n.named_parameters()]
    ('tanh', ['w.0', 'w.1', 'b'])
    """

    def __init__(
        self, nin: int, activation: str | Activation | None = "relu", **keywords: Unpack[NeuronKeywords]
    ) -> None:
        options = neuron_keywords("Neuron", keywords)
        name = options["name"]
        super().__init__(name)
        self.nin = check_count(nin, "nin", "Neuron")
        self.activation_key = checked_activation(activation, "activation", "Neuron")
        self.activation = resolve_activation(activation)
        self.activation_name = activation_name(activation)
        self.fused, self.scoped = _flags(options["fused"], options["scoped"], "Neuron")
        weights = resolve_initialiser(options["init"])(make_rng(options["seed"]), nin)
        if len(weights) != nin:
            raise ValueError(f"Neuron: init returned {len(weights)} weights for nin={nin}")
        self.w = [Value(weight, label=child_name(name, f"w.{i}")) for i, weight in enumerate(weights)]
        self.b = Value(0.0, label=child_name(name, "b"))

    def local_parameters(self) -> list[tuple[str, Value]]:
        return [*numbered("w", self.w), ("b", self.b)]

    def arguments(self) -> dict[str, Any] | None:
        spec = {"nin": self.nin, "activation": self.activation_key, "fused": self.fused, "scoped": self.scoped}
        return _rebuildable(spec, self.activation_key)

    @classmethod
    def state_size(cls, arguments: dict[str, Any], count: Sizer, source: str) -> int:
        return check_count(arguments.get("nin"), "nin", "Neuron") + 1  # the weights and the bias

    def __call__(self, xs: Sequence[Operand]) -> Value:
        """act(Σ_i w_i·x_i + b) for one input vector (any sequence of Values or numbers), in the neuron's scope
        when ``scoped``.

        >>> n = Neuron(2, activation="tanh", seed=0, name="neuron")
        >>> y = n([1.0, -2.0])
        >>> y.scope, y.inputs[0].scope is y.scope
        (Scope('neuron'), True)
        """
        if len(xs) != self.nin or type(xs[0]) not in _SCALARS:  # _check_inputs's quick test, without its call
            if isinstance(xs, Tensor):  # a Tensor of rows: the matrix path (nn.matrix)
                return self.forward_matrix(xs)  # type: ignore[return-value]
            _check_inputs(self, xs, self.nin)
        if type(self.b) is not Value:  # its parameters live in arrays since a matrix call: back to slots, faster here
            release_of(self.b)
        if not self.scoped:
            return self.activation(self.pre_activation(xs))
        if self.fused and self.activation in SINGLE_NODE:
            # the fast path for the common neuron: its two nodes (dot, activation) are placed in its scope
            # afterwards instead of made inside it: the same result, 32 M of the demo step's 232 M instructions
            # saved (autograd.fast.place_in_new_scope)
            pre = dot(self.w, xs, self.b)
            out = self.activation(pre)
            place_in_new_scope((pre, out), self.name or "Neuron", self.title)
            return out
        with scope(self.name or "Neuron", self.title):
            return self.activation(self.pre_activation(xs))

    def forward_matrix(self, xs: Tensor) -> Tensor:
        """act(X·w + b) for a Tensor of examples (rows × nin): one output per row (``nn.matrix``)."""
        matrix.checked_batch(self, xs, self.nin)
        return matrix.scoped(self, self.scoped, self._matrix_output, xs)

    def home_rows(self) -> tuple[list[list[Value]], list[Value]]:
        """Its weights as one column and its bias, as the matrix path lays them out (``nn.matrix.affine``)."""
        return [self.w], [self.b]

    def _matrix_output(self, xs: Tensor) -> Tensor:
        owner = self.name or "Neuron"
        pre = matrix.affine(xs, *self.home_rows(), self.name, self)
        return matrix.activate(self.activation_key, self.activation, pre.reshape(pre.shape[:-1]), owner)

    def pre_activation(self, xs: Sequence[Operand]) -> Value:
        """w·x + b: one ``dot`` node, or (``fused=False``) the chain w0·x0 + w1·x1 + … + b."""
        if self.fused:
            return dot(self.w, xs, self.b)
        total = self.w[0] * xs[0]
        for w, x in zip(self.w[1:], xs[1:], strict=True):
            total = total + w * x
        return total + self.b

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation_name!r})"


class Layer(Module):
    """``nout`` neurons reading the same ``nin`` inputs; calling it always returns a list of ``nout`` Values.

    >>> layer = Layer(3, 2, seed=0)
    >>> len(layer([1.0, 2.0, 3.0])), [name for name, _ in layer.named_parameters()][-1]
    (2, 'neurons.1.b')
    """

    def __init__(
        self, nin: int, nout: int, activation: str | Activation | None = "relu", **keywords: Unpack[NeuronKeywords]
    ) -> None:
        options = neuron_keywords("Layer", keywords)
        name = options["name"]
        super().__init__(name)
        self.nin = check_count(nin, "nin", "Layer")
        self.nout = check_count(nout, "nout", "Layer")
        checked_activation(activation, "activation", "Layer")
        self.scoped = _flags(options["fused"], options["scoped"], "Layer")[1]
        rng = make_rng(options["seed"])  # one stream for all neurons: weights are drawn neuron by neuron
        self.neurons = [
            Neuron(nin, activation, **_child_keywords(options, rng, child_name(name, f"neurons.{i}")))
            for i in range(nout)
        ]
        for i, neuron in enumerate(self.neurons):
            neuron.title = f"neuron {i}"  # unit i of its layer: it computes h{layer}[i] in an MLP

    def named_children(self) -> list[tuple[str, Module]]:
        return [(f"neurons.{i}", neuron) for i, neuron in enumerate(self.neurons)]

    def arguments(self) -> dict[str, Any] | None:
        first = self.neurons[0]
        spec = {"nin": self.nin, "nout": self.nout, "activation": first.activation_key}
        return _rebuildable({**spec, "fused": first.fused, "scoped": self.scoped}, first.activation_key)

    @classmethod
    def state_size(cls, arguments: dict[str, Any], count: Sizer, source: str) -> int:
        nin = check_count(arguments.get("nin"), "nin", "Layer")
        return check_count(arguments.get("nout"), "nout", "Layer") * (nin + 1)

    def __call__(self, xs: Sequence[Operand]) -> list[Value]:
        """Each neuron's output for the input vector ``xs``, in the layer's scope when ``scoped``; a Tensor of rows:
        ``forward_matrix``."""
        if isinstance(xs, Tensor):
            return self.forward_matrix(xs)  # type: ignore[return-value]
        _check_inputs(self, xs, self.nin)  # once for all the neurons, which read the same inputs
        inputs = input_vector(xs)  # read once for every neuron's dot (autograd.fast)
        outputs = [neuron(inputs) for neuron in self.neurons]
        if self.scoped:  # each neuron made its nodes in its own scope: those go in the layer's (autograd.fast)
            place_groups_in_new_scope(outputs, self.name or "Layer", self.title)
        return outputs

    def forward_matrix(self, xs: Tensor) -> Tensor:
        """act(X·W + b) for a Tensor of examples (rows × nin): rows × nout, column j neuron j's (``nn.matrix``)."""
        matrix.checked_batch(self, xs, self.nin)
        return matrix.scoped(self, self.scoped, self._matrix_outputs, xs)

    def home_rows(self) -> tuple[list[list[Value]], list[Value]]:
        """Each neuron's weights (a column of W) and the biases, as the matrix path lays them out."""
        return [n.w for n in self.neurons], [n.b for n in self.neurons]

    def _matrix_outputs(self, xs: Tensor) -> Tensor:
        first = self.neurons[0]
        pre = matrix.affine(xs, *self.home_rows(), self.name, self)
        return matrix.activate(first.activation_key, first.activation, pre, self.name or "Layer")

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.neurons[0].activation_name!r})"


class MLP(Module):
    """A multilayer perceptron: ``Layer(nin, nouts[0])``, ``Layer(nouts[0], nouts[1])``, ….

    Hidden layers use ``activation``; the last layer uses ``output_activation`` (linear by default,
    micrograd's convention). Calling it returns a single ``Value`` when the last layer has one
    unit, else a list of Values (``MLP(2, [16, 1, 1])`` works: only the final output is unwrapped).
    All weights are drawn from one Generator seeded by ``seed``, layer by layer.

    >>> model = MLP(2, [4, 1], seed=0)
    >>> type(model([0.5, -1.0])).__name__, len(model.parameters())
    ('Value', 17)
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str | Activation | None = "relu",
        output_activation: str | Activation | None = None,
        **keywords: Unpack[NeuronKeywords],
    ) -> None:
        options = neuron_keywords("MLP", keywords)
        name = options["name"]
        super().__init__(name)
        sizes = _layer_sizes(nin, nouts)
        self.activation_keys = (
            checked_activation(activation, "activation", "MLP"),
            checked_activation(output_activation, "output_activation", "MLP"),
        )
        self.nin, self.nouts = sizes[0], sizes[1:]  # plain ints: numpy's int64 would not save as JSON
        self.fused, self.scoped = _flags(options["fused"], options["scoped"], type(self).__name__)
        rng = make_rng(options["seed"])
        last = len(nouts) - 1
        self.layers = [
            Layer(
                sizes[i],
                sizes[i + 1],
                output_activation if i == last else activation,
                **_child_keywords(options, rng, child_name(name, f"layers.{i}")),
            )
            for i in range(len(nouts))
        ]
        for number, layer in enumerate(self.layers, start=1):
            layer.title = f"layer {number}"  # as the course notes count: layer 1 computes h1

    def named_children(self) -> list[tuple[str, Module]]:
        return [(f"layers.{i}", layer) for i, layer in enumerate(self.layers)]

    def arguments(self) -> dict[str, Any] | None:
        hidden, output = self.activation_keys
        spec = {"nin": self.nin, "nouts": self.nouts, "activation": hidden, "output_activation": output}
        return _rebuildable({**spec, "fused": self.fused, "scoped": self.scoped}, hidden, output)

    @classmethod
    def state_size(cls, arguments: dict[str, Any], count: Sizer, source: str) -> int:
        sizes = _layer_sizes(arguments.get("nin"), arguments.get("nouts"))
        return sum((fan_in + 1) * width for fan_in, width in itertools.pairwise(sizes))

    def __call__(self, xs: Sequence[Operand]) -> Value | list[Value]:
        """The network's output for one input vector: a Value if the last layer has one unit, else a list.

        A Tensor of rows runs on the matrix path (``forward_matrix``)."""
        if isinstance(xs, Tensor):
            return self.forward_matrix(xs)  # type: ignore[return-value]
        _check_inputs(self, xs, self.nin)
        if self.scoped and type(xs[0]) is Value:  # drawn: Value inputs are wires named as in the notes, x[0], …
            _label_inputs(xs)
        out = self.layers[0](xs)
        for number, layer in enumerate(self.layers[1:], start=1):
            if self.scoped:  # drawn: hidden activations named as in the course notes, h1[3] = layer 1's unit 3
                for value, label in zip(out, _hidden_labels(number, len(out)), strict=True):
                    value.label = value.label or label
            out = layer(out)
        return out[0] if len(out) == 1 else out

    def forward_matrix(self, xs: Tensor) -> Tensor:
        """The outputs for a Tensor of examples (rows × nin): rows × outputs, or one per row for one output.

        Hidden activations are labelled ``h1``, ``h2``… (as the course notes name them) when scoped.
        """
        matrix.checked_batch(self, xs, self.nin)
        matrix.homes_side_by_side(self.layers)  # the optimizer then reads all the parameters as one slice
        out = self.layers[0].forward_matrix(xs)
        for number, layer in enumerate(self.layers[1:], start=1):
            if self.scoped:
                out.label = out.label or f"h{number}"
            out = layer.forward_matrix(out)
        return out.reshape(out.shape[:-1]) if out.shape[-1] == 1 else out

    def __repr__(self) -> str:
        hidden = self.layers[0].neurons[0].activation_name if len(self.layers) > 1 else "-"
        output = self.layers[-1].neurons[0].activation_name
        return f"MLP({self.nin}, {self.nouts}, activation={hidden!r}, output_activation={output!r})"


def _label_inputs(xs: Sequence[Operand]) -> None:
    """Label the Value inputs that have no label ``x[0]``, ``x[1]``, … (numbers stay numbers).

    A drawing shows Value inputs as named wires that the first layer's arithmetic points at.
    Numbers are not wrapped: a number folded into a ``dot`` costs no node and no gradient, and
    wrapping them cost the default demo step 9% more instructions (205 M to 223 M). A drawing finds
    them in the ``dot`` nodes instead and shows them as inputs ``x[0]``, … too (``viz.model.constants``).

    >>> xs = [Value(0.5), Value(2.0, label="age")]
    >>> _label_inputs(xs)
    >>> [x.label for x in xs]
    ['x[0]', 'age']
    """
    for x, label in zip(xs, _input_labels(len(xs)), strict=True):
        if type(x) is Value and not x.label:
            x.label = label


@functools.cache
def _input_labels(units: int) -> tuple[str, ...]:
    """``x[0]`` … ``x[units-1]``, made once."""
    return tuple(f"x[{unit}]" for unit in range(units))


def _layer_sizes(nin: object, nouts: object) -> list[int]:
    """[nin, *nouts] as plain ints, checked: an MLP's layer sizes (also counted from a file by ``nn.load``)."""
    if not isinstance(nouts, Sequence) or isinstance(nouts, str):
        raise TypeError(f"MLP: nouts must be a list of layer sizes, got {type(nouts).__name__}")
    if not nouts:
        raise ValueError("MLP: nouts must list at least one layer size")
    widths = [n if type(n) is int and n >= 1 else check_count(n, f"nouts[{i}]", "MLP") for i, n in enumerate(nouts)]
    return [check_count(nin, "nin", "MLP"), *widths]  # the common case unformatted: a file may list 10**6 sizes


@functools.cache
def _hidden_labels(number: int, units: int) -> tuple[str, ...]:
    """``h{number}[0]`` … ``h{number}[units-1]``, made once: an MLP labels its hidden values on every call."""
    return tuple(f"h{number}[{unit}]" for unit in range(units))


class Maxout(Module):
    """``nout`` maxout units, each max(w_1·x + b_1, …, w_k·x + b_k) over ``pieces`` linear pieces.

    The max is the engine's ``maximum`` (the gradient flows to the winning piece only; a tie
    splits it). Parameters are named ``units.{j}.pieces.{k}.w.{i}`` / ``.b``.

    >>> unit = Maxout(2, 1, pieces=3, seed=0)
    >>> unit([1.0, 2.0])[0].op, len(unit.parameters())
    ('max', 9)
    """

    def __init__(self, nin: int, nout: int, pieces: int = 2, **keywords: Unpack[NeuronKeywords]) -> None:
        options = neuron_keywords("Maxout", keywords)
        name = options["name"]
        super().__init__(name)
        self.nin = check_count(nin, "nin", "Maxout")
        self.nout = check_count(nout, "nout", "Maxout")
        self.pieces = check_count(pieces, "pieces", "Maxout")
        self.fused, self.scoped = _flags(options["fused"], options["scoped"], type(self).__name__)
        rng = make_rng(options["seed"])
        self.units = [
            [
                Neuron(nin, None, **_child_keywords(options, rng, child_name(name, f"units.{j}.pieces.{k}")))
                for k in range(pieces)
            ]
            for j in range(nout)
        ]

    def named_children(self) -> list[tuple[str, Module]]:
        return [(f"units.{j}.pieces.{k}", piece) for j, unit in enumerate(self.units) for k, piece in enumerate(unit)]

    def arguments(self) -> dict[str, Any] | None:
        return {"nin": self.nin, "nout": self.nout, "pieces": self.pieces, "fused": self.fused, "scoped": self.scoped}

    @classmethod
    def state_size(cls, arguments: dict[str, Any], count: Sizer, source: str) -> int:
        nin, nout = (check_count(arguments.get(size), size, "Maxout") for size in ("nin", "nout"))
        return nout * check_count(arguments.get("pieces"), "pieces", "Maxout") * (nin + 1)

    def __call__(self, xs: Sequence[Operand]) -> list[Value]:
        """max over each unit's pieces, for one input vector; a Tensor of rows: ``forward_matrix``."""
        if isinstance(xs, Tensor):
            return self.forward_matrix(xs)  # type: ignore[return-value]
        _check_inputs(self, xs, self.nin)
        return run_in_scope(self, self.scoped, self._units, xs)

    def forward_matrix(self, xs: Tensor) -> Tensor:
        """max over each unit's pieces for a Tensor of examples (rows × nin): rows × nout (``nn.matrix``)."""
        matrix.checked_batch(self, xs, self.nin)
        return matrix.scoped(self, self.scoped, self._matrix_units, xs)

    def home_rows(self) -> tuple[list[list[Value]], list[Value]]:
        """Each piece's weights (a column of W) and the biases, unit by unit: columns j·pieces … j·pieces + k."""
        pieces = [piece for unit in self.units for piece in unit]
        return [p.w for p in pieces], [p.b for p in pieces]

    def _matrix_units(self, xs: Tensor) -> Tensor:
        pre = matrix.affine(xs, *self.home_rows(), self.name, self)
        return pre.reshape(*xs.shape[:-1], self.nout, self.pieces).max(axis=-1)

    def _units(self, xs: Sequence[Operand]) -> list[Value]:
        inputs = input_vector(xs)  # read once for every piece's dot
        return [self._unit(unit, inputs) for unit in self.units]

    @staticmethod
    def _unit(pieces: list[Neuron], xs: Sequence[Operand]) -> Value:
        best = pieces[0](xs)
        for piece in pieces[1:]:
            best = maximum(best, piece(xs))
        return best

    def __repr__(self) -> str:
        return f"Maxout({self.nin}, {self.nout}, pieces={self.pieces})"
