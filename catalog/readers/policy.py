"""What the catalog may read: allowed hosts, integrations, local directories, limits.

``catalog.config`` builds one from app-config; the readers only ever see this plain
frozen object, so they stay Django-free and a test states exactly what is allowed.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import SplitResult, urlsplit

from catalog.model.errors import ReadError

__all__ = [
    "GitHubApp",
    "GitHubIntegration",
    "ReadResult",
    "ReadingPolicy",
    "ResponseCache",
    "host_matches",
    "redact_urls",
    "split_url",
    "url_host",
]

_DEFAULT_PORTS = {"http": 80, "https": 443}
_URL_IN_TEXT = re.compile(r"[a-z][a-z0-9+.-]*://[^\s'\"<>]+", re.IGNORECASE)
_USERINFO = re.compile(r"^([^:/]+://)[^/?#]*@")
_QUERY_OR_FRAGMENT = re.compile(r"[?#].*")


@dataclass(frozen=True)
class GitHubApp:
    """A GitHub App the catalog authenticates as: a JWT signed with ``private_key``
    buys an installation token for the owner (organisation or user) being read."""

    app_id: str
    private_key: str = field(repr=False)
    #: Owners whose installations may be used; empty: any owner.
    allowed_owners: tuple[str, ...] = ()


@dataclass(frozen=True)
class GitHubIntegration:
    """A GitHub (or GitHub Enterprise) host whose ``/blob/`` URLs are read through its
    contents API, and whose organisations and repositories providers read, with
    ``token`` or as one of its ``apps`` when configured."""

    #: ``github.com``, or ``host:port`` for a server on a non-default port.
    host: str
    token: str | None = field(default=None, repr=False)
    api_base_url: str = "https://api.github.com"
    raw_base_url: str | None = None
    apps: tuple[GitHubApp, ...] = ()


class ResponseCache(Protocol):
    """Where conditional requests keep what they were last answered: the ``ETag`` and
    body per request key, so a ``304 Not Modified`` (free of GitHub's rate limit) can
    be answered from it."""

    def lookup(self, key: str) -> tuple[str, bytes] | None: ...

    def store(self, key: str, etag: str, body: bytes) -> None: ...


@dataclass(frozen=True)
class ReadingPolicy:
    """The rules every read goes through. The default policy reads nothing."""

    #: Host patterns as in Backstage's ``backend.reading.allow``: ``example.com``
    #: (default port only), ``example.com:8080``, ``*.example.com`` (subdomains).
    allowed_hosts: tuple[str, ...] = ()
    #: GitHub integrations; their hosts (web, API and raw) are allowed implicitly.
    github: tuple[GitHubIntegration, ...] = ()
    #: Directories ``file`` locations and ``file://`` git repositories may read;
    #: empty means no local files at all.
    file_roots: tuple[Path, ...] = ()
    #: Further directories only ``file://`` git repositories may be read from (where
    #: the scaffolder publishes new repositories), not ``file`` locations.
    git_roots: tuple[Path, ...] = ()
    #: Largest body or file read, in bytes.
    max_bytes: int = 10 * 1024 * 1024
    #: Seconds one read may take (connect, every redirect and the whole body).
    timeout: float = 10.0
    #: ``time.monotonic()`` by which every read must have ended, however many there
    #: are (the reads of one registration, while someone waits); None: no such bound.
    deadline: float | None = None
    #: Host patterns that may resolve to loopback, private or link-local addresses
    #: (an internal git server, a test server). Every other host on such an address
    #: is refused.
    allow_private_hosts: tuple[str, ...] = ()
    #: Answers of conditional requests (None: every request is unconditional).
    response_cache: ResponseCache | None = field(default=None, compare=False, repr=False)
    #: Options of the configured providers, by ``(location type, target)``: what a
    #: ``github-discovery`` location looks for, for example.
    provider_options: tuple[tuple[tuple[str, str], Any], ...] = ()

    def options_for(self, location_type: str, target: str) -> Any:
        """The configured options of the provider location ``type:target``, or None."""
        return dict(self.provider_options).get((location_type, target))

    def read_deadline(self, factor: float = 1.0) -> float:
        """When a read starting now must have ended: ``factor`` times ``timeout`` from
        now, and never after ``deadline``."""
        end = time.monotonic() + factor * self.timeout
        return end if self.deadline is None else min(end, self.deadline)

    def host_allowed(self, url: str) -> bool:
        """Whether the host of ``url`` is on the allow-list or is an integration's."""
        host = url_host(url)
        return any(host_matches(host, pattern) for pattern in self._implicit_hosts()) or any(
            host_matches(host, pattern) for pattern in self.allowed_hosts
        )

    def private_allowed(self, url: str) -> bool:
        """Whether the host of ``url`` may resolve to a non-public address."""
        host = url_host(url)
        return any(host_matches(host, pattern) for pattern in self.allow_private_hosts)

    def github_for(self, url: str) -> GitHubIntegration | None:
        """The GitHub integration whose web host serves ``url``, if any."""
        host = url_host(url)
        return next((g for g in self.github if host_matches(host, g.host)), None)

    def _implicit_hosts(self) -> list[str]:
        hosts = []
        for integration in self.github:
            hosts.append(integration.host)
            hosts.extend(
                url_host(base)
                for base in (integration.api_base_url, integration.raw_base_url)
                if base
            )
        return hosts


@dataclass(frozen=True)
class ReadResult:
    """The bytes read, and the URL or real path they came from."""

    data: bytes
    url_or_path: str
    #: What a provider learnt besides the entities (the repositories a discovery saw).
    findings: tuple[Any, ...] = ()


def split_url(url: str) -> SplitResult:
    """``urlsplit``, raising ReadError (not ValueError) for a malformed host or port.

    The URL is not repeated in the message: a malformed one may hide credentials."""
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError:
        raise ReadError("the URL is malformed (check its host and port)") from None
    return parts


def url_host(url: str) -> str:
    """``host`` or ``host:port`` of ``url`` (port only when not the scheme's default),
    lower-cased; IPv6 addresses in brackets. The form Backstage compares with its
    allow-list (the WHATWG ``URL.host``)."""
    parts = split_url(url)
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{parts.port}"
    return host


def host_matches(host: str, pattern: str) -> bool:
    """Backstage's allow-list rule: ``*.example.com`` matches any subdomain (on the
    default port), anything else must equal ``host`` (with its port, if any)."""
    pattern = pattern.strip().lower()
    if pattern.startswith("*."):
        return host.endswith(pattern[1:]) and len(host) > len(pattern) - 1
    return host == pattern


def redact_urls(text: str, *, queries: bool = False) -> str:
    """``text`` with every URL in it stripped of its credentials (``user:password@``),
    and with ``queries`` of its query string and fragment too (where tokens go), for
    messages that others read or that are logged. Works on the text alone, so a
    malformed URL is redacted as well."""

    def redact(match: re.Match[str]) -> str:
        url = _USERINFO.sub(r"\1", match.group())
        return _QUERY_OR_FRAGMENT.sub("", url) if queries else url

    return _URL_IN_TEXT.sub(redact, text)
