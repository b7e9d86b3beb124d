"""A task page in a real browser, against a child portal under gunicorn with a real
Celery worker: the log grows while a task runs (no reload) and stays where the reader
scrolled it; a failing template shows the step that failed and its error, and Retry
succeeds once the cause is fixed; Cancel stops a waiting task. Screenshots of the
running and the failed task at laptop and phone widths go to ``var/screenshots/``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml

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

API_TOKEN = "task-page-browser-test-static-token"
LIVE = """\
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: live-log, title: Live log}
spec:
  type: service
  parameters:
    - properties: {items: {type: array, items: {type: integer}}}
  steps:
    - id: first
      name: First batch
      action: debug:log
      each: "${{ parameters.items }}"
      input: {message: "first batch line ${{ each.value }}"}
    - {id: pause, name: Pause, action: debug:wait, input: {seconds: 4}}
    - id: second
      name: Second batch
      action: debug:log
      each: "${{ parameters.items }}"
      input: {message: "second batch line ${{ each.value }}"}
    - {id: pause-again, name: Pause again, action: debug:wait, input: {seconds: 4}}
    - {id: last, name: Last word, action: debug:log, input: {message: all done}}
"""
FAILING = """\
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: needs-base, title: Needs a base}
spec:
  type: service
  steps:
    - {id: prepare, name: Prepare, action: debug:log, input: {message: preparing the workspace}}
    - {id: fetch, name: Fetch the base files, action: fetch:plain, input: {url: ./base}}
    - {id: list, name: List the workspace, action: debug:log, input: {listWorkspace: true}}
"""
WAITING = """\
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: long-wait, title: Long wait}
spec:
  type: service
  steps:
    - {id: wait, name: Wait a while, action: debug:wait, input: {seconds: 60}}
    - {id: after, name: After the wait, action: debug:log, input: {message: never}}
"""


@dataclass
class Portal:
    url: str
    catalog: Path

    def create(self, template: str, values: dict | None = None) -> str:
        answer = httpx.post(f"{self.url}/api/scaffolder/v2/tasks", timeout=30,
                            headers={"Authorization": f"Bearer {API_TOKEN}"},
                            json={"templateRef": f"template:default/{template}",
                                  "values": values or {}})  # fmt: skip
        assert answer.status_code == 201, answer.text
        return answer.json()["id"]


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    root = tmp_path_factory.mktemp("task-page-portal")
    catalog = root / "catalog"
    for name, text in (("live-log", LIVE), ("needs-base", FAILING), ("long-wait", WAITING)):
        (catalog / name).mkdir(parents=True)
        (catalog / name / "template.yaml").write_text(text)
    config = {
        "app": {"title": "Task pages", "baseUrl": "http://127.0.0.1"},
        "backend": {"workingDirectory": str(root / "work"), "auth": {"externalAccess": [
            {"type": "static", "options": {"token": API_TOKEN, "subject": "ci"}}]}},
        "catalog": {"readableDirectories": [str(catalog)], "processingInterval": False,
                    "locations": [{"type": "file", "target": str(path)}
                                  for path in sorted(catalog.glob("*/template.yaml"))]},
    }  # fmt: skip
    (root / "work").mkdir()
    (root / "app-config.yaml").write_text(yaml.safe_dump(config))
    with browser_portal(root / "var", worker=True,
                        GREENROOM_CONFIG=str(root / "app-config.yaml")) as url:
        yield Portal(url, catalog)


def log_position(page) -> dict:
    return page.evaluate("""() => { const box = document.querySelector('[data-log]');
        return {top: box.scrollTop, end: box.scrollHeight - box.clientHeight}; }""")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_log_grows_live_and_stays_where_the_reader_scrolled(portal, viewport) -> None:
    task_id = portal.create("live-log", {"items": list(range(1, 61))})
    with chromium() as browser:
        page = sign_in(browser, portal.url, viewport)
        page.goto(f"{portal.url}/create/tasks/{task_id}/")
        page.evaluate("window.loadedOnce = true")
        page.wait_for_selector(".log-text:text-is('first batch line 60')", timeout=30000)
        page.wait_for_selector(".step.state-running[data-step='pause']", timeout=15000)
        assert page.locator("#task-poll .live-dot").count() == 1
        fits(page, viewport)
        screenshot(page, f"scaffolder-task-running-{viewport}")
        assert not page.is_visible("[data-log-follow]")  # following: nothing to resume
        page.evaluate("document.querySelector('[data-log]').scrollTop = 0")
        page.wait_for_selector("[data-log-follow]", state="visible")
        page.wait_for_selector(".log-text:text-is('second batch line 60')", state="attached",
                               timeout=20000)  # fmt: skip
        assert log_position(page)["top"] == 0  # paused: the new lines did not move the log
        page.click("[data-log-follow]")
        assert not page.is_visible("[data-log-follow]")
        page.wait_for_selector(".log-text:text-is('all done')", state="attached", timeout=20000)
        page.wait_for_selector(".task-status.status-completed", timeout=20000)
        position = log_position(page)
        assert position["end"] - position["top"] <= 32  # following again: at the newest line
        assert page.evaluate("window.loadedOnce") is True  # never reloaded
        assert page.locator("#task-poll .live-dot").count() == 0  # polling stopped
        assert page.locator(".step.state-completed").count() == 5
        lines = page.locator("#log-lines .log-line").count()
        time.sleep(2.5)
        assert page.locator("#log-lines .log-line").count() == lines  # no repeats


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_failed_step_shows_its_error_and_retry_resumes_after_the_fix(portal, viewport) -> None:
    base = portal.catalog / "needs-base" / "base"
    task_id = portal.create("needs-base")
    with chromium() as browser:
        page = sign_in(browser, portal.url, viewport)
        page.goto(f"{portal.url}/create/tasks/{task_id}/")
        page.wait_for_selector(".task-status.status-failed", timeout=30000)
        banner = page.locator("#task-outcome .banner.error")
        assert "Step “Fetch the base files” failed" in banner.inner_text()
        assert "./base does not exist next to the template" in banner.inner_text()
        failed = page.locator(".step.state-failed[data-step='fetch']")
        assert "./base does not exist" in failed.locator(".step-error").inner_text()
        assert page.locator(".step.not-run[data-step='list']").count() == 1
        start_over = page.locator("a:text-is('Start over')").get_attribute("href")
        assert start_over == "/create/templates/default/needs-base/?formData=%7B%7D"
        fits(page, viewport)
        screenshot(page, f"scaffolder-task-failed-{viewport}")
        page.click("#task-outcome a:text('Show this step')")
        page.wait_for_url("**step=fetch**")
        assert page.locator("#log-lines .log-line").count() >= 2
        assert "preparing" not in page.locator("#log-lines").inner_text()

        base.mkdir(exist_ok=True)
        (base / "README.md").write_text("# The base\n")
        page.click("button:has-text('Retry')")
        page.wait_for_selector(".task-status.status-completed", timeout=30000)
        assert page.locator(".step.state-completed").count() == 3
        assert page.locator("#task-outcome .banner.error").count() == 0
        assert "step=" not in page.url  # the page follows the whole new attempt
        page.wait_for_selector(".log-text:has-text('README.md')", state="attached")
        assert "from an earlier attempt" in page.locator("[data-step='prepare']").inner_text()
    for path in sorted(base.iterdir(), reverse=True):
        path.unlink()
    base.rmdir()


def test_cancel_stops_a_waiting_task(portal) -> None:
    task_id = portal.create("long-wait")
    with chromium() as browser:
        page = sign_in(browser, portal.url, "laptop")
        page.goto(f"{portal.url}/create/tasks/{task_id}/")
        page.wait_for_selector(".step.state-running[data-step='wait']", timeout=30000)
        started = time.monotonic()
        page.click("button:has-text('Cancel task')")
        page.wait_for_selector("#task-outcome h2:text('This task was cancelled')", timeout=15000)
        assert time.monotonic() - started < 10
        assert page.locator(".step.state-cancelled[data-step='wait']").count() == 1
        assert page.locator(".step.not-run[data-step='after']").count() == 1
        assert page.locator("button:has-text('Retry')").count() == 1
        assert "never" not in page.locator("#log-lines").inner_text()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_task_list_and_a_templates_form_card_fit_the_window(portal, viewport) -> None:
    portal.create("needs-base")
    with chromium() as browser:
        page = sign_in(browser, portal.url, viewport)
        page.goto(f"{portal.url}/create/tasks/?show=all")
        assert page.locator("#task-list tbody tr").count() >= 1
        page.select_option("select[name=status]", "failed")
        page.wait_for_url("**status=failed**")
        settled(page)
        statuses = page.locator("#task-list tbody .task-status").all_inner_texts()
        assert statuses and set(statuses) == {"Failed"}
        fits(page, viewport)
        screenshot(page, f"scaffolder-tasks-{viewport}")
        page.goto(f"{portal.url}/catalog/default/template/live-log")
        card = page.locator(".template-form-card")
        assert card.locator("code:text-is('items')").count() == 1
        assert card.locator("a:text('Launch')").get_attribute("href") == (
            "/create/templates/default/live-log/")  # fmt: skip
        fits(page, viewport)
        screenshot(page, f"scaffolder-template-card-{viewport}")
