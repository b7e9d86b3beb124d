"""Fixtures for the field extensions: a small organisation in the catalog, a Template
whose pages use every catalog-backed picker, and Fields built as the form builds them."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
import yaml
from django.http import QueryDict

from catalog import services as catalog
from scaffolder.fields.base import MISSING, Field, FieldContext
from tests.catalog.conftest import register
from tests.scaffolder.conftest import V1BETA3

#: The signed-in test user (tests/conftest.py's ``user`` fixture is "dev").
DEV = "user:default/dev"
TEMPLATE_REF = "template:default/pickers"

ORG = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a, title: Team A, description: Builds the shop}
spec: {type: team, children: [], members: [alice]}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-b}
spec: {type: team, children: [], profile: {displayName: Platform Builders}, members: [dev]}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: infra, namespace: ops}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: platform-infra, title: Platform infrastructure}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: alice}
spec: {profile: {displayName: Alice Liddell}, memberOf: [team-a]}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: dev}
spec: {profile: {displayName: Dev Eloper}, memberOf: [ops/infra]}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout
  title: "Checkout <script>alert(1)</script>"
  description: "Takes the money & <b>more</b>"
  tags: [python, payments]
spec: {type: service, lifecycle: production, owner: team-a, system: shop}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: ledger, tags: [java, payments]}
spec: {type: service, lifecycle: production, owner: team-b}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: paywall-ui, tags: [typescript]}
spec: {type: website, lifecycle: experimental, owner: user:dev}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: infra-tools, tags: [python, c++]}
spec: {type: library, lifecycle: production, owner: ops/infra}
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata: {name: shop, title: The Shop}
spec: {owner: team-a}
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: {name: payments-db, tags: [postgres, payments]}
spec: {type: database, owner: team-a}
"""


def pickers_template(name: str = "pickers") -> dict[str, Any]:
    """A Template whose pages use the catalog-backed pickers, the way real templates
    write them (one property inside an object, one in a dependency branch)."""
    return {
        "apiVersion": V1BETA3, "kind": "Template", "metadata": {"name": name},
        "spec": {"owner": "team-a", "type": "service", "parameters": [
            {"title": "Ownership", "required": ["owner"], "properties": {
                "owner": {"type": "string", "title": "Owner", "ui:field": "OwnerPicker",
                          "ui:options": {"allowedKinds": ["Group"]}},
                "system": {"type": "string", "ui:field": "EntityPicker",
                           "ui:options": {"catalogFilter": {"kind": "System"},
                                          "allowArbitraryValues": False}},
                "service": {"type": "string", "ui:field": "EntityPicker",
                            "ui:options": {"catalogFilter": [
                                {"kind": "Component", "spec.type": "service"},
                                {"kind": "Resource"}]}},
                "anything": {"type": "string", "ui:field": "EntityPicker"},
                "plain": {"type": "string"},
            }},
            {"title": "More", "properties": {
                "tags": {"type": "array", "items": {"type": "string"},
                         "ui:field": "EntityTagsPicker",
                         "ui:options": {"kinds": ["Component"], "showCounts": True}},
                "deps": {"type": "array", "maxItems": 2, "items": {"type": "string"},
                         "ui:field": "MultiEntityPicker",
                         "ui:options": {"catalogFilter": {"kind": "Component"}}},
                "mine": {"type": "string", "ui:field": "OwnedEntityPicker"},
                "group": {"type": "string", "ui:field": "MyGroupsPicker"},
                "repoUrl": {"type": "string", "ui:field": "RepoUrlPicker",
                            "ui:options": {"allowedHosts": ["github.com", "gitlab.com"],
                                           "allowedOwners": ["acme", "acme-labs"]}},
                "nested": {"type": "object", "properties": {
                    "lead": {"type": "string", "ui:field": "OwnerPicker"}}},
                "envs": {"type": "array", "items": {"type": "object", "properties": {
                    "lead": {"type": "string", "ui:field": "OwnerPicker",
                             "ui:options": {"allowedKinds": ["Group"]}}}}},
                "kind": {"type": "string", "enum": ["a", "b"]},
                "broken": {"type": "string", "ui:field": "EntityPicker",
                           "ui:options": {"catalogFilter": {"kind": {"exists": False}}}},
            }, "dependencies": {"kind": {"oneOf": [
                {"properties": {"kind": {"const": "a"},
                                "other": {"type": "string", "ui:field": "EntityPicker",
                                          "ui:options": {"catalogFilter": {"kind": "Group"}}}}},
                {"properties": {"kind": {"const": "b"}}},
            ]}}},
        ], "steps": [{"id": "log", "action": "debug:log", "input": {"message": "hi"}}]},
    }  # fmt: skip


@pytest.fixture
def org(files) -> None:
    """The organisation above and the pickers template, registered from catalog files."""
    register(files.write("org.yaml", ORG))
    register(files.write("template.yaml", yaml.safe_dump(pickers_template())))


@pytest.fixture
def dev_context(org, user) -> FieldContext:
    """The signed-in user's context for the pickers template."""
    return FieldContext(user=user, user_ref=DEV, ownership_refs=catalog.ownership_refs(DEV),
                        template_ref=TEMPLATE_REF)  # fmt: skip


def make_field(ui_field: str, options: dict[str, Any] | None = None, *,
               schema: dict[str, Any] | None = None, name: str = "f", required: bool = False,
               value: Any = MISSING) -> Field:  # fmt: skip
    """A Field of ``ui_field`` as the form builds one."""
    ui: dict[str, Any] = {"ui:field": ui_field}
    if options is not None:
        ui["ui:options"] = options
    return Field(name=name, path=(name,), html_name=name, schema=schema or {"type": "string"},
                 ui=ui, label=name.title(), required=required, value=value)  # fmt: skip


def posted(*pairs: tuple[str, str]) -> QueryDict:
    """A form post of ``pairs`` (names may repeat), as the form view receives it."""
    return QueryDict(urlencode(pairs))
