"""The ``gradtrace`` command line: argument parsing only; every action is a library call.

Exit status: 0 on success; 2 for a usage problem (argparse's convention): a bad expression or
``--set`` (one line with the column, no traceback), an unknown scope, a graph too big for
``--max-nodes``; 1 when rendering fails (``dot`` missing or too slow, the file not writable).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from viz.cli.commands import render_expression
from viz.cli.demo import DEFAULT_OUT_DIR, run_demo
from viz.cli.expression import FUNCTION_NAMES, is_number
from viz.dot_runner import (
    DEFAULT_DPI,
    DEFAULT_TIMEOUT,
    FILE_FORMATS,
    MAX_TIMEOUT,
    DotFailedError,
    DotNotFoundError,
    DotTimeoutError,
)
from viz.option_fields import default_of
from viz.options import DEFAULT_STYLE, PLAYER_STYLE, RANKDIRS, STYLES, DrawOptions, ModelOptions
from viz.palette import PALETTES

RENDER_EXAMPLE = (
    'example: gradtrace render "1/(1+exp(-(w0*x0 + w1*x1 + w2)))" '
    "--set w0=2 x0=-1 w1=-3 x1=-2 w2=-3 -o sigmoid.svg --style circuit"
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for ``gradtrace`` and its subcommands."""
    parser = argparse.ArgumentParser(prog="gradtrace", description="A scalar autograd engine that shows its work.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser("demo", help="work and draw the cs231n sigmoid circuit", description=run_demo.__doc__)
    demo.add_argument("--out", default=DEFAULT_OUT_DIR, metavar="DIR",
                      help="folder for the files (default: %(default)s)")

    render = commands.add_parser(
        "render",
        help="draw the graph of an expression, with its gradients",
        description="Build the graph of EXPRESSION, run backward, and write its diagram. Expressions take numbers, "
        "variables, + - * / **, unary minus, parentheses, the engine's functions "
        f"({', '.join(name for name in FUNCTION_NAMES if name != 'scope')}) "
        'and scope("name", expr) to name a group.',
        epilog=RENDER_EXAMPLE,
    )
    render.add_argument("expression", metavar="EXPRESSION", help="the expression, quoted")
    render.add_argument("--set", dest="assignments", nargs="+", action="extend", default=[], metavar="NAME=VALUE",
                        help="the value of each variable")
    render.add_argument("-o", "--output", required=True, metavar="PATH", help="the file to write")
    render.add_argument("--style", choices=STYLES,
                        help=f"diagram style (default: {DEFAULT_STYLE}; the --steps player: {PLAYER_STYLE}, "
                        "readable in a browser)")
    render.add_argument("--format", dest="output_format", choices=FILE_FORMATS,
                        help="file format (default: the file's suffix, which must be one of these)")
    render.add_argument("--dpi", type=float, metavar="N",
                        help=f"resolution of a png or jpg image (default: {DEFAULT_DPI:g})")
    render.add_argument("--collapse", nargs="*", metavar="NAME",
                        help="draw these scopes as single gates (no names: every scope)")
    render.add_argument("--rankdir", choices=RANKDIRS, default=default_of(DrawOptions, "rankdir"),
                        help="layout direction (default: %(default)s)")
    numbers = render.add_mutually_exclusive_group()
    numbers.add_argument("--precision", type=int, metavar="N",
                         help="significant digits shown (default: 4 for graph; circuit shows 2 decimals)")
    numbers.add_argument("--decimals", type=int, metavar="N",
                         help="digits after the point instead (very large or small numbers stay scientific)")
    render.add_argument("--name", default=default_of(DrawOptions, "output_name"),
                        help="the name the output's wire ends in (default: %(default)s)")
    render.add_argument("--palette", choices=sorted(PALETTES), default=default_of(DrawOptions, "palette").name,
                        help="colours; colorblind avoids red/green pairs (default: %(default)s)")
    render.add_argument("--max-nodes", type=int, default=default_of(ModelOptions, "max_nodes"), metavar="N",
                        help="collapse scopes past this many nodes; 0 for no limit (default: %(default)s)")
    render.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=f"stop Graphviz after this long, at most {MAX_TIMEOUT:g} (default: %(default)s)")
    render.add_argument("--steps", metavar="PATH",
                        help="also write the step-through backprop player, a standalone HTML page "
                        "(a collapsed group is one step)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: ``gradtrace COMMAND ...``; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(expression_first(parser, sys.argv[1:] if argv is None else list(argv)))
    try:
        if args.command == "demo":
            run_demo(out_dir=args.out)
        else:
            drawing = {
                "rankdir": args.rankdir,
                "precision": args.precision,
                "decimals": args.decimals,
                "palette": args.palette,
                "output_name": args.name,
                "max_nodes": args.max_nodes or None,
                "timeout": args.timeout,
            }
            collapse = False if args.collapse is None else (args.collapse or True)
            for written in render_expression(args.expression, args.assignments, args.output, steps=args.steps,
                                             output_format=args.output_format, dpi=args.dpi, collapse=collapse,
                                             style=args.style, **drawing):
                print(f"wrote {written}")
    except (DotNotFoundError, DotTimeoutError, DotFailedError, OSError) as error:
        print(f"gradtrace {args.command}: error: {_one_line(error)}", file=sys.stderr)
        return 1
    except ValueError as error:  # ExpressionError, TooManyNodesError, a bad option: the user's input
        print(f"gradtrace {args.command}: error: {_one_line(error)}", file=sys.stderr)
        return 2
    return 0


def expression_first(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """``argv`` with a ``render`` expression that starts with ``-`` moved behind ``--``, so argparse reads it.

    A word starting with one ``-`` that is not one of ``render``'s options (``-x*y``, ``-(a+b)``)
    is the expression; negative numbers (``--set x=-1``) and ``--``-options are left alone.

    >>> expression_first(build_parser(), ["render", "-x*y", "--set", "x=1", "y=2", "-o", "f.svg"])
    ['render', '--set', 'x=1', 'y=2', '-o', 'f.svg', '--', '-x*y']
    """
    if "render" not in argv or "--" in argv:
        return argv
    start = argv.index("render") + 1
    takes_one = _render_options(parser)
    for k in range(start, len(argv)):
        word, before = argv[k], argv[k - 1]
        if (word.startswith("-") and not word.startswith("--") and word.split("=", 1)[0] not in takes_one
                and not is_number(word) and not takes_one.get(before, False)):
            return [*argv[:k], *argv[k + 1 :], "--", word]
    return argv


def _render_options(parser: argparse.ArgumentParser) -> dict[str, bool]:
    """``render``'s option strings, each with whether it takes exactly one value (``-o PATH``)."""
    commands = next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))
    return {option: action.nargs is None and action.const is None
            for action in commands.choices["render"]._actions for option in action.option_strings}


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())

