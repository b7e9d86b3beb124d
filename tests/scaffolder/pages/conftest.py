"""Helpers for the scaffolder page tests: Template entities written as catalog files
and registered, as a user would add them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml

from tests.catalog.conftest import CatalogFiles, register
from tests.scaffolder.conftest import V1BETA3

GROUPS = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: infrastructure}
spec: {type: team, children: []}
"""


def template_doc(name: str, *, title: str = "", description: str = "", type: str = "service",
                 tags: tuple[str, ...] = (), owner: str = "team-a", docs: bool = False,
                 namespace: str = "") -> dict[str, Any]:  # fmt: skip
    """A Template entity with one page and one step."""
    metadata: dict[str, Any] = {"name": name}
    for key, value in (("namespace", namespace), ("title", title), ("description", description)):
        if value:
            metadata[key] = value
    if tags:
        metadata["tags"] = list(tags)
    if docs:
        metadata["annotations"] = {"backstage.io/techdocs-ref": "dir:."}
    return {
        "apiVersion": V1BETA3, "kind": "Template", "metadata": metadata,
        "spec": {"owner": owner, "type": type,
                 "parameters": [{"title": "About", "properties": {"name": {"type": "string"}}}],
                 "steps": [{"id": "log", "action": "debug:log", "input": {"message": "hi"}}]},
    }  # fmt: skip


@pytest.fixture
def add_templates(files: CatalogFiles) -> Callable[..., None]:
    """Write Template documents (and two groups) to a catalog file and register it."""
    count = 0

    def add(*docs: dict[str, Any], groups: bool = True) -> None:
        nonlocal count
        count += 1
        text = yaml.safe_dump_all(docs, sort_keys=False)
        if groups and count == 1:
            text = GROUPS + "---\n" + text
        register(files.write(f"templates-{count}.yaml", text))

    return add
