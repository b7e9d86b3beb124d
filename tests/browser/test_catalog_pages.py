"""The catalog pages in a real browser, on the demo catalog under gunicorn: browse and
filter, an entity page and its dependency graph, API definitions, registering a
location, starring an entity and finding it on Home; a phone-sized pass. Every main
page is saved to ``var/screenshots/``."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.support.browser import (
    VIEWPORTS,
    browser_portal,
    chromium,
    fits,
    gone,
    overflow,
    screenshot,
    settled,
    sign_in,
)
from tests.support.portal_process import PROJECT_DIR

pytestmark = pytest.mark.services

NEW_COMPONENT = """\
    apiVersion: backstage.io/v1alpha1
    kind: Component
    metadata:
      name: browser-made
      description: Registered from the browser test
    spec: {type: website, lifecycle: experimental, owner: team-b}
    """


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory):
    """The demo portal, allowed to read one more directory (for registering)."""
    var: Path = tmp_path_factory.mktemp("catalog-pages-portal")
    incoming = var / "incoming"
    incoming.mkdir()
    (incoming / "catalog-info.yaml").write_text(textwrap.dedent(NEW_COMPONENT))
    extra = var / "app-config.extra.json"
    extra.write_text(json.dumps({"catalog": {"readableDirectories": [str(incoming)]}}))
    config = f"{PROJECT_DIR / 'app-config.yaml'}:{extra}"
    with browser_portal(var, GREENROOM_CONFIG=config) as url:
        yield url, incoming


def table_names(page) -> list[str]:
    return page.locator("#catalog-browser td.name a").all_inner_texts()


def test_browse_filter_open_graph_and_definition(portal) -> None:
    url, _ = portal
    with chromium() as browser:
        page = sign_in(browser, url)
        page.goto(f"{url}/catalog/")
        assert "artist-lookup" in table_names(page)
        screenshot(page, "catalog-index")

        # Filter by kind and owner: HTMX swaps the table and the URL follows.
        page.select_option("#catalog-kind", "component")
        page.locator("input[name=owner][value='group:default/team-a']").check()
        page.wait_for_url("**owner=group%3Adefault%2Fteam-a**")
        settled(page)
        names = table_names(page)
        assert names and "artist-lookup" in names and "petstore" not in names
        screenshot(page, "catalog-filtered")
        page.reload()  # the URL alone reproduces the view
        assert table_names(page) == names

        page.click("#catalog-browser td.name a:text-is('artist-lookup')")
        page.wait_for_url("**/catalog/default/component/artist-lookup")
        assert page.locator("h1").inner_text() == "artist-lookup"
        screenshot(page, "entity-overview")

        page.click("nav.tabs a:text-is('Dependencies')")
        page.wait_for_url("**/artist-lookup/dependencies")
        node = page.locator("#tab-panel svg a[href*='/catalog/']").filter(
            has_not_text="artist-lookup").first
        screenshot(page, "entity-dependencies")
        target = node.get_attribute("href")
        node.click()
        page.wait_for_url(f"**{target}")
        assert "artist-lookup" not in page.url

        page.goto(f"{url}/catalog/default/api/petstore/api")
        page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)
        screenshot(page, "api-definition-openapi")
        page.goto(f"{url}/catalog/default/api/starwars-graphql/api")
        assert page.locator("#tab-panel .highlight").count() >= 1
        screenshot(page, "api-definition-graphql")
        page.goto(f"{url}/apis/")
        assert "petstore" in table_names(page)
        screenshot(page, "apis-explorer")


def test_register_a_location_from_the_ui_and_find_it_in_the_audit_log(portal) -> None:
    url, incoming = portal
    with chromium() as browser:
        page = sign_in(browser, url)
        page.goto(f"{url}/catalog/register/")
        page.fill("input[name=target]", str(incoming / "catalog-info.yaml"))
        page.click("button:has-text('Analyze')")
        page.wait_for_selector("text=browser-made")
        screenshot(page, "register-analysis")
        page.click("button:has-text('Import')")
        page.wait_for_selector("a[href='/catalog/default/component/browser-made']")
        screenshot(page, "register-imported")
        page.click("a[href='/catalog/default/component/browser-made']")
        assert page.locator("h1").inner_text() == "browser-made"
        page.goto(f"{url}/catalog/locations/")
        assert str(incoming / "catalog-info.yaml") in page.locator("main").inner_text()
        screenshot(page, "locations")
        page.goto(f"{url}/admin/portal/auditevent/")
        page.click("#changelist-filter a:has-text('catalog.location.register')")
        row = page.locator("#result_list tbody tr", has_text=str(incoming / "catalog-info.yaml"))
        assert row.count() == 1
        assert "admin" in row.inner_text() and "page" in row.inner_text()
        screenshot(page, "audit-log")
        with page.expect_download() as download:
            page.click("text=Export as JSON lines")
        lines = Path(download.value.path()).read_text().splitlines()
        exported = [json.loads(line) for line in lines]
        assert {e["action"] for e in exported} == {"catalog.location.register"}
        mine = [e for e in exported if e["target"].endswith(str(incoming / "catalog-info.yaml"))]
        assert len(mine) == 1 and mine[0]["actor"] == "admin" and mine[0]["ip"] == "127.0.0.1"
        assert "Chrome" in mine[0]["user_agent"]


def test_star_an_entity_and_find_it_on_home(portal) -> None:
    url, _ = portal
    with chromium() as browser:
        page = sign_in(browser, url)
        page.goto(f"{url}/catalog/default/system/artist-engagement-portal")
        page.click("#star-form button")
        page.wait_for_selector("#star-form button[aria-pressed=true]")
        page.goto(f"{url}/")
        starred = page.locator("section[aria-labelledby=home-starred]")
        assert starred.locator("a[href='/catalog/default/system/artist-engagement-portal']").count()
        recent = page.locator("section[aria-labelledby=home-recent]")
        assert recent.locator("a[href='/catalog/default/system/artist-engagement-portal']").count()
        screenshot(page, "home")


def test_pages_are_readable_on_a_phone(portal) -> None:
    url, _ = portal
    with chromium() as browser:
        page = sign_in(browser, url, "phone")
        pages = {"/catalog/": "phone-catalog-index",
                 "/catalog/default/component/artist-lookup": "phone-entity"}  # fmt: skip
        for path, name in pages.items():
            page.goto(f"{url}{path}")
            fits(page, "phone")
            screenshot(page, name)


#: Pages whose tables must fit, by screenshot name: a group, entities with relation
#: tables, the All-kinds list and the Locations list.
FITTING_PAGES = {
    "group": "/catalog/default/group/team-a",
    "entity": "/catalog/default/component/wayback-search",
    "system": "/catalog/default/system/artist-engagement-portal",
    "all-kinds": "/catalog/?kind=",
    "locations": "/catalog/locations/",
}
#: Tables in main that stick out of their card (or of main, outside a card) and sit in
#: no element that scrolls sideways, each as "<table class> in <box class>: <px>".
OVERFLOWING_TABLES = """() => {
  const scrolls = (el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
  const out = [];
  for (const table of document.querySelectorAll("main table")) {
    const box = table.closest(".card") || document.querySelector("main");
    let el = table, scrolled = false;
    while (el && !scrolled) {
      scrolled = scrolls(el);
      el = el === box ? null : el.parentElement;
    }
    if (scrolled) continue;
    const t = table.getBoundingClientRect(), b = box.getBoundingClientRect();
    const over = Math.max(t.right - b.right, b.left - t.left, box.scrollWidth - box.clientWidth);
    if (over > 1) out.push(`${table.className} in ${box.className}: ${Math.round(over)}px`);
  }
  return out;
}"""


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_pages_fit_the_window_and_tables_fit_their_cards(portal, viewport) -> None:
    url, _ = portal
    problems = []
    with chromium() as browser:
        page = sign_in(browser, url, viewport)
        for name, path in FITTING_PAGES.items():
            page.goto(f"{url}{path}")
            screenshot(page, f"fit-{name}-{viewport}")
            if problem := overflow(page, viewport):
                problems.append(problem)
            problems +=  [f"{path}: {table}" for table in page.evaluate(OVERFLOWING_TABLES)]
    assert problems == [], f"at {viewport} width"


def test_avatars_that_fail_to_load_show_initials(portal) -> None:
    url, _ = portal
    with chromium() as browser:
        page = sign_in(browser, url)
        # Pictures come from api.dicebear.com, which this browser cannot reach.
        page.route("https://api.dicebear.com/**", lambda route: route.abort())
        page.goto(f"{url}/catalog/default/group/team-a")
        avatar = page.locator(".about .profile-avatar")
        gone(page, ".profile-avatar img")
        assert avatar.locator(".initials").inner_text() == "TA"
        assert avatar.locator(".initials").is_visible()
        screenshot(page, "group-avatar-initials")


def test_entity_menu_inspect_and_copy_url(portal) -> None:
    url, _ = portal
    with chromium() as browser:
        page = sign_in(browser, url, permissions=["clipboard-read", "clipboard-write"])
        entity = f"{url}/catalog/default/component/wayback-search"
        page.goto(entity)
        page.click(".entity-menu summary")
        screenshot(page, "entity-menu")
        page.click(".entity-menu [data-copy-href]")
        page.wait_for_selector(".entity-menu [data-copy-label]:text-is('Copied')")
        assert page.evaluate("navigator.clipboard.readText()") == entity
        assert page.url == entity  # copying does not follow the link

        page.click(".entity-menu a:has-text('Inspect entity')")
        page.wait_for_url("**/wayback-search/inspect")
        assert "kind: Component" in page.locator("#inspect-yaml-text").inner_text()
        page.click("#inspect-json button[data-copy-from]")
        copied = json.loads(page.evaluate("navigator.clipboard.readText()"))
        assert copied["metadata"]["name"] == "wayback-search"
        screenshot(page, "entity-inspect")

        page.goto(f"{url}/catalog/default/resource/not-there")
        assert "is not in the catalog" in page.locator("h1").inner_text()
        screenshot(page, "entity-missing")


def test_give_and_take_a_role_on_the_access_page(portal) -> None:
    url, _ = portal
    with chromium() as browser:
        page = sign_in(browser, url)
        page.click("nav a:has-text('Access')")
        page.wait_for_selector("#access-matrix")
        assert "role Platform admin (superuser: user:admin)" in page.locator("main").inner_text()
        page.select_option("#access-role", "template-author")
        page.fill("#access-principal", "group:team-a")
        page.click("#access-assign button")
        page.wait_for_selector("text=Template author given to group:default/team-a.")
        given = page.locator("section[aria-labelledby=access-assignments] tbody tr",
                             has_text="group:default/team-a")  # fmt: skip
        assert given.count() == 1 and "this page (admin)" in given.inner_text()
        assert overflow(page, "laptop") is None
        screenshot(page, "access")
        given.locator("button:has-text('Take back')").click()
        page.wait_for_selector("text=Role taken back.")
        assert page.locator("section[aria-labelledby=access-assignments]",
                            has_text="group:default/team-a").count() == 0  # fmt: skip
        page.goto(f"{url}/admin/portal/auditevent/?q=team-a")
        rows = page.locator("#result_list tbody tr").all_inner_texts()
        assert any("portal.role.assign" in r for r in rows)
        assert any("portal.role.unassign" in r for r in rows)
