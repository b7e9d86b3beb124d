"""The template editor in a real browser, on the demo catalog under gunicorn: a catalog
template loaded from the select, its YAML edited (the form follows, a mistake is
marked at its line), a dry run whose files open by link; and on a phone the seed
golden path uploaded as a folder (the page's script sends each file's path) and
dry-run with its skeleton. Screenshots of each result go to ``var/screenshots/``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import browser_portal, chromium, fits, screenshot, settled, sign_in
from tests.support.golden_paths import GOLDEN

pytestmark = pytest.mark.services

SEED = GOLDEN / "seed-golden-path"


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory):
    with browser_portal(tmp_path_factory.mktemp("scaffolder-editor-portal")) as url:
        yield url


def edit_yaml(page, old: str, new: str) -> None:
    """Change the YAML as typing would (an input event, then the debounced preview)."""
    text = page.input_value("#editor-yaml")
    assert old in text
    page.fill("#editor-yaml", text.replace(old, new, 1))
    page.wait_for_timeout(700)
    settled(page)


def test_edit_a_catalog_template_and_open_a_dry_runs_files(portal) -> None:
    with chromium() as browser:
        refused: list[str] = []
        page = sign_in(browser, portal, refused=refused)
        page.goto(f"{portal}/create/edit/")
        page.select_option("#editor-template", label="Python web service")
        page.wait_for_url("**template=template%3Adefault%2Fpython-service**")
        settled(page)
        assert "name: python-service" in page.input_value("#editor-yaml")
        assert page.locator("#editor-preview label[for=f-name]").count() == 1
        lines = page.input_value("#editor-yaml").count("\n") + 1
        assert page.locator("#editor-gutter li").count() == lines

        edit_yaml(page, "title: Port\n", "title: Listening port\n")
        assert page.locator("#editor-preview").get_by_text("Listening port").count() == 1

        edit_yaml(page, "type: integer", "type: integr")
        link = page.locator("#editor-problems a.line-link")
        assert link.count() == 1 and "/spec/parameters/1/properties/port/type" in \
            page.inner_text("#editor-problems")  # fmt: skip
        line = int(link.get_attribute("data-line"))
        assert page.locator(f"#editor-gutter li:nth-child({line})").get_attribute("class") == "bad"
        assert page.locator("#editor-preview button:has-text('Dry run')").is_disabled()
        link.click()
        selected = page.evaluate(
            "(() => { const a = document.getElementById('editor-yaml');"
            " return a.value.slice(a.selectionStart, a.selectionEnd); })()"
        )
        assert selected.strip() == "type: integr"
        edit_yaml(page, "type: integr", "type: integer")
        assert page.locator("#editor-problems .problems").count() == 0

        page.fill("#f-name", "payments-api")
        page.fill("#f-owner", "group:default/infrastructure")
        page.click("#editor-preview button:has-text('Dry run')")
        page.wait_for_url("**/create/edit/runs/**")
        settled(page)
        assert page.inner_text("#dry-run .run-head .task-status") == "Succeeded"
        steps = page.locator("#dry-run .run-steps .step-name").all_inner_texts()
        assert steps == ["Generate the service", "Publish the repository",
                         "Register in the catalog"]  # fmt: skip

        page.click("#dry-run-files .tree-file a:has-text('pyproject.toml')")
        page.wait_for_url("**file=pyproject.toml")
        settled(page)
        assert page.inner_text("#dry-run-files .file-path") == "pyproject.toml"
        assert 'name = "payments-api"' in page.inner_text("#dry-run-files .file-text")
        page.click("#dry-run .run-log > summary")
        assert "Skipping because publish:git does not support dry-run" in \
            page.inner_text("#dry-run .log-lines")  # fmt: skip
        fits(page, "laptop")
        screenshot(page, "scaffolder-editor-dry-run-laptop")

        page.reload()  # the run and the open file come back from the URL alone
        assert page.inner_text("#dry-run-files .file-path") == "pyproject.toml"
        assert page.input_value("#editor-yaml").count("Listening port") == 1
        assert refused == []


def test_upload_the_seed_golden_path_on_a_phone(portal, tmp_path: Path) -> None:
    crowded = tmp_path / "crowded"
    (crowded / ".git").mkdir(parents=True)
    for number in range(101):
        (crowded / f"file-{number}.txt").write_text("x")
        (crowded / ".git" / f"object-{number}").write_text("x")
    with chromium() as browser:
        refused: list[str] = []
        page = sign_in(browser, portal, "phone", refused=refused)
        page.goto(f"{portal}/create/edit/")
        fits(page, "phone")
        page.set_input_files("#editor-folder", str(crowded))  # refused before sending
        assert "That folder has 101 files; the editor takes at most 100" in \
            page.inner_text("#upload-hint")  # fmt: skip
        assert "/create/edit/" == page.url.removeprefix(portal)
        page.set_input_files("#editor-folder", str(SEED))
        page.wait_for_url("**/create/edit/?upload=**")
        settled(page)
        assert "uploaded folder seed-golden-path: 13 files" in page.inner_text("#editor-source")
        assert "name: spring-boot-grpc-service" in page.input_value("#editor-yaml")
        page.fill("#f-serviceName", "order-service")
        page.fill("#f-owner", "group:default/infrastructure")
        page.fill("#f-system", "system:default/demo")
        page.click("#editor-preview button:has-text('Dry run')")
        page.wait_for_url("**/create/edit/runs/**")
        settled(page)
        assert page.inner_text("#dry-run .run-head .task-status") == "Succeeded"
        page.click("#dry-run-files .tree-file a:has-text('catalog-info.yaml')")
        page.wait_for_url("**file=catalog-info.yaml")
        settled(page)
        assert "name: order-service" in page.inner_text("#dry-run-files .file-text")
        fits(page, "phone")
        screenshot(page, "scaffolder-editor-dry-run-phone")
        assert refused == []
