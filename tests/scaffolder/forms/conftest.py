"""Fixtures for the form engine tests: a FieldContext, posted data as a QueryDict,
and Template entities registered in the catalog as a user would add them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.http import QueryDict

from scaffolder.fields.base import FieldContext
from tests.scaffolder.conftest import V1BETA3
from tests.scaffolder.pages import conftest as page_fixtures

#: The page tests' fixture that writes Template documents and registers them.
add_templates = page_fixtures.add_templates

CONTEXT = FieldContext(user=None, user_ref="user:default/dev", ownership_refs=("user:default/dev",),
                       template_ref="template:default/t")  # fmt: skip


def posted(pairs: dict[str, Any] | list[tuple[str, Any]]) -> QueryDict:
    """A QueryDict as a browser posts it (a list value posts the name once per item)."""
    data = QueryDict(mutable=True)
    for name, value in pairs.items() if isinstance(pairs, dict) else pairs:
        for item in value if isinstance(value, list) else [value]:
            data.appendlist(name, item)
    return data


def spec_of(*pages: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with these pages as ``parameters``."""
    return {"parameters": list(pages), "steps": [{"action": "debug:log"}]}


def template_entity(name: str, parameters: Any, title: str = "",
                    steps: list[dict[str, Any]] | None = None) -> dict[str, Any]:  # fmt: skip
    """A Template entity with these pages and a log step."""
    metadata: dict[str, Any] = {"name": name}
    if title:
        metadata["title"] = title
    return {"apiVersion": V1BETA3, "kind": "Template", "metadata": metadata,
            "spec": {"type": "service", "owner": "team-a", "parameters": parameters,
                     "steps": steps or [{"id": "log", "action": "debug:log",
                                         "input": {"message": "hi"}}]}}  # fmt: skip


@pytest.fixture
def add_template(add_templates) -> Callable[..., str]:
    """Register one Template entity; returns its form's URL."""

    def add(entity: dict[str, Any]) -> str:
        add_templates(entity)
        namespace = entity["metadata"].get("namespace", "default")
        return f"/create/templates/{namespace}/{entity['metadata']['name']}/"

    return add
