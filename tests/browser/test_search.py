"""Search in a real browser, on the demo content ``make run`` loads (the developer
handbook built by ``manage.py techdocs build`` before the portal serves): "/" focuses
the header box, typing shows suggestions, the keyboard picks one and lands on the
entity; a docs phrase searched from the header lands on its section of the docs page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.support.browser import browser_portal, chromium, expect, screenshot, sign_in

pytestmark = pytest.mark.services

HANDBOOK = "component:default/developer-handbook"


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with browser_portal(tmp_path_factory.mktemp("search-portal"),
                        ["techdocs", "build", HANDBOOK]) as url:  # fmt: skip
        yield url


def test_pick_a_suggestion_with_the_keyboard(portal: str) -> None:
    with chromium() as browser:
        page = sign_in(browser, portal)
        page.goto(f"{portal}/catalog/")
        page.locator("body").press("/")
        box = page.locator("#header-search")
        expect(box).to_be_focused()
        box.press_sequentially("streetli", delay=40)
        options = page.locator("#search-suggestions [role=option]")
        expect(options.first).to_contain_text("streetlights")
        expect(box).to_have_attribute("aria-expanded", "true")
        screenshot(page, "search-suggestions", full_page=False)
        box.press("ArrowDown")
        expect(options.first).to_have_attribute("aria-selected", "true")
        assert box.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
        box.press("ArrowUp")  # wraps to the last option: all results
        expect(page.locator("#suggestion-all")).to_have_attribute("aria-selected", "true")
        box.press("ArrowDown")  # and back to the first
        box.press("Enter")
        page.wait_for_url(f"{portal}/catalog/default/api/streetlights")
        expect(page.locator("h1")).to_contain_text("streetlights")


def test_escape_closes_and_enter_opens_all_results(portal: str) -> None:
    with chromium() as browser:
        page = sign_in(browser, portal)
        box = page.locator("#header-search")
        box.click()
        box.press_sequentially("podcast", delay=30)
        panel = page.locator("#search-suggestions")
        expect(panel.locator("[role=option]").first).to_be_visible()
        expect(panel.locator(".suggestion-heading").first).to_have_text("Catalog")
        box.press("Escape")
        expect(panel).to_be_hidden()
        box.press("Enter")
        page.wait_for_url(re.compile(rf"{re.escape(portal)}/search/\?q=podcast$"))
        first = page.locator(".search-hit-title").first
        expect(first).to_have_text("podcast")
        expect(page.locator("#facet-kind")).to_contain_text("System")


def test_a_docs_phrase_lands_on_its_section(portal: str) -> None:
    with chromium() as browser:
        page = sign_in(browser, portal)
        box = page.locator("#header-search")
        box.fill('"owning team"')
        box.press("Enter")
        page.wait_for_url(re.compile(r".*/search/\?q=%22owning\+team%22$"))
        hit = page.locator(".search-hit").first
        expect(hit.locator(".badge").first).to_have_text("Docs")
        expect(hit.locator(".search-snippet mark").first).to_have_text(re.compile("owning", re.I))
        screenshot(page, "search-docs-results")
        hit.locator(".search-hit-title").click()
        section = "getting-started/find-a-service/#who-owns-it"
        page.wait_for_url(f"{portal}/docs/default/component/developer-handbook/{section}")
        expect(page.locator("article.docs-content h2#who-owns-it")).to_be_in_viewport()
