"""The scaffolder's first pages in a real browser, on the demo catalog under gunicorn:
the template gallery filtered by tag (HTMX swap, URL follows, reload reproduces it)
and the installed actions page, each at laptop and phone widths without sideways
scrolling. Screenshots go to ``var/screenshots/``."""

from __future__ import annotations

import pytest

from tests.support.browser import (
    VIEWPORTS,
    browser_portal,
    chromium,
    fits,
    screenshot,
    settled,
    sign_in,
)

pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory):
    with browser_portal(tmp_path_factory.mktemp("scaffolder-pages-portal")) as url:
        yield url


def cards(page) -> list[str]:
    return page.locator("#template-gallery .template-title a").all_inner_texts()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_gallery_filter_by_tag_and_actions_page(portal, viewport) -> None:
    url = portal
    with chromium() as browser:
        page = sign_in(browser, url, viewport)
        page.goto(f"{url}/create/")
        everything = cards(page)
        assert "Python web service" in everything and len(everything) >= 3
        fits(page, viewport)
        screenshot(page, f"scaffolder-gallery-{viewport}")

        if viewport == "phone":  # the filters start folded on a narrow screen
            page.click("#template-gallery .filters-panel > summary")
        page.locator("#template-gallery input[name=tag][value=python]").check()
        page.wait_for_url("**tag=python**")
        settled(page)
        filtered = cards(page)
        assert filtered == ["Python web service"]
        fits(page, viewport)
        screenshot(page, f"scaffolder-gallery-tag-{viewport}")
        page.reload()  # the URL alone reproduces the view
        assert cards(page) == filtered

        page.click("a:text-is('Actions')")
        page.wait_for_url("**/create/actions/")
        assert page.locator("section.action#action-fetch\\:template").count() == 1
        assert page.locator("#action-fetch\\:template table.schema-table").count() == 1
        fits(page, viewport)
        screenshot(page, f"scaffolder-actions-{viewport}")
        page.goto(f"{url}/create/actions/#action-publish:github")
        screenshot(page, f"scaffolder-actions-github-{viewport}", full_page=False)
        page.fill("#actions-q", "publish")
        page.wait_for_url("**q=publish**")
        settled(page)
        assert page.locator("section.action#action-fetch\\:template").count() == 0
        assert page.locator("section.action#action-publish\\:github").count() == 1
