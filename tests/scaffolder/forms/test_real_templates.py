"""Real templates, unmodified, through the form: the seed golden path (filled in and
created), Backstage's Spring Boot gRPC, docs and GitLab merge-request templates, and
the demo catalog's templates: every page renders with each field in the order its
author wrote it, and no field falls back for want of an extension."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from scaffolder.models import Task
from tests.support.golden_paths import GOLDEN

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parents[3]
BACKSTAGE = GOLDEN / "backstage-templates"
DEMO = PROJECT / "catalog" / "demo"
TEMPLATES = {
    "seed-golden-path": GOLDEN / "seed-golden-path" / "template.yaml",
    "springboot-grpc-template": BACKSTAGE / "springboot-grpc-template" / "template.yaml",
    "docs-template": BACKSTAGE / "docs-template" / "template.yaml",
    "gitlab-merge-request": BACKSTAGE / "gitlab-merge-request" / "template.yaml",
    "python-service": DEMO / "greenroom/templates/python-service/template.yaml",
    "docs-site": DEMO / "greenroom/templates/docs-site/template.yaml",
    "create-app-example": DEMO / "backstage/create-app-examples/template/template.yaml",
}


def load(name: str) -> dict:
    return yaml.safe_load(TEMPLATES[name].read_text())


def field_ids(html: str) -> list[str]:
    """The property paths a page shows, in page order (each field's frame or input)."""
    ids = re.findall(r'id="f-([A-Za-z0-9_-]+?)(?:-field)?"', html)
    return list(dict.fromkeys(ids))


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_page_renders_in_the_authors_order(signed_in, add_template, name: str) -> None:
    entity = load(name)
    url = add_template(entity)
    parameters = entity["spec"]["parameters"]
    for step, page in enumerate(parameters, start=1):
        response = signed_in.get(f"{url}?step={step}")
        html = response.content.decode()
        assert response.status_code == 200, html
        assert "is not installed here" not in html
        assert f'<h2 id="wizard-page-title">{page["title"]}</h2>' in html
        shown = [key for key in field_ids(html) if key in page["properties"]]
        assert shown == list(page["properties"]), f"{name} page {step}"


def test_the_seed_golden_path_is_filled_in_and_created(signed_in, add_template) -> None:
    url = add_template(load("seed-golden-path"))
    first = signed_in.get(url).content.decode()
    assert re.search(r'id="f-serviceName" name="serviceName"[^>]* autofocus', first)
    bad = signed_in.post(f"{url}?step=1", {"_action": "next", "serviceName": "Order_Service",
                                           "description": "Takes orders"})  # fmt: skip
    html = bad.content.decode()
    assert "Must match the pattern ^[a-z][a-z0-9-]*$" in html
    owner = html.split('id="f-owner-field"', 1)[1].split('id="f-system-field"', 1)[0]
    assert "<li>Required</li>" in owner  # the picker's own frame shows the form's error
    assert 'value="Takes orders"' in html
    done = signed_in.post(f"{url}?step=1", {
        "_action": "next", "serviceName": "order-service", "description": "Takes orders",
        "owner": "group:default/team-a", "system": "system:default/commerce"})  # fmt: skip
    assert done["Location"] == f"{url}?step=2"
    page2 = signed_in.get(f"{url}?step=2").content.decode()
    assert '<option value="21" selected>' in page2
    assert '<option value="postgresql" selected>' in page2
    assert signed_in.post(f"{url}?step=2", {"_action": "next", "javaVersion": "17",
                                            "database": "none", "enableKafka": ["false", "true"]}
                          )["Location"] == f"{url}?step=3"  # fmt: skip
    assert signed_in.post(f"{url}?step=3", {"_action": "next", "namespace": "orders",
                                            "cluster": "staging"}
                          )["Location"] == f"{url}?step=review"  # fmt: skip
    review = signed_in.get(f"{url}?step=review").content.decode()
    assert "<th scope=\"row\">Kafka Integration</th><td>Yes</td>" in review
    created = signed_in.post(f"{url}?step=review", {"_action": "create"})
    task = Task.objects.get()
    assert created["Location"] == f"/create/tasks/{task.pk}/"
    assert task.spec["parameters"] == {
        "serviceName": "order-service", "description": "Takes orders",
        "owner": "group:default/team-a", "system": "system:default/commerce",
        "javaVersion": "17", "database": "none", "enableKafka": True,
        "namespace": "orders", "cluster": "staging"}  # fmt: skip
    assert task.template_ref == "template:default/spring-boot-grpc-service"
