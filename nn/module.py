"""``Module``: the base of every network part, holding its parameters under stable, readable names.

A module declares its own parameters (``local_parameters``), its buffers (``local_buffers``:
state that is saved but not trained, such as running statistics) and its sub-modules
(``named_children``); everything else (``named_parameters``, ``zero_grad``, ``train``/``eval``,
``state_dict``, ``save``/``load``) is derived from those three lists here, in their order.
Names join the path with dots: ``layers.1.neurons.3.w.0`` is weight 0 of neuron 3 of layer 1.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from operator import methodcaller
from typing import TypeVar

from autograd import Value
from nn.state_file import StateError, check_state, encode_state, read_state_file, write_atomic

ModuleT = TypeVar("ModuleT", bound="Module")


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
    modules that draw their nodes inside ``autograd.scope`` use it as the scope's name.
    """

    name: str
    training: bool

    def __init__(self, name: str = "") -> None:
        self.name = name
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

    # ------------------------------------------------------------- derived
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
        found = list(declared(self))
        for relative, child in self.named_children():
            found.extend((f"{relative}.{name}", value) for name, value in child._collect(declared))
        return found

    def modules(self) -> list[Module]:
        """This module and every sub-module, parents before children."""
        found: list[Module] = [self]
        for _, child in self.named_children():
            found.extend(child.modules())
        return found

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (leaf gradients accumulate across ``backward`` calls)."""
        for value in self.parameters():
            value.grad = 0.0

    def train(self: ModuleT, mode: bool = True) -> ModuleT:
        """Put this module and its children in training mode (``mode=False``: evaluation mode); returns self."""
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
        """Write the state to ``path`` as JSON (format in ``nn.state_file``), atomically.

        A crash mid-save leaves the previous file (or no file), never a truncated one.
        """
        write_atomic(path, encode_state(type(self).__name__, self.state_dict()))

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
