"""The scaffolder's first pages in a real browser, on the demo catalog under gunicorn:
the template gallery filtered by tag (HTMX swap, URL follows, reload reproduces it)
and the installed actions page, each at laptop and phone widths without sideways
scrolling. Screenshots go to ``var/screenshots/``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import SCREENSHOTS, chromium, screenshot
from tests.support.portal_process import manage, portal_env, web_server

pytestmark = pytest.mark.services

PASSWORD = "a-browser-test-password"
VIEWPORTS = {"laptop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory):
    var: Path = tmp_path_factory.mktemp("scaffolder-pages-portal")
    env = portal_env(var, GREENROOM_ADMIN_PASSWORD=PASSWORD)
    for command in (["migrate", "--noinput"], ["ensure_admin"], ["collectstatic", "--noinput"],
                    ["catalog", "refresh", "--pending"]):  # fmt: skip
        result = manage(*command, env=env)
        assert result.returncode == 0, result.stderr
    with web_server(env) as url:
        yield url


def sign_in(browser, url: str, **options):
    page = browser.new_page(**options)
    page.goto(f"{url}/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Sign in')")
    page.wait_for_url(f"{url}/")
    return page


def cards(page) -> list[str]:
    return page.locator("#template-gallery .template-title a").all_inner_texts()


def fits(page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} scrolls sideways ({scroll}px > {width}px)"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_gallery_filter_by_tag_and_actions_page(portal, viewport) -> None:
    url, size = portal, VIEWPORTS[viewport]
    with chromium() as browser:
        page = sign_in(browser, url, viewport=size, is_mobile=viewport == "phone")
        page.goto(f"{url}/create/")
        everything = cards(page)
        assert "Python web service" in everything and len(everything) >= 3
        fits(page, size["width"])
        screenshot(page, f"scaffolder-gallery-{viewport}")

        if viewport == "phone":  # the filters start folded on a narrow screen
            page.click("#template-gallery .filters-panel > summary")
        page.locator("#template-gallery input[name=tag][value=python]").check()
        page.wait_for_url("**tag=python**")
        page.wait_for_function("!document.querySelector('.htmx-request')")
        filtered = cards(page)
        assert filtered == ["Python web service"]
        fits(page, size["width"])
        screenshot(page, f"scaffolder-gallery-tag-{viewport}")
        page.reload()  # the URL alone reproduces the view
        assert cards(page) == filtered

        page.click("a:text-is('Actions')")
        page.wait_for_url("**/create/actions/")
        assert page.locator("section.action#action-fetch\\:template").count() == 1
        assert page.locator("#action-fetch\\:template table.schema-table").count() == 1
        fits(page, size["width"])
        screenshot(page, f"scaffolder-actions-{viewport}")
        page.goto(f"{url}/create/actions/#action-publish:github")
        page.screenshot(path=str(SCREENSHOTS / f"scaffolder-actions-github-{viewport}.png"))
        page.fill("#actions-q", "publish")
        page.wait_for_url("**q=publish**")
        page.wait_for_function("!document.querySelector('.htmx-request')")
        assert page.locator("section.action#action-fetch\\:template").count() == 0
        assert page.locator("section.action#action-publish\\:github").count() == 1
