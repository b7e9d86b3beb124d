"""The template form's pickers in a real browser, on the demo catalog under gunicorn:
type into the Python web service template's OwnerPicker, see the catalog's groups
suggested (HTMX, debounced), move through them with the arrow keys (the combobox's
``aria-activedescendant`` follows), close the list with Escape, pick one with Enter,
pick the System with the pointer, and find the stored refs on the review page; then
tags and entities added as chips (a bad tag refused in place, a chip removed, a full
list closed) and the repository group re-rendered for another host. Screenshots go
to ``var/screenshots/``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse

from tests.scaffolder.fields.conftest import pickers_template
from tests.support.browser import browser_portal, chromium, expect, screenshot, sign_in
from tests.support.portal_process import PROJECT_DIR

pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory):
    """The demo portal, plus a template that uses every catalog-backed picker."""
    var: Path = tmp_path_factory.mktemp("scaffolder-pickers-portal")
    (var / "templates").mkdir()
    template = var / "templates" / "pickers.json"
    template.write_text(json.dumps(pickers_template()))
    extra = var / "app-config.pickers.json"
    extra.write_text(json.dumps({"catalog": {"readableDirectories": [str(template.parent)]}}))
    with browser_portal(var, ["catalog", "register", str(template)],
                        GREENROOM_CONFIG=f"{PROJECT_DIR / 'app-config.yaml'}:{extra}") as url:
        yield url


def _form_url() -> str | None:
    try:
        return reverse("scaffolder:template_form",
                       kwargs={"namespace": "default", "name": "python-service"})  # fmt: skip
    except NoReverseMatch:
        return None


FORM = _form_url()


def options(page, listbox: str) -> list[str]:
    return page.locator(f"#{listbox} [role=option]").evaluate_all(
        "nodes => nodes.map(node => node.dataset.value)")


@pytest.mark.skipif(FORM is None, reason="the template form (scaffolder:template_form) is "
                                          "not installed in this build")  # fmt: skip
def test_owner_picker_by_keyboard_and_system_by_pointer(portal) -> None:
    url = portal
    with chromium() as browser:
        page = sign_in(browser, url)
        page.goto(f"{url}{FORM}")
        page.fill("#f-name", "ticket-service")

        owner = page.locator("#f-owner")
        assert owner.get_attribute("role") == "combobox"
        owner.click()
        owner.press_sequentially("team-", delay=30)
        # the page's CSP allows no eval, so waits are on selectors, not on script; the
        # list for "team-" follows the one the focus fetched
        expect(page.locator("#f-owner-listbox-0")).to_have_attribute(
            "data-value", re.compile(r"^group:default/team-"))
        page.wait_for_selector("#f-owner-listbox [role=option]:nth-child(2)")
        expect(owner).to_have_attribute("aria-expanded", "true")
        offered = options(page, "f-owner-listbox")
        assert "group:default/team-a" in offered and len(offered) >= 2, offered
        assert all(ref.startswith("group:default/team-") for ref in offered), offered
        screenshot(page, "scaffolder-picker-owner-suggestions")

        owner.press("ArrowDown")
        assert owner.get_attribute("aria-activedescendant") == "f-owner-listbox-0"
        owner.press("ArrowDown")
        assert owner.get_attribute("aria-activedescendant") == "f-owner-listbox-1"
        assert page.locator("#f-owner-listbox-1").get_attribute("aria-selected") == "true"
        owner.press("ArrowUp")
        owner.press("ArrowUp")  # wraps round to the last option
        last = len(offered) - 1
        assert owner.get_attribute("aria-activedescendant") == f"f-owner-listbox-{last}"
        owner.press("Escape")
        assert page.locator("#f-owner-suggestions").is_hidden()
        assert owner.get_attribute("aria-expanded") == "false"
        assert owner.input_value() == "team-"  # Escape keeps what was typed

        owner.press("ArrowDown")  # opens the list again on its first option
        owner.press("ArrowDown")
        owner.press("Enter")
        assert owner.input_value() == offered[1]
        assert page.locator("#f-owner-suggestions").is_hidden()
        assert "step=" not in page.url  # Enter picked; it did not submit the page

        system = page.locator("#f-system")
        system.click()  # a click lists the systems
        page.wait_for_selector("#f-system-listbox [role=option]")
        systems = options(page, "f-system-listbox")
        page.locator("#f-system-listbox [role=option]").first.click()
        assert system.input_value() == systems[0] and systems[0].startswith("system:")
        screenshot(page, "scaffolder-picker-owner-chosen")

        page.click(".wizard-buttons button[value=next]")
        page.wait_for_selector("#wizard-page-title:text('Runtime')")
        page.click(".wizard-buttons button[value=next]")
        page.wait_for_selector("#wizard-page-title:text('Review')")
        review = page.locator(".review-table").first.inner_text()
        assert offered[1] in review and systems[0] in review, review
        screenshot(page, "scaffolder-picker-review")


def chips(page, name: str) -> list[str]:
    return page.locator(f"#f-{name}-chips input[type=hidden]").evaluate_all(
        "nodes => nodes.map(node => node.value)")


@pytest.mark.skipif(FORM is None, reason="the template form (scaffolder:template_form) is "
                                          "not installed in this build")  # fmt: skip
def test_chips_for_tags_and_entities_and_the_repository_group(portal) -> None:
    url = portal
    with chromium() as browser:
        page = sign_in(browser, url)
        page.goto(f"{url}/create/templates/default/pickers/")
        page.fill("#f-owner", "team-a")  # typed, not picked: completed to a group ref
        page.click(".wizard-buttons button[value=next]")
        page.wait_for_selector("#wizard-page-title:text('More')")

        tags = page.locator("#f-tags")
        tags.click()
        tags.press_sequentially("Snake_Case")
        tags.press("Enter")  # refused where it was typed, as the catalog refuses it
        error = page.locator("#f-tags-field .picker-input-error")
        expect(error).to_be_visible()
        assert "is not a valid tag" in error.inner_text() and chips(page, "tags") == []
        tags.fill("")
        tags.press_sequentially(" C++ ")
        tags.press("Enter")
        assert chips(page, "tags") == ["c++"] and error.is_hidden()
        tags.press_sequentially("jav", delay=30)  # the demo's components are tagged java
        expect(page.locator("#f-tags-listbox-0")).to_have_attribute("data-value", "java")
        expect(page.locator("#f-tags-listbox-0 .count")).to_have_text("3")  # showCounts
        tags.press("ArrowDown")
        tags.press("Enter")
        assert chips(page, "tags") == ["c++", "java"] and tags.input_value() == ""
        page.click("#f-tags-chips button[aria-label='Remove c++']")
        assert chips(page, "tags") == ["java"]

        deps = page.locator("#f-deps")  # a MultiEntityPicker with maxItems: 2
        picked = ["component:default/searcher", "component:default/shuffle-api"]
        for text, ref in zip(("searc", "shuf"), picked, strict=True):
            deps.click()
            deps.press_sequentially(text, delay=30)
            expect(page.locator("#f-deps-listbox-0")).to_have_attribute("data-value", ref)
            deps.press("ArrowDown")
            deps.press("Enter")
        assert chips(page, "deps") == picked
        expect(deps).to_be_disabled()  # full: no more can be added
        screenshot(page, "scaffolder-picker-chips")

        host = page.locator("#f-repoUrl-host")
        host.select_option("gitlab.com")  # another host: HTMX re-renders the group
        expect(page.locator("#f-repoUrl-owner-help")).to_contain_text("GitLab namespace")
        page.fill("#f-repoUrl-repo", "web")
        screenshot(page, "scaffolder-picker-repo-url")

        page.click(".wizard-buttons button[value=next]")
        page.wait_for_selector("#wizard-page-title:text('Review')")
        review = page.locator("main").inner_text()
        for answer in ("group:default/team-a", "java", *picked, "gitlab.com?owner=acme&repo=web"):
            assert answer in review, (answer, review)
