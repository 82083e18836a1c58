"""What ``gradtrace render`` does, as library functions: expression in, diagram file (and step-through player) out."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from autograd import Value
from viz.cli.expression import ExpressionError, parse_assignments, parse_expression
from viz.dot_runner import DEFAULT_TIMEOUT
from viz.player.player import backprop_steps
from viz.render import render


def render_expression(
    expression: str,
    assignments: Sequence[str],
    output: str | os.PathLike[str],
    *,
    output_format: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    dpi: float | None = None,
    **draw_options: Any,
) -> Path:
    """Build ``expression`` with the ``NAME=NUMBER`` ``assignments``, run backward, and write the diagram.

    ``draw_options`` go to ``viz.draw`` (style, collapse, rankdir, precision, palette, max_nodes);
    ``output_format``, ``timeout`` and ``dpi`` to ``viz.render``.
    Every variable is drawn as an input; a ``--set`` name the expression does not use is an
    error (it is usually a typo). Returns the path written.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = render_expression("x * y + 1", ["x=2", "y=-3"], pathlib.Path(folder) / "f.dot")
    ...     print("x|data 2.0000|grad -3.0000" in path.read_text(), "y|data -3.0000|grad 2.0000" in path.read_text())
    True True
    """
    root = _build(expression, assignments)
    root.backward()
    return render(root, output, format=output_format, timeout=timeout, dpi=dpi, parameters=(), **draw_options)


def write_steps(
    expression: str,
    assignments: Sequence[str],
    output: str | os.PathLike[str],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    **player_options: Any,
) -> Path:
    """Build ``expression`` like ``render_expression`` and write its step-through backprop player (HTML).

    ``player_options`` go to ``viz.backprop_steps`` (style, rankdir, precision, palette,
    max_nodes). Returns the path written.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_steps("x * y + 1", ["x=2", "y=-3"], pathlib.Path(folder) / "steps.html")
    ...     print(path.name, "step 0 of 2" in path.read_text())
    steps.html True
    """
    root = _build(expression, assignments)
    return backprop_steps(root, parameters=(), timeout=timeout, **player_options).to_html(output)


def _build(expression: str, assignments: Sequence[str]) -> Value:
    """The graph of ``expression`` with the ``NAME=NUMBER`` values; a ``--set`` name it does not use is an error."""
    values = parse_assignments(assignments)
    built = parse_expression(expression, values)
    unused = [name for name in values if name not in built.variables]
    if unused:
        raise ExpressionError(f"--set {unused[0]}: the expression has no variable {unused[0]!r}")
    return built.root
