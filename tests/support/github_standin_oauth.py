"""GitHub sign-in on the stand-in: the OAuth web flow (``/login/oauth/authorize``
redirects back with a code, ``/login/oauth/access_token`` trades it for a token) and
the signed-in user's ``/user`` and ``/user/emails``, for whoever ``login`` names
among the stand-in's people (so sign-in meets the same organisation the catalog
reads)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode

from portal.conf import github_auth_settings


@dataclass
class OAuthApp:
    """The OAuth app the portal signs in with, and who signs in next."""

    client_id: str = "Iv1.client"
    client_secret: str = "client-secret"
    code: str = "code-123"
    access_token: str = "gho_16C7e42F292c6912E7710c838347Ae178B4a"
    login: str = "octocat"
    #: ``/user/emails`` of the signed-in user (default: one primary, verified address).
    emails: list[dict[str, Any]] | None = None
    token_requests: list[dict[str, str]] = field(default_factory=list)

    def sign_in_as(self, login: str, emails: list[dict[str, Any]] | None = None) -> None:
        self.login, self.emails = login, emails


class OAuthRoutes:
    """Mixed into the stand-in's handler (``self.gh`` is the stand-in)."""

    gh: Any

    def _oauth(self, path: str, query: dict[str, str], data: bytes) -> None:
        """The two web-flow endpoints (no API authentication)."""
        app = self.gh.oauth
        if path == "/login/oauth/authorize":
            back = urlencode({"code": app.code, "state": query["state"]})
            target = f"{query['redirect_uri']}?{back}"
            return self._answer(302, raw=b"", headers={"Location": target})
        form = {k: v[0] for k, v in parse_qs(data.decode()).items()}
        app.token_requests.append(form)
        if (form.get("client_id"), form.get("client_secret"), form.get("code")) != (
                app.client_id, app.client_secret, app.code):  # fmt: skip
            return self._answer(200, {"error": "bad_verification_code",
                                      "error_description": "The code passed is incorrect or "
                                      "expired."})  # fmt: skip
        self._answer(200, {"access_token": app.access_token, "token_type": "bearer",
                           "scope": "read:user,user:email"})  # fmt: skip

    def _signed_in_user(self, query, body):
        login = self.gh.oauth.login
        person = self.gh.org.people.get(login, {"name": "The Octocat", "email": None})
        self._answer(200, {**self._user_object(login), **person})

    def _signed_in_emails(self, query, body):
        emails = self.gh.oauth.emails
        if emails is None:
            emails = [{"email": f"{self.gh.oauth.login}@github.example", "primary": True,
                       "verified": True, "visibility": "public"}]  # fmt: skip
        self._answer(200, emails)


OAUTH_ROUTES = [
    (r"/user", ("GET", OAuthRoutes._signed_in_user)),
    (r"/user/emails", ("GET", OAuthRoutes._signed_in_emails)),
]


def use_for_sign_in(gh: Any, settings: Any) -> None:
    """Point GitHub sign-in (``auth.providers.github``, as GitHub Enterprise) at ``gh``."""
    block = {"clientId": gh.oauth.client_id, "clientSecret": gh.oauth.client_secret,
             "enterpriseInstanceUrl": gh.url}  # fmt: skip
    config = {"auth": {"providers": {"github": {"development": block}}}}
    for name, value in github_auth_settings(config).items():
        setattr(settings, name, value)
