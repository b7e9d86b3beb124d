"""The portal in a real browser: sign in, reach the catalog and the API reference.

Greenroom runs as in production (gunicorn, DEBUG off, collected static files) on its
demo catalog; headless Chromium drives it. Each main page is saved to
``var/screenshots/``.
"""

from __future__ import annotations

import pytest

from tests.support.browser import browser_portal, chromium, log_in, new_page, screenshot

pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory):
    with browser_portal(tmp_path_factory.mktemp("browser-portal")) as url:
        yield url


def test_sign_in_then_catalog_and_api_reference(portal: str) -> None:
    with chromium() as browser:
        page = new_page(browser)
        page.goto(f"{portal}/catalog/")
        assert "/login/" in page.url, "signing in comes first"
        screenshot(page, "login")
        log_in(page)
        page.wait_for_url(f"{portal}/catalog/")
        assert page.locator("main").inner_text().strip(), "the catalog page has content"
        screenshot(page, "catalog")
        page.goto(f"{portal}/catalog/api-docs/")
        page.wait_for_selector(".opblock", timeout=15_000)
        assert page.locator(".opblock").count() == 20, "every catalog API operation"
        screenshot(page, "catalog-api-reference")
