"""The README's Python examples run, and print what their comments say they print."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

README = (Path(__file__).parent.parent / "README.md").read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)


def expected_output(block: str) -> list[str]:
    """The trailing ``# ...`` comments of the block's print() lines, in order."""
    return [line.split("#", 1)[1].strip() for line in block.splitlines() if line.startswith("print(") and "#" in line]


def test_readme_has_examples() -> None:
    assert BLOCKS


@pytest.mark.parametrize("block", BLOCKS)
def test_readme_example_prints_what_it_says(block: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(block, "README.md", "exec"), {"__name__": "readme_example"})
    lines = printed.getvalue().splitlines()
    expected = expected_output(block)
    assert lines[: len(expected)] == expected
