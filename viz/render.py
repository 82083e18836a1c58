"""``render``: write a diagram (or a ``Value``'s graph) to an SVG, PNG, JPEG, PDF or DOT file, with a timeout."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import graphviz

from autograd import Tensor, Value
from viz.diagram import Diagram
from viz.dot_runner import DEFAULT_TIMEOUT, check_timeout, resolution_arguments, run_dot
from viz.dot_runner import output_format as file_format
from viz.draw import draw


def render(
    graph_or_value: graphviz.Digraph | graphviz.Graph | Value | Tensor,
    path: str | os.PathLike[str],
    output_format: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    dpi: float | None = None,
    **draw_options: Any,
) -> Path:
    """Write ``graph_or_value`` to ``path`` and return the path.

    A ``Value`` or ``Tensor`` is drawn first (``draw_options`` go to ``draw``). The format follows the
    path's suffix: ``.svg``, ``.png``, ``.jpg``/``.jpeg``, ``.pdf`` or ``.dot`` (the DOT source,
    no Graphviz needed); any other suffix is a ``ValueError`` unless ``output_format`` names one
    of those (graphviz's ``format=`` is a ``TypeError`` that says so). ``dpi`` is a PNG's or
    JPEG's resolution (default ``DEFAULT_DPI``, 192: sharp on a slide). ``dot`` runs with a
    ``timeout`` in seconds (``DotTimeoutError`` names the graph size); a missing ``dot`` raises
    ``DotNotFoundError``, which says how to install Graphviz. Options are checked before
    anything is drawn (a folder as ``path`` is an ``IsADirectoryError``), and the file is
    written only when rendering succeeded.

    >>> import tempfile, pathlib
    >>> from autograd import Value
    >>> x = Value(3.0, label="x")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     written = render(x * x, pathlib.Path(folder) / "square.dot")
    ...     print(written.name, written.read_text().count("n0 -> g1"))  # x * x: one edge per use
    square.dot 2
    """
    target = check_target(path)
    data = rendered(graph_or_value, target, output_format, timeout, dpi, **draw_options)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def rendered(
    graph_or_value: graphviz.Digraph | graphviz.Graph | Value | Tensor,
    path: str | os.PathLike[str],
    output_format: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    dpi: float | None = None,
    **draw_options: Any,
) -> bytes:
    """The bytes ``render`` writes to ``path`` (whose suffix picks the format), written nowhere.

    A caller that writes several files makes each one this way first, so that a failure writes none.

    >>> from autograd import Value
    >>> rendered(Value(2.0, label="x"), "x.dot").startswith(b"digraph")
    True
    """
    if "format" in draw_options:
        raise TypeError("render takes the file format as output_format=, not format= (default: the path's suffix)")
    chosen_format = file_format(Path(path), output_format)
    check_timeout(timeout)
    resolution_arguments(chosen_format, dpi)  # checks dpi now, before anything is drawn
    if isinstance(graph_or_value, (Value, Tensor)):  # draw owns both views
        diagram: Any = draw(graph_or_value, **draw_options)
    elif isinstance(graph_or_value, (graphviz.Digraph, graphviz.Graph)):
        if draw_options:
            wanted = sorted(draw_options)
            raise TypeError(f"render: drawing options {wanted} apply only when rendering a Value or Tensor")
        diagram = graph_or_value
    else:
        raise TypeError(f"render needs a Value or a graphviz graph (or a Tensor), got {type(graph_or_value).__name__}")
    source: str = diagram.source
    if chosen_format == "dot":
        return source.encode("utf-8")
    return run_dot(source, chosen_format, timeout=timeout, size=_size_text(diagram), dpi=dpi)


def check_target(path: str | os.PathLike[str]) -> Path:
    """``path`` as a ``Path``, or ``IsADirectoryError`` naming it when it is a folder (checked before drawing).

    >>> import tempfile
    >>> check_target(tempfile.gettempdir())
    Traceback (most recent call last):
    ...
    IsADirectoryError: '...' is a folder; give a file name in it, like '.../diagram.svg'
    """
    target = Path(path)
    if target.is_dir():
        example = str(target / "diagram.svg")
        raise IsADirectoryError(f"{str(target)!r} is a folder; give a file name in it, like {example!r}")
    return target


def _size_text(diagram: Any) -> str:
    if isinstance(diagram, Diagram):
        return diagram.size_text()
    # a graph drawn elsewhere: count its statements
    lines = [line for line in diagram.body if line.strip()]
    edges = sum(1 for line in lines if " -> " in line or " -- " in line)
    return f"about {len(lines) - edges:,} nodes and {edges:,} edges"
