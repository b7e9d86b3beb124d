"""Templates and shortcuts for the task page tests: real templates registered in the
catalog, tasks created through ``scaffolder.services`` and run by the worker's own
code (``execute_task``) in the test process."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from scaffolder import services
from scaffolder.execution import execute_task
from scaffolder.models import Task
from tests.catalog.conftest import CatalogFiles, register

#: Logs a line, and when done links to a web page and an entity and shows Markdown
#: (with HTML that must not survive).
HELLO = """\
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: hello
  title: Hello service
spec:
  owner: group:default/team-a
  type: service
  parameters:
    - title: About the service
      required: [name]
      properties:
        name: {title: Name, type: string, description: "Lower case, with dashes"}
        token: {title: Token, type: string, "ui:field": Secret}
  steps:
    - id: greet
      name: Say hello
      action: debug:log
      input: {message: "Hello ${{ parameters.name }}"}
  output:
    links:
      - {title: Repository, url: "https://git.example.com/${{ parameters.name }}"}
      - title: Open in catalog
        icon: catalog
        entityRef: "component:default/${{ parameters.name }}"
      - {title: Skipped step, url: "${{ steps.nothing.output.url }}"}
      - {title: Bad scheme, url: "javascript:alert(1)"}
    text:
      - title: Next steps
        content: "**${{ parameters.name }}** is ready. <script>alert('x')</script> [docs](https://docs.example.com)"
"""

#: Fails at its second step (the directory it copies does not exist yet); the third
#: step never runs.
FAILING = """\
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: failing, title: Failing service}
spec:
  type: service
  steps:
    - {id: prepare, name: Prepare, action: debug:log, input: {message: preparing}}
    - {id: fetch, name: Fetch the base, action: fetch:plain, input: {url: ./later}}
    - {id: done, name: Finish, action: debug:log, input: {message: finished}}
"""

#: Waits long enough to be seen running (and cancelled).
WAITING = """\
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: waiting, title: Waiting}
spec:
  type: service
  steps:
    - {id: start, name: Start, action: debug:log, input: {message: starting}}
    - {id: wait, name: Wait, action: debug:wait, input: {seconds: 30}}
"""


def add_template(files: CatalogFiles, text: str, name: str) -> str:
    """Register a template file; return its ref."""
    register(files.write(f"templates/{name}/template.yaml", text))
    return f"template:default/{name}"


def caller(user: AbstractBaseUser) -> services.Caller:
    return services.Caller.for_user(user)


def start(ref: str, user: AbstractBaseUser, **values: Any) -> Task:
    """A new open task of ``ref`` by ``user`` (queued through the test's ``queued``)."""
    return services.create_task(ref, values, {}, caller(user))


def run(ref: str, user: AbstractBaseUser, **values: Any) -> Task:
    """A task of ``ref`` by ``user``, run to its end."""
    task = start(ref, user, **values)
    execute_task(str(task.pk))
    task.refresh_from_db()
    return task


def page_url(task: Task, suffix: str = "") -> str:
    return f"/create/tasks/{task.pk}/{suffix}"
