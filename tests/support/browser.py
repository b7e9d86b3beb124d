"""Headless Chromium for browser tests, driven by Playwright.

Playwright cannot download its own browsers here; it drives the system's Chromium
(Debian's ``chromium`` package). Running as root needs ``--no-sandbox``; the other
flags keep a headless browser from reaching for the network or a GPU. Screenshots go
to ``var/screenshots/`` so CI keeps what each page looked like.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.binaries import require_binary

PROJECT_DIR = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT_DIR / "var" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    """The system Chromium (``GREENROOM_CHROMIUM`` overrides), or skip/fail."""
    configured = os.environ.get("GREENROOM_CHROMIUM")
    if configured and shutil.which(configured):
        return shutil.which(configured) or configured
    return require_binary("chromium")


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium browser (Playwright ``Browser``)."""
    path = chromium_path()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield browser
        finally:
            browser.close()


def screenshot(page: object, name: str) -> Path:
    """Save a full-page screenshot as ``var/screenshots/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path
