"""Scaffolder test helpers: an API client with a static token, and dry-run bodies."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import yaml

from scaffolder import tasks
from tests.catalog import conftest as catalog_fixtures
from tests.catalog.conftest import API_TOKEN

V1BETA3 = "scaffolder.backstage.io/v1beta3"

#: The catalog's ``files`` fixture (files under a readable directory), shared here.
files = catalog_fixtures.files


@pytest.fixture
def api(client, settings):
    """A client that calls the APIs with a static bearer token."""
    settings.APP_CONFIG = {**settings.APP_CONFIG, "backend": {"auth": {"externalAccess": [
        {"type": "static", "options": {"token": API_TOKEN, "subject": "ci"}}]}}}  # fmt: skip
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {API_TOKEN}"
    return client


def template(steps: list[dict[str, Any]], parameters: Any = None, output: Any = None,
             name: str = "t") -> dict[str, Any]:  # fmt: skip
    """A Template entity with ``steps`` (and pages and output if given)."""
    spec: dict[str, Any] = {"type": "service", "steps": steps}
    if parameters is not None:
        spec["parameters"] = parameters
    if output is not None:
        spec["output"] = output
    return {"apiVersion": V1BETA3, "kind": "Template", "metadata": {"name": name}, "spec": spec}


def dry_run_body(entity: dict[str, Any], values: dict[str, Any] | None = None,
                 files: dict[str, str | bytes] | None = None,
                 secrets: dict[str, str] | None = None) -> dict[str, Any]:  # fmt: skip
    """Backstage's dry-run request: the template, values, and every file (with
    ``template.yaml``) base64-encoded, sorted by path."""
    contents = {"template.yaml": yaml.safe_dump(entity), **(files or {})}
    body: dict[str, Any] = {
        "template": entity,
        "values": values or {},
        "directoryContents": [
            {"path": path, "base64Content": base64.b64encode(
                data if isinstance(data, bytes) else data.encode()).decode()}
            for path, data in sorted(contents.items())
        ],
    }  # fmt: skip
    if secrets is not None:
        body["secrets"] = secrets
    return body


def post_dry_run(api, body: dict[str, Any]):
    return api.post("/api/scaffolder/v2/dry-run", json.dumps(body),
                    content_type="application/json")  # fmt: skip


def files_of(answer: dict[str, Any]) -> dict[str, str]:
    """path -> text of the files a dry run returned."""
    return {item["path"]: base64.b64decode(item["base64Content"]).decode(errors="replace")
            for item in answer["directoryContents"]}  # fmt: skip


def messages(answer: dict[str, Any]) -> list[str]:
    """The log's messages without the ``info:`` prefix of action lines."""
    return [entry["body"]["message"].removeprefix("\x1b[32minfo\x1b[39m: ")
            for entry in answer["log"]]  # fmt: skip


@pytest.fixture
def queued(monkeypatch) -> list[str]:
    """Task ids handed to the queue (nothing is really sent; tests run them)."""
    sent: list[str] = []
    monkeypatch.setattr(tasks, "queue_task", lambda task_id: sent.append(task_id) or True)
    return sent


@pytest.fixture
def alice(client, django_user_model):
    """The test client, signed in as a new user ``alice``."""
    client.force_login(django_user_model.objects.create_user("alice"))
    return client
