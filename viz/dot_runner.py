"""Running Graphviz's ``dot`` program: the one way gradtrace runs it.

The ``graphviz`` package runs ``dot`` without a timeout, so a huge graph can hang a notebook
or a command line, and a parent that is interrupted or killed leaves ``dot`` running. Every
``dot`` run in gradtrace goes through ``run_dot``, which

- checks the timeout and resolution first (``check_timeout``, ``check_dpi``);
- starts ``dot`` in a process group of its own and kills that whole group (``dot`` and anything
  it started) on every way out: the timeout, any exception or ``KeyboardInterrupt`` while
  waiting, and SIGTERM or SIGHUP sent to this process (while a run is under way in the main
  thread, the previous handler is chained, then restored);
- on Linux, starts ``dot`` with a parent-death signal (``PR_SET_DEATHSIG`` = SIGKILL, through
  ``setpriv`` or ``prctl``), so a gradtrace that dies without running any code (SIGKILL: the OOM
  killer, a killed notebook kernel, ``timeout -s KILL``) takes ``dot`` with it. What remains: a
  process ``dot`` itself started would outlive it (Graphviz's ``dot`` starts none), and on other
  systems (macOS, Windows) a ``dot`` whose parent was SIGKILLed runs on until it finishes;
- turns "not found" into one clear error that says how to install Graphviz.

``output_format`` picks the format a file name asks for (``fig.png`` → ``png``), so a suffix
``dot`` cannot write is an error before anything is drawn or written.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import math
import numbers
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import graphviz

# the file formats users ask for by suffix (jpeg is jpg's other spelling); "dot" is the DOT source itself
FILE_FORMATS = ("svg", "png", "pdf", "jpg", "jpeg", "dot")
# the raster formats, where the resolution decides how many pixels there are
RASTER_FORMATS = ("png", "jpg", "jpeg")
# what dot may be asked for: the file formats, plus the laid-out forms a player can read positions from
FORMATS = (*FILE_FORMATS, "xdot", "json", "plain")
DEFAULT_TIMEOUT = 30.0
# a bound that still means "a while": past an hour a layout is stuck, and huge values overflow the OS's timers
MAX_TIMEOUT = 3600.0
# twice a screen's 96 dpi (a HiDPI display): the cs231n sigmoid circuit comes out about 1,880 pixels wide,
# the full width of a 1920-pixel slide, instead of 938 px at Graphviz's default
DEFAULT_DPI = 192.0
MAX_DPI = 1200.0
# the signals that end this process by default and can be caught: dot is killed before the process goes
_FATAL_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))

INSTALL_HINT = (
    "Install Graphviz: sudo apt-get install graphviz (Debian/Ubuntu), brew install graphviz (macOS) "
    "or conda install -c conda-forge graphviz"
)


class DotNotFoundError(graphviz.ExecutableNotFound):  # type: ignore[misc]
    """Graphviz's ``dot`` is not on PATH; the message says how to install it.

    A subclass of ``graphviz.ExecutableNotFound``, so code that catches that still works.
    """

    def __init__(self) -> None:
        RuntimeError.__init__(
            self,
            "Graphviz's `dot` program was not found on PATH, so the diagram cannot be rendered. "
            f"{INSTALL_HINT}. The DOT source is still available: diagram.source, "
            "or viz.render(..., output_format='dot') / gradtrace render --format dot.",
        )


class DotTimeoutError(RuntimeError):
    """``dot`` did not finish in time; the message names the graph size and suggests collapsing."""


class DotFailedError(RuntimeError):
    """``dot`` exited with an error (its message is included)."""


def check_timeout(timeout: object) -> float:
    """``timeout`` as seconds, or a ``ValueError`` that names it: a number in (0, ``MAX_TIMEOUT``].

    >>> check_timeout(2)
    2.0
    >>> check_timeout(float("inf"))
    Traceback (most recent call last):
    ...
    ValueError: timeout must be a number of seconds above 0 and at most 3600, not inf
    """
    return _check_number("timeout", timeout, "a number of seconds above 0", MAX_TIMEOUT)


def check_dpi(dpi: object) -> float:
    """``dpi`` (dots per inch of a PNG or JPEG) as a number, or a ``ValueError``: a number in (0, ``MAX_DPI``].

    >>> check_dpi(300)
    300.0
    """
    return _check_number("dpi", dpi, "a number of dots per inch above 0", MAX_DPI)


def _check_number(name: str, value: object, what: str, largest: float) -> float:
    # any real number (numpy's too), but not True/False
    number = float(value) if isinstance(value, numbers.Real) and not isinstance(value, bool) else math.nan
    if not 0 < number <= largest:  # False for nan too
        raise ValueError(f"{name} must be {what} and at most {largest:g}, not {value!r}")
    return number


def output_format(path: str | os.PathLike[str], requested: str | None = None) -> str:
    """The file format for ``path``: ``requested`` if given, else the path's suffix; anything else is an error.

    A ``requested`` format that contradicts a known suffix (PNG bytes in ``fig.svg``) is an
    error too; with a suffix gradtrace does not know, ``requested`` decides.

    >>> output_format("fig.PNG"), output_format("notes.txt", "dot")
    ('png', 'dot')
    >>> output_format("fig.gif")
    Traceback (most recent call last):
    ...
    ValueError: fig.gif: unknown file suffix '.gif'; write .svg, .png, .pdf, .jpg, .jpeg or .dot, or pass a format
    """
    target = Path(path)
    suffix = target.suffix.lower().lstrip(".")
    if requested is not None:
        if requested not in FILE_FORMATS:
            raise ValueError(f"unknown format {requested!r}; choose one of {', '.join(FILE_FORMATS)}")
        if suffix in FILE_FORMATS and _same_format(suffix) != _same_format(requested):
            raise ValueError(f"{target.name}: the suffix says {suffix}, but the format asked for is {requested}")
        return requested
    if suffix not in FILE_FORMATS:
        known = ", ".join(f".{name}" for name in FILE_FORMATS[:-1]) + f" or .{FILE_FORMATS[-1]}"
        what = f"unknown file suffix {target.suffix!r}" if suffix else "no file suffix"
        raise ValueError(f"{target.name}: {what}; write {known}, or pass a format")
    return suffix


def _same_format(name: str) -> str:
    return "jpg" if name == "jpeg" else name


def resolution_arguments(output_format: str, dpi: float | None) -> list[str]:
    """``dot``'s resolution flag for ``output_format``: ``dpi`` (default ``DEFAULT_DPI``) for a raster image.

    Vector formats scale without one, so a ``dpi`` given for them is an error.

    >>> resolution_arguments("png", None), resolution_arguments("svg", None)
    (['-Gdpi=192'], [])
    """
    if output_format in RASTER_FORMATS:
        return [f"-Gdpi={check_dpi(DEFAULT_DPI if dpi is None else dpi):g}"]
    if dpi is not None:
        raster = ", ".join(RASTER_FORMATS)
        raise ValueError(f"dpi applies to {raster} images; {output_format} output has no resolution, not {dpi!r}")
    return []


def find_dot() -> str:
    """The path of the ``dot`` executable, or ``DotNotFoundError``."""
    path = shutil.which("dot")
    if path is None:
        raise DotNotFoundError()
    return path


def run_dot(
    source: str,
    output_format: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    size: str = "",
    dpi: float | None = None,
) -> bytes:
    """Lay out and render DOT ``source`` with ``dot -T<output_format>``; the output bytes.

    ``size`` describes the graph for the timeout message (for example "1,690 nodes and 2,004
    edges"). ``dpi`` sets a PNG's or JPEG's resolution (default ``DEFAULT_DPI``); vector formats
    scale without one, so giving it for them is an error.
    """
    if output_format not in FORMATS:
        raise ValueError(f"unknown format {output_format!r}; choose one of {', '.join(FORMATS)}")
    seconds = check_timeout(timeout)
    wrapper, before_exec = _death_signal()
    command = [*wrapper, find_dot(), f"-T{output_format}", *resolution_arguments(output_format, dpi)]
    with _killed_on_every_way_out() as started:
        try:
            # a session of its own: the whole group (dot and anything it started) can be killed, and a terminal's
            # Ctrl-C reaches only this process, which then kills the group itself
            process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                preexec_fn=before_exec,
            )
        except FileNotFoundError:  # removed between the PATH lookup and the start
            raise DotNotFoundError() from None
        started(process)
        try:
            out, err = process.communicate(source.encode("utf-8"), timeout=seconds)
        except subprocess.TimeoutExpired:
            graph = f"the graph ({size})" if size else "the graph"
            raise DotTimeoutError(
                f"dot did not finish laying out {graph} within {seconds:g} s. Draw fewer nodes: collapse groups "
                "(draw(..., collapse=True) or --collapse), lower max_nodes, or pass a longer timeout."
            ) from None
    if process.returncode != 0:
        message = err.decode("utf-8", "replace").strip() or f"exit status {process.returncode}"
        raise DotFailedError(f"dot failed: {message}")
    return out


@contextlib.contextmanager
def _killed_on_every_way_out() -> Iterator[Callable[[subprocess.Popen[bytes]], None]]:
    """Kill the started process's group if the block exits early (any exception) or this process is told to end.

    The block calls the yielded function with the process as soon as ``Popen`` returns. The signal handlers
    are in place before that, so a signal can't slip in between dot starting and the handlers: one that
    arrives while ``Popen`` is still running is held and acted on as soon as the process is known.
    """
    running: list[subprocess.Popen[bytes]] = []
    held: list[int] = []
    previous: dict[int, Any] = {}

    def end(signum: int, frame: FrameType | None) -> None:
        if not running:  # dot is being started: act once its process is known
            held.append(signum)
            return
        _kill_group(running[0])
        handler = previous[signum]
        if callable(handler):
            handler(signum, frame)
            return
        # the default action: end this process the way the signal would have, with its exit status
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    def started(process: subprocess.Popen[bytes]) -> None:
        running.append(process)
        for signum in held:
            end(signum, None)

    if threading.current_thread() is threading.main_thread():  # only the main thread may set handlers
        for signum in _FATAL_SIGNALS:
            handler = signal.getsignal(signum)
            if handler is not signal.SIG_IGN and handler is not None:  # None: set outside Python, leave it be
                previous[signum] = signal.signal(signum, end)
    try:
        yield started
    except BaseException:
        if running:
            _kill_group(running[0])
            running[0].communicate()  # reap it and close the pipes
        raise
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


# prctl's option that sets the signal a process gets when its parent dies (linux/prctl.h)
_PR_SET_DEATHSIG = 1
# where setpriv lives when PATH does not say (a notebook kernel's PATH may be short)
_SYSTEM_BIN = ("/usr/bin", "/bin")


def _death_signal() -> tuple[list[str], Callable[[], None] | None]:
    """How ``dot`` is started so that it dies with this process: a command in front of it, or what runs before exec.

    On Linux, util-linux's ``setpriv --pdeathsig KILL`` (which then execs ``dot``, so ``dot``
    keeps this process as its parent); without it, ``prctl`` from the forked child
    (``_die_with_parent``). setpriv comes first because a ``preexec_fn`` makes Python fork
    instead of vfork, which costs time in a large process: measured, a 2 GB process ran
    ``dot`` on a two-node graph in 75 ms instead of 12 ms. Elsewhere: nothing (see the module docstring).
    """
    if not sys.platform.startswith("linux"):
        return [], None
    setpriv = _setpriv()
    if setpriv is not None:
        return [setpriv, "--pdeathsig", "KILL", "--"], None
    return [], _die_with_parent()


@functools.cache
def _setpriv() -> str | None:
    """The path of a ``setpriv`` that takes ``--pdeathsig`` (util-linux 2.33 or later, checked once), or None."""
    path = shutil.which("setpriv", path=os.pathsep.join([os.environ.get("PATH", ""), *_SYSTEM_BIN]))
    if path is None:
        return None
    try:
        probe = subprocess.run([path, "--pdeathsig", "KILL", "--", path, "--version"], capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return path if probe.returncode == 0 else None


def _die_with_parent() -> Callable[[], None] | None:
    """What the child runs before ``exec``ing ``dot``: ask for SIGKILL when this process dies (``None``: cannot).

    Everything is looked up here, before the fork, so the child only makes system calls (no
    imports, no lookups). The signal comes when the thread that started ``dot`` ends, which is
    never before ``run_dot`` returns (it waits for ``dot``). If this process died between the
    fork and ``prctl``, the child has been handed to another parent already: it ends itself.
    """
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    parent = os.getpid()
    kill, getppid, sigkill = os.kill, os.getppid, int(signal.SIGKILL)

    def set_death_signal() -> None:
        prctl(_PR_SET_DEATHSIG, sigkill, 0, 0, 0)
        if getppid() != parent:
            kill(0, sigkill)  # its own new group: just itself

    return set_death_signal


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()
