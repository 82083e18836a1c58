"""Running Graphviz's ``dot`` program: with a timeout, and with one clear error when it is missing.

The ``graphviz`` package runs ``dot`` without a timeout, so a huge graph can hang a notebook
or a command line. Everything gradtrace renders goes through ``run_dot``, which kills ``dot``
(and anything it started) when the time is up.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess

import graphviz

# what dot may be asked for: the file formats, plus the laid-out forms a player can read positions from
FORMATS = ("svg", "png", "pdf", "dot", "xdot", "json", "plain")
DEFAULT_TIMEOUT = 30.0

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
            "or viz.render(..., format='dot') / gradtrace render --format dot.",
        )


class DotTimeoutError(RuntimeError):
    """``dot`` did not finish in time; the message names the graph size and suggests collapsing."""


class DotFailedError(RuntimeError):
    """``dot`` exited with an error (its message is included)."""


def find_dot() -> str:
    """The path of the ``dot`` executable, or ``DotNotFoundError``."""
    path = shutil.which("dot")
    if path is None:
        raise DotNotFoundError()
    return path


def run_dot(source: str, output_format: str, *, timeout: float = DEFAULT_TIMEOUT, size: str = "") -> bytes:
    """Lay out and render DOT ``source`` with ``dot -T<output_format>``; the output bytes.

    ``size`` describes the graph for the timeout message (for example "1,690 nodes and 2,004 edges").
    """
    if output_format not in FORMATS:
        raise ValueError(f"unknown format {output_format!r}; choose one of {', '.join(FORMATS)}")
    if not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
    command = [find_dot(), f"-T{output_format}"]
    try:
        # a session of its own, so a timeout kills dot and anything it started, not just the first process
        process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
        )
    except FileNotFoundError:  # removed between the PATH lookup and the start
        raise DotNotFoundError() from None
    try:
        out, err = process.communicate(source.encode("utf-8"), timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_session(process)
        process.communicate()
        graph = f"the graph ({size})" if size else "the graph"
        raise DotTimeoutError(
            f"dot did not finish laying out {graph} within {timeout:g} s. Draw fewer nodes: collapse groups "
            "(draw(..., collapse=True) or --collapse), lower max_nodes, or pass a longer timeout."
        ) from None
    if process.returncode != 0:
        message = err.decode("utf-8", "replace").strip() or f"exit status {process.returncode}"
        raise DotFailedError(f"dot failed: {message}")
    return out


def _kill_session(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()
