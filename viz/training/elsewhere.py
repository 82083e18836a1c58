"""Work that needs no more of this process than a copy of it, run in a forked child: the live view's layout.

Laying the theatre's panels out is Python work (the graph described and written as DOT, ``dot``'s SVG
read back and serialised) that the interpreter cannot do beside training in a thread: the two would
take turns. A forked child has the model, the data and the loss as they are at the fork (no
pickling of a user's lambda), works on another core and sends back a picklable result through a
pipe; the training process only reads that result (``benchmarks/training_theatre.py``: the live
view's cost in the training thread, ~46 ms of CPU per run in-process, falls to the reading).

- ``Elsewhere(work)`` forks where forking a running interpreter is safe enough (Linux: ``os.fork``;
  not macOS, whose system libraries may not survive a fork, nor Windows, which has none); elsewhere,
  and if the fork fails, it runs ``work`` here and now, before returning. Not in a thread: ``work``
  reads the model (the example's graph, its forward and backward), which training is changing.
- ``nice``: the child runs that much nicer than its parent (``os.nice``), so that on a busy machine
  the work takes the cores training leaves (the live view's layout: 10; ``fit`` never waits for it).
- The child ignores SIGINT (Ctrl-C at a terminal reaches the whole process group; the training
  process handles it), gets SIGKILL if its parent dies (``PR_SET_DEATHSIG``), writes only to its
  pipe (its ``sys.stdout`` and ``sys.stderr`` go to ``os.devnull``, warnings are ignored: a
  notebook's streams hold locks and sockets of the parent's threads) and leaves with ``os._exit``,
  running none of the parent's exit handlers.
- ``result(timeout)`` waits for the result (a child past the timeout is killed), and raises
  ``ElsewhereError`` with the child's traceback if the work raised there.
- A thread reads the child's pipe from the fork on (``done`` asks it, without waiting); with
  ``read_later``, from the first ``result`` call: the thread that will wait for the result starts it,
  not the forking one (the live view's final frame: training's last moment pays for the fork only).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import signal
import sys
import threading
import traceback
import warnings
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

# prctl's option that sets the signal a process gets when its parent dies (linux/prctl.h)
_PR_SET_DEATHSIG = 1
_STARTING = threading.Lock()  # a reader started late is started once, whichever thread asks first


class ElsewhereError(RuntimeError):
    """The work raised in its child process; the message holds the child's traceback."""


def can_fork() -> bool:
    """Whether ``Elsewhere`` forks here (Linux with ``os.fork``); elsewhere it runs the work at once."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


class Elsewhere(Generic[T]):
    """``work()`` run in a forked child (or here, see the module docstring); ``done``, ``result``.

    >>> job = Elsewhere(lambda: sum(range(10)))
    >>> job.result(timeout=30)
    45
    """

    def __init__(self, work: Callable[[], T], fork: bool | None = None, nice: int = 0,
                 read_later: bool = False) -> None:
        self._outcome: tuple[str, object] | None = None
        self._pid: int | None = None
        self._reader: threading.Thread | None = None
        forking = can_fork() if fork is None else fork
        if forking:
            try:
                self._start_child(work, nice)
                if not read_later:
                    self._read()
                return
            except OSError:  # no memory or process left for a child: the same work, here
                pass
        self._run_here(work)

    # ---------------------------------------------------------------- in a child
    def _start_child(self, work: Callable[[], T], nice: int) -> None:
        read_end, write_end = os.pipe()
        parent = os.getpid()
        try:
            with warnings.catch_warnings():
                # Python 3.12+ warns that a child forked from a threaded process may deadlock on a lock another
                # thread held; the child runs only the work (its output silenced, see _child), never Jupyter's
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            raise
        if pid == 0:  # the child: never returns
            os.close(read_end)
            _child(work, write_end, parent, nice)
        os.close(write_end)
        self._pid = pid
        self._reader = threading.Thread(target=self._read_child, args=(read_end,), name="gradtrace-elsewhere",
                                        daemon=True)

    def _read_child(self, read_end: int) -> None:
        chunks = []
        with os.fdopen(read_end, "rb") as pipe:
            while chunk := pipe.read(1 << 16):  # blocks without the GIL: training goes on
                chunks.append(chunk)
        assert self._pid is not None
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self._pid, 0)
        data = b"".join(chunks)
        try:
            self._outcome = pickle.loads(data) if data else ("error", "the child ended without a result")
        except Exception as error:  # a result that would not unpickle
            self._outcome = ("error", f"its result could not be read: {error!r}")

    # ---------------------------------------------------------------- or here, now
    def _run_here(self, work: Callable[[], T]) -> None:
        try:
            self._outcome = ("result", work())
        except BaseException as error:  # handed to the caller of result()
            self._outcome = ("raised", error)

    def done(self) -> bool:
        """Whether the result is in (never waits)."""
        self._read()
        return self._reader is None or not self._reader.is_alive()

    def _read(self) -> None:
        """Start reading the child's pipe, if no thread reads it yet (``read_later``)."""
        if self._reader is not None and self._reader.ident is None:
            with _STARTING:
                if self._reader.ident is None:
                    self._reader.start()

    def result(self, timeout: float) -> T:
        """The work's result: waits up to ``timeout`` seconds (then kills a child and raises ``TimeoutError``)."""
        if self._reader is not None:
            self._read()
            self._reader.join(timeout)
            if self._reader.is_alive():
                assert self._pid is not None  # a reader reads a child
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self._pid, signal.SIGKILL)
                self._reader.join()
                raise TimeoutError(f"the work did not finish in {timeout:g} s")
        assert self._outcome is not None
        kind, value = self._outcome
        if kind == "raised":
            raise value  # type: ignore[misc]  # a BaseException, raised here
        if kind == "error":
            raise ElsewhereError(f"in its child process: {value}")
        return value  # type: ignore[return-value]


def _child(work: Callable[[], object], write_end: int, parent: int, nice: int) -> None:
    """Run ``work`` in the forked child, send its outcome, and leave without running the parent's exit code."""
    status = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if nice:  # before anything slower: until then the child competes with training at its priority
            with contextlib.suppress(OSError):  # not allowed: the work runs all the same
                os.nice(nice)
        _die_with_parent(parent)
        # the parent's streams may be a notebook's (locks, sockets): the child writes nothing but its pipe
        sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - os._exit closes it
        warnings.simplefilter("ignore")
        try:
            outcome: tuple[str, object] = ("result", work())
            data = pickle.dumps(outcome)
        except BaseException:
            data = pickle.dumps(("error", traceback.format_exc()))
        view = memoryview(data)
        while view:
            view = view[os.write(write_end, view):]
    except BaseException:
        status = 1
    finally:
        os._exit(status)


def _die_with_parent(parent: int) -> None:
    """Ask Linux for SIGKILL when the parent (the thread that forked) dies; end now if it died already."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_DEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:  # the parent went before the request was made
        os._exit(1)
