"""Fixtures for every test folder: ``browser``, a headless Chromium (Debian's ``chromium``; ``make test`` installs it).

No browser is ever downloaded: Playwright runs the system's Chromium through ``executable_path``
(``GRADTRACE_CHROMIUM`` if set, else ``chromium`` on PATH) and a test fails, saying how to
install it, when there is none. Pages to open in it: ``tests.browser.Page``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from hypothesis import settings

from tests.browser import ACTION_TIMEOUT_MS

# No per-example deadline: a property's examples are judged on their results, and a shared machine's load (helpers,
# CI neighbours) made one example of a drawing test take over hypothesis's 200 ms and fail a correct run.
settings.register_profile("gradtrace", deadline=None)
settings.load_profile("gradtrace")

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium() -> str:
    """The Chromium to run: ``GRADTRACE_CHROMIUM`` (a choice made on purpose) before ``chromium`` on PATH."""
    path = os.environ.get("GRADTRACE_CHROMIUM") or shutil.which("chromium")
    if not path:
        pytest.fail(
            "Chromium was not found (GRADTRACE_CHROMIUM unset and no `chromium` on PATH). `make test` installs it "
            "(scripts/ensure-system-deps chromium); or: sudo apt-get install chromium, or set GRADTRACE_CHROMIUM "
            "to a Chromium/Chrome binary."
        )
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """A headless Chromium for one test module, closed after it (playwright, from the dev extra, is imported here:
    the tests that need no browser run without it)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS,
                                              timeout=ACTION_TIMEOUT_MS)
        try:
            yield launched
        finally:
            launched.close()
