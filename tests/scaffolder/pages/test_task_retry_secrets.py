"""Retry asks again for the secrets a run was given: they are wiped when a task ends,
and a step that needs one would otherwise fail again."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from scaffolder import services
from scaffolder.execution import execute_task
from scaffolder.models import Task, TaskStatus
from scaffolder.sealing import open_secrets
from tests.scaffolder.pages.task_support import add_template, caller, page_url

pytestmark = pytest.mark.django_db(transaction=True)

#: Needs a token for its second step, which fails until ``later/`` exists.
NEEDS_TOKEN = """\
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: needs-token, title: Needs a token}
spec:
  type: service
  parameters:
    - title: Access
      required: [token]
      properties:
        name: {title: Name, type: string}
        token: {title: Deploy token, type: string, "ui:field": Secret}
  steps:
    - {id: fetch, name: Fetch, action: fetch:plain, input: {url: ./later}}
    - id: use
      name: Use the token
      action: debug:log
      input: {message: "token: ${{ secrets.token }}."}
"""


def _failed(files) -> Task:
    """A run of NEEDS_TOKEN by alice (the signed-in client's user), failed."""
    ref = add_template(files, NEEDS_TOKEN, "needs-token")
    alice = get_user_model().objects.get(username="alice")
    task = services.create_task(ref, {"name": "x", "token": "********"},
                                {"token": "hunter22"}, caller(alice))  # fmt: skip
    assert execute_task(str(task.pk)) == TaskStatus.FAILED
    return task


def test_retry_form_asks_for_the_secret_fields_of_the_run(alice, files, queued) -> None:
    task = _failed(files)
    html = alice.get(page_url(task)).content.decode()
    assert 'name="secret.token"' in html and "Deploy token" in html
    assert "hunter22" not in html


def test_the_secret_typed_on_retry_reaches_the_new_attempt(alice, files, queued) -> None:
    task = _failed(files)
    (files.root / "templates" / "needs-token" / "later").mkdir()
    (files.root / "templates" / "needs-token" / "later" / "a.txt").write_text("a\n")
    answer = alice.post(page_url(task, "retry/"), {"secret.token": "hunter22"})
    assert answer.status_code == 302
    task.refresh_from_db()
    assert open_secrets(task.secrets) == {"token": "hunter22"}
    assert execute_task(str(task.pk)) == TaskStatus.COMPLETED
    messages = [e.body.get("message", "") for e in task.events.all()]
    logged = " ".join(messages)
    # The rendered message is what the secret made of it, so it is hidden whole.
    assert logged.count(": ***") == 1 and "token: ." not in logged and "hunter22" not in logged


def test_a_retry_without_the_secret_runs_without_it(alice, files, queued) -> None:
    task = _failed(files)
    (files.root / "templates" / "needs-token" / "later").mkdir()
    (files.root / "templates" / "needs-token" / "later" / "a.txt").write_text("a\n")
    alice.post(page_url(task, "retry/"))
    assert execute_task(str(task.pk)) == TaskStatus.COMPLETED
    messages = [e.body.get("message", "") for e in task.events.all()]
    assert "token: ." in " ".join(messages)
