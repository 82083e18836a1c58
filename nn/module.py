"""``Module``: the base of every network part, holding its parameters under stable, readable names.

A module declares its own parameters (``local_parameters``), its buffers (``local_buffers``:
state that is saved but not trained, such as running statistics) and its sub-modules
(``named_children``); everything else (``named_parameters``, ``zero_grad``, ``train``/``eval``,
``state_dict``, ``save``/``load``) is derived from those three lists here, in their order.
Names join the path with dots: ``layers.1.neurons.3.w.0`` is weight 0 of neuron 3 of layer 1.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from operator import methodcaller
from typing import Any, TypeVar

from autograd import Tensor, Value
from nn.checks import check_flag, check_name
from nn.state_file import StateError, check_state, encode_state, read_state_file, write_atomic

ModuleT = TypeVar("ModuleT", bound="Module")
Builder = Callable[[object, str], "Module"]
"""Rebuilds a module from an architecture (``nn.saved.build``), naming ``source`` in its errors."""
Sizer = Callable[[object, str], int]
"""Counts the numbers an architecture implies without building it (``nn.saved.count``), naming ``source``."""


def child_name(parent: str, relative: str) -> str:
    """The full name of a child: ``parent.relative``, or ``relative`` for a top-level parent.

    >>> child_name("layers.1", "neurons.3"), child_name("", "layers.0")
    ('layers.1.neurons.3', 'layers.0')
    """
    return f"{parent}.{relative}" if parent else relative


def numbered(group: str, values: list[Value]) -> list[tuple[str, Value]]:
    """Name each value of a group by its index: ``group.0``, ``group.1``, …

    >>> [name for name, _ in numbered("w", [Value(1.0), Value(2.0)])]
    ['w.0', 'w.1']
    """
    return [(f"{group}.{i}", value) for i, value in enumerate(values)]


class Module:
    """Base class: parameters, buffers and sub-modules under dotted names, train/eval mode, save/load.

    ``name`` is the module's full dotted path inside its model (``""`` for the model itself);
    modules that draw their nodes inside ``autograd.scope`` use it as the scope's name, and
    ``title`` (set by the parent that numbers it: ``neuron 3`` in its layer, ``layer 1`` in
    an MLP; None otherwise) as the scope's title, how a diagram writes the group.
    """

    name: str
    title: str | None
    training: bool
    min_training_rows = 1
    """The fewest rows a training batch may have (``BatchNorm``: 2); ``fit`` checks it before the first update."""

    def __init__(self, name: str = "") -> None:
        self.name = check_name(name, type(self).__name__)
        self.title = None
        self.training = True

    # ------------------------------------------------------------- what a subclass declares
    def local_parameters(self) -> list[tuple[str, Value]]:
        """This module's own trainable Values, by name relative to the module (``w.0``, ``b``)."""
        return []

    def local_buffers(self) -> list[tuple[str, Value]]:
        """This module's own saved but untrained state (Values used only through ``.data``)."""
        return []

    def named_children(self) -> list[tuple[str, Module]]:
        """The direct sub-modules, by name relative to this module (``neurons.3``)."""
        return []

    def arguments(self) -> dict[str, Any] | None:
        """The constructor's keyword arguments that rebuild this module's shape (JSON data), or None if it can't be
        rebuilt from a file (a custom activation function, or a kind ``nn.load`` does not know)."""
        return None

    @classmethod
    def from_arguments(cls, arguments: dict[str, Any], build: Builder, source: str) -> Module:
        """A new module of this kind from ``arguments()`` data; ``build`` rebuilds nested architectures."""
        return cls(**arguments)

    @classmethod
    def nested(cls, arguments: dict[str, Any]) -> list[Any]:
        """The architectures nested in ``arguments()`` data (``Sequential``'s modules), which ``nn.load`` builds and
        counts first, bottom-up without recursion; none by default."""
        return []

    @classmethod
    def state_size(cls, arguments: dict[str, Any], count: Sizer, source: str) -> int:
        """How many numbers (parameters and buffers) a module built from ``arguments()`` data holds, counted from
        the data alone: ``nn.load`` compares it with the file before building anything, so a file claiming a
        huge shape costs nothing. ``count`` counts nested architectures. Each loadable kind defines it."""
        raise NotImplementedError(f"{cls.__name__} does not count its state (nn.load cannot rebuild it)")

    def __call__(self, xs: Any) -> Any:
        """The module's output for one example (subclasses define it)."""
        raise NotImplementedError(f"{type(self).__name__} does not define __call__")

    # ------------------------------------------------------------- derived
    def architecture(self) -> dict[str, Any] | None:
        """``{"kind": class name, **arguments()}``: what ``nn.load`` needs to rebuild the model, or None.

        >>> from nn.layers import MLP
        >>> MLP(2, [4, 1], activation="tanh").architecture()["nouts"]
        [4, 1]
        """
        arguments = self.arguments()
        return None if arguments is None else {"kind": type(self).__name__, **arguments}

    def forward_batch(self, rows: list[Any]) -> list[Any]:
        """The outputs for a batch of examples: one call per row here; BatchNorm sees the whole batch.

        A ``Tensor`` of rows is one call (the matrix path: ``nn.matrix``), which returns a Tensor.
        """
        if isinstance(rows, Tensor):
            return self(rows)  # type: ignore[no-any-return]
        return [self(row) for row in rows]

    def rename(self, name: str) -> None:
        """Move this module under the dotted path ``name`` (when it becomes part of a bigger model):
        its own and its sub-modules' names, and every parameter's and buffer's label."""
        for path, module in self._walk(name):
            module.name = path
            for relative, value in module.local_parameters() + module.local_buffers():
                value.label = child_name(path, relative)

    def _walk(self, name: str = "") -> Iterator[tuple[str, Module]]:
        """This module and every sub-module with its dotted path (this one's is ``name``), parents before children,
        in order; with a stack rather than recursion, as a model may nest hundreds of ``Sequential`` deep."""
        stack: list[tuple[str, Module]] = [(name, self)]
        while stack:
            path, module = stack.pop()
            yield path, module
            stack.extend(reversed([(child_name(path, relative), child) for relative, child in module.named_children()]))

    def named_parameters(self) -> list[tuple[str, Value]]:
        """Every trainable Value with its dotted name, own parameters first, then each child's in order."""
        return self._collect(methodcaller("local_parameters"))

    def parameters(self) -> list[Value]:
        """Every trainable Value, in the order of ``named_parameters``."""
        return [value for _, value in self.named_parameters()]

    def named_buffers(self) -> list[tuple[str, Value]]:
        """Every buffer with its dotted name."""
        return self._collect(methodcaller("local_buffers"))

    def _collect(self, declared: Callable[[Module], list[tuple[str, Value]]]) -> list[tuple[str, Value]]:
        return [(child_name(path, name), value) for path, module in self._walk() for name, value in declared(module)]

    def modules(self) -> list[Module]:
        """This module and every sub-module, parents before children."""
        return [module for _, module in self._walk()]

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (leaf gradients accumulate across ``backward`` calls)."""
        for value in self.parameters():
            value.grad = 0.0

    def train(self: ModuleT, mode: bool = True) -> ModuleT:
        """Put this module and its children in training mode (``mode=False``: evaluation mode); returns self."""
        mode = check_flag(mode, "mode", f"{type(self).__name__}.train")  # train("no") would mean training
        for module in self.modules():
            module.training = mode
        return self

    def eval(self: ModuleT) -> ModuleT:
        """Evaluation mode (BatchNorm uses its running statistics); returns self."""
        return self.train(False)

    # ------------------------------------------------------------- state
    def _named_state(self) -> list[tuple[str, Value]]:
        return self.named_parameters() + self.named_buffers()

    def state_dict(self) -> dict[str, float]:
        """Every parameter's and buffer's number by dotted name, in model order (parameters first).

        >>> from nn.layers import Neuron
        >>> Neuron(2, seed=0).state_dict().keys()
        dict_keys(['w.0', 'w.1', 'b'])
        """
        return {name: value.data for name, value in self._named_state()}

    def load_state_dict(self, state: Mapping[str, object], source: str = "state") -> None:
        """Copy numbers from ``state`` (as made by ``state_dict``) into the model.

        Everything is checked before anything is written: a name missing or extra, a group of
        another size, or a value that is not a finite number raises ``StateError`` naming the first
        mismatch, and the model is left untouched.
        """
        named = self._named_state()
        numbers = check_state([name for name, _ in named], state, source)
        for (_, value), number in zip(named, numbers, strict=True):
            value.data = number

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the state to ``path`` as JSON (format in ``nn.state_file``), atomically, with the architecture.

        A crash mid-save leaves the previous file (or no file), never a truncated one. An existing
        file keeps its permissions; a symlink keeps pointing at the file, which is rewritten.
        ``nn.load(path)`` rebuilds the model from the file when ``architecture()`` is not None.
        """
        write_atomic(path, encode_state(type(self).__name__, self.state_dict(), self.architecture()))

    def load(self: ModuleT, path: str | os.PathLike[str]) -> ModuleT:
        """Read a state saved by ``save`` into this model; returns self.

        The whole file is validated first (JSON syntax, header, module kind, names, group sizes,
        finite numbers); on any mismatch ``StateError`` names the file and the first problem and
        the model is unchanged.
        """
        state = read_state_file(path, type(self).__name__)
        self.load_state_dict(state, source=os.fspath(path))
        return self


__all__ = ["Module", "StateError", "child_name", "numbered"]
