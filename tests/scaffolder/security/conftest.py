"""Helpers for the security corpus: a private working directory whose parent holds
markers that must never be touched, templates registered from files (so skeletons can
carry symlinks), users, and a scan of every stored row for a secret."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from scaffolder.models import Task, TaskEvent
from tests.catalog.conftest import register
from tests.scaffolder.conftest import V1BETA3


@pytest.fixture
def work(settings, tmp_path) -> Path:
    """``backend.workingDirectory`` for dry runs and tasks: ``<tmp>/work``, so a path
    that escapes a workspace by one or two ``..`` lands next to ``outside``."""
    directory = tmp_path / "work"
    directory.mkdir()
    backend = {**(settings.APP_CONFIG.get("backend") or {}), "workingDirectory": str(directory)}
    settings.APP_CONFIG = {**settings.APP_CONFIG, "backend": backend}
    return directory


@pytest.fixture
def outside(tmp_path) -> Path:
    """A directory outside every workspace with a file that must stay as it is."""
    directory = tmp_path / "outside"
    directory.mkdir()
    (directory / "secret.txt").write_text("OUTSIDE-SECRET")
    return directory


SKIPPED = ("work", "catalog", "storage")


def tree(root: Path, skip: tuple[str, ...] = SKIPPED) -> dict[str, str]:
    """Every path below ``root`` (but the top-level ``skip`` directories: workspaces,
    templates, stored snapshots) with its link target or contents."""
    found = {}
    for directory, dirs, names in os.walk(root):
        here = Path(directory)
        if here == root:
            dirs[:] = [d for d in dirs if d not in skip]
        for name in dirs + names:
            path = here / name
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[key] = "-> " + os.readlink(path)
            elif path.is_file():
                found[key] = path.read_text(errors="replace")
            else:
                found[key] = "/"
    return found




def register_template(files, name: str, steps: list[dict[str, Any]],
                      skeleton: dict[str, str] | None = None,
                      links: dict[str, str] | None = None, **spec: Any) -> str:  # fmt: skip
    """Register a Template ``name`` from a file, with skeleton files (path -> text) and
    symlinks (path -> target) next to it; return its ref."""
    for path, text in (skeleton or {}).items():
        files.write(f"templates/{name}/{path}", text)
    for path, target in (links or {}).items():
        link = files.root / "templates" / name / path
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, link)
    entity = {"apiVersion": V1BETA3, "kind": "Template", "metadata": {"name": name},
              "spec": {"type": "service", "steps": steps, **spec}}  # fmt: skip
    register(files.write(f"templates/{name}/template.yaml", yaml.safe_dump(entity)))
    return f"template:default/{name}"


def post(client, path: str, body: Any):
    return client.post(f"/api/scaffolder/v2/{path}", json.dumps(body),
                       content_type="application/json")  # fmt: skip


def create(client, template_ref: str, values: dict | None = None,
           secrets: dict | None = None) -> str:  # fmt: skip
    answer = post(client, "tasks", {"templateRef": template_ref, "values": values or {},
                                    "secrets": secrets or {}})  # fmt: skip
    assert answer.status_code == 201, answer.content
    return answer.json()["id"]


def events(task_id: str) -> list[dict[str, Any]]:
    return [{"type": e.event_type, **e.body} for e in TaskEvent.objects.filter(task_id=task_id)]


def completion(task_id: str) -> dict[str, Any]:
    last = TaskEvent.objects.filter(task_id=task_id).order_by("-id").first()
    assert last is not None and last.event_type == "completion"
    return last.body


def stored_text() -> str:
    """Every column of every Task and TaskEvent row, as one text."""
    rows = [list(Task.objects.values()), list(TaskEvent.objects.values())]
    return json.dumps(rows, default=str)
