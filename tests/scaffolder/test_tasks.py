"""Tasks end to end in one process: created through the API, run by the worker's code
(``execute_task``, with its heartbeat thread), followed through events, cancelled,
retried, and closed by the janitor when their worker dies."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from portal.plugins import ScaffolderAction, register_scaffolder_action, temporarily_registered
from scaffolder import janitor
from scaffolder.execution import execute_task, workspace_path
from scaffolder.models import Task, TaskEvent, TaskStatus
from tests.catalog.conftest import register

pytestmark = pytest.mark.django_db(transaction=True)

files = __import__("tests.scaffolder.conftest", fromlist=["files"]).files

TEMPLATE = """\
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: hello
  title: Hello service
spec:
  owner: group:default/platform
  type: service
  parameters:
    - title: Name
      required: [name]
      properties:
        name: {type: string, pattern: "^[a-z-]+$"}
  steps:
    - id: fetch
      name: Fetch skeleton
      action: fetch:template
      input:
        url: ./skeleton
        values: {name: "${{ parameters.name }}"}
    - id: log
      name: Say hello
      action: debug:log
      input:
        message: "Hello ${{ parameters.name }} ${{ secrets.token }}"
        listWorkspace: true
  output:
    text:
      - title: Made
        content: "${{ parameters.name }} is ready"
"""

@pytest.fixture
def hello(files):
    files.write("templates/hello/skeleton/README.md", "# ${{ values.name }}\n")
    register(files.write("templates/hello/template.yaml", TEMPLATE))
    return "template:default/hello"

def _post(client, path: str, body) -> object:
    return client.post(f"/api/scaffolder/v2/{path}", json.dumps(body),
                       content_type="application/json")  # fmt: skip

def _create(client, template_ref: str, **values) -> str:
    answer = _post(client, "tasks", {"templateRef": template_ref, "values": values,
                                     "secrets": {"token": "s3cr3t-value"}})  # fmt: skip
    assert answer.status_code == 201, answer.content
    return answer.json()["id"]

def _messages(task_id: str) -> list[str]:
    return [e.body.get("message", "") for e in TaskEvent.objects.filter(task_id=task_id)]

def test_a_task_is_created_queued_and_run_to_completion(alice, hello, queued) -> None:
    task_id = _create(alice, hello, name="payments")
    assert queued == [task_id]
    stored = Task.objects.get(pk=task_id)
    assert stored.status == TaskStatus.OPEN and "s3cr3t" not in stored.secrets
    assert stored.secrets and stored.created_by == "user:default/alice"
    shown = alice.get(f"/api/scaffolder/v2/tasks/{task_id}").json()
    assert shown["status"] == "open" and shown["createdBy"] == "user:default/alice"
    assert shown["spec"]["parameters"] == {"name": "payments"}
    assert shown["spec"]["templateInfo"]["entityRef"] == hello
    assert [s["id"] for s in shown["spec"]["steps"]] == ["fetch", "log"]
    assert "s3cr3t" not in json.dumps(shown)

    assert execute_task(task_id) == TaskStatus.COMPLETED
    stored.refresh_from_db()
    assert stored.secrets == "" and stored.finished_at and stored.attempts == 1
    assert not workspace_path(task_id).exists()
    events = alice.get(f"/api/scaffolder/v2/tasks/{task_id}/events").json()
    assert events[0]["body"]["message"] == "Starting up task with 2 steps"
    statuses = [(e["body"].get("stepId"), e["body"]["status"]) for e in events
                if "status" in e["body"]]  # fmt: skip
    assert statuses == [("fetch", "processing"), ("fetch", "completed"),
                        ("log", "processing"), ("log", "completed")]  # fmt: skip
    assert events[-1]["type"] == "completion"
    made = {"text": [{"title": "Made", "content": "payments is ready"}]}
    assert events[-1]["body"] == {"message": "Run completed with status: completed",
                                  "output": made}
    logged = "\n".join(e["body"]["message"] for e in events)
    # a string a secret changed is hidden whole, as in Backstage
    assert "\x1b[32minfo\x1b[39m: ***\n" in logged and "s3cr3t" not in logged
    assert "README.md" in logged
    after = alice.get(f"/api/scaffolder/v2/tasks/{task_id}/events?after={events[-2]['id']}")
    assert [e["id"] for e in after.json()] == [events[-1]["id"]]

def test_the_event_stream_sends_every_event_and_closes_after_completion(
    alice, hello, queued
) -> None:
    task_id = _create(alice, hello, name="payments")
    execute_task(task_id)
    response = alice.get(f"/api/scaffolder/v2/tasks/{task_id}/eventstream")
    assert response["Content-Type"] == "text/event-stream"
    frames = b"".join(response.streaming_content).decode().strip().split("\n\n")
    assert frames[0].startswith("event: log\ndata: ")
    assert frames[-1].startswith("event: completion\ndata: ")
    assert len(frames) == TaskEvent.objects.filter(task_id=task_id).count()
    last = json.loads(frames[-1].split("data: ", 1)[1])
    assert last["taskId"] == task_id and last["type"] == "completion"

def test_bad_requests_answer_in_backstage_shapes(alice, hello, queued) -> None:
    invalid = _post(alice, "tasks", {"templateRef": hello, "values": {"name": "Not Valid"}})
    assert invalid.status_code == 400
    assert invalid.json()["errors"][0]["property"] == "instance.name"
    missing = _post(alice, "tasks", {"templateRef": "template:default/nope", "values": {}})
    assert missing.status_code == 404
    assert missing.json()["error"] == {"name": "NotFoundError",
                                       "message": "Template template:default/nope not found"}
    wrong_kind = _post(alice, "tasks", {"templateRef": "component:default/x", "values": {}})
    assert wrong_kind.status_code == 400
    assert _post(alice, "tasks", {"templateRef": hello, "values": []}).status_code == 400
    secrets = _post(alice, "tasks", {"templateRef": hello, "values": {"name": "a"},
                                     "secrets": {"token": 5}})  # fmt: skip
    assert secrets.status_code == 400
    assert alice.get("/api/scaffolder/v2/tasks?order=secrets.token").status_code == 400
    assert alice.get("/api/scaffolder/v2/tasks?order=desc:spec").status_code == 400
    assert alice.get("/api/scaffolder/v2/tasks?status=bogus").status_code == 400
    assert alice.get("/api/scaffolder/v2/tasks/not-a-uuid").status_code == 404
    assert queued == []

def test_only_the_creator_and_admins_see_a_task(
    alice, hello, queued, client, django_user_model
) -> None:
    task_id = _create(alice, hello, name="payments")
    bob = django_user_model.objects.create_user("bob")
    client.force_login(bob)
    for path in ("", "/events", "/eventstream"):
        answer = client.get(f"/api/scaffolder/v2/tasks/{task_id}{path}")
        assert answer.status_code == 404, path
        assert answer.json()["error"]["message"] == f"Task with id {task_id} does not exist"
    assert _post(client, f"tasks/{task_id}/cancel", {}).status_code == 404
    assert _post(client, f"tasks/{task_id}/retry", {}).status_code == 404
    listed = client.get("/api/scaffolder/v2/tasks?createdBy=user:default/alice").json()
    assert listed == {"tasks": [], "totalTasks": 0}
    admin = django_user_model.objects.create_user("root", is_staff=True)
    client.force_login(admin)
    seen = client.get("/api/scaffolder/v2/tasks?createdBy=user:default/alice").json()
    assert [t["id"] for t in seen["tasks"]] == [task_id] and seen["totalTasks"] == 1
    assert Task.objects.get(pk=task_id).status == TaskStatus.OPEN

def test_the_task_list_filters_sorts_and_pages(alice, hello, queued) -> None:
    ids = [_create(alice, hello, name=name) for name in ("a", "b", "c")]
    execute_task(ids[0])
    page = alice.get("/api/scaffolder/v2/tasks?limit=2&offset=0").json()
    assert page["totalTasks"] == 3 and [t["id"] for t in page["tasks"]] == ids[::-1][:2]
    rest = alice.get("/api/scaffolder/v2/tasks?limit=2&offset=2").json()
    assert [t["id"] for t in rest["tasks"]] == [ids[0]]
    done = alice.get("/api/scaffolder/v2/tasks?status=completed").json()
    assert [t["id"] for t in done["tasks"]] == [ids[0]]
    oldest = alice.get("/api/scaffolder/v2/tasks?order=asc:created_at").json()
    assert [t["id"] for t in oldest["tasks"]] == ids
    by_template = alice.get(f"/api/scaffolder/v2/tasks?templateRef={hello}").json()
    assert by_template["totalTasks"] == 3

WAITING = """\
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: waiting}
spec:
  type: service
  steps:
    - {id: wait, name: Wait, action: debug:wait, input: {seconds: 30}}
    - {id: after, name: After, action: debug:log, input: {message: never}}
"""

def _wait_for(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)

def test_cancel_stops_a_running_wait_within_seconds(alice, files, queued) -> None:
    register(files.write("waiting.yaml", WAITING))
    task_id = _create(alice, "template:default/waiting")
    runner = threading.Thread(target=execute_task, args=(task_id,))
    runner.start()
    _wait_for(lambda: TaskEvent.objects.filter(task_id=task_id,
                                               body__status="processing").exists())  # fmt: skip
    started = time.monotonic()
    answer = _post(alice, f"tasks/{task_id}/cancel", {})
    assert answer.status_code == 200 and answer.json() == {"status": "cancelled"}
    runner.join(timeout=10)
    assert not runner.is_alive() and time.monotonic() - started < 5
    task = Task.objects.get(pk=task_id)
    assert task.status == TaskStatus.CANCELLED and task.secrets == ""
    events = list(TaskEvent.objects.filter(task_id=task_id))
    assert any(e.event_type == "cancelled" and e.body["stepId"] == "wait" for e in events)
    assert events[-1].event_type == "completion"
    assert events[-1].body["error"]["message"] == "Step Wait has been cancelled."
    assert "never" not in _messages(task_id)
    assert not workspace_path(task_id).exists()
    again = _post(alice, f"tasks/{task_id}/cancel", {})
    assert again.status_code == 409

def test_cancelling_an_open_task_ends_it_before_any_worker_runs_it(alice, hello, queued) -> None:
    task_id = _create(alice, hello, name="payments")
    assert _post(alice, f"tasks/{task_id}/cancel", {}).json() == {"status": "cancelled"}
    assert execute_task(task_id) == "skipped: not open"
    assert Task.objects.get(pk=task_id).status == TaskStatus.CANCELLED

FLAKY = """\
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: flaky}
spec:
  type: service
  steps:
    - {id: create, name: Create, action: test:create}
    - {id: check, name: Check, action: test:flaky}
  output:
    created: "${{ steps.create.output.created }}"
"""

@pytest.fixture
def flaky_actions():
    """``test:create`` writes a file and records a side effect once per task;
    ``test:flaky`` fails until ``fixed`` is set, and needs the file."""
    state = {"created": 0, "fixed": False}

    def create(ctx) -> None:
        def side_effect():
            state["created"] += 1
            return f"repo-{state['created']}"

        (ctx.workspace / "made.txt").write_text("made")
        ctx.output("created", ctx.checkpoint("repo", side_effect))

    def flaky(ctx) -> None:
        assert (ctx.workspace / "made.txt").read_text() == "made"
        if not state["fixed"]:
            raise RuntimeError("Resource not accessible by integration")

    with temporarily_registered():
        register_scaffolder_action(ScaffolderAction("test:create", create, "Creates once",
                                                    {"type": "object"}))  # fmt: skip
        register_scaffolder_action(ScaffolderAction("test:flaky", flaky, "Fails until fixed",
                                                    {"type": "object"}))  # fmt: skip
        yield state

def test_retry_resumes_at_the_failed_step_without_repeating_side_effects(
    alice, files, queued, flaky_actions
) -> None:
    register(files.write("flaky.yaml", FLAKY))
    task_id = _create(alice, "template:default/flaky")
    assert execute_task(task_id) == TaskStatus.FAILED
    completion = TaskEvent.objects.filter(task_id=task_id, event_type="completion").get()
    assert completion.body["error"] == {"name": "RuntimeError",
                                        "message": "Resource not accessible by integration"}
    assert alice.get(f"/api/scaffolder/v2/tasks/{task_id}").json()["status"] == "failed"
    flaky_actions["fixed"] = True
    retried = _post(alice, f"tasks/{task_id}/retry", {"secrets": {"token": "new"}})
    assert retried.status_code == 201 and retried.json() == {"id": task_id}
    assert queued == [task_id, task_id]
    assert not TaskEvent.objects.filter(task_id=task_id, event_type="completion").exists()
    assert execute_task(task_id) == TaskStatus.COMPLETED
    assert flaky_actions["created"] == 1
    assert "Step Create completed in an earlier attempt; reusing its output" in _messages(task_id)
    output = TaskEvent.objects.filter(task_id=task_id, event_type="completion").get().body
    assert output["output"] == {"created": "repo-1"}
    assert _post(alice, f"tasks/{task_id}/retry", {}).status_code == 201

def test_retry_of_a_running_task_is_refused(alice, hello, queued) -> None:
    task_id = _create(alice, hello, name="payments")
    answer = _post(alice, f"tasks/{task_id}/retry", {})
    assert answer.status_code == 409 and answer.json()["error"]["name"] == "ConflictError"

def test_the_janitor_fails_a_task_whose_worker_died(alice, hello, queued, settings) -> None:
    task_id = _create(alice, hello, name="payments")
    Task.objects.filter(pk=task_id).update(
        status=TaskStatus.PROCESSING, last_heartbeat_at=timezone.now() - timedelta(minutes=5))
    TaskEvent.objects.create(task_id=task_id, event_type="log",
                             body={"message": "Beginning step Fetch", "stepId": "fetch",
                                   "status": "processing"})  # fmt: skip
    workspace_path(task_id).mkdir(parents=True)
    assert janitor.close_stale_tasks() == [task_id]
    task = Task.objects.get(pk=task_id)
    assert task.status == TaskStatus.FAILED and task.secrets == ""
    assert not workspace_path(task_id).exists()
    last = TaskEvent.objects.filter(task_id=task_id).order_by("-id")[:2]
    assert last[1].body["stepId"] == "fetch" and last[1].body["status"] == "failed"
    assert "no heartbeat for 30 s" in last[0].body["error"]["message"]
    assert janitor.close_stale_tasks() == []

def test_the_janitor_resends_a_task_the_queue_lost(alice, hello, queued) -> None:
    task_id = _create(alice, hello, name="payments")
    Task.objects.filter(pk=task_id).update(created_at=timezone.now() - timedelta(minutes=10),
                                           enqueued_at=None)  # fmt: skip
    assert janitor.resend_lost_tasks() == [task_id]
    assert queued == [task_id, task_id]
    assert janitor.resend_lost_tasks() == []

def test_an_unknown_action_fails_the_task_as_backstage_does(alice, files, queued) -> None:
    register(files.write("unknown.yaml", WAITING.replace("waiting", "unknown")
                         .replace("debug:wait", "acme:nope")))  # fmt: skip
    task_id = _create(alice, "template:default/unknown")
    assert execute_task(task_id) == TaskStatus.FAILED
    error = TaskEvent.objects.filter(task_id=task_id, event_type="completion").get().body["error"]
    assert error["name"] == "NotFoundError"
    assert error["message"].startswith("Template action with ID 'acme:nope' is not registered.")


def test_a_task_is_kept_when_the_queue_is_unreachable(alice, hello, monkeypatch) -> None:
    from kombu.exceptions import OperationalError

    from portal.celery import app

    def refuse(*args, **kwargs):
        raise OperationalError("[Errno 111] Connection refused")

    monkeypatch.setattr(app, "send_task", refuse)
    task_id = _create(alice, hello, name="payments")
    task = Task.objects.get(pk=task_id)
    assert task.status == TaskStatus.OPEN and task.enqueued_at is None
    Task.objects.filter(pk=task_id).update(created_at=timezone.now() - timedelta(minutes=10))
    assert janitor.resend_lost_tasks() == []  # still unreachable: nothing claimed as sent


DEMO_TEMPLATES = Path(__file__).resolve().parents[2] / "catalog/demo/greenroom/templates"


def test_the_demo_python_service_publishes_a_repository_and_registers_it(
    alice, files, queued, settings, tmp_path
) -> None:
    settings.SCAFFOLDER_GIT_ROOT = tmp_path / "git"
    shutil.copytree(DEMO_TEMPLATES, files.root / "templates")
    register(files.root / "templates" / "templates.yaml")
    task_id = _create(alice, "template:default/python-service", name="payments-api",
                      owner="group:default/team-a", port=9090)  # fmt: skip
    assert execute_task(task_id) == TaskStatus.COMPLETED, _messages(task_id)
    repository = tmp_path / "git" / "team-a" / "payments-api.git"
    tree = subprocess.run(["git", "--git-dir", str(repository), "ls-tree", "-r", "--name-only",
                           "main"], capture_output=True, text=True, check=True).stdout.split()
    assert {"catalog-info.yaml", "Dockerfile", ".github/workflows/ci.yaml", "chart/Chart.yaml",
            "chart/templates/deployment.yaml", "mkdocs.yml", "docs/index.md",
            "src/app/__main__.py", "tests/test_app.py"} <= set(tree)  # fmt: skip
    show = lambda path: subprocess.run(  # noqa: E731
        ["git", "--git-dir", str(repository), "show", f"main:{path}"],
        capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert "EXPOSE 9090" in show("Dockerfile")
    assert "${{ github.sha }}" in show(".github/workflows/ci.yaml")  # copied untemplated
    assert "{{ .Values.port }}" in show("chart/templates/deployment.yaml")
    entity = alice.get("/api/catalog/entities/by-name/component/default/payments-api").json()
    assert "spec" in entity
    assert entity["spec"]["owner"] == "group:default/team-a"
    assert ("ownedBy", "group:default/team-a") in {
        (r["type"], r["targetRef"]) for r in entity["relations"]}
    completion = TaskEvent.objects.get(task_id=task_id, event_type="completion").body
    links = completion["output"]["links"]
    assert links[0]["url"] == repository.as_uri()
    assert links[1]["entityRef"] == "component:default/payments-api"


def test_runs_cancels_and_retries_are_in_the_audit_log(alice, hello, queued) -> None:
    from portal.models import AuditEvent

    task_id = _create(alice, hello, name="payments")
    _post(alice, f"tasks/{task_id}/cancel", {})
    assert _post(alice, f"tasks/{task_id}/retry", {}).status_code == 201
    events = list(AuditEvent.objects.filter(target=task_id).order_by("id")
                  .values_list("action", "actor", "via", "details"))  # fmt: skip
    assert events == [(action, "alice", "api", {"template": hello}) for action in (
        "scaffolder.task.run", "scaffolder.task.cancel", "scaffolder.task.retry")]
