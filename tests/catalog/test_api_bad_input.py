"""Hostile and malformed requests: each is a 400 with Backstage's error body, never a
500, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import base64
import json

import pytest

from tests.catalog.conftest import ORG, SERVICE, post_json, register

pytestmark = pytest.mark.django_db


def cursor(data) -> str:
    return base64.b64encode(json.dumps(data).encode()).decode()


@pytest.fixture
def api(token_api, files):
    register(files.write("catalog-info.yaml", ORG + "---\n" + SERVICE))
    return token_api


HUGE = 10**20

GETS = [
    "/entities?offset=" + str(HUGE),
    "/entities?limit=" + str(HUGE),
    "/entities?after=" + cursor({"limit": -5, "offset": 0}),
    "/entities?after=" + base64.b64encode(b'{"limit": Infinity, "offset": 0}').decode(),
    "/entities/by-query?offset=" + str(HUGE),
    "/entities/by-query?limit=10001",
    "/entities/by-query?cursor=" + cursor({"offset": -1, "limit": 20}),
    "/entities/by-query?cursor=" + cursor({"offset": 0, "limit": -1}),
    "/entities/by-query?cursor=" + cursor({"offset": 0, "filters": 5}),
    "/entities/by-query?cursor=not-base64!",
    "/entity-facets?facet=spec.type%00",
    "/entities?filter=kind=comp%00onent",
    "/entities?filter==x",
    "/entities?fields=spec.steps[0]",
    "/entities?order=sideways:name",
]

POSTS = [
    ("/entities/by-refs", {"entityRefs": ["component:default/checkout"], "fields": [{}]}),
    ("/entities/by-refs", {"entityRefs": ["component:default/checkout"], "fields": 5}),
    ("/entities/by-refs", {"entityRefs": ["component:default/check\u0000out"]}),
    ("/entities/by-query", {"offset": HUGE}),
    ("/entities/by-query", {"query": {"kind": "comp\u0000onent"}}),
    ("/locations/by-query", {"limit": HUGE}),
    ("/locations", {"type": "file", "target": "/tmp/nul\u0000byte"}),
    ("/analyze-location", {"location": {"type": "url", "target": "http://["}}),
    ("/refresh", {"entityRef": "component:default/a\u0000b"}),
]


@pytest.mark.parametrize("path", GETS)
def test_bad_query_strings_are_400(api, path) -> None:
    response = api.get("/api/catalog" + path)
    assert response.status_code == 400, (path, response.content[:300])
    assert response.json()["error"]["name"] == "InputError"


@pytest.mark.parametrize(("path", "body"), POSTS)
def test_bad_bodies_are_400(api, path, body) -> None:
    response = post_json(api, path, body)
    assert response.status_code == 400, (path, response.content[:300])
    assert response.json()["error"]["name"] == "InputError"


def test_a_nul_in_a_path_names_nothing(api) -> None:
    for path in ("/entities/by-name/component/default/check%00out", "/locations/a%00b"):
        response = api.get("/api/catalog" + path)
        assert response.status_code == 404 and response.json()["error"]["name"] == "NotFoundError"


def test_unknown_api_paths_are_json_404s(api) -> None:
    response = api.get("/api/catalog/entities/by-nothing")
    assert response.status_code == 404 and response.json()["error"]["name"] == "NotFoundError"


def test_validate_entity_needs_a_location_ref(api) -> None:
    entity = {"apiVersion": "backstage.io/v1alpha1", "kind": "Group",
              "metadata": {"name": "x"}, "spec": {"type": "team", "children": []}}  # fmt: skip
    for location in ("nowhere", "ftp:x", "url:"):
        body = {"entity": entity, "location": location}
        assert post_json(api, "/validate-entity", body).status_code == 400, location


def test_fields_through_a_string_or_an_array_leave_nothing(api) -> None:
    response = api.get(
        "/api/catalog/entities",
        {"filter": "kind=component", "fields": "metadata.name.x,relations.type,kind"},
    )
    assert response.json() == [{"kind": "Component"}]
