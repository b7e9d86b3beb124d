"""GitHub sign-in meets the catalog: the login finds its User entity (annotation,
then verified e-mail), the user's teams and their parents drive "owned by me", and a
login the catalog does not know gets a banner, or a refusal when configured."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from catalog.people import identity
from tests.catalog.conftest import register
from tests.catalog.github.conftest import ORG, provider_location, seed_org, with_providers
from tests.portal.test_github_sso import begin
from tests.support.github_standin_oauth import use_for_sign_in

pytestmark = pytest.mark.django_db


def owned(name: str, owner: str) -> str:
    return ("apiVersion: backstage.io/v1alpha1\nkind: Component\n"
            f"metadata: {{name: {name}}}\nspec: {{type: service, lifecycle: production, "
            f"owner: {owner}}}\n---\n")  # fmt: skip


@pytest.fixture
def org(gh, files, settings):
    """The stand-in's organisation in the catalog (carol is in backend and security),
    services owned by its teams, and sign-in through the same stand-in."""
    seed_org(gh)
    gh.org.team(ORG, "security", ["carol"])
    with_providers(settings, githubOrg={"githubUrl": gh.url, "orgs": [ORG]})
    provider_location("github-org")
    register(files.write("services.yaml", owned("cart", "backend") + owned("wiki", "engineering")
                         + owned("scanner", "security") + owned("ledger", "payments")
                         + owned("radio", "group:default/elsewhere")))  # fmt: skip
    use_for_sign_in(gh, settings)
    return gh


def sign_in(client, gh, login: str, emails=None):
    gh.oauth.sign_in_as(login, emails)
    return client.get(reverse("social:complete", args=["github"]), begin(client, gh))


def test_a_member_of_two_teams_lands_with_their_user_entity_and_groups(client, org) -> None:
    assert sign_in(client, org, "carol")["Location"] == "/catalog/"
    user = get_user_model().objects.get(username="carol")
    me = identity(user)
    assert me.user_ref == "user:default/carol"
    assert me.direct_group_refs == ("group:default/backend", "group:default/security")
    assert me.group_refs == ("group:default/backend", "group:default/engineering",
                             "group:default/security")  # fmt: skip
    page = client.get("/catalog/", {"show": "owned", "kind": "component"}).content.decode()
    for name in ("cart", "wiki", "scanner"):
        assert f">{name}<" in page
    for name in ("ledger", "radio"):  # a child team's, another group's
        assert f">{name}<" not in page
    assert "The catalog does not know you yet" not in page


def test_a_verified_email_finds_the_entity_when_no_login_annotation_does(client, org) -> None:
    verified = [{"email": "Grace@acme.test", "primary": True, "verified": True}]
    sign_in(client, org, "grace-hopper", verified)
    assert identity(get_user_model().objects.get(username="grace-hopper")).user_ref == (
        "user:default/grace")


def test_an_unverified_email_proves_nothing(client, org) -> None:
    unverified = [{"email": "grace@acme.test", "primary": True, "verified": False}]
    sign_in(client, org, "mallory", unverified)
    assert identity(get_user_model().objects.get(username="mallory")).user_ref == ""
    page = client.get(reverse("home")).content.decode()
    assert "The catalog does not know you yet" in page
    assert "github.com/user-login: mallory" in page


def test_a_login_without_entity_is_refused_when_configured(client, org, settings) -> None:
    settings.APP_CONFIG = {**settings.APP_CONFIG, "auth": {"signIn": {
        "usersWithoutEntity": "refuse"}}}  # fmt: skip
    answer = sign_in(client, org, "mallory")
    assert answer.status_code == 403
    text = answer.content.decode()
    assert "You are not in the catalog yet" in text and "github.com/user-login: mallory" in text
    assert not get_user_model().objects.filter(username="mallory").exists()
    assert client.get(reverse("home")).status_code == 302  # not signed in
    assert sign_in(client, org, "alice").status_code == 302  # a known login still may


def test_the_identity_is_worked_out_once_per_request(client, org, django_assert_max_num_queries
                                                     ) -> None:  # fmt: skip
    sign_in(client, org, "carol")
    user = get_user_model().objects.get(username="carol")
    with django_assert_max_num_queries(6):
        identity(user)
    with django_assert_max_num_queries(0):
        identity(user)
