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
from viz.render import check_target, rendered


def render_expression(
    expression: str,
    assignments: Sequence[str],
    output: str | os.PathLike[str],
    *,
    steps: str | os.PathLike[str] | None = None,
    output_format: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    style: str | None = None,
    dpi: float | None = None,
    **draw_options: Any,
) -> list[Path]:
    """Build ``expression`` with the ``NAME=NUMBER`` ``assignments``, run backward, and write the diagram.

    ``steps``: also write the step-through backprop player (HTML) there. ``draw_options`` go to
    ``viz.draw`` and the player (collapse, rankdir, precision, decimals, palette, max_nodes,
    output_name). ``style``: the diagram's and the player's (None: each its own default, ``viz.options``).
    ``output_format``, ``timeout`` and ``dpi`` go to ``viz.render``.
    Every variable is drawn as an input; a ``--set`` name the expression does not use is an
    error (it is usually a typo). An output folder that does not exist, or a target that is a
    folder, is an error naming it. Nothing is written unless everything worked: the diagram and
    the player are made in memory before either file is written, and a failed write removes the
    files the run made. Returns the paths written.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     (path,) = render_expression("x * y + 1", ["x=2", "y=-3"], pathlib.Path(folder) / "f.dot")
    ...     print("x|data 2.000|grad -3.000" in path.read_text(), "y|data -3.000|grad 2.000" in path.read_text())
    True True
    """
    targets = [check_target(output), *([] if steps is None else [check_target(steps)])]
    for target in targets:
        folder = target.parent
        if not folder.is_dir():
            raise FileNotFoundError(f"the folder {str(folder)!r} for {target.name!r} does not exist")
    if len(targets) == 2 and targets[0].resolve() == targets[1].resolve():
        raise ValueError(f"--steps {str(targets[1])!r} is the diagram's own file; give the player another name")
    root = _build(expression, assignments)
    pages = []
    if steps is not None:
        player = backprop_steps(_build(expression, assignments), parameters=(), timeout=timeout, style=style,
                                **draw_options)
        pages.append(player.html().encode("utf-8"))
    root.backward()
    diagram = rendered(root, targets[0], output_format=output_format, timeout=timeout, dpi=dpi, parameters=(),
                       style=style, **draw_options)
    _write_all(dict(zip(targets, [diagram, *pages], strict=True)))
    return targets


def _write_all(files: dict[Path, bytes]) -> None:
    """Write each file; if one write fails (disk full, read-only file system), remove the files it made new.

    A file that was there before keeps what was written over it: its old content is gone either way.
    """
    made: list[Path] = []
    try:
        for target, data in files.items():
            if not target.exists():
                made.append(target)
            target.write_bytes(data)
    except BaseException:
        for target in made:
            target.unlink(missing_ok=True)
        raise


def _build(expression: str, assignments: Sequence[str]) -> Value:
    """The graph of ``expression`` with the ``NAME=NUMBER`` values; a ``--set`` name it does not use is an error."""
    values = parse_assignments(assignments)
    built = parse_expression(expression, values)
    unused = [name for name in values if name not in built.variables]
    if unused:
        raise ExpressionError(f"--set {unused[0]}: the expression has no variable {unused[0]!r}")
    return built.root
