"""The read side of the Backstage-compatible catalog API, through the test client."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.catalog.conftest import ORG, SERVICE, register

pytestmark = pytest.mark.django_db

TOKEN = "a-long-static-token-for-ci-jobs"


@pytest.fixture
def api(client, user, files, settings):
    register(files.write("catalog-info.yaml", ORG + "---\n" + SERVICE))
    client.force_login(user)
    return client


def get(api, path: str, **params):
    return api.get(f"/api/catalog{path}", params)


def names(response) -> list[str]:
    return [e["metadata"]["name"] for e in response.json()]


def test_list_with_filters_and_fields(api) -> None:
    response = get(api, "/entities", filter="kind=component,spec.type=service")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert names(response) == ["checkout"]
    either = get(api, "/entities", filter=["kind=group", "kind=user"])
    assert sorted(names(either)) == ["alice", "team-a", "team-b"]
    same_key = api.get("/api/catalog/entities?filter=kind=group,kind=user")
    assert sorted(names(same_key)) == ["alice", "team-a", "team-b"]
    tagged = get(api, "/entities", filter="metadata.tags.payments")
    assert names(tagged) == ["checkout"]
    related = get(api, "/entities", filter="relations.ownedby=group:default/team-a")
    assert {"checkout", "checkout-api", "shop"} == set(names(related))
    projected = get(api, "/entities", filter="kind=api", fields="kind,metadata.name")
    assert projected.json() == [{"kind": "API", "metadata": {"name": "checkout-api"}}]
    annotation = get(
        api,
        "/entities",
        filter="kind=api",
        fields="metadata.annotations.backstage.io/managed-by-location",
    )
    assert list(annotation.json()[0]["metadata"]["annotations"]) == [
        "backstage.io/managed-by-location"
    ]


def test_paging_with_limit_offset_order_and_after(api) -> None:
    first = get(api, "/entities", filter="kind=group,kind=user", order="asc:metadata.name", limit=2)
    assert names(first) == ["alice", "team-a"]
    link = first["Link"]
    assert link.startswith("</entities?") and link.endswith('>; rel="next"')
    query = parse_qs(urlsplit(link[1:].split(">")[0]).query)
    assert json.loads(base64.b64decode(query["after"][0])) == {"limit": 2, "offset": 2}
    second = api.get("/api/catalog/entities", query)
    assert names(second) == ["team-b"] and "Link" not in second
    desc = get(api, "/entities", filter="kind=group", order="desc:metadata.name", offset=0, limit=5)
    assert names(desc) == ["team-b", "team-a"]


def test_by_name_by_uid_and_by_refs(api) -> None:
    entity = get(api, "/entities/by-name/Component/Default/CHECKOUT").json()
    assert entity["metadata"]["name"] == "checkout"
    assert get(api, f"/entities/by-uid/{entity['metadata']['uid']}").json() == entity
    body = {
        "entityRefs": ["component:default/checkout", "group:default/ghosts", "user:alice"],
        "fields": ["metadata.name"],
    }
    response = api.post(
        "/api/catalog/entities/by-refs", json.dumps(body), content_type="application/json"
    )
    assert response.json() == {"items": [{"metadata": {"name": "checkout"}}, None, None]}


def test_facets_count_entities_per_value(api) -> None:
    response = get(api, "/entity-facets", facet=["kind", "metadata.tags"], filter="kind=component")
    assert response.json() == {
        "facets": {
            "kind": [{"value": "Component", "count": 1}],
            "metadata.tags": [{"value": "payments", "count": 1}, {"value": "python", "count": 1}],
        }
    }


def test_locations(api) -> None:
    [wrapped] = get(api, "/locations").json()
    location = wrapped["data"]
    assert location["type"] == "file" and location["entityRef"].startswith(
        "location:default/generated-"
    )
    assert get(api, f"/locations/{location['id']}").json() == location


@pytest.mark.parametrize(
    ("path", "params", "status", "name"),
    [
        ("/entities", {"filter": "=x"}, 400, "InputError"),
        ("/entities", {"limit": "0"}, 400, "InputError"),
        ("/entities", {"offset": "-1"}, 400, "InputError"),
        ("/entities", {"after": "not-base64!"}, 400, "InputError"),
        ("/entities", {"order": "sideways:name"}, 400, "InputError"),
        ("/entities", {"fields": "spec.steps[0]"}, 400, "InputError"),
        ("/entities/by-name/component/default/nope", {}, 404, "NotFoundError"),
        ("/entities/by-name/unknownkind/default/checkout", {}, 404, "NotFoundError"),
        ("/entities/by-uid/not-a-uid", {}, 404, "NotFoundError"),
        ("/entity-facets", {}, 400, "InputError"),
        ("/locations/00000000-0000-0000-0000-000000000000", {}, 404, "NotFoundError"),
    ],
)
def test_errors_have_backstage_shape(api, path, params, status, name) -> None:
    response = get(api, path, **params)
    assert response.status_code == status
    body = response.json()
    assert body["error"]["name"] == name and body["error"]["message"]
    assert body["response"] == {"statusCode": status}
    assert body["request"]["method"] == "GET" and body["request"]["url"].startswith(path)


def test_malformed_by_refs_body_is_400(api) -> None:
    response = api.post("/api/catalog/entities/by-refs", "{nope", content_type="application/json")
    assert (
        response.status_code == 400
        and "Malformed request body" in response.json()["error"]["message"]
    )


def test_without_credentials_the_api_answers_401_not_a_redirect(client, db) -> None:
    response = client.get("/api/catalog/entities")
    assert response.status_code == 401
    assert response.json()["error"]["name"] == "AuthenticationError"


def test_static_tokens_from_app_config(client, files, settings) -> None:
    register(files.write("catalog-info.yaml", SERVICE))
    settings.APP_CONFIG = {
        **settings.APP_CONFIG,
        "backend": {
            "auth": {
                "externalAccess": [{"type": "static", "options": {"token": TOKEN, "subject": "ci"}}]
            }
        },
    }
    ok = client.get("/api/catalog/entities", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert ok.status_code == 200 and len(ok.json()) == 5
    wrong = client.get("/api/catalog/entities", HTTP_AUTHORIZATION="Bearer wrong-token-wrong-token")
    assert wrong.status_code == 401 and wrong.json()["error"]["message"] == "Invalid token"


def test_paged_order_puts_entities_lacking_the_field_last(api) -> None:
    pages = [
        names(get(api, "/entities", order="asc:spec.type", limit=3, offset=offset))
        for offset in (0, 3, 6)
    ]
    ordered = [name for page in pages for name in page]
    assert ordered[:2] == ["orders-db", ordered[1]] and ordered[1].startswith("generated-")
    assert ordered[2:] == ["checkout-api", "checkout", "team-a", "team-b", "shop", "alice"]
    desc = names(get(api, "/entities", order="desc:spec.type", limit=20))
    assert desc[:3] == ["team-a", "team-b", "checkout"] and desc[-2:] == ["shop", "alice"]
    two = names(get(api, "/entities", order=["asc:kind", "desc:metadata.name"], limit=3))
    assert two == ["checkout-api", "checkout", "team-b"]


def test_disabling_the_default_auth_policy_lets_anonymous_callers_in(client, db, settings) -> None:
    settings.APP_CONFIG = {
        **settings.APP_CONFIG,
        "backend": {"auth": {"dangerouslyDisableDefaultAuthPolicy": True}},
    }
    assert client.get("/api/catalog/entities").status_code == 200
    wrong = client.get("/api/catalog/entities", HTTP_AUTHORIZATION="Bearer wrong-token-wrong-token")
    assert wrong.status_code == 401, "a wrong token is still refused"


def test_entities_not_yet_stitched_are_never_served(api) -> None:
    from catalog.models import Entity, EntityField

    # As the writer leaves a new entity until the stitcher serves it: no JSON, no
    # field-index rows.
    Entity.objects.filter(ref="component:default/checkout").update(etag="", final_json="")
    EntityField.objects.filter(entity__ref="component:default/checkout").delete()
    assert "checkout" not in names(get(api, "/entities"))
    assert "checkout" not in names(get(api, "/entities", filter="kind=component"))
    counted = get(api, "/entities/by-query", filter="kind=component").json()
    assert counted == {"items": [], "totalItems": 0, "pageInfo": {}}
    everything = get(api, "/entities/by-query", limit=0).json()["totalItems"]
    assert everything == Entity.objects.exclude(etag="").count()


def test_query_count_does_not_depend_on_the_result_size(api, django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(4):
        get(api, "/entities")
    with django_assert_max_num_queries(4):
        get(api, "/entity-facets", facet="kind")


def test_by_query_pages_with_cursors_to_the_end(api) -> None:
    first = get(
        api,
        "/entities/by-query",
        filter="kind=group,kind=user",
        orderField="metadata.name,asc",
        limit=2,
    ).json()
    assert [e["metadata"]["name"] for e in first["items"]] == ["alice", "team-a"]
    assert first["totalItems"] == 3 and "prevCursor" not in first["pageInfo"]
    second = get(api, "/entities/by-query", cursor=first["pageInfo"]["nextCursor"]).json()
    assert [e["metadata"]["name"] for e in second["items"]] == ["team-b"]
    assert "nextCursor" not in second["pageInfo"] and second["totalItems"] == 3
    back = get(api, "/entities/by-query", cursor=second["pageInfo"]["prevCursor"]).json()
    assert back["items"] == first["items"]


def test_full_text_with_many_hits_gives_the_same_answer(api, monkeypatch) -> None:
    params = {"fullTextFilterTerm": "e", "fullTextFilterFields": "metadata.name", "limit": 2}
    inline = get(api, "/entities/by-query", **params).json()
    monkeypatch.setattr("catalog.api.query.INLINE_HITS", 1)
    assert get(api, "/entities/by-query", **params).json() == inline
    assert inline["totalItems"] >= 3


def test_by_query_full_text_order_and_exclude_total(api) -> None:
    found = get(
        api,
        "/entities/by-query",
        fullTextFilterTerm="CHECK",
        fullTextFilterFields="metadata.name",
        totalItems="exclude",
    ).json()
    assert sorted(e["metadata"]["name"] for e in found["items"]) == ["checkout", "checkout-api"]
    assert found["totalItems"] == 0
    desc = get(
        api,
        "/entities/by-query",
        filter="kind=group",
        orderField="metadata.name,desc",
        fields="metadata.name",
    ).json()
    assert desc["items"] == [{"metadata": {"name": "team-b"}}, {"metadata": {"name": "team-a"}}]
    by_uid = get(api, "/entities/by-query", limit=100).json()
    uids = [e["metadata"]["uid"] for e in by_uid["items"]]
    assert uids == sorted(uids) and by_uid["totalItems"] == len(uids)


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "%%%"},
        {"cursor": "e30="},
        {"limit": "-1"},
        {"limit": "100000"},
        {"orderField": "name,sideways"},
    ],
)
def test_by_query_rejects_bad_input(api, params) -> None:
    response = get(api, "/entities/by-query", **params)
    assert response.status_code == 400 and response.json()["error"]["name"] == "InputError"


def test_admin_issued_tokens_work_until_revoked(client, files, user) -> None:
    from django.utils import timezone

    from portal.models import ApiToken

    register(files.write("catalog-info.yaml", SERVICE))
    row, token = ApiToken.issue("ci sync", user)
    assert token.startswith("grt_") and token not in row.digest
    ok = client.get("/api/catalog/entities", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert ok.status_code == 200
    row.refresh_from_db()
    assert row.last_used is not None
    ApiToken.objects.filter(pk=row.pk).update(revoked=timezone.now())
    revoked = client.get("/api/catalog/entities", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert revoked.status_code == 401


def test_admin_shows_a_new_token_once(client, staff_user, user) -> None:
    from portal.models import ApiToken

    client.force_login(staff_user)
    response = client.post(
        "/admin/portal/apitoken/add/", {"name": "ci", "user": user.pk}, follow=True
    )
    html = response.content.decode()
    assert "it will not be shown again: grt_" in html
    token = html.split("it will not be shown again: ")[1].split("<")[0].strip()
    assert ApiToken.objects.get().digest == ApiToken.hash(token)
    listing = client.get("/admin/portal/apitoken/").content.decode()
    assert token not in listing
