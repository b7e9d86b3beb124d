"""Every JSON endpoint answers in Backstage's error shape (``{"error": {"name",
"message"}, "request": {"method", "url"}, "response": {"statusCode"}}``), whatever
goes wrong: JSON bodies and cursors nested too deeply to parse (a 400, not a
``RecursionError``), bodies over Django's size limit (413), too many query
parameters (400) and unexpected failures (500, without the exception's text)."""

from __future__ import annotations

import base64
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from catalog import services
from tests.catalog.conftest import SERVICE, register

pytestmark = pytest.mark.django_db

DEEP = "[" * 100_000 + "]" * 100_000
DEEP_CURSOR = base64.b64encode(DEEP.encode()).decode()


def _backstage_error(response, status: int, name: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["error"]["name"] == name and body["error"]["message"]
    assert body["request"]["method"] and body["request"]["url"]
    assert body["response"] == {"statusCode": status}
    return body


JSON_ENDPOINTS = [
    ("post", "/api/catalog/entities/by-query"),
    ("post", "/api/catalog/entities/by-refs"),
    ("post", "/api/catalog/entity-facets"),
    ("post", "/api/catalog/locations"),
    ("put", f"/api/catalog/locations/{uuid.uuid4()}"),
    ("post", "/api/catalog/locations/by-query"),
    ("post", "/api/catalog/analyze-location"),
    ("post", "/api/catalog/refresh"),
    ("post", "/api/catalog/validate-entity"),
    ("post", "/api/scaffolder/v2/dry-run"),
    ("post", "/api/scaffolder/v2/tasks"),
]


@pytest.mark.parametrize(("method", "path"), JSON_ENDPOINTS)
def test_deeply_nested_bodies_are_input_errors(token_api, method, path) -> None:
    response = getattr(token_api, method)(path, DEEP, content_type="application/json")
    _backstage_error(response, 400, "InputError")


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/api/catalog/entities", {"after": DEEP_CURSOR}),
        ("get", "/api/catalog/entities/by-query", {"cursor": DEEP_CURSOR}),
        ("post", "/api/catalog/entities/by-query", {"cursor": DEEP_CURSOR}),
        ("post", "/api/catalog/locations/by-query", {"cursor": DEEP_CURSOR}),
    ],
)
def test_deeply_nested_cursors_are_input_errors(token_api, method, path, data) -> None:
    if method == "get":
        response = token_api.get(path, data)
    else:
        response = token_api.post(path, data, content_type="application/json")
    _backstage_error(response, 400, "InputError")


def test_a_body_over_the_size_limit_is_payload_too_large(token_api, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = '{"type": "url", "target": "https://example.com/' + "x" * 2048 + '"}'
    response = token_api.post("/api/catalog/locations", body, content_type="application/json")
    _backstage_error(response, 413, "PayloadTooLargeError")


def test_too_many_query_parameters_are_an_input_error(token_api) -> None:
    response = token_api.get("/api/catalog/entities", {f"p{i}": "x" for i in range(1001)})
    _backstage_error(response, 400, "InputError")


def _failing(monkeypatch, error: Exception) -> None:
    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr(services, "request_refresh", broken)


def _refresh(api):
    return api.post("/api/catalog/refresh", {"entityRef": "component:default/checkout"},
                    content_type="application/json")  # fmt: skip


def test_an_unexpected_failure_is_a_json_500_without_its_text(
    token_api, files, monkeypatch, caplog
) -> None:
    register(files.write("catalog-info.yaml", SERVICE))
    _failing(monkeypatch, RuntimeError("internal detail /srv/secret"))
    response = _refresh(token_api)
    body = _backstage_error(response, 500, "Error")
    assert "secret" not in response.content.decode()
    assert body["request"] == {"method": "POST", "url": "/refresh"}
    assert "internal detail" in caplog.text  # the traceback is in the server log


@pytest.mark.parametrize(
    ("error", "status", "name"),
    [(Http404(), 404, "NotFoundError"), (PermissionDenied(), 403, "NotAllowedError")],
)
def test_djangos_own_errors_answer_in_backstages_words(token_api, monkeypatch, error, status,
                                                       name) -> None:  # fmt: skip
    _failing(monkeypatch, error)
    _backstage_error(_refresh(token_api), status, name)
