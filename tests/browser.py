"""What the browser tests share besides the ``browser`` fixture (``tests/conftest.py``): a page that works offline.

Every browser action has a 30 s timeout, so a test cannot hang; any request that is not a
local file is refused and reported (the pages must work offline).
"""

from __future__ import annotations

ACTION_TIMEOUT_MS = 30_000


class Page:
    """A fresh page that refuses anything but local files and records script errors."""

    def __init__(self, browser: object, width: int = 1400) -> None:
        self.page = browser.new_page(viewport={"width": width, "height": 700})  # type: ignore[attr-defined]
        self.page.set_default_timeout(ACTION_TIMEOUT_MS)
        self.errors: list[str] = []
        self.refused: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        self.page.route("**/*", self._route)

    def _route(self, route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith(("file:", "data:", "about:")):
            route.continue_()  # type: ignore[attr-defined]
        else:
            self.refused.append(url)
            route.abort()  # type: ignore[attr-defined]

    def counter(self, scope: str = "") -> str:
        return str(self.page.text_content(f"{scope} .gt-counter".strip()))

    def current(self, scope: str = "") -> str | None:
        element = self.page.query_selector(f"{scope} .gt-current".strip())
        return None if element is None else str(element.get_attribute("id"))

    def slot(self, key: str) -> str:
        return str(self.page.text_content(f'[data-gt="{key}"]'))
