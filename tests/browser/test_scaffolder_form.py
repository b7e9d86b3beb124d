"""A template's form in a real browser, against a child portal under gunicorn: two
pages over HTMX (the URL follows each step), a validation error fixed without losing
the other answers, a field that appears when an earlier choice asks for it, browser
back and forward, the review (the secret masked) and Create landing on the task's
page; and the seed golden path's first page with its catalog pickers. Screenshots of
form pages and the review at laptop and phone widths go to ``var/screenshots/``."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import yaml

from tests.support.browser import (
    VIEWPORTS,
    browser_portal,
    chromium,
    fits,
    review_rows,
    screenshot,
    settled,
    sign_in,
)
from tests.support.golden_paths import GOLDEN

pytestmark = pytest.mark.services

SEED = GOLDEN / "seed-golden-path" / "template.yaml"
TEMPLATE = """\
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: new-service
  title: New service
  description: A service with its repository, deployment and alerts, registered in the catalog.
spec:
  type: service
  owner: team-a
  parameters:
    - title: About the service
      description: What it is called and who runs it.
      required: [name, owner]
      properties:
        name:
          title: Name
          type: string
          description: Lower-case letters, digits and dashes, such as payments-api
          pattern: '^[a-z][a-z0-9-]*$'
          ui:field: EntityNamePicker
          ui:autofocus: true
        owner:
          title: Owner
          type: string
          enum: [team-a, infrastructure]
          enumNames: [Team A, Infrastructure]
        description:
          title: Description
          type: string
          ui:widget: textarea
          ui:options: {rows: 3}
        language:
          title: Language
          type: string
          enum: [python, go]
          enumNames: [Python, Go]
          default: python
          ui:widget: radio
      dependencies:
        language:
          oneOf:
            - properties:
                language: {const: python}
                pythonVersion:
                  {title: Python version, type: string, enum: ['3.12', '3.13'], default: '3.13'}
            - required: [goModule]
              properties:
                language: {const: go}
                goModule:
                  {title: Go module path, type: string, ui:placeholder: example.com/payments}
    - title: Deployment
      required: [replicas, token]
      properties:
        replicas: {title: Replicas, type: integer, minimum: 1, maximum: 10, default: 2}
        environments:
          title: Environments
          type: array
          uniqueItems: true
          default: [dev]
          items: {type: string, enum: [dev, staging, production]}
          ui:widget: checkboxes
        alerts:
          title: Alerts
          type: object
          properties:
            channel:
              title: Chat channel
              type: string
              ui:help: 'Where alerts are posted, such as #payments-alerts'
            pager: {title: Page the on-call person, type: boolean, default: false}
        token:
          title: Deploy token
          type: string
          description: Used once, to create the deploy key; never stored with the task.
          minLength: 8
          ui:field: Secret
  steps:
    - id: log
      name: Say what is created
      action: debug:log
      input: {message: 'creating ${{ parameters.name }}'}
"""


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("template-form-portal")
    catalog = root / "catalog"
    catalog.mkdir()
    (catalog / "template.yaml").write_text(TEMPLATE)
    (catalog / "seed.yaml").write_text(SEED.read_text())
    config = {
        "app": {"title": "Template form", "baseUrl": "http://127.0.0.1"},
        "catalog": {"readableDirectories": [str(catalog)], "processingInterval": False,
                    "locations": [{"type": "file", "target": str(catalog / name)}
                                  for name in ("template.yaml", "seed.yaml")]},
    }  # fmt: skip
    (root / "app-config.yaml").write_text(yaml.safe_dump(config))
    with browser_portal(root / "var", GREENROOM_CONFIG=str(root / "app-config.yaml")) as url:
        yield url


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_fill_the_form_fix_an_error_review_and_create(portal, viewport) -> None:
    form = f"{portal}/create/templates/default/new-service/"
    with chromium() as browser:
        page = sign_in(browser, portal, viewport)
        page.goto(f"{portal}/create/")
        page.click("a:text-is('Choose')")
        page.wait_for_url(form)
        assert page.evaluate("document.activeElement.id") == "f-name"  # ui:autofocus
        titles = page.locator(".stepper .step-title").all_text_contents()
        assert titles == ["About the service", "Deployment", "Review"]  # pages, then the review

        page.fill("#f-name", "Payments_API-")
        page.select_option("#f-owner", "infrastructure")
        page.fill("#f-description", "Takes payments.\nRefunds them too.")
        page.click(".wizard-buttons button[value=next]")
        settled(page)
        error = page.locator("#f-name-error")
        assert "Must start and end with an alphanumeric character" in error.inner_text()
        assert "Must match the pattern" in error.inner_text()
        assert "f-name-error" in page.get_attribute("#f-name", "aria-describedby")
        assert page.evaluate("document.activeElement.id") == "f-name"  # focus on the error
        assert page.input_value("#f-owner") == "infrastructure"  # nothing else lost
        assert page.input_value("#f-description") == "Takes payments.\nRefunds them too."
        assert page.url == form  # still page 1
        fits(page, viewport)
        screenshot(page, f"scaffolder-form-error-{viewport}")

        page.fill("#f-name", "payments-api")
        assert page.locator("#f-goModule").count() == 0
        page.check("input[name=language][value=go]")  # the Go branch asks for a module path
        page.wait_for_selector("#f-goModule")
        settled(page)  # the re-render is done before the next page is asked for
        assert page.locator("#f-pythonVersion").count() == 0
        assert page.input_value("#f-name") == "payments-api"  # the re-render kept the typing
        page.fill("#f-goModule", "example.com/payments")
        page.click(".wizard-buttons button[value=next]")
        page.wait_for_url("**?step=2")
        settled(page)
        assert page.locator("h2#wizard-page-title").inner_text() == "Deployment"
        assert page.input_value("#f-replicas") == "2"  # its default
        assert page.is_checked("input[name=environments][value=dev]")

        page.fill("#f-replicas", "12")
        page.check("input[name=environments][value=production]")
        page.fill("#f-alerts-channel", "#payments-alerts")
        page.fill("#f-token", "short")
        page.click(".wizard-buttons button[value=next]")
        settled(page)
        assert "Must be 10 or less" in page.inner_text("#f-replicas-error")
        assert "Must be at least 8 characters" in page.inner_text("#f-token-error")
        assert page.input_value("#f-alerts-channel") == "#payments-alerts"
        assert page.is_checked("input[name=environments][value=production]")
        assert page.input_value("#f-token") == ""  # a secret is never written back
        assert "A value is set (5 characters)" in page.inner_text("#f-token-field")
        fits(page, viewport)
        screenshot(page, f"scaffolder-form-{viewport}")

        page.fill("#f-replicas", "3")
        page.fill("#f-token", "a-long-deploy-token")
        page.click(".wizard-buttons button[value=next]")
        page.wait_for_url("**?step=review")
        settled(page)
        rows = review_rows(page)
        assert rows["Name"] == "payments-api" and rows["Owner"] == "Infrastructure"
        assert rows["Language"] == "Go" and rows["Go module path"] == "example.com/payments"
        assert rows["Environments"] == "dev, production" and rows["Replicas"] == "3"
        assert rows["Alerts \u203a Chat channel"] == "#payments-alerts"
        assert rows["Alerts \u203a Page the on-call person"] == "No"
        assert rows["Deploy token"] == "******"
        assert "a-long-deploy-token" not in page.content()
        fits(page, viewport)
        screenshot(page, f"scaffolder-form-review-{viewport}")

        page.go_back()  # the browser's own Back: page 2, as it was left
        page.wait_for_url("**?step=2")
        page.wait_for_selector("#f-replicas")
        assert page.input_value("#f-replicas") == "3"
        assert page.is_checked("input[name=environments][value=production]")
        page.go_back()
        page.wait_for_url(form)
        page.wait_for_selector("#f-goModule")
        assert page.input_value("#f-goModule") == "example.com/payments"
        page.go_forward()
        page.wait_for_url("**?step=2")
        page.go_forward()
        page.wait_for_url("**?step=review")
        page.wait_for_selector(".review-table")
        assert review_rows(page)["Go module path"] == "example.com/payments"

        page.click("button[value=create]")
        page.wait_for_url(re.compile(r".*/create/tasks/[0-9a-f-]{36}/$"))
        assert "a-long-deploy-token" not in page.content()
        page.goto(form)  # the draft went with the task: a fresh form
        assert page.input_value("#f-name") == ""


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_seed_golden_path_form_with_its_catalog_pickers(portal, viewport) -> None:
    with chromium() as browser:
        page = sign_in(browser, portal, viewport)
        page.goto(f"{portal}/create/templates/default/spring-boot-grpc-service/")
        assert page.locator("h1").inner_text() == "Spring Boot gRPC Microservice"
        assert page.evaluate("document.activeElement.id") == "f-serviceName"
        for html_id in ("f-serviceName", "f-description", "f-owner", "f-system"):
            assert page.locator(f"#{html_id}").is_visible()
        assert page.locator(".field-note").count() == 0  # every extension is installed
        page.click(".wizard-buttons button[value=next]")
        settled(page)
        assert page.locator("#f-serviceName-error").inner_text() == "Required"
        fits(page, viewport)
        screenshot(page, f"scaffolder-form-seed-{viewport}")
