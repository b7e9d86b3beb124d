"""``catalog.providers.githubOrg``: teams become Groups, members Users, read through
conditional requests, with a token or as a GitHub App."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from catalog import services
from catalog.models import Entity, Location
from tests.catalog.conftest import relations, served
from tests.catalog.github.conftest import ORG, PEOPLE, provider_location, seed_org, with_providers

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(gh, settings):
    seed_org(gh)
    with_providers(settings, githubOrg={"id": "production", "githubUrl": gh.url, "orgs": [ORG]})
    return gh


def test_teams_become_groups_with_their_hierarchy_and_members_users(org) -> None:
    location = provider_location("github-org")
    assert location.last_error == "" and location.problems == []
    refs = set(Entity.objects.filter(location=location).values_list("ref", flat=True))
    assert refs == {"group:default/engineering", "group:default/backend",
                    "group:default/payments", f"location:default/{location.entity_name}"} | {
                    f"user:default/{login}" for login in PEOPLE}  # fmt: skip
    backend = served("group:default/backend")
    assert backend["spec"]["parent"] == "engineering"
    assert backend["spec"]["children"] == ["payments"]
    assert backend["spec"]["profile"] == {"displayName": "Backend"}
    assert backend["metadata"]["annotations"]["github.com/team-slug"] == f"{ORG}/backend"
    assert {("childOf", "group:default/engineering"), ("parentOf", "group:default/payments"),
            ("hasMember", "user:default/bob"), ("hasMember", "user:default/carol")
            } <= relations("group:default/backend")  # fmt: skip
    # judy is in backend directly and through payments: a member of payments (backend
    # is reached up the parent chain); alice of engineering only.
    assert relations("user:default/judy") == {("memberOf", "group:default/payments")}
    assert relations("user:default/alice") == {("memberOf", "group:default/engineering")}
    assert served("user:default/frank")["spec"]["memberOf"] == []
    alice = served("user:default/alice")
    assert alice["metadata"]["annotations"]["github.com/user-login"] == "alice"
    assert alice["spec"]["profile"] == {"displayName": "Alice Liddell", "email": "alice@acme.test",
                                        "picture": f"{org.url}/avatars/alice.png"}  # fmt: skip
    assert served("user:default/dave")["spec"]["profile"] == {
        "picture": f"{org.url}/avatars/dave.png"}


def test_a_second_refresh_of_the_unchanged_org_makes_only_conditional_requests(org) -> None:
    location = provider_location("github-org")
    first = [r for r in org.requests if r.method == "GET"]
    org.requests.clear()
    counted = org.org.counted
    summary = services.refresh(location)
    again = [r for r in org.requests if r.method == "GET"]
    assert len(again) == len(first) > 10
    assert all(r.headers.get("If-None-Match") and r.status == 304 for r in again)
    assert org.org.counted == counted  # nothing counted against the rate limit
    assert summary.added == summary.updated == [] and summary.orphaned == []


def test_a_member_who_leaves_follows_the_orphan_rule_and_a_new_team_appears(org) -> None:
    location = provider_location("github-org")
    org.org.members[ORG].remove("heidi")
    org.org.team(ORG, "data", ["ivan"], parent="engineering")
    summary = services.refresh(location)
    assert summary.orphaned == ["user:default/heidi"]
    assert Entity.objects.get(ref="user:default/heidi").orphan
    assert ("memberOf", "group:default/data") in relations("user:default/ivan")
    assert ("parentOf", "group:default/data") in relations("group:default/engineering")


def test_the_org_is_read_as_a_github_app_with_a_renewed_installation_token(gh, settings) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()  # fmt: skip
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    gh.org.apps["4242"] = (public, {"someone-else": 7, ORG: 77})
    seed_org(gh)
    settings.APP_CONFIG = gh.app_config(settings.APP_CONFIG, token=None)
    integration = settings.APP_CONFIG["integrations"]["github"][0]
    integration["apps"] = [{"appId": 4242, "privateKey": private}]
    with_providers(settings, githubOrg={"githubUrl": gh.url, "orgs": [ORG]})
    location = provider_location("github-org")
    assert location.last_error == ""
    assert Entity.objects.filter(kind="user").count() == len(PEOPLE)
    assert len(gh.calls("POST", r"/app/installations/77/access_tokens")) == 1
    assert all(r.authorized for r in gh.requests)
    services.refresh(location)  # the token is still good: not bought again
    assert len(gh.calls("POST", r"/app/installations/\d+/access_tokens")) == 1


def test_an_app_not_installed_for_the_org_is_a_clear_error(gh, settings) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()  # fmt: skip
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    gh.org.apps["9"] = (public, {"other-org": 3})
    settings.APP_CONFIG = gh.app_config(settings.APP_CONFIG, token=None)
    settings.APP_CONFIG["integrations"]["github"][0]["apps"] = [{"appId": "9", "privateKey": pem}]
    with_providers(settings, githubOrg={"githubUrl": gh.url, "orgs": [ORG]})
    location = provider_location("github-org")
    assert "no GitHub App" in location.last_error and ORG in location.last_error


def test_a_secondary_rate_limit_is_waited_out(org, monkeypatch) -> None:
    waits = []
    monkeypatch.setattr("catalog.readers.github.client.time.sleep", waits.append)
    org.fail("GET", f"/orgs/{ORG}/teams", 403, "You have exceeded a secondary rate limit")
    org.failures[-1].headers = {"Retry-After": "3"}
    location = provider_location("github-org")
    assert location.last_error == "" and waits == [3.0]


def test_a_spent_rate_limit_keeps_the_entities_and_says_when_it_resets(org) -> None:
    location = provider_location("github-org")
    before = Entity.objects.filter(location=location).count()
    org.org.rate_remaining = 0
    services.refresh(location)
    location.refresh_from_db()
    assert "rate limit" in location.last_error and "UTC" in location.last_error
    assert Entity.objects.filter(location=location, orphan=False).count() == before


def test_an_org_location_can_be_registered_through_the_api_too(org, client, admin_user) -> None:
    client.force_login(admin_user)
    def register(target: str):
        return client.post("/api/catalog/locations", {"type": "github-org", "target": target},
                           content_type="application/json")

    answer = register(f"{org.url}/{ORG}")
    assert answer.status_code == 201, answer.content
    location = Location.objects.get(type="github-org")
    assert location.last_error == ""
    assert Entity.objects.filter(kind="group").count() == 3
    bad = register(f"{org.url}/{ORG}/repo")
    assert bad.status_code == 400
    assert "organisation or user" in bad.json()["error"]["message"]
