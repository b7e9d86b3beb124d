"""GitHub sign-in round trip against a local server speaking GitHub's OAuth API."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.support.github_standin import GitHubStandin, github_standin
from tests.support.github_standin_oauth import use_for_sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def github(tmp_path, settings):
    with github_standin(tmp_path / "github") as server:
        use_for_sign_in(server, settings)
        yield server


def begin(client, github: GitHubStandin, next_url: str = "/catalog/") -> dict[str, str]:
    """Start sign-in and follow GitHub's authorize redirect; return the callback query."""
    response = client.post(reverse("social:begin", args=["github"]), {"next": next_url})
    assert response.status_code == 302
    authorize = urlsplit(response["Location"])
    assert f"{authorize.scheme}://{authorize.netloc}{authorize.path}" == (
        f"{github.url}/login/oauth/authorize"
    )
    query = {k: v[0] for k, v in parse_qs(authorize.query).items()}
    assert query["client_id"] == github.oauth.client_id
    assert query["state"]
    assert query["redirect_uri"] == "http://testserver/auth/complete/github/"
    back = httpx.get(response["Location"], follow_redirects=False)
    callback = {k: v[0] for k, v in parse_qs(urlsplit(back.headers["Location"]).query).items()}
    assert callback["state"] == query["state"]
    return callback


def test_round_trip_signs_in_and_creates_the_account(client, github: GitHubStandin) -> None:
    callback = begin(client, github)
    response = client.get(reverse("social:complete", args=["github"]), callback)
    assert response.status_code == 302
    assert response["Location"] == "/catalog/"
    user = get_user_model().objects.get(username="octocat")
    assert user.email == "octocat@github.example"
    assert user.first_name == "The" and user.last_name == "Octocat"
    assert github.oauth.token_requests[0]["code"] == github.oauth.code
    assert client.get(reverse("home")).status_code == 200


def test_second_sign_in_reuses_the_account(client, github: GitHubStandin) -> None:
    for _ in range(2):
        client.get(reverse("social:complete", args=["github"]), begin(client, github))
        client.post(reverse("logout"))
    assert get_user_model().objects.filter(username="octocat").count() == 1


def test_wrong_state_is_refused(client, github: GitHubStandin) -> None:
    callback = begin(client, github)
    callback["state"] = "forged-state"
    response = client.get(reverse("social:complete", args=["github"]), callback, follow=True)
    assert "Please restart login" in response.content.decode()
    assert not get_user_model().objects.filter(username="octocat").exists()
    assert client.get(reverse("home")).status_code == 302
    assert github.oauth.token_requests == []


def test_callback_without_a_started_sign_in_is_refused(client, github: GitHubStandin) -> None:
    response = client.get(
        reverse("social:complete", args=["github"]),
        {"code": github.oauth.code, "state": "x"},
        follow=True,
    )
    assert response.redirect_chain[-1][0].startswith("/login/")
    assert not get_user_model().objects.filter(username="octocat").exists()


def test_sign_in_next_off_site_is_ignored(client, github: GitHubStandin) -> None:
    callback = begin(client, github, next_url="https://evil.example/phish")
    response = client.get(reverse("social:complete", args=["github"]), callback)
    assert response.status_code == 302
    assert response["Location"] == "/"
