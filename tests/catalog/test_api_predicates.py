"""The POST query forms (filter predicates), moving a location, and analysing one."""

from __future__ import annotations

import base64
import json

import pytest

from catalog.model.errors import ReadError
from catalog.models import Entity, Location
from catalog.readers import ReadResult
from tests.catalog.conftest import ORG, SERVICE, location_doc, post_json, register

pytestmark = pytest.mark.django_db

COMPONENT = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {{name: {name}}}
spec: {{type: service, lifecycle: production, owner: team-a}}
"""


@pytest.fixture
def api(token_api, files):
    register(files.write("catalog-info.yaml", ORG + "---\n" + SERVICE))
    return token_api


def refs(api, query, **body) -> set[str]:
    response = post_json(api, "/entities/by-query", {"query": query, **body})
    assert response.status_code == 200, response.content
    return {f"{e['kind']}:{e['metadata']['name']}".lower() for e in response.json()["items"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "component"}, {"component:checkout"}),
        ({"kind": "Group", "metadata.name": "team-b"}, {"group:team-b"}),
        ({"kind": {"$in": ["group", "USER"]}}, {"group:team-a", "group:team-b", "user:alice"}),
        ({"metadata.name": {"$hasPrefix": "CHECK"}}, {"component:checkout", "api:checkout-api"}),
        ({"metadata.tags": {"$contains": "payments"}}, {"component:checkout"}),
        ({"spec.system": {"$exists": True}}, {"component:checkout"}),
        (
            {"$all": [{"spec.owner": {"$exists": True}}, {"$not": {"kind": "api"}}]},
            {"component:checkout", "system:shop", "resource:orders-db"},
        ),
        ({"$any": [{"kind": "user"}, {"metadata.name": "shop"}]}, {"user:alice", "system:shop"}),
        ({"$any": []}, set()),
        (
            {"relations": {"$contains": {"type": "ownedBy", "targetRef": "group:default/team-b"}}},
            {"resource:orders-db"},
        ),
        (
            {"relations": {"$contains": {"type": "memberOf"}}},
            {"user:alice"},
        ),
        (
            {
                "relations": {
                    "$contains": {
                        "type": "ownedby",
                        "targetRef": {"$in": ["group:default/team-a", "group:default/team-b"]},
                    }
                },
                "kind": "system",
            },
            {"system:shop"},
        ),
    ],
)
def test_predicates_select_through_the_field_index(api, query, expected) -> None:
    assert refs(api, query) == expected


def test_empty_predicates_match_everything(api) -> None:
    everything = refs(api, {})
    assert len(everything) == Entity.objects.count()
    assert refs(api, {"$all": []}) == everything


def test_by_query_body_orders_pages_and_counts(api) -> None:
    body = {
        "query": {"kind": {"$in": ["group", "user"]}},
        "orderBy": [{"field": "metadata.name", "order": "desc"}],
        "fields": ["metadata.name"],
        "limit": 2,
    }
    first = post_json(api, "/entities/by-query", body).json()
    assert first["items"] == [{"metadata": {"name": "team-b"}}, {"metadata": {"name": "team-a"}}]
    assert first["totalItems"] == 3
    carried = json.loads(base64.b64decode(first["pageInfo"]["nextCursor"]))
    assert carried["query"] == body["query"], "Backstage's client looks for query"
    second = post_json(
        api,
        "/entities/by-query",
        {"cursor": first["pageInfo"]["nextCursor"], "fields": ["metadata.name"]},
    ).json()
    assert second["items"] == [{"metadata": {"name": "alice"}}]
    assert "nextCursor" not in second["pageInfo"] and "prevCursor" in second["pageInfo"]
    text = {
        "fullTextFilter": {"term": " Checkout-A ", "fields": ["metadata.name"]},
        "totalItems": "exclude",
    }
    found = post_json(api, "/entities/by-query", text).json()
    assert [e["metadata"]["name"] for e in found["items"]] == ["checkout-api"]
    assert found["totalItems"] == 0


@pytest.mark.parametrize(
    "body",
    [
        {"query": "component"},
        {"query": {"$all": {"kind": "api"}}},
        {"query": {"$all": [], "$any": []}},
        {"query": {"kind": ["api"]}},
        {"query": {"kind": {"$unknown": 1}}},
        {"query": {"kind": {"$in": "api"}}},
        {"query": {"relations": {"$contains": {"targetRef": "group:default/team-a"}}}},
        {"query": {"relations": {"$contains": {"type": "ownedBy", "targetRef": {"$in": []}}}}},
        {"query": {"spec.owner": {"$contains": {"type": "ownedBy"}}}},
        {"orderBy": [{"field": "metadata.name", "order": "sideways"}]},
        {"limit": -1},
        {"limit": 10_001},
        {"limit": "20"},
        {"cursor": ""},
        {"cursor": "bm90LWpzb24="},
        {"totalItems": "maybe"},
        {"fullTextFilter": {"term": 5}},
        {"fields": "kind"},
        [],
    ],
)
def test_invalid_bodies_are_400_input_errors(api, body) -> None:
    response = post_json(api, "/entities/by-query", body)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["name"] == "InputError"


def test_invalid_json_is_a_400(api) -> None:
    response = api.post("/api/catalog/entities/by-query", "{no", content_type="application/json")
    assert response.status_code == 400
    assert "Malformed request body" in response.json()["error"]["message"]


def test_facets_with_a_predicate(api) -> None:
    response = post_json(
        api,
        "/entity-facets",
        {"facets": ["kind", "metadata.tags"], "query": {"spec.owner": "team-a"}},
    )
    assert response.json() == {
        "facets": {
            "kind": [
                {"value": "API", "count": 1},
                {"value": "Component", "count": 1},
                {"value": "System", "count": 1},
            ],
            "metadata.tags": [{"value": "payments", "count": 1}, {"value": "python", "count": 1}],
        }
    }
    unfiltered = post_json(api, "/entity-facets", {"facets": ["kind"]}).json()
    assert sum(b["count"] for b in unfiltered["facets"]["kind"]) == Entity.objects.count()
    for bad in ({"facets": []}, {"facets": [""]}, {}, {"facets": ["kind"], "query": 3}):
        assert post_json(api, "/entity-facets", bad).status_code == 400


def test_by_refs_with_a_predicate(api) -> None:
    body = {
        "entityRefs": ["component:default/checkout", "api:default/checkout-api"],
        "query": {"kind": "api"},
        "fields": ["kind"],
    }
    assert post_json(api, "/entities/by-refs", body).json() == {"items": [None, {"kind": "API"}]}


def test_locations_by_query_pages_by_id(api, files) -> None:
    for name in ("a", "b", "c"):
        register(files.write(f"{name}.yaml", ""))
    response = post_json(api, "/locations/by-query", {"limit": 2, "query": {"type": "FILE"}})
    first = response.json()
    assert first["totalItems"] == 4 and len(first["items"]) == 2
    assert [i["id"] for i in first["items"]] == sorted(i["id"] for i in first["items"])
    rest = post_json(api, "/locations/by-query", {"cursor": first["pageInfo"]["nextCursor"]}).json()
    ids = [i["id"] for i in first["items"] + rest["items"]]
    assert len(set(ids)) == 4 and "nextCursor" not in rest["pageInfo"]
    target = str(files.root / "b.yaml")
    one = post_json(api, "/locations/by-query", {"query": {"target": {"$hasPrefix": target}}})
    assert [i["target"] for i in one.json()["items"]] == [target]
    location = Location.objects.get(target=target)
    by_ref = post_json(api, "/locations/by-query", {"query": {"entityRef": location.entity_ref}})
    by_id = post_json(
        api, "/locations/by-query", {"query": {"id": {"$in": [str(location.pk), "not-a-uuid"]}}}
    )
    assert by_ref.json()["items"] == by_id.json()["items"] == one.json()["items"]
    assert post_json(api, "/locations/by-query", {"query": {"owner": "x"}}).status_code == 400
    assert post_json(api, "/locations/by-query", {"limit": 0}).status_code == 400
    assert post_json(api, "/locations/by-query", {"cursor": "e30="}).status_code == 400


def test_put_moves_a_location_and_keeps_its_id_and_entity(api, files) -> None:
    old = files.write("old.yaml", location_doc("old-list", "./gone.yaml"))
    files.write("gone.yaml", COMPONENT.format(name="gone"))
    new = files.write("new.yaml", COMPONENT.format(name="moved"))
    location = register(old)
    entity_ref = location.entity_ref
    response = post_json(
        api, f"/locations/{location.pk}", {"type": "file", "target": str(new)}, method="put"
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "id": str(location.pk),
        "type": "file",
        "target": str(new),
        "entityRef": entity_ref,
    }
    provided = set(
        Entity.objects.filter(location=location, orphan=False).values_list("ref", flat=True)
    )
    assert {entity_ref, "component:default/moved"} <= provided
    assert "component:default/gone" not in provided


def test_put_errors(api, files) -> None:
    location = Location.objects.first()
    other = register(files.write("other.yaml", ""))
    put = lambda path, body: post_json(api, path, body, method="put")  # noqa: E731
    taken = put(f"/locations/{location.pk}", {"type": "file", "target": other.target})
    assert taken.status_code == 409
    missing = put("/locations/00000000-0000-0000-0000-000000000000", {"type": "url", "target": "x"})
    assert (
        missing.status_code == 404
        and put("/locations/nope", {"type": "url", "target": "x"}).status_code == 404
    )
    assert put(f"/locations/{location.pk}", {"type": "ftp", "target": "x"}).status_code == 400
    assert put(f"/locations/{location.pk}", {"target": "x"}).status_code == 400
    assert Location.objects.get(pk=location.pk).target == location.target


def test_analyze_a_catalog_file(api, files) -> None:
    path = files.write("svc.yaml", SERVICE)
    response = post_json(
        api, "/analyze-location", {"location": {"type": "file", "target": str(path)}}
    )
    body = response.json()
    assert response.status_code == 200 and body["generateEntities"] == []
    names = sorted(item["entity"]["metadata"]["name"] for item in body["existingEntityFiles"])
    assert names == ["checkout", "checkout-api", "orders-db", "shop"]
    first = body["existingEntityFiles"][0]
    assert first["location"] == {"type": "file", "target": str(path)}
    assert first["isRegistered"] is False
    in_dir = post_json(
        api, "/analyze-location", {"location": {"type": "file", "target": str(files.root)}}
    )
    assert in_dir.json()["existingEntityFiles"][0]["isRegistered"] is True


def test_analyze_errors(api, files) -> None:
    bad = files.write("bad.yaml", "kind: Component\nmetadata: {name: x}\n")
    invalid = post_json(
        api, "/analyze-location", {"location": {"type": "file", "target": str(bad)}}
    )
    assert invalid.status_code == 400 and "apiVersion" in invalid.json()["error"]["message"]
    not_url = post_json(api, "/analyze-location", {"location": {"type": "url", "target": "nope"}})
    assert not_url.status_code == 400
    assert not_url.json()["error"]["message"] == "The given location.target is not a URL"
    for body in (
        {},
        {"location": {"type": "url"}},
        {"location": {"type": "file", "target": "x"}, "catalogFilename": "../x"},
    ):
        assert post_json(api, "/analyze-location", body).status_code == 400


def _repository(monkeypatch, files_by_url: dict[str, str]) -> list[str]:
    """Serve ``files_by_url`` to the url reader; every other URL is missing."""
    asked: list[str] = []

    def read(kind, url, policy):
        asked.append(url)
        if url not in files_by_url:
            raise ReadError(f"{url} not found", not_found=True)
        return ReadResult(files_by_url[url].encode(), url)

    monkeypatch.setattr("catalog.ingestion.analyze.read", read)
    return asked


def test_analyze_a_repository_without_a_catalog_file_proposes_a_component(api, monkeypatch):
    asked = _repository(monkeypatch, {})
    body = {"location": {"type": "url", "target": "https://github.com/acme/pay-service.git"}}
    response = post_json(api, "/analyze-location", body)
    assert asked == ["https://github.com/acme/pay-service/blob/HEAD/catalog-info.yaml"]
    assert response.json() == {
        "existingEntityFiles": [],
        "generateEntities": [
            {
                "entity": {
                    "apiVersion": "backstage.io/v1alpha1",
                    "kind": "Component",
                    "metadata": {
                        "name": "pay-service",
                        "annotations": {"github.com/project-slug": "acme/pay-service"},
                    },
                    "spec": {"type": "other", "lifecycle": "unknown"},
                },
                "fields": [],
            }
        ],
    }


def test_analyze_a_repository_with_a_catalog_file(api, monkeypatch):
    url = "https://git.example.com/acme/shop/blob/main/.backstage/info.yaml"
    _repository(monkeypatch, {url: SERVICE})
    body = {
        "location": {"type": "url", "target": "https://git.example.com/acme/shop/tree/main"},
        "catalogFilename": ".backstage/info.yaml",
    }
    found = post_json(api, "/analyze-location", body).json()
    assert found["generateEntities"] == [] and len(found["existingEntityFiles"]) == 4
    assert found["existingEntityFiles"][0]["location"] == {"type": "url", "target": url}


def test_analyze_never_tells_whether_an_outside_path_is_a_directory(api, files, tmp_path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    answers = [
        post_json(api, "/analyze-location", {"location": {"type": "file", "target": str(path)}})
        for path in (outside, tmp_path / "no-such-thing")
    ]
    assert [a.status_code for a in answers] == [400, 400]
    messages = [a.json()["error"]["message"].replace(str(p), "<path>")
                for a, p in zip(answers, (outside, tmp_path / "no-such-thing"), strict=True)]
    assert messages[0] == messages[1] and "outside the allowed directories" in messages[0]
