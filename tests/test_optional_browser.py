"""The engine's tests need no browser: ``tests/conftest.py`` imports playwright only when a test asks for one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_engine_tests_load_and_pass_without_playwright() -> None:
    # ``sys.modules[name] = None`` makes ``import name`` fail, as on an install without the dev extra
    code = (
        "import sys\n"
        "sys.modules['playwright'] = sys.modules['playwright.sync_api'] = None\n"
        "import pytest\n"
        "sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', 'tests/autograd/test_modes.py']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
