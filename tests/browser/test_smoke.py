"""The portal in a real browser: sign in, reach the catalog and the API reference.

Greenroom runs as in production (gunicorn, DEBUG off, collected static files) on its
demo catalog; headless Chromium drives it. Each main page is saved to
``var/screenshots/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import chromium, screenshot
from tests.support.portal_process import manage, portal_env, web_server

pytestmark = pytest.mark.services

PASSWORD = "a-browser-test-password"


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory):
    var: Path = tmp_path_factory.mktemp("browser-portal")
    env = portal_env(var, GREENROOM_ADMIN_PASSWORD=PASSWORD)
    for command in (["migrate", "--noinput"], ["ensure_admin"], ["collectstatic", "--noinput"],
                    ["catalog", "refresh", "--pending"]):  # fmt: skip
        result = manage(*command, env=env)
        assert result.returncode == 0, result.stderr
    with web_server(env) as url:
        yield url


def test_sign_in_then_catalog_and_api_reference(portal: str) -> None:
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{portal}/catalog/")
        assert "/login/" in page.url, "signing in comes first"
        screenshot(page, "login")
        page.fill("#id_username", "admin")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]:has-text('Sign in')")
        page.wait_for_url(f"{portal}/catalog/")
        assert page.locator("main").inner_text().strip(), "the catalog page has content"
        screenshot(page, "catalog")
        page.goto(f"{portal}/catalog/api-docs/")
        page.wait_for_selector(".opblock", timeout=15_000)
        assert page.locator(".opblock").count() == 20, "every catalog API operation"
        screenshot(page, "catalog-api-reference")
