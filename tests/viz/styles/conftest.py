"""The styles' tests share the player test's headless Chromium (launched from the system's ``chromium``)."""

from tests.viz.player.test_player_browser import browser  # noqa: F401 - a fixture, used by name
