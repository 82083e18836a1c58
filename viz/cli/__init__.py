"""The ``gradtrace`` command line: argparse (``main``), the expression parser, what each command does."""

from viz.cli.main import main

__all__ = ["main"]
