"""Local sign-in, safe redirects after sign-in, sign-out and the GitHub button."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def sign_in(client, next_url: str | None = None, password: str = PASSWORD):
    data = {"username": "dev", "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def test_local_account_signs_in_and_lands_home(client, user) -> None:
    response = sign_in(client)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_wrong_password_is_refused_with_a_message(client, user) -> None:
    response = sign_in(client, password="nope")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_local_next_is_followed(client, user) -> None:
    response = sign_in(client, next_url="/catalog/?kind=component")
    assert response["Location"] == "/catalog/?kind=component"


@pytest.mark.parametrize(
    "evil",
    [
        "https://evil.example/",
        "//evil.example/",
        "///evil.example",
        "http:evil.example",
        "javascript:alert(1)",
        "\\\\evil.example",
        "https://testserver.evil.example/",
    ],
)
def test_next_pointing_off_site_is_refused(client, user, evil: str) -> None:
    response = sign_in(client, next_url=evil)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_sign_out_requires_post_and_ends_the_session(signed_in) -> None:
    assert signed_in.get(reverse("logout")).status_code == 405
    response = signed_in.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert signed_in.get(reverse("home")).status_code == 302


def test_github_button_hidden_when_not_configured(client, settings) -> None:
    settings.SOCIAL_AUTH_GITHUB_KEY = ""
    assert "Sign in with GitHub" not in client.get(reverse("login")).content.decode()


def test_github_button_shown_when_configured(client, settings) -> None:
    settings.SOCIAL_AUTH_GITHUB_KEY = "client-id"
    html = client.get(reverse("login")).content.decode()
    assert "Sign in with GitHub" in html
    assert reverse("social:begin", args=["github"]) in html


def test_signed_in_user_visiting_login_goes_home(signed_in) -> None:
    assert signed_in.get(reverse("login"))["Location"] == reverse("home")
