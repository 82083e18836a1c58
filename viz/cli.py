"""The ``gradtrace`` command line: argument parsing only; every action is a library call."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from viz.demo import run_demo


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for ``gradtrace`` and its subcommands."""
    parser = argparse.ArgumentParser(prog="gradtrace", description="A scalar autograd engine that shows its work.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("demo", help="work the cs231n sigmoid circuit", description=run_demo.__doc__)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: ``gradtrace COMMAND ...``; returns the exit status."""
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        run_demo()
    return 0


if __name__ == "__main__":
    sys.exit(main())
