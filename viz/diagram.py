"""``Diagram``: the ``graphviz.Digraph`` that ``draw`` returns, with the graph model it was drawn from.

It is a real ``Digraph`` (``.source``, ``.render()``, ``.pipe()`` all work) that also:

- displays in Jupyter as SVG with no extra call, rendered through ``dot_runner`` (with a
  timeout); when ``dot`` is missing or times out the notebook shows that message, not a traceback;
- turns graphviz's "executable not found" error into gradtrace's ``DotNotFoundError``
  (which says how to install Graphviz) in ``.pipe()`` and ``.render()`` too;
- keeps ``model`` (the ``GraphModel``) and ``options`` (the ``DrawOptions``) for re-drawing.
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Iterator
from typing import Any

import graphviz

from viz.dot_runner import DEFAULT_TIMEOUT, DotFailedError, DotNotFoundError, DotTimeoutError, run_dot


class Diagram(graphviz.Digraph):  # type: ignore[misc]
    """A ``graphviz.Digraph`` drawn by gradtrace (see the module docstring)."""

    def __init__(self, *args: Any, model: Any = None, options: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.model = model
        self.options = options
        self.node_count = 0
        self.edge_count = 0

    def copy(self) -> Diagram:
        """An independent copy (``graphviz.Digraph.copy``) that keeps the model, options and size."""
        copied: Diagram = super().copy()
        copied.model, copied.options = self.model, self.options
        copied.node_count, copied.edge_count = self.node_count, self.edge_count
        return copied

    def size_text(self) -> str:
        """The drawn size, for messages: "22 nodes and 21 edges"."""
        return f"{self.node_count:,} nodes and {self.edge_count:,} edges"

    def svg(self, timeout: float = DEFAULT_TIMEOUT) -> str:
        """The diagram rendered as SVG text (runs ``dot`` with a timeout)."""
        return run_dot(self.source, "svg", timeout=timeout, size=self.size_text()).decode("utf-8")

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None, **_: Any
    ) -> dict[str, str]:
        try:
            return {"image/svg+xml": self.svg()}
        except (DotNotFoundError, DotTimeoutError, DotFailedError) as error:
            message = str(error)
            return {"text/plain": message, "text/html": f"<pre>{html.escape(message)}</pre>"}

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        """``graphviz.Digraph.pipe``, raising ``DotNotFoundError`` when ``dot`` is missing."""
        with _missing_dot_explained():
            return super().pipe(*args, **kwargs)

    def render(self, *args: Any, **kwargs: Any) -> Any:
        """``graphviz.Digraph.render``, raising ``DotNotFoundError`` when ``dot`` is missing."""
        with _missing_dot_explained():
            return super().render(*args, **kwargs)


@contextlib.contextmanager
def _missing_dot_explained() -> Iterator[None]:
    try:
        yield
    except DotNotFoundError:
        raise
    except graphviz.ExecutableNotFound:
        raise DotNotFoundError() from None
