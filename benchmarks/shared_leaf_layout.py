"""Renderer benchmark: ``x*y*y*…*y``, one leaf used ``n`` times (the layout-cost guard).

``dot``'s cost explodes when one value feeds operations all along a long chain (its wires
make about ``n²`` hidden layout nodes; see ``viz.model.layout_cost``): before the guard, 55
uses took 4.5 s, 60 uses 7.7 s and 70 uses ran into the 30 s timeout. Now such drawings stop
at once with ``LayoutTooCostlyError`` (what to do in the message; 150 uses is also past the
default ``max_nodes`` and stops with ``TooManyNodesError`` first), and the ones below the
limit render in a couple of seconds. For 20, 45 (the largest under the limit), 70 and 150
uses this prints, min and median of ``--repeat`` runs:

- guarded: ``gradtrace render``'s path (build, backward, draw, render SVG): the time to the
  file or to the error;
- unguarded: the same with ``max_nodes=None`` (no guard), what ``dot`` really takes, capped at
  ``--cap`` seconds (one run; "timeout" when it did not finish).

Run: ``python benchmarks/shared_leaf_layout.py`` (needs Graphviz's ``dot``).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from viz import DotTimeoutError, LayoutTooCostlyError, TooManyNodesError
from viz.cli.commands import render_expression

USES = (20, 45, 70, 150)


def render_once(uses: int, folder: Path, **options: object) -> tuple[float, str]:
    """Seconds to render ``x*y*…*y`` with ``uses`` uses of y, and what came of it."""
    expression = "x" + "*y" * uses
    start = time.perf_counter()
    try:
        render_expression(expression, ["x=1", "y=1.01"], folder / f"power{uses}.svg", **options)
        outcome = "written"
    except (LayoutTooCostlyError, TooManyNodesError) as error:  # 150 uses is also past max_nodes=300
        outcome = f"refused at once ({type(error).__name__})"
    except DotTimeoutError:
        outcome = "timeout"
    return time.perf_counter() - start, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="guarded runs per size (default: %(default)s)")
    parser.add_argument("--cap", type=float, default=30.0, help="unguarded timeout, seconds (default: %(default)s)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        print(f"x*y*…*y, guarded: {args.repeat} runs each")
        for uses in USES:
            runs = [render_once(uses, folder) for _ in range(args.repeat)]
            times = [seconds for seconds, _ in runs]
            print(f"  {uses:>4} uses: min {min(times):6.3f} s   median {statistics.median(times):6.3f} s   "
                  f"{runs[0][1]}")
        print(f"x*y*…*y, unguarded (max_nodes=None): one run each, capped at {args.cap:g} s")
        for uses in USES:
            seconds, outcome = render_once(uses, folder, max_nodes=None, timeout=args.cap)
            print(f"  {uses:>4} uses: {seconds:6.2f} s   {outcome}")


if __name__ == "__main__":
    main()
