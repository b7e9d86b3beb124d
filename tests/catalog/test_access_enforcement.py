"""The rules enforced on real requests, pages and APIs alike: lists, facets and search
leave out what a user may not see; a role given counts from the next request; the
Access page. Every route against every permission: ``tests/portal/access/test_route_matrix.py``."""

from __future__ import annotations

import pytest

from portal.access.models import RoleAssignment
from tests.catalog.conftest import register
from tests.support.teams import TEAMS

pytestmark = pytest.mark.django_db

#: Components of other teams are invisible to everyone but their owners.
ONLY_OWN = {"rules": [{"permission": "catalog.entity.read", "decision": "deny",
                       "when": {"kind": ["component"], "ownedByMe": False}},
                      {"permission": "techdocs.read", "decision": "deny",
                       "when": {"kind": ["component"], "ownedByMe": False}}]}  # fmt: skip


@pytest.fixture
def limited(signed_in, files, settings):
    register(files.write("teams.yaml", TEAMS))
    settings.APP_CONFIG = {**settings.APP_CONFIG, "permission": ONLY_OWN}
    return signed_in


def test_the_api_answers_404_in_backstages_shape(limited) -> None:
    answer = limited.get("/api/catalog/entities/by-name/component/default/theirs")
    assert answer.status_code == 404 and answer.json()["error"]["name"] == "NotFoundError"
    assert limited.get("/api/catalog/entities/by-name/component/default/mine").status_code == 200


def test_a_role_given_counts_from_the_next_request(signed_in, user, settings) -> None:
    settings.APP_CONFIG = {**settings.APP_CONFIG, "permission": {"defaultRole": "viewer"}}
    assert signed_in.get("/catalog/register/").status_code == 403
    assert signed_in.get("/catalog/").status_code == 200
    RoleAssignment.objects.create(role="member", principal=f"user:{user.username}")
    assert signed_in.get("/catalog/register/").status_code == 200
    RoleAssignment.objects.all().delete()
    assert signed_in.get("/catalog/register/").status_code == 403


def test_a_role_given_to_a_group_reaches_its_members(signed_in, files, settings) -> None:
    register(files.write("teams.yaml", TEAMS))
    settings.APP_CONFIG = {**settings.APP_CONFIG, "permission": {
        "defaultRole": "viewer", "roles": {"member": ["group:team-a"]}}}  # fmt: skip
    assert signed_in.get("/catalog/register/").status_code == 200


def test_lists_facets_and_search_leave_out_what_is_hidden(limited) -> None:
    from catalog.models import Entity

    index = limited.get("/catalog/", {"kind": "component"}).content.decode()
    assert ">mine<" in index and ">theirs<" not in index
    names = [e["metadata"]["name"] for e in limited.get("/api/catalog/entities",
                                                        {"filter": "kind=component"}).json()]
    assert names == ["mine"]
    by_query = limited.get("/api/catalog/entities/by-query", {"filter": "kind=component"}).json()
    assert [e["metadata"]["name"] for e in by_query["items"]] == ["mine"]
    facets = limited.get("/api/catalog/entity-facets", {"facet": "metadata.name",
                                                        "filter": "kind=component"}).json()
    assert facets["facets"]["metadata.name"] == [{"value": "mine", "count": 1}]
    uid = Entity.objects.get(ref="component:default/theirs").uid
    assert limited.get(f"/api/catalog/entities/by-uid/{uid}").status_code == 404
    assert limited.delete(f"/api/catalog/entities/by-uid/{uid}").status_code == 204  # as unknown
    assert Entity.objects.filter(uid=uid).exists()
    found = limited.get("/api/search/query", {"term": "theirs"}).json()["results"]
    assert all("theirs" not in r["document"]["location"] for r in found)


def test_facet_counts_are_kept_apart_for_callers_who_see_different_entities(
        limited, django_user_model) -> None:  # fmt: skip
    from django.test import Client

    def names(client) -> list:
        answer = client.get("/api/catalog/entity-facets", {"facet": "metadata.name",
                                                           "filter": "kind=component"})
        return answer.json()["facets"]["metadata.name"]

    stranger = Client()
    stranger.force_login(django_user_model.objects.create_user("stranger"))
    for _ in range(2):  # the second round is answered from the cache
        assert names(limited) == [{"value": "mine", "count": 1}]
        assert names(stranger) == []


def test_the_docs_index_lists_only_the_docs_one_may_read(limited, settings) -> None:
    from techdocs.sites import sync_sites

    sync_sites()
    listed = limited.get("/docs/").content.decode()
    assert "/docs/default/component/mine/" in listed
    assert "/docs/default/component/theirs/" not in listed and "team-b" not in listed
    settings.APP_CONFIG = {**settings.APP_CONFIG, "permission": {}}
    assert "/docs/default/component/theirs/" in limited.get("/docs/").content.decode()


def test_the_access_page_explains_and_gives_roles(client, files, user, staff_user) -> None:
    from portal.models import AuditEvent

    register(files.write("teams.yaml", TEAMS))
    client.force_login(user)
    page = client.get("/access/").content.decode()
    assert "role Member (default: everyone signed in)" in page
    assert 'id="access-assign"' not in page  # only for those who manage roles
    assert client.post("/access/", {"role": "platform-admin", "principal": "user:dev"}
                       ).status_code == 403  # fmt: skip
    client.force_login(staff_user)
    assert 'id="access-assign"' in client.get("/access/").content.decode()
    client.post("/access/", {"role": "template-author", "principal": "group:team-a"})
    row = RoleAssignment.objects.get()
    assert (row.role, row.principal, row.created_by) == ("template-author",
                                                         "group:default/team-a", "ops")
    checked = client.get("/access/", {"who": "dev"}).content.decode()
    assert "role Template author (admin: group:default/team-a)" in checked
    bad = client.post("/access/", {"role": "template-author", "principal": "team-a"}, follow=True)
    assert "is neither user:" in bad.content.decode()
    client.post("/access/", {"remove": row.pk})
    assert not RoleAssignment.objects.exists()
    assert list(AuditEvent.objects.filter(action__startswith="portal.role").order_by("id")
                .values_list("action", "target", "actor")) == [
        ("portal.role.assign", "group:default/team-a", "ops"),
        ("portal.role.unassign", "group:default/team-a", "ops")]  # fmt: skip
