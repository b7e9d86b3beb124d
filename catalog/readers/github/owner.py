"""Which GitHub integration, owner and API identity a provider target names."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from catalog.model.errors import ReadError
from catalog.readers.github.client import GitHubClient
from catalog.readers.policy import GitHubIntegration, ReadingPolicy, split_url, url_host

__all__ = ["Owner", "owner_of"]


@dataclass(frozen=True)
class Owner:
    """An organisation or user of a GitHub host, with a client that may read it."""

    login: str
    web_url: str
    client: GitHubClient


def owner_of(target: str, policy: ReadingPolicy) -> Owner:
    """The owner ``https://<host>/<login>`` names; ReadError for another form or a
    host without an integration (github.com is read anonymously when it has none)."""
    parts = split_url(target)
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if parts.scheme not in ("http", "https") or len(segments) != 1 or parts.query:
        raise ReadError(f"{target}: expected the URL of a GitHub organisation or user, "
                        "such as https://github.com/my-org")  # fmt: skip
    integration = policy.github_for(target)
    if integration is None and url_host(target) == "github.com":
        integration = GitHubIntegration("github.com")
    if integration is None:
        raise ReadError(f"{url_host(target)} is not a configured GitHub integration; add it "
                        "to integrations.github")  # fmt: skip
    login = segments[0]
    base = f"{parts.scheme}://{url_host(target)}"
    return Owner(login, f"{base}/{login}", GitHubClient(integration, policy, owner=login))
