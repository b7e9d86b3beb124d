"""Headless Chromium for browser tests, driven by Playwright.

Playwright cannot download its own browsers here; it drives the system's Chromium
(Debian's ``chromium`` package). Running as root needs ``--no-sandbox``; the other
flags keep a headless browser from reaching for the network or a GPU. Screenshots go
to ``var/screenshots/`` so CI keeps what each page looked like.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.binaries import require_binary
from tests.support.portal_process import celery_worker, manage, portal_env, web_server

PROJECT_DIR = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT_DIR / "var" / "screenshots"
#: The admin's password in every portal a browser test signs in to.
PASSWORD = "a-browser-test-password"
#: The window sizes pages are checked at; a phone also gets a mobile browser.
VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
#: What a portal needs before a browser can use it: its tables, the admin, the static
#: files gunicorn serves with DEBUG off, and its catalog read once.
PORTAL_SETUP = (["migrate", "--noinput"], ["ensure_admin"], ["collectstatic", "--noinput"],
                ["catalog", "refresh", "--pending"])  # fmt: skip
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


def prepare_portal(env: dict[str, str], *commands: Sequence[str]) -> None:
    """Run :data:`PORTAL_SETUP`, then ``commands``, as ``manage.py`` in a child."""
    for command in (*PORTAL_SETUP, *commands):
        result = manage(*command, env=env)
        assert result.returncode == 0, f"manage.py {' '.join(command)}: {result.stderr}"


@contextmanager
def browser_portal(
    var: Path, *commands: Sequence[str], worker: bool = False, **env: str
) -> Iterator[str]:
    """A portal under gunicorn with ``var`` as its var directory, prepared with
    :func:`prepare_portal` (``commands`` after the usual setup) and with an admin
    whose password is :data:`PASSWORD`; ``env`` adds to its environment (such as
    ``GREENROOM_CONFIG``), ``worker`` runs a Celery worker beside it. Yields its URL."""
    env = portal_env(var, GREENROOM_ADMIN_PASSWORD=PASSWORD, **env)
    prepare_portal(env, *commands)
    if worker:
        with celery_worker(env), web_server(env) as url:
            yield url
    else:
        with web_server(env) as url:
            yield url


def new_page(
    browser: object, viewport: str = "laptop", *, refused: list[str] | None = None,
    permissions: Sequence[str] = (), origin: str | None = None,
) -> object:  # fmt: skip
    """A page in a fresh context sized as ``VIEWPORTS[viewport]`` (a phone is a mobile
    browser). ``permissions`` are granted (for ``origin``); whatever the
    Content-Security-Policy blocks (a script, a style, an inline handler) is appended
    to ``refused`` when given."""
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport=VIEWPORTS[viewport], is_mobile=viewport == "phone"
    )
    if permissions:
        context.grant_permissions(list(permissions), origin=origin)
    page = context.new_page()
    if refused is not None:
        page.on("console", lambda message: "Content Security Policy" in message.text
                and refused.append(message.text))  # fmt: skip
    return page


def log_in(page: object, password: str = PASSWORD) -> None:
    """Fill in and send the sign-in form the page shows, as the admin."""
    page.fill("#id_username", "admin")  # type: ignore[attr-defined]
    page.fill("#id_password", password)  # type: ignore[attr-defined]
    page.click("button[type=submit]:has-text('Sign in')")  # type: ignore[attr-defined]


def sign_in(
    browser: object, url: str, viewport: str = "laptop", *,
    refused: list[str] | None = None, permissions: Sequence[str] = (),
) -> object:  # fmt: skip
    """A :func:`new_page` signed in to the portal at ``url`` as the admin, on Home."""
    page = new_page(browser, viewport, refused=refused, permissions=permissions, origin=url)
    page.goto(f"{url}/login/")  # type: ignore[attr-defined]
    log_in(page)
    page.wait_for_url(f"{url}/")  # type: ignore[attr-defined]
    return page


def overflow(page: object, viewport: str) -> str | None:
    """Why the page scrolls sideways at ``viewport``'s width, or None if it fits. (A
    phone browser widens its layout to fit wide content, so the page is measured
    against the device's width.)"""
    width = VIEWPORTS[viewport]["width"]
    scroll = page.evaluate("document.documentElement.scrollWidth")  # type: ignore[attr-defined]
    if scroll <= width:
        return None
    return f"{page.url} scrolls sideways ({scroll}px > {width}px)"  # type: ignore[attr-defined]


def fits(page: object, viewport: str) -> None:
    """Assert that the page does not scroll sideways at ``viewport``'s width."""
    problem = overflow(page, viewport)
    assert problem is None, problem


def screenshot(page: object, name: str, *, full_page: bool = True) -> Path:
    """Save ``var/screenshots/<name>.png``: the whole page from the top (scrolled
    there first, so a sticky bar is not caught halfway down, and once a fading
    loading indicator is gone), or with ``full_page=False`` the window as it is."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if full_page:
        page.evaluate("window.scrollTo(0, 0)")  # type: ignore[attr-defined]
        page.wait_for_timeout(300)  # type: ignore[attr-defined]
    page.screenshot(path=str(path), full_page=full_page)  # type: ignore[attr-defined]
    return path


def gone(page: object, selector: str) -> None:
    """Wait until nothing matches ``selector``. A selector wait, because the portal's
    Content-Security-Policy forbids the string evaluation ``wait_for_function`` needs."""
    page.wait_for_selector(selector, state="detached")


def settled(page: object) -> None:
    """Wait until htmx has no request in flight."""
    gone(page, ".htmx-request")


def expect(locator: object) -> object:
    """Playwright's ``expect`` (its assertions retry until they hold or time out)."""
    return pytest.importorskip("playwright.sync_api").expect(locator)


def review_rows(page: object) -> dict[str, str]:
    """A template form's review page as {field title: the value shown}."""
    return dict(page.locator(".review-table tr").evaluate_all(  # type: ignore[attr-defined]
        "rows => rows.map(r => [r.querySelector('th').innerText, r.querySelector('td').innerText])"
    ))  # fmt: skip
