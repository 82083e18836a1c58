"""``load(path)``: rebuild a model from a state file alone, from the architecture recorded next to its weights.

The kinds a file can name are listed here (``MODULE_KINDS``); each class rebuilds itself from its
own ``arguments()`` (``Sequential`` rebuilds its modules first), and counts the numbers it would hold
from them alone (``state_size``), which ``load`` compares with the file's before building anything.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

from nn.layers import MLP, Layer, Maxout, Neuron
from nn.module import Module
from nn.normalization import BatchNorm
from nn.sequential import Elementwise, Sequential
from nn.state_file import StateError, read_document, state_of

MODULE_KINDS: dict[str, type[Module]] = {
    kind.__name__: kind for kind in (MLP, Layer, Neuron, Maxout, BatchNorm, Elementwise, Sequential)
}


def build(architecture: object, source: str = "architecture") -> Module:
    """A new module (fresh weights) of the shape ``architecture`` describes (as ``Module.architecture()`` gives it).

    >>> build({"kind": "MLP", "nin": 2, "nouts": [4, 1], "activation": "tanh"})
    MLP(2, [4, 1], activation='tanh', output_activation='identity')
    """
    return _bottom_up(architecture, source, lambda kind, arguments, built, where: kind.from_arguments(
        arguments, built, where
    ))  # fmt: skip


def count(architecture: object, source: str = "architecture") -> int:
    """How many numbers (parameters and buffers) ``build(architecture)`` would hold, counted without building it.

    >>> count({"kind": "MLP", "nin": 2, "nouts": [4, 1]}), count({"kind": "Layer", "nin": 10**8, "nout": 1})
    (17, 100000001)
    """
    return _bottom_up(architecture, source, lambda kind, arguments, counted, where: kind.state_size(
        arguments, counted, where
    ))  # fmt: skip


Result = TypeVar("Result")
Make = Callable[[type[Module], dict[str, Any], Callable[[object, str], Result], str], Result]


def _bottom_up(architecture: object, source: str, make: Make[Result]) -> Result:
    """``make(kind, arguments, nested, source)`` for ``architecture`` and every architecture nested in it, children
    first; ``nested(spec, source)`` hands a parent its children's results. A list rather than recursion: a file
    may nest ``Sequential`` hundreds deep. Every kind is checked before anything is made."""
    order: list[tuple[str, dict[str, Any], str]] = []  # parents before children
    stack: list[tuple[object, str]] = [(architecture, source)]
    while stack:
        spec, where = stack.pop()
        kind, arguments = _kind_and_arguments(spec, where)
        try:
            children = MODULE_KINDS[kind].nested(arguments)
        except (TypeError, ValueError) as error:
            raise _unbuildable(error, kind, where) from None
        order.append((kind, arguments, where))
        stack.extend((child, f"{where}.{i}") for i, child in enumerate(children))
    made: dict[str, Result] = {}
    for kind, arguments, where in reversed(order):
        try:
            made[where] = make(MODULE_KINDS[kind], arguments, lambda _spec, path: made.pop(path), where)
        except (TypeError, ValueError) as error:
            raise _unbuildable(error, kind, where) from None
    return made[source]


def _kind_and_arguments(architecture: object, source: str) -> tuple[str, dict[str, Any]]:
    if not isinstance(architecture, dict):
        raise StateError(f"{source}: the architecture must be an object, got {type(architecture).__name__}")
    arguments: dict[str, Any] = dict(architecture)
    kind = arguments.pop("kind", None)
    if not isinstance(kind, str) or kind not in MODULE_KINDS:  # a list is no kind (and cannot be looked up)
        raise StateError(f"{source}: unknown module kind {kind!r}; this gradtrace builds {sorted(MODULE_KINDS)}")
    return kind, arguments


def _unbuildable(error: TypeError | ValueError, kind: str, source: str) -> StateError:
    if isinstance(error, StateError):
        return error
    return StateError(f"{source}: cannot build the {kind}: {error}")


def load(path: str | os.PathLike[str]) -> Module:
    """The model saved at ``path`` (by ``Module.save``), rebuilt from its recorded architecture, with its weights.

    Files saved before architectures were recorded, or from a model with a custom activation
    function, have none: build that model yourself and call ``model.load(path)``.

    >>> import os, tempfile
    >>> from nn.layers import MLP
    >>> path = os.path.join(tempfile.mkdtemp(), "model.json")
    >>> MLP(2, [4, 1], seed=0).save(path)
    >>> load(path)([0.5, -1.0]).data == MLP(2, [4, 1], seed=0)([0.5, -1.0]).data
    True
    """
    where = os.fspath(path)
    document = read_document(path)  # read once: what is checked is what is loaded, even if the file is saved again
    architecture = document.get("architecture")
    if architecture is None:
        raise StateError(
            f"{where}: the file records no architecture (saved by an older gradtrace, or from a model with a custom "
            "activation function): build the model as it was and call model.load(path)"
        )
    try:
        # Count before building: a ~140-byte file may claim 10**8 weights, which would take gigabytes to build.
        expected = count(architecture, f"{where}: architecture")
        state = state_of(document, architecture["kind"], where)
        if len(state) != expected:
            raise StateError(
                f"{where}: the architecture implies {expected} numbers (parameters and buffers), "
                f"the file's state holds {len(state)}"
            )
        model = build(architecture, f"{where}: architecture")
    except RecursionError:
        raise StateError(f"{where}: the architecture is nested too deeply to build") from None
    model.load_state_dict(state, source=where)
    return model
