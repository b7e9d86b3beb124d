"""The SCM hosts templates may name in a RepoUrlPicker value (``host?owner=…``), with
their kind, as ``parseRepoUrl`` checks them: every host under ``integrations`` in
app-config, plus the public hosts Backstage always knows."""

from __future__ import annotations

from typing import Any

from django.conf import settings

__all__ = [
    "github_api_base",
    "gitlab_api_base",
    "gitlab_token_for",
    "known_integrations",
    "token_for",
]

#: Backstage's default integrations, present even when app-config names none.
DEFAULT_HOSTS = {"github.com": "github", "gitlab.com": "gitlab",
                 "bitbucket.org": "bitbucketCloud", "dev.azure.com": "azure"}  # fmt: skip
_CONFIG_KINDS = {"github": "github", "gitlab": "gitlab", "bitbucketCloud": "bitbucketCloud",
                 "bitbucketServer": "bitbucketServer", "azure": "azure", "gitea": "gitea",
                 "gerrit": "gerrit"}  # fmt: skip


def _configured() -> dict[str, Any]:
    return (settings.APP_CONFIG.get("integrations") or {}) if settings.configured else {}


def known_integrations() -> list[dict[str, str]]:
    """``[{host, type}]`` for ``parseRepoUrl``."""
    hosts = dict(DEFAULT_HOSTS)
    for key, kind in _CONFIG_KINDS.items():
        for item in _configured().get(key) or []:
            if isinstance(item, dict) and item.get("host"):
                hosts[str(item["host"])] = kind
    return [{"host": host, "type": kind} for host, kind in hosts.items()]


def token_for(host: str) -> str | None:
    """The token app-config gives the GitHub integration on ``host``, if any."""
    for item in _configured().get("github") or []:
        if isinstance(item, dict) and item.get("host") == host and item.get("token"):
            return str(item["token"])
    return None


def github_api_base(host: str) -> str:
    """The REST API root for the GitHub host ``host``: the integration's
    ``apiBaseUrl``, else GitHub's own (``api.github.com``, or ``/api/v3`` on an
    Enterprise Server), as the catalog's reader derives it."""
    for item in _configured().get("github") or []:
        if isinstance(item, dict) and item.get("host") == host and item.get("apiBaseUrl"):
            return str(item["apiBaseUrl"]).rstrip("/")
    return "https://api.github.com" if host == "github.com" else f"https://{host}/api/v3"


def _gitlab(host: str) -> dict[str, Any]:
    """The ``integrations.gitlab`` entry for ``host`` (empty if app-config has none)."""
    for item in _configured().get("gitlab") or []:
        if isinstance(item, dict) and item.get("host") == host:
            return item
    return {}


def gitlab_token_for(host: str) -> str | None:
    """The token app-config gives the GitLab integration on ``host``, if any (kept
    apart from ``token_for`` so a GitHub token is never sent to a GitLab host)."""
    token = _gitlab(host).get("token")
    return str(token) if token else None


def gitlab_api_base(host: str) -> str:
    """The REST API root for the GitLab host ``host``: the integration's
    ``apiBaseUrl``, else ``https://<host>/api/v4`` (GitLab.com and self-managed alike),
    as Backstage's GitLab integration derives it."""
    base = _gitlab(host).get("apiBaseUrl")
    return str(base).rstrip("/") if base else f"https://{host}/api/v4"
