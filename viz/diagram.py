"""``Diagram``: the ``graphviz.Digraph`` that ``draw`` returns, with the graph model it was drawn from.

It is a real ``Digraph`` (``.source``, ``.render()``, ``.pipe()``, ``.view()`` all work) whose
every ``dot`` run goes through ``dot_runner.run_dot``, with a timeout (``diagram.timeout``,
default 30 s) and no process left behind:

- it displays in Jupyter as SVG with no extra call, shrunk to the notebook's column while its
  text stays readable (``viz.fitting``); when ``dot`` is missing, fails or times out
  the notebook shows that message, not a traceback;
- ``.pipe()`` and ``.render()`` take graphviz's arguments (layout engine ``dot`` only) plus
  ``timeout`` and ``dpi``; a missing ``dot`` is gradtrace's ``DotNotFoundError`` (which says how
  to install Graphviz, and is a ``graphviz.ExecutableNotFound``);
- it keeps ``model`` (the ``GraphModel``) and ``options`` (the ``DrawOptions``) for re-drawing.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

import graphviz

from viz.dot_runner import (
    DEFAULT_TIMEOUT,
    DotFailedError,
    DotNotFoundError,
    DotTimeoutError,
    check_timeout,
    output_format,
    resolution_arguments,
    run_dot,
)
from viz.fitting import fit_svg


class Diagram(graphviz.Digraph):  # type: ignore[misc]
    """A ``graphviz.Digraph`` drawn by gradtrace (see the module docstring)."""

    def __init__(self, *args: Any, model: Any = None, options: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.model = model
        self.options = options
        self.node_count = 0
        self.edge_count = 0
        self.timeout = DEFAULT_TIMEOUT  # for the notebook display, and .pipe()/.render() when given none

    def copy(self) -> Diagram:
        """An independent copy (``graphviz.Digraph.copy``) that keeps the model, options, size and timeout."""
        copied: Diagram = super().copy()
        copied.model, copied.options = self.model, self.options
        copied.node_count, copied.edge_count = self.node_count, self.edge_count
        copied.timeout = self.timeout
        return copied

    def size_text(self) -> str:
        """The drawn size, for messages: "22 nodes and 21 edges"."""
        return f"{self.node_count:,} nodes and {self.edge_count:,} edges"

    def svg(self, timeout: float | None = None) -> str:
        """The diagram rendered as SVG text (runs ``dot`` with a timeout, default ``self.timeout``)."""
        return str(self.pipe("svg", encoding="utf-8", timeout=timeout))

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None, **_: Any
    ) -> dict[str, str]:
        try:
            return {"image/svg+xml": fit_svg(self.svg())}  # the notebook's column (viz.fitting)
        except (DotNotFoundError, DotTimeoutError, DotFailedError) as error:
            message = str(error)
            return {"text/plain": message, "text/html": f"<pre>{html.escape(message)}</pre>"}

    def pipe(
        self,
        format: str | None = None,  # noqa: A002 - graphviz's name
        *,
        encoding: str | None = None,
        engine: str | None = None,
        quiet: bool = False,
        timeout: float | None = None,
        dpi: float | None = None,
    ) -> bytes | str:
        """The rendered output (``bytes``, or ``str`` with an ``encoding``), like ``graphviz.Digraph.pipe``.

        ``format`` defaults to ``self.format``. ``quiet`` is accepted for graphviz's callers: dot's
        warnings are never printed, and its errors are raised.
        """
        self._check_engine(engine)
        data = run_dot(
            self.source,
            format or self.format,
            timeout=self.timeout if timeout is None else timeout,
            size=self.size_text(),
            dpi=dpi,
        )
        return data if encoding is None else data.decode(encoding)

    def render(
        self,
        filename: str | os.PathLike[str] | None = None,
        directory: str | os.PathLike[str] | None = None,
        view: bool = False,
        cleanup: bool = False,
        format: str | None = None,  # noqa: A002 - graphviz's name
        *,
        outfile: str | os.PathLike[str] | None = None,
        engine: str | None = None,
        quiet: bool = False,
        quiet_view: bool = False,
        raise_if_result_exists: bool = False,
        timeout: float | None = None,
        dpi: float | None = None,
    ) -> str:
        """Save the DOT source and write the rendered file, like ``graphviz.Digraph.render``; the file's path.

        The output goes to ``outfile`` (its suffix gives the format, as in ``viz.render``), else
        to the source's path plus ``.<format>`` (``format`` defaulting to ``self.format``).
        ``cleanup`` deletes the source afterwards; ``view`` opens the file.
        """
        self._check_engine(engine)
        chosen = format or self.format if outfile is None else output_format(outfile, format)
        # checked before the source is saved: a bad option writes nothing
        check_timeout(self.timeout if timeout is None else timeout)
        resolution_arguments(chosen, dpi)
        if outfile is not None:
            # graphviz's rule: outfile is relative to the diagram's directory unless a directory is given
            target = Path(outfile) if directory is not None else Path(self.directory, outfile)
            if filename is None:
                filename = Path(outfile).with_suffix(".gv")
        source_path = Path(self.save(filename, directory=directory, skip_existing=None))
        if outfile is None:
            target = source_path.with_name(f"{source_path.name}.{chosen}")
        if raise_if_result_exists and target.exists():
            raise FileExistsError(f"output file exists: {os.fspath(target)!r}")
        data = self.pipe(chosen, quiet=quiet, timeout=timeout, dpi=dpi)
        assert isinstance(data, bytes)  # no encoding asked for
        target.write_bytes(data)
        if cleanup:
            source_path.unlink()
        if view or quiet_view:
            self._view(os.fspath(target), format=chosen, quiet=quiet_view)
        return os.fspath(target)

    def _check_engine(self, engine: str | None) -> None:
        if (engine or self.engine) != "dot":
            raise ValueError(f"gradtrace runs Graphviz's dot layout only, not {engine or self.engine!r}")
