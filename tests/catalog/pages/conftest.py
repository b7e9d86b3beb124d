"""A small catalog for page tests: a team with a member named like the signed-in user,
a service with an API, a dependency and a system, and helpers to grow it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.catalog.conftest import ORG, SERVICE, register

ME = """\
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: dev}
spec:
  memberOf: [team-a]
  profile: {email: dev@example.com, picture: "https://img.example.com/dev.png"}
"""


@pytest.fixture
def catalog(files, db):
    """The demo-sized catalog registered from one file; returns its CatalogFiles."""
    files.write("org.yaml", ORG + "---\n" + ME)
    files.write("service.yaml", SERVICE)
    register(files.root / "org.yaml")
    register(files.root / "service.yaml")
    return files


def query_count(client, url: str, **headers: str) -> int:
    """How many SQL statements a GET of ``url`` runs (after one warm-up request)."""
    client.get(url, **headers)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(queries)
