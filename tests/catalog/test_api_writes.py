"""Catalog API endpoints that register, refresh, delete, trace and validate."""

from __future__ import annotations

import json

import pytest

from catalog.models import Entity, Location
from tests.catalog.conftest import ORG, SERVICE, register
from tests.catalog.conftest import post_json as post

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(token_api):
    return token_api


def test_register_a_location_dry_run_then_for_real_then_conflict(api, files) -> None:
    path = str(files.write("catalog-info.yaml", ORG + "---\n" + SERVICE))
    dry = post(api, "/locations", {"type": "file", "target": path}, dryRun="true")
    assert dry.status_code == 201
    body = dry.json()
    assert body["exists"] is False and body["location"]["id"] == f"file:{path}"
    assert len(body["entities"]) == 8 and not Entity.objects.exists()
    created = post(api, "/locations", {"type": "file", "target": path})
    assert created.status_code == 201
    location = created.json()["location"]
    assert (
        location["type"] == "file"
        and Entity.objects.filter(ref="component:default/checkout").exists()
    )
    again = post(api, "/locations", {"type": "file", "target": path})
    assert again.status_code == 409 and again.json()["error"]["name"] == "ConflictError"
    refreshed = post(api, "/locations", {"type": "file", "target": path}, onConflict="refresh")
    assert refreshed.status_code == 201 and refreshed.json()["location"]["id"] == location["id"]


@pytest.mark.parametrize(
    "body",
    [{"type": "file"}, {"type": "file", "target": "x", "extra": 1}, [], {"type": 1, "target": "x"}],
)
def test_bad_location_bodies_are_400(api, body) -> None:
    assert post(api, "/locations", body).status_code == 400


def test_dry_run_reports_problems(api, files) -> None:
    path = str(files.write("bad.yaml", "kind: [oops\n"))
    response = post(api, "/locations", {"type": "file", "target": path}, dryRun="true")
    assert response.status_code == 400 and "YAML" in response.json()["error"]["message"]


def test_delete_location_and_entity_and_unknown_ids(api, files) -> None:
    location = register(files.write("catalog-info.yaml", SERVICE))
    uid = str(Entity.objects.get(ref="api:default/checkout-api").uid)
    assert api.delete(f"/api/catalog/entities/by-uid/{uid}").status_code == 204
    assert not Entity.objects.filter(ref="api:default/checkout-api").exists()
    assert api.delete("/api/catalog/entities/by-uid/unknown").status_code == 204
    assert api.delete(f"/api/catalog/locations/{location.pk}").status_code == 204
    assert not Location.objects.exists() and not Entity.objects.exists()
    missing = api.delete(f"/api/catalog/locations/{location.pk}")
    assert missing.status_code == 404


def test_location_by_entity_and_ancestry(api, files) -> None:
    location = register(files.write("catalog-info.yaml", SERVICE))
    found = api.get("/api/catalog/locations/by-entity/component/default/checkout").json()
    assert found["id"] == str(location.pk)
    tree = api.get("/api/catalog/entities/by-name/component/default/checkout/ancestry").json()
    # Backstage's rootEntityRef is the entity asked about; the walk ends at the top.
    assert tree["rootEntityRef"] == "component:default/checkout"
    assert [i["entity"]["kind"] for i in tree["items"]] == ["Component", "Location"]
    top = tree["items"][-1]["entity"]["metadata"]["name"]
    assert top.startswith("generated-")
    assert tree["items"][0]["parentEntityRefs"] == [f"location:default/{top}"]
    assert (
        api.get("/api/catalog/entities/by-name/component/default/nope/ancestry").status_code == 404
    )


def test_refresh_queues_a_job(api, files, django_capture_on_commit_callbacks, monkeypatch) -> None:
    from portal import jobs
    from portal.models import Job

    register(files.write("catalog-info.yaml", SERVICE))
    sent = []
    monkeypatch.setattr(jobs, "_send", lambda job: sent.append(job.pk))
    with django_capture_on_commit_callbacks(execute=True):
        response = post(api, "/refresh", {"entityRef": "component:default/checkout"})
    assert response.status_code == 200
    assert Job.objects.get(pk=sent[0]).runner == "catalog.refresh_location"
    unknown = post(api, "/refresh", {"entityRef": "component:default/nope"})
    assert unknown.status_code == 404
    assert (
        unknown.json()["error"]["message"]
        == "Failed to schedule component:default/nope for refresh"
    )


def test_validate_entity(api) -> None:
    good = {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {"name": "ok"},
        "spec": {"type": "service", "lifecycle": "x", "owner": "y"},
    }
    assert (
        post(api, "/validate-entity", {"entity": good, "location": "url:https://x/y"}).status_code
        == 200
    )
    bad = {**good, "metadata": {"name": "not ok!"}}
    response = post(api, "/validate-entity", {"entity": bad, "location": "url:https://x/y"})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert "metadata.name" in error["message"]


def test_session_writes_need_the_csrf_token(files, user, settings) -> None:
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    path = str(files.write("catalog-info.yaml", SERVICE))
    response = browser.post(
        "/api/catalog/locations",
        json.dumps({"type": "file", "target": path}),
        content_type="application/json",
    )
    assert response.status_code == 403 and response.json()["error"]["name"] == "NotAllowedError"
    reads = browser.post(
        "/api/catalog/entities/by-refs",
        json.dumps({"entityRefs": []}),
        content_type="application/json",
    )
    assert reads.status_code == 200


def test_wrong_method_is_405(api) -> None:
    response = api.put("/api/catalog/entities/by-uid/x")
    assert response.status_code == 405 and response["Allow"] == "GET, DELETE"


@pytest.mark.parametrize(
    ("location_type", "target", "says"),
    [
        ("file", "/etc/passwd", "catalog.readableDirectories"),
        ("file", "/proc/self/fd/5", "catalog.readableDirectories"),
        ("url", "https://elsewhere.example.com/catalog-info.yaml", "backend.reading.allow"),
        ("url", "ftp://example.com/x.yaml", "only http and https"),
        ("git", "https://elsewhere.example.com/r.git#main:catalog-info.yaml",
         "backend.reading.allow"),
        ("git", "file:///etc#main:passwd", "catalog.readableDirectories"),
    ],
)
def test_a_location_the_reading_policy_forbids_is_refused_before_it_is_stored(
    api, files, location_type, target, says
) -> None:
    """Backstage stores any target and reports later; a target Greenroom may never read
    is refused with the reason and the setting to change, and nothing is stored."""
    created = post(api, "/locations", {"type": location_type, "target": target})
    assert created.status_code == 400, created.content
    error = created.json()["error"]
    assert error["name"] == "InputError" and says in error["message"]
    assert not Location.objects.exists()
    location = register(files.write("catalog-info.yaml", SERVICE))
    moved = post(api, f"/locations/{location.pk}", {"type": location_type, "target": target},
                 method="put")  # fmt: skip
    assert moved.status_code == 400 and says in moved.json()["error"]["message"]
    location.refresh_from_db()
    assert location.type == "file" and location.target.endswith("catalog-info.yaml")
    assert Entity.objects.filter(ref="component:default/checkout").exists()


def test_a_readable_location_with_broken_content_is_stored_as_backstage_does(api, files) -> None:
    """Content problems are the location's to show (201), as in Backstage; only what the
    policy forbids outright is refused."""
    path = str(files.write("broken.yaml", "kind: [oops\n"))
    created = post(api, "/locations", {"type": "file", "target": path})
    assert created.status_code == 201
    location = Location.objects.get()
    assert "YAML" in (location.last_error or "") or location.problems
