"""Who may run which template with which actions, decided the same way on every road
to a run: the form, the task API, the dry-run API and the editor; the gallery shows
only the templates one may see."""

from __future__ import annotations

import json

import pytest
import yaml
from django.test import Client

from scaffolder.models import Task
from tests.catalog.conftest import API_TOKEN, register
from tests.scaffolder.conftest import dry_run_body, post_dry_run, template
from tests.scaffolder.pages.conftest import GROUPS, template_doc

pytestmark = pytest.mark.django_db

files = __import__("tests.scaffolder.conftest", fromlist=["files"]).files
queued = __import__("tests.scaffolder.conftest", fromlist=["queued"]).queued

ME = """\
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: dev}
spec: {memberOf: [team-a]}
"""


@pytest.fixture
def templates(files) -> None:
    docs = [template_doc("ours"), template_doc("theirs", owner="infrastructure"),
            template_doc("guarded", tags=("production",))]  # fmt: skip
    register(files.write("templates.yaml", GROUPS + ME + "---\n" + yaml.safe_dump_all(docs)))


def rules(settings, *items: dict) -> None:
    settings.APP_CONFIG = {**settings.APP_CONFIG, "permission": {"rules": list(items)}}


def create(client, name: str):
    return client.post("/api/scaffolder/v2/tasks", json.dumps({
        "templateRef": f"template:default/{name}", "values": {"name": "x"}}),
        content_type="application/json")  # fmt: skip


def test_a_template_one_may_not_run_is_refused_with_the_reason(signed_in, templates, queued,
                                                               settings) -> None:  # fmt: skip
    rules(settings, {"permission": "scaffolder.template.run", "decision": "deny",
                     "when": {"tags": ["production"]}})  # fmt: skip
    refused = create(signed_in, "guarded")
    assert refused.status_code == 403
    assert refused.json()["error"] == {
        "name": "NotAllowedError",
        "message": "You may not run template:default/guarded: denied by permission.rules[0]"}
    assert signed_in.get("/create/templates/default/guarded/").status_code == 403
    assert create(signed_in, "ours").status_code == 201
    assert list(Task.objects.values_list("template_ref", flat=True)) == ["template:default/ours"]


def test_a_template_one_may_not_see_is_not_found_and_not_listed(signed_in, templates, queued,
                                                                settings) -> None:  # fmt: skip
    rules(settings, {"permission": "scaffolder.template.read", "decision": "deny",
                     "when": {"ownedByMe": False}})  # fmt: skip
    hidden, absent = create(signed_in, "theirs"), create(signed_in, "nobody")
    assert hidden.status_code == absent.status_code == 404
    assert hidden.json()["error"]["message"] == "Template template:default/theirs not found"
    gallery = signed_in.get("/create/").content.decode()
    assert "/create/templates/default/ours/" in gallery
    assert "/create/templates/default/theirs/" not in gallery
    assert not Task.objects.exists()


def test_an_action_one_may_not_use_stops_every_road_to_a_run(signed_in, templates, queued,
                                                             settings) -> None:  # fmt: skip
    rules(settings, {"permission": "scaffolder.action.run", "decision": "deny",
                     "when": {"action": ["debug:log"]}, "for": ["user:dev"]})  # fmt: skip
    message = ("Step log uses the action debug:log, which you may not use: "
               "denied by permission.rules[0]")
    refused = create(signed_in, "ours")
    assert (refused.status_code, refused.json()["error"]["message"]) == (403, message)
    form = signed_in.get("/create/templates/default/ours/")
    assert form.status_code == 403 and message in form.content.decode()
    entity = template([{"id": "log", "action": "debug:log", "input": {"message": "hi"}}])
    dry = signed_in.post("/api/scaffolder/v2/dry-run", json.dumps(dry_run_body(entity)),
                         content_type="application/json")  # fmt: skip
    assert (dry.status_code, dry.json()["error"]["message"]) == (403, message)
    assert not Task.objects.exists()
    # a service token is trusted as before
    settings.APP_CONFIG = {**settings.APP_CONFIG, "backend": {"auth": {"externalAccess": [
        {"type": "static", "options": {"token": API_TOKEN, "subject": "ci"}}]}}}  # fmt: skip
    token = Client(HTTP_AUTHORIZATION=f"Bearer {API_TOKEN}")
    assert post_dry_run(token, dry_run_body(entity)).status_code == 200


def test_the_editor_records_a_refused_action_as_the_runs_failure(signed_in, templates, settings,
                                                                 tmp_path) -> None:  # fmt: skip
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "media")}}}  # fmt: skip
    rules(settings, {"permission": "scaffolder.action.run", "decision": "deny",
                     "when": {"action": ["debug:log"]}})  # fmt: skip
    text = yaml.safe_dump(template([{"id": "log", "action": "debug:log",
                                     "input": {"message": "hi"}}]))  # fmt: skip
    answer = signed_in.post("/create/edit/dry-run/", {"editor:yaml": text}, follow=True)
    assert "which you may not use: denied by permission.rules[0]" in answer.content.decode()
