"""Property-based conformance of the catalog API to its own OpenAPI document.

schemathesis reads the document the app serves and sends generated requests for
every operation, in-process through the WSGI application, on a small seeded catalog
with a static bearer token. Each response must not be a server error and must match
the document: a documented status code, the documented content type and the
documented body schema. Runs are derandomised and small, so they are repeatable and
quick; a failure prints the request that reproduces it.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.catalog.conftest import ORG, SERVICE, register

TOKEN = "fuzzing-static-token-0123456789"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def same_connection() -> Iterator[None]:
    """Keep the test's database connection open across in-process WSGI requests.

    Django closes "old" connections when a request starts and finishes; in a test
    that would drop the transaction holding the seeded catalog. Django's own test
    client detaches the same handlers for the same reason.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(db, files, settings, same_connection) -> None:
    """A small catalog (teams, a user, a service with its API, system and database)
    and a static token that may call the API."""
    register(files.write("catalog-info.yaml", ORG + "---\n" + SERVICE))
    access = [{"type": "static", "options": {"token": TOKEN, "subject": "fuzz"}}]
    settings.APP_CONFIG = {**settings.APP_CONFIG, "backend": {"auth": {"externalAccess": access}}}


# Read from the app itself, as a client would. (Loaded when the module is collected:
# the document needs no database and no sign-in.)
schema = schemathesis.openapi.from_wsgi("/api/catalog/openapi.json", get_wsgi_application())


@schema.parametrize()
@settings(
    max_examples=75,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_catalog_api_conforms_to_its_document(case, seeded) -> None:
    """Every operation: the document's examples, its boundary cases, then generated data
    (max_examples bounds the generated part; the whole run takes seconds)."""
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, checks=CHECKS)


def _cursor(data: object) -> str:
    return base64.b64encode(json.dumps(data).encode()).decode()


HUGE = 10**20  # past 64 bits: no database can take it as OFFSET or LIMIT
# Requests the document allows that random generation rarely reaches: numbers past
# 64 bits, cursors that decode to out-of-range values, field paths that walk into a
# string or an array, and targets that cannot be parsed. Each must still get a
# documented answer (a 400 where it is refused).
HARD_REQUESTS = {
    "entities-offset-past-64-bits": ("GET /entities", {"query": {"offset": HUGE}}),
    "entities-limit-past-64-bits": ("GET /entities", {"query": {"limit": HUGE}}),
    "entities-after-negative-limit": (
        "GET /entities",
        {"query": {"after": _cursor({"limit": -5, "offset": 0})}},
    ),
    "entities-after-infinite-limit": (
        "GET /entities",
        {"query": {"after": _cursor({"limit": math.inf, "offset": 0})}},
    ),
    "entities-fields-into-a-string": ("GET /entities", {"query": {"fields": ["metadata.name.x"]}}),
    "entities-fields-into-an-array": ("GET /entities", {"query": {"fields": ["relations.type"]}}),
    "by-query-offset-past-64-bits": ("GET /entities/by-query", {"query": {"offset": HUGE}}),
    "by-query-cursor-negative-limit": (
        "GET /entities/by-query",
        {"query": {"cursor": _cursor({"offset": 0, "limit": -5})}},
    ),
    "by-query-cursor-negative-offset": (
        "GET /entities/by-query",
        {"query": {"cursor": _cursor({"offset": -5, "limit": 2})}},
    ),
    "by-query-cursor-filters-not-a-list": (
        "GET /entities/by-query",
        {"query": {"cursor": _cursor({"offset": 0, "filters": 5})}},
    ),
    "post-by-query-offset-past-64-bits": ("POST /entities/by-query", {"body": {"offset": HUGE}}),
    "by-refs-fields-not-strings": (
        "POST /entities/by-refs",
        {"body": {"entityRefs": ["user:alice"], "fields": [{}]}},
    ),
    "locations-by-query-limit-past-64-bits": (
        "POST /locations/by-query",
        {"body": {"limit": HUGE}},
    ),
    "register-file-target-with-nul": (
        "POST /locations",
        {"body": {"type": "file", "target": "/tmp/nul\x00byte"}},
    ),
    # PostgreSQL refuses NUL in text, so these fail there (SQLite stores NUL): a NUL in
    # any string that reaches a query.
    "entities-nul-in-filter": ("GET /entities", {"query": {"filter": ["kind=a\x00b"]}}),
    "facets-nul-in-facet": ("GET /entity-facets", {"query": {"facet": ["kind\x00"]}}),
    "by-name-nul": (
        "GET /entities/by-name/{kind}/{namespace}/{name}",
        {"path_parameters": {"kind": "component", "namespace": "default", "name": "a\x00"}},
    ),
    "by-refs-nul": ("POST /entities/by-refs", {"body": {"entityRefs": ["user:a\x00"]}}),
    "by-query-nul-in-predicate": (
        "POST /entities/by-query",
        {"body": {"query": {"metadata.name": "a\x00"}}},
    ),
    "locations-by-query-nul": (
        "POST /locations/by-query",
        {"body": {"query": {"target": "a\x00"}}},
    ),
    "refresh-nul": ("POST /refresh", {"body": {"entityRef": "component:default/a\x00"}}),
    "analyze-unparsable-url": (
        "POST /analyze-location",
        {"body": {"location": {"type": "url", "target": "http://["}}},
    ),
}


@pytest.mark.parametrize("name", HARD_REQUESTS)
def test_hard_requests_conform(name: str, seeded) -> None:
    """The same checks, on requests chosen by hand."""
    label, parts = HARD_REQUESTS[name]
    operation = schema.find_operation_by_label(label)
    case = operation.Case(media_type="application/json" if "body" in parts else None, **parts)
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, checks=CHECKS)
