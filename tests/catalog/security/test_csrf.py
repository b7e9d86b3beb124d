"""Another site cannot drive the API through a signed-in browser. Endpoints that
change the catalog need the CSRF token from a session; the others (queries, and
``analyze-location``, which reads from the network on the caller's behalf) read a body
only when it is sent as JSON, which a cross-site page cannot send without a CORS
preflight: a ``text/plain`` or form post, which it can, is refused untouched."""

from __future__ import annotations

import json

import pytest

from catalog import services

pytestmark = pytest.mark.django_db

ANALYZE = {"location": {"type": "url", "target": "https://example.com/org/repo"}}


@pytest.fixture
def analyzed(monkeypatch) -> list[tuple]:
    calls: list[tuple] = []

    def analyze_location(*args, **kwargs):
        calls.append(args)
        raise services.LocationError("stopped here")

    monkeypatch.setattr(services, "analyze_location", analyze_location)
    return calls


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (json.dumps(ANALYZE), "text/plain"),
        (json.dumps(ANALYZE), "text/plain;charset=UTF-8"),
        ("location=x", "application/x-www-form-urlencoded"),
    ],
)
def test_a_cross_site_post_cannot_make_a_session_analyze(signed_in, analyzed, data,
                                                         content_type) -> None:  # fmt: skip
    response = signed_in.post("/api/catalog/analyze-location", data, content_type=content_type)
    assert response.status_code == 400
    assert "application/json" in response.json()["error"]["message"]
    assert analyzed == []


def test_a_json_request_from_the_portal_itself_is_analyzed(signed_in, analyzed) -> None:
    response = signed_in.post("/api/catalog/analyze-location", ANALYZE,
                              content_type="application/json")  # fmt: skip
    assert response.json()["error"]["message"] == "stopped here"
    assert analyzed == [("url", "https://example.com/org/repo", "")]


@pytest.mark.parametrize("path", ["/api/catalog/entities/by-query", "/api/catalog/entities/by-refs",
                                  "/api/catalog/entity-facets",
                                  "/api/catalog/validate-entity"])  # fmt: skip
def test_no_endpoint_reads_a_body_that_is_not_json(signed_in, path) -> None:
    response = signed_in.post(path, '{"entityRefs": [], "facets": ["kind"]}',
                              content_type="text/plain")  # fmt: skip
    assert response.status_code == 400
    assert response.json()["error"]["name"] == "InputError"
