"""The scaffolder's cards on entity pages: a Template's form as tables with a Launch
button, and on entities a task created, which template and which task (linked only
for those who may see the task)."""

from __future__ import annotations

import re

import pytest
from django.urls import NoReverseMatch, reverse

from scaffolder.created_entities import created_refs, record_created_entities
from scaffolder.models import TaskEntity
from tests.catalog.conftest import register
from tests.scaffolder.pages.task_support import HELLO, add_template, run

#: Tasks run by the worker's code, which closes its database connections when done.
pytestmark = pytest.mark.django_db(transaction=True)

files = __import__("tests.scaffolder.conftest", fromlist=["files"]).files
queued = __import__("tests.scaffolder.conftest", fromlist=["queued"]).queued

COMPONENT = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: {name}
  {annotations}
spec: {{type: service, owner: team-a, lifecycle: experimental}}
"""

#: Registers a catalog file that exists before the run (as a published repository's
#: catalog-info.yaml would), and links an entity it did not create.
REGISTERING = """\
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {{name: registering, title: Registering service}}
spec:
  type: service
  steps:
    - id: register
      name: Register
      action: catalog:register
      input: {{catalogInfoUrl: "file://{path}"}}
  output:
    links:
      - {{title: Open in catalog, entityRef: "${{{{ steps.register.output.entityRef }}}}"}}
      - {{title: The system, entityRef: system:default/commerce}}
"""


@pytest.fixture
def people(django_user_model):
    return {name: django_user_model.objects.create_user(name, is_staff=name == "root")
            for name in ("alice", "bob", "root")}  # fmt: skip


def card(html: str, heading: str) -> str:
    """The card whose heading is ``heading`` ("" if there is none)."""
    pattern = (r'<section class="card[^"]*"[^>]*>\s*(?:<div class="card-head">\s*)?'
               rf"<h2[^>]*>(?:(?!</h2>).)*{re.escape(heading)}.*?</section>")  # fmt: skip
    found = re.search(pattern, html, re.S)
    return found.group(0) if found else ""


def test_a_template_page_shows_its_form_as_tables(client, people, files) -> None:
    add_template(files, HELLO, "hello")
    client.force_login(people["alice"])
    html = client.get("/catalog/default/template/hello").content.decode()
    form = card(html, "Template form")
    assert form, "no Template form card"
    assert "1 page to fill in, then 1 step run." in form
    assert '<h3 class="form-page-title">1. About the service</h3>' in form
    rows = {re.search(r"<code>(\w+)</code>", row).group(1): row
            for row in re.findall(r'<tr class="depth-.*?</tr>', form, re.S)}  # fmt: skip
    assert list(rows) == ["name", "token"]
    name_row = rows["name"]
    assert "<strong>Name</strong>" in name_row and "required" in name_row
    assert "string" in name_row and "Lower case, with dashes" in name_row
    token_row = rows["token"]
    assert '<span class="chip">Secret</span>' in token_row and "required" not in token_row
    assert "{&quot;" not in form and '{"' not in form  # no raw JSON
    try:
        launch = reverse("scaffolder:template_form", kwargs={"namespace": "default",
                                                             "name": "hello"})  # fmt: skip
    except NoReverseMatch:
        assert "Launch" not in form
    else:
        assert f'href="{launch}"' in form and "Launch" in form
    assert not card(html, "Created from a template")


def test_a_registered_component_names_its_template_and_task(client, people, files,
                                                            queued) -> None:  # fmt: skip
    path = files.write("repos/orders/catalog-info.yaml",
                       COMPONENT.format(name="orders", annotations=""))  # fmt: skip
    ref = add_template(files, REGISTERING.format(path=path), "registering")
    task = run(ref, people["alice"])
    assert task.status == "completed", list(task.events.values_list("body", flat=True))
    assert list(TaskEntity.objects.values_list("entity_ref", flat=True)) == [
        "component:default/orders"]  # the system link is not claimed  # fmt: skip
    when = task.created_entities.get().created_at
    for user, linked in (("alice", True), ("root", True), ("bob", False)):
        client.force_login(people[user])
        html = client.get("/catalog/default/component/orders").content.decode()
        origin = card(html, "Created from a template")
        template = '<a href="/catalog/default/template/registering">Registering service</a>'
        assert f"Created from {template}" in origin
        assert f"on <time datetime=\"{when.isoformat()}\">" in origin
        short = str(task.pk)[:8]
        if linked:
            assert f'by task <a href="/create/tasks/{task.pk}/"><code>{short}</code></a>' in origin
        else:
            assert "by a task" in origin and str(task.pk) not in origin
            assert "Only the person who ran that task" in origin


def test_without_a_register_step_the_output_links_name_what_was_created(
    client, people, files, queued
) -> None:
    register(files.write("orders.yaml", COMPONENT.format(name="orders", annotations="")))
    task = run(add_template(files, HELLO, "hello"), people["alice"], name="orders")
    assert [e.entity_ref for e in task.created_entities.all()] == ["component:default/orders"]
    client.force_login(people["alice"])
    html = client.get("/catalog/default/component/orders").content.decode()
    assert f'href="/create/tasks/{task.pk}/"' in card(html, "Created from a template")


def test_the_source_template_annotation_is_shown_when_no_task_is_known(client, people,
                                                                       files) -> None:  # fmt: skip
    annotated = 'annotations: {"backstage.io/source-template": "template:default/python-service"}'
    register(files.write("a.yaml", COMPONENT.format(name="legacy", annotations=annotated)))
    register(files.write("b.yaml", COMPONENT.format(name="plain", annotations="")))
    client.force_login(people["bob"])
    origin = card(client.get("/catalog/default/component/legacy").content.decode(),
                  "Created from a template")  # fmt: skip
    template = '<a href="/catalog/default/template/python-service">python-service</a>'
    assert f"Created from {template}." in origin
    assert "task" not in origin
    plain = client.get("/catalog/default/component/plain").content.decode()
    assert not card(plain, "Created from a template") and "plugin-error" not in plain


def test_created_refs_follow_register_steps_then_links() -> None:
    steps = [{"id": "one", "action": "catalog:register"},
             {"id": "many", "action": "catalog:register"},
             {"id": "log", "action": "debug:log"}]  # fmt: skip
    outputs = {"one": {"output": {"entityRef": "component:default/A"}},
               "many": {"output": {"entityRef": ["api:default/a-api", "component:default/a", 3]}},
               "log": {"output": {"entityRef": "component:default/not-this"}}}  # fmt: skip
    links = {"links": [{"entityRef": "system:default/commerce"}]}
    assert created_refs(steps, outputs, links) == ["component:default/a", "api:default/a-api"]
    assert created_refs(steps[2:], outputs, links) == ["system:default/commerce"]
    assert created_refs(steps[2:], outputs, {"links": [{"entityRef": "no-kind"}, "x"]}) == []
    assert created_refs(steps, {}, None) == []  # the register steps never ran


def test_a_retry_that_registers_again_records_nothing_twice(people, files, queued) -> None:
    task = run(add_template(files, HELLO, "hello"), people["alice"], name="orders")
    record_created_entities(task.pk, ["component:default/orders", "component:default/orders"])
    assert TaskEntity.objects.filter(task=task).count() == 1
