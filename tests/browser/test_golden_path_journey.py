"""The seed golden path end to end in a real browser, as a developer takes it: a child
portal under gunicorn with a real Celery worker, publishing to a stand-in GitHub and
deploying to a stand-in Argo CD. Chromium fills in the template's form (the owning
team and the system picked with the keyboard from the catalog's suggestions, a bad
service name refused next to its field and fixed without losing the other answers,
a page forward and back keeping its values), checks the review, presses Create,
watches the task page follow the run without a reload (held at the Argo CD step, so
the run is seen under way) until it is done, and follows the output link to the new
component's catalog page. The review and the completed task are saved to
``var/screenshots/`` at laptop and phone widths."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.support.browser import (
    PASSWORD,
    VIEWPORTS,
    chromium,
    expect,
    fits,
    review_rows,
    screenshot,
    settled,
    sign_in,
)
from tests.support.golden_paths import Portal, golden_portal

pytestmark = pytest.mark.services

FORM = "/create/templates/default/spring-boot-grpc-service/"
#: The service each width's journey creates (one portal serves both).
SERVICES = {"laptop": "order-service", "phone": "invoice-service"}
STEPS = ["fetch-template", "publish-github", "register-catalog", "create-argocd-app"]


@pytest.fixture(scope="module")
def portal(tmp_path_factory, postgres) -> Iterator[Portal]:
    root = tmp_path_factory.mktemp("golden-journey")
    with golden_portal(root, postgres, GREENROOM_ADMIN_PASSWORD=PASSWORD) as portal:
        yield portal


def pick(page, name: str, typed: str, ref: str) -> None:
    """Type into the picker ``name`` and pick ``ref`` from its suggestions with the
    keyboard (the arrow keys, then Enter)."""
    field = page.locator(f"#f-{name}")
    assert field.get_attribute("role") == "combobox"
    field.click()
    field.press_sequentially(typed, delay=30)
    first = page.locator(f"#f-{name}-listbox-0")
    expect(first).to_have_attribute("data-value", ref)  # the list for what was typed
    expect(field).to_have_attribute("aria-expanded", "true")
    field.press("ArrowDown")
    expect(field).to_have_attribute("aria-activedescendant", f"f-{name}-listbox-0")
    field.press("Enter")
    expect(field).to_have_value(ref)
    expect(page.locator(f"#f-{name}-suggestions")).to_be_hidden()


def next_page(page, title: str) -> None:
    page.click(".wizard-buttons button[value=next]")
    page.wait_for_selector(f"#wizard-page-title:text-is('{title}')")
    settled(page)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_seed_golden_path_from_its_form_to_the_new_component(portal, viewport) -> None:
    service = SERVICES[viewport]
    with chromium() as browser:
        page = sign_in(browser, portal.url, viewport)
        page.goto(f"{portal.url}{FORM}")
        assert page.locator("h1").inner_text() == "Spring Boot gRPC Microservice"

        # Page 1: a name the pattern refuses, the description, the pickers.
        page.fill("#f-serviceName", "Order_Service")
        page.fill("#f-description", "Takes orders")
        pick(page, "owner", "platform", "group:default/platform-team")
        pick(page, "system", "comm", "system:default/commerce")
        assert "step=" not in page.url  # Enter picked; it did not send the page
        page.click(".wizard-buttons button[value=next]")
        settled(page)
        error = page.locator("#f-serviceName-field #f-serviceName-error")
        expect(error).to_be_visible()
        assert "Must match the pattern" in error.inner_text()
        assert "f-serviceName-error" in page.get_attribute("#f-serviceName", "aria-describedby")
        assert page.evaluate("document.activeElement.id") == "f-serviceName"
        assert page.input_value("#f-description") == "Takes orders"  # nothing else lost
        assert page.input_value("#f-owner") == "group:default/platform-team"
        assert page.input_value("#f-system") == "system:default/commerce"
        assert "step=" not in page.url
        fits(page, viewport)
        screenshot(page, f"golden-path-error-{viewport}")

        page.fill("#f-serviceName", service)
        next_page(page, "Technical Options")
        assert page.input_value("#f-javaVersion") == "21"  # the defaults
        assert page.input_value("#f-database") == "postgresql"
        page.select_option("#f-javaVersion", "17")
        page.check("#f-enableKafka")

        # Forward a page, back, forward again: what was entered stays.
        next_page(page, "Infrastructure Settings")
        assert page.input_value("#f-namespace") == "default"
        page.fill("#f-namespace", "orders")
        page.select_option("#f-cluster", "staging")
        page.click(".wizard-buttons button[value=back]")
        page.wait_for_selector("#wizard-page-title:text-is('Technical Options')")
        settled(page)
        assert page.input_value("#f-javaVersion") == "17"
        assert page.is_checked("#f-enableKafka")
        next_page(page, "Infrastructure Settings")
        assert page.input_value("#f-namespace") == "orders"
        assert page.input_value("#f-cluster") == "staging"

        next_page(page, "Review")
        rows = review_rows(page)
        shown = {"Service Name": service, "Service Description": "Takes orders",
                 "Java Version": "17", "Database": "postgresql", "K8s Namespace": "orders",
                 "Deployment Cluster": "staging"}  # fmt: skip
        for title, value in shown.items():
            assert rows.get(title) == value, (title, rows)
        assert "platform-team" in rows["Owning Team"] and "commerce" in rows["Parent System"]
        assert rows["Kafka Integration"] == "Yes", rows
        fits(page, viewport)
        screenshot(page, f"golden-path-review-{viewport}")

        # Create, with the Argo CD stand-in holding its calls: the run is seen under way.
        portal.argo.gate.clear()
        try:
            page.click("button[value=create]")
            page.wait_for_url(re.compile(r".*/create/tasks/[0-9a-f-]{36}/$"))
            page.evaluate("window.loadedOnce = true")
            page.wait_for_selector(".step.state-running[data-step='create-argocd-app']",
                                   timeout=60_000)  # fmt: skip
            for step in STEPS[:3]:
                assert page.locator(f".step.state-completed[data-step='{step}']").count() == 1
            assert page.locator("#task-poll .live-dot").count() == 1
            assert page.locator(".task-status").inner_text() != "Completed"
            lines = page.locator("#log-lines .log-line").count()
            assert lines >= 3
            fits(page, viewport)
            screenshot(page, f"golden-path-task-running-{viewport}")
        finally:
            portal.argo.gate.set()
        page.wait_for_selector(".task-status.status-completed", timeout=60_000)
        assert page.evaluate("window.loadedOnce") is True  # followed without a reload
        assert page.locator("#task-poll .live-dot").count() == 0
        for step in STEPS:
            assert page.locator(f".step.state-completed[data-step='{step}']").count() == 1
        assert page.locator("#log-lines .log-line").count() > lines  # the log grew
        assert service in portal.argo.applications
        output = page.locator("#task-outcome .output-links")
        repo = portal.gh.repos[f"acme-corp/{service}"]
        assert output.locator("a:has-text('GitHub Repository')").get_attribute("href") == (
            repo["clone_url"])  # fmt: skip
        fits(page, viewport)
        screenshot(page, f"golden-path-task-completed-{viewport}")

        output.locator("a:has-text('View in Catalog')").click()
        page.wait_for_url(f"**/catalog/default/component/{service}")
        assert page.locator("h1").inner_text() == service
        about = page.locator("main").inner_text()
        assert "Takes orders" in about and "platform-team" in about, about
        fits(page, viewport)
        screenshot(page, f"golden-path-component-{viewport}")
