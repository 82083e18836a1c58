"""Per-context switches that change what an op records: ``no_grad``, ``detect_anomaly`` and ``scope``.

All three live in one ``ContextVar`` holding an immutable ``Mode``, so an op reads its
recording mode with a single ``get()``. Context variables keep threads and asyncio tasks
from leaking a ``no_grad`` into each other.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any


class Scope:
    """A named group of nodes (for example one sigmoid gate, one neuron).

    Nodes created inside ``with scope(name):`` record the innermost ``Scope``; nested
    scopes point to their ``parent``. Renderers draw a scope as a cluster or collapse it
    into one gate. Two ``with`` blocks with the same name are two distinct scopes.
    ``name`` identifies the scope (``layers.1.neurons.3``: ``collapse`` and ``expand`` take
    it); ``title`` is how a drawing writes it inside its parent's box (``neuron 3``), by
    default the name.
    """

    __slots__ = ("name", "parent", "title")

    def __init__(self, name: str, parent: Scope | None = None, title: str | None = None) -> None:
        self.name = name
        self.parent = parent
        self.title = name if title is None else title

    def path(self) -> tuple[Scope, ...]:
        """This scope and its ancestors, outermost first."""
        chain: list[Scope] = []
        node: Scope | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return tuple(reversed(chain))

    def __repr__(self) -> str:
        return f"Scope({'/'.join(s.name for s in self.path())!r})"


class Mode:
    """What ops do in the current context, and how to leave it; never changed once made.

    ``plain`` is ``recording and not check_anomaly``: the common case, which ops test first. ``outer``
    is the mode this one was entered from and ``opener`` the object (a ``scope``, ``no_grad`` or
    ``detect_anomaly`` instance) that entered it: leaving restores ``outer`` after checking ``opener``.
    The mode itself is the stack of open blocks, one per thread or task (contextvars), so one instance
    may be entered by several threads at once. (A class with slots rather than a NamedTuple: ops read
    ``plain`` and ``scope`` on every node, and a slot is the quickest attribute to read.)
    """

    __slots__ = ("recording", "check_anomaly", "scope", "plain", "outer", "opener")

    def __init__(
        self,
        recording: bool = True,
        check_anomaly: bool = False,
        scope: Scope | None = None,
        outer: Mode | None = None,
        opener: object = None,
    ) -> None:
        self.recording = recording
        self.check_anomaly = check_anomaly
        self.scope = scope
        self.plain = recording and not check_anomaly
        self.outer = outer
        self.opener = opener

    def __repr__(self) -> str:
        return f"Mode(recording={self.recording}, check_anomaly={self.check_anomaly}, scope={self.scope!r})"


DEFAULT_MODE = Mode()
CURRENT_MODE: ContextVar[Mode] = ContextVar("gradtrace_mode", default=DEFAULT_MODE)


def _enter(opener: object, recording: bool, check_anomaly: bool, group: Scope | None) -> None:
    """Make the current mode (recording, check_anomaly, group), remembering the one it replaces."""
    CURRENT_MODE.set(Mode(recording, check_anomaly, group, CURRENT_MODE.get(), opener))


def _leave(opener: object, what: str) -> None:
    """Restore the mode ``opener`` entered from; an error, changing nothing, unless this context's last block is its."""
    mode = CURRENT_MODE.get()
    if mode.opener is not opener or mode.outer is None:
        raise RuntimeError(f"{what}: exit without a matching enter in this thread or task")
    CURRENT_MODE.set(mode.outer)


class _Switch(contextlib.ContextDecorator):
    """A block that changes the mode (``no_grad``, ``detect_anomaly``); a context manager or a decorator."""

    def __call__(self, func: Callable[..., Any]) -> Callable[..., Any]:  # type: ignore[override]
        if inspect.isgeneratorfunction(func) or inspect.iscoroutinefunction(func) or inspect.isasyncgenfunction(func):
            # their bodies run after the decorated call has returned, outside the block: refuse, never pass silently
            name = type(self).__name__
            raise TypeError(
                f"{name} cannot decorate {func.__qualname__}: a generator or async function runs after the call "
                f"returns; write 'with {name}():' inside its body instead"
            )
        return super().__call__(func)

    def _mode(self, mode: Mode) -> tuple[bool, bool]:
        """(recording, check_anomaly) inside the block, entered from ``mode``."""
        raise NotImplementedError

    def __enter__(self) -> None:
        mode = CURRENT_MODE.get()
        _enter(self, *self._mode(mode), mode.scope)

    def __exit__(self, *exc: object) -> None:
        _leave(self, type(self).__name__)


class no_grad(_Switch):  # noqa: N801 - named like torch.no_grad, which users know
    """Ops record nothing inside this block: results are plain leaves (``op == ""``).

    Usable as a context manager or a decorator (not of a generator or an async function: their
    bodies run after the call returns); local to the thread or task (contextvars).

    >>> from autograd import Value
    >>> x = Value(2.0)
    >>> with no_grad():
    ...     y = x * 3
    >>> y.op, y.inputs
    ('', ())
    """

    def _mode(self, mode: Mode) -> tuple[bool, bool]:
        return False, mode.check_anomaly


class detect_anomaly(_Switch):  # noqa: N801 - named like torch.autograd.detect_anomaly
    """Raise ``FloatingPointError`` at the first op whose value or local gradient is nan or inf.

    The message names the op, its operands' values and their labels. A context manager or a
    decorator (not of a generator or an async function, as ``no_grad``).

    >>> from autograd import Value
    >>> with detect_anomaly():
    ...     Value(0.0, label="x").log()
    Traceback (most recent call last):
    ...
    FloatingPointError: log produced value -inf (local gradients (inf,)) from inputs x=0.0
    """

    def _mode(self, mode: Mode) -> tuple[bool, bool]:
        return mode.recording, True


def is_recording() -> bool:
    """True unless inside ``no_grad``."""
    return CURRENT_MODE.get().recording


class scope:  # noqa: N801 - used like a function: ``with scope("name") as group``
    """Group the nodes created inside the block under a named ``Scope`` (nested scopes nest).

    Each entry makes a new ``Scope`` inside the current one. One instance may be entered again
    (nested) or by several threads at once: each thread or task leaves its own.

    >>> from autograd import Value
    >>> x = Value(1.0)
    >>> with scope("sigmoid gate") as gate:
    ...     y = 1 / (1 + (-x).exp())
    >>> y.scope is gate, gate.title
    (True, 'sigmoid gate')
    >>> with scope("layers.1.neurons.3", title="neuron 3") as neuron:
    ...     pass
    >>> neuron.name, neuron.title
    ('layers.1.neurons.3', 'neuron 3')
    """

    __slots__ = ("_name", "_title")

    def __init__(self, name: str, title: str | None = None) -> None:
        if not isinstance(name, str):
            raise TypeError(f"scope name must be a str, not {type(name).__name__}")
        if title is not None and not isinstance(title, str):
            raise TypeError(f"scope title must be a str or None, not {type(title).__name__}")
        self._name = name
        self._title = title

    def __enter__(self) -> Scope:
        mode = CURRENT_MODE.get()
        group = Scope(self._name, mode.scope, self._title)
        _enter(self, mode.recording, mode.check_anomaly, group)
        return group

    def __exit__(self, *exc: object) -> None:
        _leave(self, "scope")


def current_scope() -> Scope | None:
    """The innermost open ``Scope``, or None."""
    return CURRENT_MODE.get().scope
