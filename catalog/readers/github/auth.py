"""Credentials for a GitHub integration: its token, or an installation token of one
of its GitHub Apps.

An App authenticates with a short JWT (RS256, signed with the App's private key) to
find its installation for the owner being read and to buy an installation token,
which GitHub lets live an hour. Tokens are kept per process and bought again five
minutes before they expire, so a refresh never starts with a token that dies midway.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jwt

from catalog.model.errors import ReadError
from catalog.readers.http import next_link, request
from catalog.readers.policy import GitHubApp, GitHubIntegration, ReadingPolicy

__all__ = ["Credentials", "credentials"]

#: Seconds before its expiry at which an installation token is replaced.
RENEW_BEFORE = 300
_ACCEPT = {"Accept": "application/vnd.github+json"}


@dataclass(frozen=True)
class Credentials:
    """The ``Authorization`` header to send (None: anonymous) and a stable name of the
    identity, which keys cached answers (what one identity may see, another may not)."""

    header: str | None
    identity: str


_tokens: dict[tuple[str, str, str], tuple[str, float]] = {}
_lock = threading.Lock()


def credentials(integration: GitHubIntegration, policy: ReadingPolicy,
                owner: str) -> Credentials:  # fmt: skip
    """How to authenticate to ``integration`` when reading ``owner``'s data: an App
    installed for ``owner``, else the integration's token, else anonymously."""
    for app in integration.apps:
        if app.allowed_owners and owner.lower() not in {o.lower() for o in app.allowed_owners}:
            continue
        token = _installation_token(integration, app, owner, policy)
        if token:
            return Credentials(f"token {token}", f"app:{app.app_id}:{owner.lower()}")
    if integration.token:
        digest = hashlib.sha256(integration.token.encode()).hexdigest()[:16]
        return Credentials(f"token {integration.token}", f"token:{digest}")
    if integration.apps:
        raise ReadError(f"no GitHub App of {integration.host} is installed for {owner}, and "
                        "the integration has no token")  # fmt: skip
    return Credentials(None, "anonymous")


def _installation_token(integration: GitHubIntegration, app: GitHubApp, owner: str,
                        policy: ReadingPolicy) -> str | None:  # fmt: skip
    """A live installation token of ``app`` for ``owner``; None when not installed."""
    key = (integration.api_base_url, app.app_id, owner.lower())
    with _lock:
        cached = _tokens.get(key)
        if cached and cached[1] - RENEW_BEFORE > time.time():
            return cached[0]
        found = _buy_token(integration, app, owner, policy)
        if found is None:
            return None
        _tokens[key] = found
        return found[0]


def _buy_token(integration: GitHubIntegration, app: GitHubApp, owner: str,
               policy: ReadingPolicy) -> tuple[str, float] | None:  # fmt: skip
    api = integration.api_base_url.rstrip("/")
    headers = {**_ACCEPT, "Authorization": f"Bearer {_app_jwt(app)}"}
    installation = _installation_for(api, headers, owner, policy)
    if installation is None:
        return None
    answer = request(f"{api}/app/installations/{installation}/access_tokens", policy,
                     headers=headers, method="POST", json_body={})  # fmt: skip
    if answer.status != 201:
        raise ReadError(f"GitHub App {app.app_id}: no installation token for {owner} "
                        f"(HTTP {answer.status}: {_message(answer.json())})")  # fmt: skip
    body = answer.json()
    expires = datetime.fromisoformat(str(body["expires_at"]).replace("Z", "+00:00"))
    return str(body["token"]), expires.timestamp()


def _installation_for(api: str, headers: dict[str, str], owner: str,
                      policy: ReadingPolicy) -> int | None:  # fmt: skip
    """The id of the App's installation on ``owner``, looking through every page."""
    url: str | None = f"{api}/app/installations?per_page=100"
    while url:
        answer = request(url, policy, headers=headers)
        if answer.status != 200:
            raise ReadError(f"{api}: the GitHub App's installations could not be listed "
                            f"(HTTP {answer.status}: {_message(answer.json())}); check "
                            "its appId and privateKey")  # fmt: skip
        for item in answer.json():
            if str(item.get("account", {}).get("login", "")).lower() == owner.lower():
                return int(item["id"])
        url = next_link(answer.headers.get("link", ""))
    return None


def _app_jwt(app: GitHubApp) -> str:
    """The App's JWT: issued a minute in the past (clock drift), valid nine minutes."""
    now = int(time.time())
    try:
        return jwt.encode({"iat": now - 60, "exp": now + 540, "iss": app.app_id},
                          app.private_key, algorithm="RS256")  # fmt: skip
    except (ValueError, TypeError, jwt.PyJWTError):
        raise ReadError(f"GitHub App {app.app_id}: its privateKey is not a PEM RSA key"
                        ) from None  # fmt: skip


def _message(body: Any) -> str:
    return str(body.get("message", "")) if isinstance(body, dict) else ""

