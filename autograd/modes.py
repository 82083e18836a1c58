"""Per-context switches that change what an op records: ``no_grad``, ``detect_anomaly`` and ``scope``.

All three live in one ``ContextVar`` holding an immutable ``Mode``, so an op reads its
recording mode with a single ``get()`` and the common case (recording, no anomaly check,
no scope) is one identity comparison. Context variables keep threads and asyncio tasks
from leaking a ``no_grad`` into each other.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable, Iterator
from contextvars import ContextVar, Token
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from autograd.value import Value


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


class Mode(NamedTuple):
    """What ops do in the current context (a NamedTuple: cheap to create on every ``scope`` entry)."""

    recording: bool = True
    check_anomaly: bool = False
    scope: Scope | None = None
    plain: bool = True  # recording and not check_anomaly: the ops' fast path (read as mode[3])


DEFAULT_MODE = Mode()
CURRENT_MODE: ContextVar[Mode] = ContextVar("gradtrace_mode", default=DEFAULT_MODE)


_get_mode, _set_mode = CURRENT_MODE.get, CURRENT_MODE.set
_new_object, _new_tuple = object.__new__, tuple.__new__


def _derive(**changes: Any) -> Mode:
    new = CURRENT_MODE.get()._replace(**changes)
    new = new._replace(plain=new.recording and not new.check_anomaly)
    # reuse the shared default object so the ops' fast path (an identity test) still applies
    return DEFAULT_MODE if new == DEFAULT_MODE else new


@contextlib.contextmanager
def _replace_mode(**changes: Any) -> Iterator[None]:
    token = CURRENT_MODE.set(_derive(**changes))
    try:
        yield
    finally:
        CURRENT_MODE.reset(token)


class no_grad(contextlib.ContextDecorator):  # noqa: N801 - named like torch.no_grad, which users know
    """Ops record nothing inside this block: results are plain leaves (``op == ""``).

    Usable as a context manager or a decorator; local to the thread or task (contextvars).

    >>> from autograd import Value
    >>> x = Value(2.0)
    >>> with no_grad():
    ...     y = x * 3
    >>> y.op, y.inputs
    ('', ())
    """

    def __init__(self) -> None:
        self._tokens: list[Token[Mode]] = []

    def __call__(self, func: Callable[..., Any]) -> Callable[..., Any]:  # type: ignore[override]
        if inspect.isgeneratorfunction(func) or inspect.iscoroutinefunction(func) or inspect.isasyncgenfunction(func):
            # their bodies run after the decorated call has returned, outside the block: refuse, never record silently
            raise TypeError(
                f"no_grad cannot decorate {func.__qualname__}: a generator or async function runs after the call "
                "returns; write 'with no_grad():' inside its body instead"
            )
        return super().__call__(func)

    def _recreate_cm(self) -> no_grad:
        # a fresh instance per decorated call, so recursion and threads never share tokens
        return type(self)()

    def __enter__(self) -> None:
        self._tokens.append(CURRENT_MODE.set(_derive(recording=False)))

    def __exit__(self, *exc: object) -> None:
        _reset_own(self._tokens, "no_grad")


def _reset_own(tokens: list[Token[Mode]], what: str) -> None:
    """Undo this thread's or task's latest entry of a context manager that several of them may share."""
    for token in reversed(tokens):
        try:
            CURRENT_MODE.reset(token)
        except (ValueError, RuntimeError):  # made in another thread or task, or already used
            continue
        tokens.remove(token)
        return
    raise RuntimeError(f"{what}: exit without a matching enter in this thread or task")


def is_recording() -> bool:
    """True unless inside ``no_grad``."""
    return CURRENT_MODE.get().recording


@contextlib.contextmanager
def detect_anomaly() -> Iterator[None]:
    """Raise ``FloatingPointError`` at the first op whose value or local gradient is nan or inf.

    The message names the op, its operands' values and their labels.

    >>> from autograd import Value
    >>> with detect_anomaly():
    ...     Value(0.0, label="x").log()
    Traceback (most recent call last):
    ...
    FloatingPointError: log produced value -inf (local gradients (inf,)) from inputs x=0.0
    """
    with _replace_mode(check_anomaly=True):
        yield


class scope:  # noqa: N801 - used like a function: ``with scope("name") as group``
    """Group the nodes created inside the block under a named ``Scope`` (nested scopes nest).

    A plain class rather than a generator-based context manager: networks enter one scope
    per neuron per forward pass, so entering must be cheap.

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

    __slots__ = ("_name", "_title", "_tokens")

    def __init__(self, name: str, title: str | None = None) -> None:
        if not isinstance(name, str):
            raise TypeError(f"scope name must be a str, not {type(name).__name__}")
        if title is not None and not isinstance(title, str):
            raise TypeError(f"scope title must be a str or None, not {type(title).__name__}")
        self._name = name
        self._title = name if title is None else title
        self._tokens: list[Token[Mode]] = []  # a stack: the same instance may be nested or shared by threads

    def __enter__(self) -> Scope:
        self._tokens.append(enter_scope(self._name, self._title))
        group = _get_mode().scope
        assert group is not None  # enter_scope has just set it
        return group

    def __exit__(self, *exc: object) -> None:
        tokens = self._tokens
        try:  # the common case: the last entry is this context's
            CURRENT_MODE.reset(tokens[-1])
            tokens.pop()
        except (ValueError, IndexError):
            _reset_own(tokens, "scope")


def enter_scope(name: str, title: str | None = None) -> Token[Mode]:
    """Open a new ``Scope`` called ``name`` (drawn as ``title``, by default the name) inside the current one;
    ``leave_scope(token)`` closes it.

    ``with scope(name):`` is the readable form. This pair is for code that opens a scope per
    module per forward pass (``nn.layers``: a layer, or a neuron that cannot place its nodes with
    ``place_in_new_scope``): without the context manager's object and its two Python-level
    ``__enter__``/``__exit__`` calls, entering costs about a third as much.
    ``name`` and ``title`` are not checked here (callers pass module names and titles).

    >>> token = enter_scope("neuron")
    >>> current_scope()
    Scope('neuron')
    >>> leave_scope(token); current_scope() is None
    True
    """
    recording, check_anomaly, parent, plain = _get_mode()
    group = _child_scope(name, parent, title)
    return _set_mode(_new_tuple(Mode, (recording, check_anomaly, group, plain)))


def _child_scope(name: str, parent: Scope | None, title: str | None) -> Scope:
    """A new ``Scope`` inside ``parent``, built without calling ``__init__`` in Python (that would cost more
    than the rest of entering or placing)."""
    group: Scope = _new_object(Scope)
    group.name, group.parent, group.title = name, parent, name if title is None else title
    return group


leave_scope: Callable[[Token[Mode]], None] = CURRENT_MODE.reset
"""Close the scope opened by ``enter_scope`` (the ``ContextVar``'s own ``reset``)."""


def place_in_new_scope(nodes: tuple[Value, ...], name: str, title: str | None = None) -> None:
    """Move ``nodes``, just made in the current scope, into a new ``Scope`` called ``name`` inside it.

    The result is what making them inside ``with scope(name, title=title):`` gives: the same
    scope tree, names and titles. Why a second way: entering a scope sets and resets the
    ``ContextVar`` (most of a microsecond), while a neuron makes a fixed pair of nodes per example
    (its ``dot`` and its activation), which can be placed afterwards for a third of the cost.
    Only nodes that are recorded ops of the current scope move: outside recording (``no_grad``)
    results are leaves, which belong to no scope, and a node made elsewhere stays where it is.

    >>> from autograd import Value
    >>> x = Value(1.0)
    >>> y = x * 2.0
    >>> z = y.exp()
    >>> place_in_new_scope((y, z), "gate")
    >>> z.scope is y.scope, z.scope, x.scope
    (True, Scope('gate'), None)
    """
    recording, _, parent, _ = _get_mode()
    if not recording:
        return
    group = _child_scope(name, parent, title)
    for node in nodes:
        if node._scope is parent and node._in is not None:
            node._scope = group


def current_scope() -> Scope | None:
    """The innermost open ``Scope``, or None."""
    return CURRENT_MODE.get().scope
