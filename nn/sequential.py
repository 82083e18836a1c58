"""``Sequential``: modules applied one after another to a batch, so ``BatchNorm`` can sit between layers.

A layer works on one example, ``BatchNorm`` on a whole batch; each module's ``forward_batch``
knows which, so the container just hands each module the previous one's batch.
``Elementwise`` applies an activation to every value of a row (a ``Layer`` built with
``activation=None`` followed by ``BatchNorm`` and ``Elementwise("tanh")`` is the usual
linear → normalise → nonlinearity block).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from autograd import Tensor, Value
from nn import matrix
from nn.activations import Activation, resolve_activation
from nn.layers import checked_activation
from nn.module import Builder, Module, Sizer

Result = TypeVar("Result")


class Elementwise(Module):
    """``activation`` applied to each value of a row; no parameters.

    >>> from autograd import Value
    >>> [round(v.data, 4) for v in Elementwise("tanh")([Value(0.5), Value(-1.0)])]
    [0.4621, -0.7616]
    """

    def __init__(self, activation: str | Activation, *, name: str = "") -> None:
        super().__init__(name)
        self.activation_key = checked_activation(activation, "activation", "Elementwise")
        self.activation = resolve_activation(activation)

    def arguments(self) -> dict[str, Any] | None:
        return None if self.activation_key is None else {"activation": self.activation_key}

    @classmethod
    def state_size(cls, arguments: dict[str, Any], count: Sizer, source: str) -> int:
        return 0

    def __call__(self, row: Sequence[Value]) -> list[Value]:
        """f(v) for every value v of the row (of a Tensor: the activation on the whole matrix)."""
        if isinstance(row, Tensor):
            owner = self.name or "Elementwise"
            return matrix.activate(self.activation_key, self.activation, row, owner)  # type: ignore[return-value]
        if isinstance(row, Value):
            raise TypeError(f"{self.name or 'Elementwise'}: expected a row (a list of Values), got a single Value")
        return [self.activation(v) for v in row]

    def __repr__(self) -> str:
        return f"Elementwise({self.activation_key or self.activation!r})"


class Sequential(Module):
    """``modules[0]``, then ``modules[1]`` on its output, and so on; calling it on one row returns a Value when the
    last module gives a single output (as ``MLP`` does), else a list.

    The modules become children ``0``, ``1``, …: their names and labels are renamed to
    ``0.neurons.3.w.1`` and so on, so parameter names are unique in the model. Training with a
    ``BatchNorm`` inside needs batches: ``forward_batch(rows)`` (``fit`` calls it).

    >>> from nn.layers import Layer
    >>> from nn.normalization import BatchNorm
    >>> model = Sequential(Layer(2, 3, activation=None, seed=0), BatchNorm(3), Elementwise("relu"),
    ...                    Layer(3, 1, activation=None, seed=0))
    >>> outputs = model.forward_batch([[0.5, -1.0], [1.0, 2.0]])
    >>> len(outputs), type(outputs[0]).__name__, model.named_parameters()[-1][0]
    (2, 'Value', '3.neurons.0.b')
    """

    def __init__(self, *modules: Module, name: str = "") -> None:
        super().__init__(name)
        if not modules:
            raise ValueError("Sequential: give at least one module, e.g. Sequential(Layer(2, 8), Elementwise('relu'))")
        for index, module in enumerate(modules):
            if not isinstance(module, Module):
                raise TypeError(f"Sequential: module {index} must be an nn Module, got {type(module).__name__}")
        self.steps = list(modules)
        self.rename(name)

    def named_children(self) -> list[tuple[str, Module]]:
        return [(str(i), module) for i, module in enumerate(self.steps)]

    def arguments(self) -> dict[str, Any] | None:
        own = self._fold(Module.architecture, _architecture)
        return None if own is None else {"modules": own["modules"]}

    def _fold(self, step_result: Callable[[Module], Result], combine: Callable[[str, list[Result]], Result]) -> Result:
        """``combine(kind, [each step's result])`` for this Sequential, where a step's result is ``step_result(step)``,
        or the same fold for a nested Sequential: computed innermost first from a list, not by recursion, as a
        model may nest hundreds deep."""
        nested = [module for module in self.modules() if isinstance(module, Sequential)]  # parents first
        results: dict[int, Result] = {}
        for sequential in reversed(nested):
            steps = [results[id(step)] if id(step) in results else step_result(step) for step in sequential.steps]
            results[id(sequential)] = combine(type(sequential).__name__, steps)
        return results[id(self)]

    @classmethod
    def nested(cls, arguments: dict[str, Any]) -> list[Any]:
        return _module_specs(arguments.get("modules"))

    @classmethod
    def from_arguments(cls, arguments: dict[str, Any], build: Builder, source: str) -> Module:
        modules = cls.nested(arguments)
        del arguments["modules"]
        return cls(*(build(spec, f"{source}.{i}") for i, spec in enumerate(modules)), **arguments)

    @classmethod
    def state_size(cls, arguments: dict[str, Any], count: Sizer, source: str) -> int:
        return sum(count(spec, f"{source}.{i}") for i, spec in enumerate(cls.nested(arguments)))

    def trace(self, rows: list[Any]) -> list[list[Any]]:
        """The batch after each module, in order (the last is the model's output before unwrapping)."""
        batches: list[list[Any]] = []
        for module in self.steps:
            rows = module.forward_batch(rows)
            batches.append(rows)
        return batches

    def forward_batch(self, rows: list[Any]) -> list[Any]:
        """The model's output for every row of the batch (a Tensor of rows: ``forward_matrix``)."""
        if isinstance(rows, Tensor):
            return self.forward_matrix(rows)  # type: ignore[return-value]
        outputs: list[Any] = self._through(list(rows), lambda step, batch: step.forward_batch(batch), _unwrapped_rows)
        return outputs

    def forward_matrix(self, rows: Tensor) -> Tensor:
        """Each module on the previous one's Tensor; a single output column becomes one number per row."""
        output: Tensor = self._through(rows, lambda module, matrix_rows: module(matrix_rows), _one_column_flattened)
        return output

    def _through(self, rows: Any, run: Callable[[Module, Any], Any], finish: Callable[[Any], Any]) -> Any:
        """``run(module, rows)`` for each module in order, with a nested Sequential's modules walked in place and
        its ``finish`` applied where it ends: what calling it would do, but from an explicit stack, as a model may
        nest thousands deep (calling each one inside the other would reach Python's recursion limit)."""
        pending = [iter(self.steps)]
        while pending:
            module = next(pending[-1], None)
            if module is None:
                pending.pop()
                rows = finish(rows)
            elif isinstance(module, Sequential):
                pending.append(iter(module.steps))
            else:
                rows = run(module, rows)
        return rows

    def __call__(self, xs: Any) -> Any:
        """The output for one example (a module that needs a batch, such as BatchNorm in training, refuses it)."""
        if isinstance(xs, Tensor):
            return self.forward_matrix(xs)
        return self.forward_batch([xs])[0]

    def __repr__(self) -> str:
        return self._fold(repr, lambda kind, steps: f"{kind}({', '.join(steps)})")


def _architecture(kind: str, steps: list[dict[str, Any] | None]) -> dict[str, Any] | None:
    """A Sequential's architecture from its steps', or None if one of them cannot be rebuilt from a file."""
    return None if None in steps else {"kind": kind, "modules": steps}


def _module_specs(modules: object) -> list[Any]:
    if not isinstance(modules, list):
        raise TypeError(f"a Sequential needs a list of 'modules', got {type(modules).__name__}")
    return modules


def _unwrapped(output: Any) -> Any:
    return output[0] if isinstance(output, list) and len(output) == 1 else output


def _unwrapped_rows(rows: list[Any]) -> list[Any]:
    """A batch of one-value rows as one Value per row, as a Sequential's batch output reads."""
    return [_unwrapped(output) for output in rows]


def _one_column_flattened(rows: Tensor) -> Tensor:
    """An n × 1 output as n numbers, one per row (the matrix form of ``_unwrapped_rows``)."""
    return rows.reshape(rows.shape[:-1]) if rows.ndim == 2 and rows.shape[-1] == 1 else rows
