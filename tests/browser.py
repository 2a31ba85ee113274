"""Chromium for the browser tests: Debian's own package (``make system`` installs it), driven
by Playwright for Python. Nothing is downloaded; a missing browser fails the test with the
command that installs it, never a skip."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CANDIDATES = ("chromium", "chromium-browser")


def chromium_path() -> str:
    """Path of the system Chromium, or an AssertionError that says how to install it."""
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise AssertionError(
        "no system Chromium on PATH: run `make system` (apt-get install chromium) first"
    )


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium with the network of the test machine only (no sandbox as root)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path(),
            args=["--no-sandbox", "--disable-dev-shm-usage"],
        )
        try:
            yield browser
        finally:
            browser.close()


def screenshot_on_failure(page: object, dest: Path) -> None:
    """Save a full-page screenshot (called from a failing test)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(dest), full_page=True)  # type: ignore[attr-defined]
