"""Fixtures for catalog ingestion tests: a catalog directory and the config to read it."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from catalog import services
from catalog.models import Entity, Location


class CatalogFiles:
    """Writes catalog YAML files into a temporary directory."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, name: str, text: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
        return path


@pytest.fixture
def files(tmp_path: Path, settings) -> CatalogFiles:
    """A catalog directory the file reader may read, with Greenroom's default rules."""
    root = tmp_path / "catalog"
    root.mkdir()
    settings.APP_CONFIG = {**settings.APP_CONFIG, "catalog": {"readableDirectories": [str(root)]}}
    return CatalogFiles(root)


def register(path: Path) -> Location:
    """Register ``path`` as a file location (reading it now) and return the location."""
    location, _ = services.register_location("file", str(path))
    location.refresh_from_db()
    return location


def served(ref: str) -> dict:
    """The served entity for ``ref``."""
    return json.loads(Entity.objects.get(ref=ref).final_json)


def relations(ref: str) -> set[tuple[str, str]]:
    return {(r["type"], r["targetRef"]) for r in served(ref)["relations"]}


ORG = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-b}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: alice}
spec: {memberOf: [team-a]}
"""

SERVICE = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout
  description: Takes the money
  tags: [python, payments]
spec:
  type: service
  lifecycle: production
  owner: team-a
  system: shop
  providesApis: [checkout-api]
  dependsOn: [resource:orders-db]
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: {name: checkout-api}
spec:
  type: openapi
  lifecycle: production
  owner: team-a
  definition: "openapi: 3.0.0"
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata: {name: shop}
spec: {owner: team-a}
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: {name: orders-db}
spec: {type: database, owner: team-b}
"""


def component(name: str, **fields: str) -> str:
    """A Component document; ``fields`` go into spec (owner team-a unless given)."""
    spec = {"type": "service", "lifecycle": "production", "owner": "team-a", **fields}
    body = "".join(f"  {key}: {value}\n" for key, value in spec.items())
    return (f"---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{name: {name}}}\n"
            f"spec:\n{body}")  # fmt: skip


def api_with_definition(name: str, definition: str) -> str:
    """An API entity document whose ``spec.definition`` is ``definition`` (YAML)."""
    return (
        "apiVersion: backstage.io/v1alpha1\nkind: API\n"
        f"metadata: {{name: {name}}}\n"
        "spec:\n  type: openapi\n  lifecycle: production\n  owner: team-a\n"
        f"  definition: {definition}\n"
    )


def location_doc(name: str, *targets: str) -> str:
    """A Location entity document listing ``targets``."""
    return (
        "apiVersion: backstage.io/v1alpha1\nkind: Location\n"
        f"metadata: {{name: {name}}}\nspec: {{targets: [{', '.join(targets)}]}}\n"
    )


API_TOKEN = "another-long-static-token-value"


@pytest.fixture
def token_api(client, files, settings):
    """A test client that calls the catalog API with a static bearer token."""
    settings.APP_CONFIG = {
        **settings.APP_CONFIG,
        "backend": {
            "auth": {
                "externalAccess": [
                    {"type": "static", "options": {"token": API_TOKEN, "subject": "ci"}}
                ]
            }
        },
    }
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {API_TOKEN}"
    return client


def post_json(api, path: str, body, method: str = "post", **params):
    """Send ``body`` as JSON to ``/api/catalog{path}`` with query ``params``."""
    query = "&".join(f"{k}={v}" for k, v in params.items())
    send = getattr(api, method)
    return send(f"/api/catalog{path}?{query}", json.dumps(body), content_type="application/json")
