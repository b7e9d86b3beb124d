"""Group J of the security corpus (authorization, IDOR, secrets in logs), the
scaffolder's cases J1-J7 and J14, through the task API and the worker's code
(``execute_task``) as a user or an integration meets them.

A secret must never be readable after a run: not in any API answer, not in any event,
not in any column of the ``Task`` and ``TaskEvent`` rows, also when a template
transforms it (``upper``, slices) or an action fails while holding it; and the sealed
copy is wiped once the task ends, however it ends.

J1 and J2 extend ``tests/scaffolder/test_tasks.py::test_only_the_creator_and_admins_see_a_task``
(404s for another user, empty foreign listing): here also no existence oracle (the
answer for a foreign task equals the answer for a task that does not exist) and no
secret in any answer the creator gets.

J8-J13 are not scaffolder cases and are covered with their own features: J8 (search
permissions) with the search API's tests, J9-J11 (catalog field filters, delete and
refresh by non-owners, unprocessed/debug endpoints) in ``tests/catalog/``, J12 (proxy
path normalisation and route auth) with the proxy's tests, J13 (token scopes across
endpoints) in ``tests/portal/``.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid

import pytest

from scaffolder.execution import execute_task
from scaffolder.models import Task, TaskEvent, TaskStatus
from tests.scaffolder.conftest import dry_run_body, post_dry_run, template
from tests.scaffolder.security.conftest import (
    completion,
    create,
    events,
    post,
    register_template,
    stored_text,
)

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "s3cr3t-alpha-omega"
SECRETS = {"token": SECRET}
#: The secret and what a template can easily derive from it.
DERIVED = [SECRET, SECRET.upper(), SECRET[::-1], base64.b64encode(SECRET.encode()).decode(),
           "s3cr3t-alpha", "alpha-omega"]  # fmt: skip


def _leaks(text: str) -> list[str]:
    return [form for form in DERIVED if form in text]


def _log(message, step_id: str = "log", **extra) -> dict:
    return {"id": step_id, "action": "debug:log", "input": {"message": message}, **extra}


@pytest.fixture
def bob(client, django_user_model):
    """A second signed-in client (``alice`` is the conftest's)."""
    from django.test import Client

    other = Client()
    other.force_login(django_user_model.objects.create_user("bob"))
    return other


@pytest.fixture
def service(settings):
    """A client calling with a static ``externalAccess`` token (an integration)."""
    from django.test import Client

    from tests.catalog.conftest import API_TOKEN

    settings.APP_CONFIG = {**settings.APP_CONFIG, "backend": {"auth": {"externalAccess": [
        {"type": "static", "options": {"token": API_TOKEN, "subject": "ci"}}]}}}  # fmt: skip
    return Client(HTTP_AUTHORIZATION=f"Bearer {API_TOKEN}")


def _everything_after_the_run(client, task_id: str) -> str:
    """What the creator can read about the task, and every stored row."""
    base = f"/api/scaffolder/v2/tasks/{task_id}"
    answers = [client.get(base).content, client.get(f"{base}/events").content,
               b"".join(client.get(f"{base}/eventstream").streaming_content),
               client.get("/api/scaffolder/v2/tasks").content]  # fmt: skip
    return b"\n".join(answers).decode() + stored_text()


# J1, J2, J3 ----------------------------------------------------------------------------
def test_j1_another_users_task_is_not_found_and_there_is_no_existence_oracle(
        alice, bob, files, queued) -> None:  # fmt: skip
    ref = register_template(files, "j1", [_log("${{ secrets.token }}")])
    task_id = create(alice, ref, secrets=SECRETS)
    assert execute_task(task_id) == TaskStatus.COMPLETED
    missing = str(uuid.uuid4())
    for suffix in ("", "/events", "/eventstream"):
        mine = bob.get(f"/api/scaffolder/v2/tasks/{task_id}{suffix}")
        none = bob.get(f"/api/scaffolder/v2/tasks/{missing}{suffix}")
        assert mine.status_code == none.status_code == 404
        assert mine.json()["error"] == {
            "name": "NotFoundError", "message": f"Task with id {task_id} does not exist"}
        assert none.json()["error"]["message"] == f"Task with id {missing} does not exist"
    for action in ("cancel", "retry"):
        assert post(bob, f"tasks/{task_id}/{action}", {}).status_code == 404
    assert Task.objects.get(pk=task_id).status == TaskStatus.COMPLETED
    shown = alice.get(f"/api/scaffolder/v2/tasks/{task_id}").json()
    assert set(shown) == {"id", "spec", "status", "createdAt", "lastHeartbeatAt", "createdBy"}
    assert _leaks(_everything_after_the_run(alice, task_id)) == []


def test_j2_a_created_by_filter_never_widens_what_a_user_sees(
        alice, bob, service, files, queued) -> None:  # fmt: skip
    ref = register_template(files, "j2", [_log("hi")])
    alices = create(alice, ref)
    bobs = create(bob, ref)
    for query, expected in [
        ("createdBy=user:default/alice", []),
        ("createdBy=user%3Adefault%2Falice", []),
        ("createdBy=USER:DEFAULT/ALICE", []),
        ("createdBy=user:default/alice&createdBy=user:default/bob", [bobs]),
        ("", [bobs]),
        ("status=open", [bobs]),
        (f"templateRef={ref}", [bobs]),
    ]:
        listed = bob.get(f"/api/scaffolder/v2/tasks?{query}").json()
        assert [t["id"] for t in listed["tasks"]] == expected, query
        assert listed["totalTasks"] == len(expected), query
    everyone = service.get("/api/scaffolder/v2/tasks?createdBy=user:default/alice").json()
    assert [t["id"] for t in everyone["tasks"]] == [alices]  # integrations see every task


@pytest.mark.parametrize("order", ["secrets.token", "secrets", "spec", "state",
                                   "-createdAt,secrets", "desc:secrets", "asc:spec.parameters",
                                   "created_at,secrets", "desc:state__checkpoints",
                                   "sideways:created_at", "user__password"])  # fmt: skip
def test_j3_ordering_by_anything_outside_the_allow_list_is_refused(alice, order) -> None:
    answer = alice.get("/api/scaffolder/v2/tasks", {"order": order})
    assert answer.status_code == 400, order
    assert answer.json()["error"]["name"] == "InputError"


@pytest.mark.parametrize("order", ["created_at", "desc:createdAt", "asc:status", "createdBy"])
def test_j3_allowed_orders_still_work(alice, order) -> None:
    assert alice.get("/api/scaffolder/v2/tasks", {"order": order}).status_code == 200


# J4 ------------------------------------------------------------------------------------
J4_STEPS = [
    _log("${{ secrets.token }}", "plain"),
    _log("${{ secrets.token | upper }}", "upper"),
    _log("${{ secrets.token[::-1] }}", "reversed"),
    _log("${{ secrets.token | b64encode }}", "b64"),
    _log("head ${{ secrets.token.slice(0, 12) }} tail ${{ secrets.token.slice(7) }}", "slices"),
    _log("${{ secrets.token | replace('-', ' ') }}", "replaced"),
    _log("${{ secrets.token }}", "each-key", each={"a": 1}),
    _log("${{ each.value }} ${{ secrets.token | upper }}", "each-upper", each=["x", "y"]),
]


def test_j4_secrets_and_their_transforms_never_reach_the_log(alice, files, queued) -> None:
    ref = register_template(files, "j4", J4_STEPS)
    task_id = create(alice, ref, secrets=SECRETS)
    assert execute_task(task_id) == TaskStatus.COMPLETED, events(task_id)
    logged = json.dumps(events(task_id))
    assert "***" in logged
    assert _leaks(logged) == [] and SECRET.replace("-", " ") not in logged
    assert _leaks(_everything_after_the_run(alice, task_id)) == []


def test_j4_the_dry_run_never_shows_secrets_or_their_transforms(api) -> None:
    body = dry_run_body(template(J4_STEPS), secrets=SECRETS)
    response = post_dry_run(api, body)
    assert response.status_code == 200, response.content
    assert _leaks(response.content.decode()) == []


@pytest.mark.parametrize("each", ["${{ [secrets.token] }}", "${{ secrets.token.split('-') }}",
                                  "${{ {'k': secrets.token} }}"])
def test_j4_each_items_made_of_a_secret_are_not_logged(alice, files, queued, each) -> None:
    ref = register_template(files, "j4each", [_log("item ${{ each.value }}", "split",
                                                   each=each)])  # fmt: skip
    task_id = create(alice, ref, secrets=SECRETS)
    assert execute_task(task_id) == TaskStatus.COMPLETED
    logged = json.dumps(events(task_id))
    assert [part for part in SECRET.split("-") if part in logged] == []


# J5 ------------------------------------------------------------------------------------
J5_FAILURES = [
    ({"action": "fetch:plain", "input": {"url": "./${{ secrets.token }}"}}, "NotFoundError"),
    ({"action": "fetch:plain", "input": {"url": "./skeleton",
                                         "targetPath": "../${{ secrets.token }}"}},
     "NotAllowedError"),
    ({"action": "fetch:plain", "input": {"url": "https://${{ secrets.token }}.example.com/"}},
     "InputError"),
    ({"action": "publish:git",
      "input": {"remoteUrl": "https://x:${{ secrets.token }}@example.com/r.git"}}, "InputError"),
    ({"action": "publish:git",
      "input": {"remoteUrl": "https://${{ secrets.token }}.example.com/r.git"}},
     "NotAllowedError"),
    ({"action": "debug:log", "input": {"listWorkspace": "${{ secrets.token }}"}}, "InputError"),
    ({"action": "fs:rename", "input": {"files": [{"from": "${{ secrets.token }}", "to": "b"}]}},
     "Error"),
    ({"action": "catalog:fetch", "input": {"entityRef": "component:default/${{ secrets.token }}"}},
     "Error"),
]  # fmt: skip


@pytest.mark.parametrize(("step", "name"), J5_FAILURES)
def test_j5_failures_and_denials_never_echo_a_secret(alice, files, queued, step, name) -> None:
    ref = register_template(files, "j5", [{"id": "act", **step}], {"skeleton/a.txt": "A"})
    task_id = create(alice, ref, secrets=SECRETS)
    assert execute_task(task_id) == TaskStatus.FAILED
    assert completion(task_id)["error"]["name"] == name, completion(task_id)
    assert _leaks(_everything_after_the_run(alice, task_id)) == []


@pytest.mark.parametrize("step", [
    {"action": "fetch:plain", "input": {"url": "./${{ secrets.token | upper }}"}},
    {"action": "publish:git",
     "input": {"remoteUrl": "https://${{ secrets.token | upper }}.example.com/r.git"}},
    {"action": "fs:rename", "input": {"files": [{"from": "${{ secrets.token.slice(0, 12) }}",
                                                  "to": "b"}]}},
])  # fmt: skip
def test_j5_failures_never_echo_a_transformed_secret(alice, files, queued, step) -> None:
    ref = register_template(files, "j5t", [{"id": "act", **step}])
    task_id = create(alice, ref, secrets=SECRETS)
    assert execute_task(task_id) == TaskStatus.FAILED
    assert _leaks(_everything_after_the_run(alice, task_id)) == []


def test_j5_the_dry_run_error_never_echoes_a_transformed_secret(api) -> None:
    step = {"action": "fetch:plain", "input": {"url": "./${{ secrets.token | upper }}"}}
    entity = template([step])
    response = post_dry_run(api, dry_run_body(entity, secrets=SECRETS))
    assert response.status_code == 404 and _leaks(response.content.decode()) == []


# J6 ------------------------------------------------------------------------------------
J6_STEPS = [
    {"id": "fetch", "action": "fetch:template",
     "input": {"url": "./skeleton", "values": {
         "token": "${{ secrets.token }}", "loud": "${{ secrets.token | upper }}",
         "part": "${{ secrets.token.slice(0, 12) }}", "name": "svc"}}},
    {"id": "file", "action": "fetch:template:file",
     "input": {"url": "./one.txt", "targetPath": "one.txt",
               "values": {"token": "${{ secrets.token }}"}}},
]  # fmt: skip
J6_SKELETON = {"skeleton/config.env": "TOKEN=${{ values.token }}\n",
               "skeleton/${{ values.name }}.md": "${{ values.loud }} ${{ values.part }}",
               "one.txt": "${{ values.token }}"}  # fmt: skip


def test_j6_fetch_template_logs_its_values_only_after_redaction(alice, files, queued) -> None:
    listing = _log("listing", "list", input={"listWorkspace": True})
    ref = register_template(files, "j6", [*J6_STEPS, listing], J6_SKELETON)
    task_id = create(alice, ref, secrets=SECRETS)
    assert execute_task(task_id) == TaskStatus.COMPLETED, events(task_id)
    logged = json.dumps(events(task_id))
    assert "with input values" in logged and "svc.md" in logged and "config.env" in logged
    assert _leaks(_everything_after_the_run(alice, task_id)) == []


def test_j6_a_later_listing_does_not_show_secret_derived_file_contents(
        alice, files, queued) -> None:  # fmt: skip
    listing = _log("listing", "list", input={"listWorkspace": "with-contents"})
    ref = register_template(files, "j6c", [*J6_STEPS, listing], J6_SKELETON)
    task_id = create(alice, ref, secrets=SECRETS)
    assert execute_task(task_id) == TaskStatus.COMPLETED
    assert _leaks(_everything_after_the_run(alice, task_id)) == []


# J7 ------------------------------------------------------------------------------------
WAIT = {"id": "wait", "action": "debug:wait", "input": {"seconds": 30}}


def _cancel_while_running(client, task_id: str) -> str:
    result: list[str] = []
    runner = threading.Thread(target=lambda: result.append(execute_task(task_id)))
    runner.start()
    deadline = time.monotonic() + 10
    while not TaskEvent.objects.filter(task_id=task_id, body__stepId="wait").exists():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert Task.objects.get(pk=task_id).secrets == ""  # wiped the moment a worker claims it
    assert post(client, f"tasks/{task_id}/cancel", {}).status_code == 200
    runner.join(timeout=10)
    return result[0]


@pytest.mark.parametrize(("steps", "end", "expected"), [
    ([_log("ok")], "run", TaskStatus.COMPLETED),
    ([{"id": "boom", "action": "fetch:plain", "input": {"url": "./missing"}}], "run",
     TaskStatus.FAILED),
    ([_log("never")], "cancel-open", TaskStatus.CANCELLED),
    ([WAIT], "cancel-running", TaskStatus.CANCELLED),
    ([{"id": "boom", "action": "fetch:plain", "input": {"url": "./missing"}}], "retry",
     TaskStatus.FAILED),
])  # fmt: skip
def test_j7_stored_secrets_are_wiped_once_the_task_ends(
        alice, files, queued, steps, end, expected) -> None:  # fmt: skip
    ref = register_template(files, "j7", steps)
    task_id = create(alice, ref, secrets=SECRETS)
    sealed = Task.objects.get(pk=task_id).secrets
    assert sealed and _leaks(sealed) == []  # sealed, never plain text
    if end == "run":
        assert execute_task(task_id) == expected
    elif end == "cancel-open":
        assert post(alice, f"tasks/{task_id}/cancel", {}).json() == {"status": "cancelled"}
        assert execute_task(task_id) == "skipped: not open"
    elif end == "cancel-running":
        assert _cancel_while_running(alice, task_id) == expected
    else:
        assert execute_task(task_id) == TaskStatus.FAILED
        assert post(alice, f"tasks/{task_id}/retry", {"secrets": SECRETS}).status_code == 201
        assert Task.objects.get(pk=task_id).secrets not in ("", sealed)  # sealed again
        assert execute_task(task_id) == expected
    task = Task.objects.get(pk=task_id)
    assert task.status == expected and task.secrets == "" and task.finished_at
    assert _leaks(stored_text()) == []


# J14 -----------------------------------------------------------------------------------
def test_j14_there_is_no_endpoint_that_invokes_an_action_directly(api) -> None:
    body = json.dumps({"input": {"message": "x"}})
    assert api.post("/api/scaffolder/v2/actions", body,
                    content_type="application/json").status_code == 405  # fmt: skip
    for path in ("v2/actions/debug:log", "v2/actions/debug:log/execute",
                 "v2/actions/fs:delete/run", "v2/autocomplete/github/repos"):  # fmt: skip
        answer = api.post(f"/api/scaffolder/{path}", body, content_type="application/json")
        assert answer.status_code == 404, path
