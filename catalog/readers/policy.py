"""What the catalog may read: allowed hosts, integrations, local directories, limits.

Built from app-config by ``catalog.config``; kept as a plain frozen object so the
readers stay Django-free and tests can state exactly what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

__all__ = ["GitHubIntegration", "ReadResult", "ReadingPolicy"]


@dataclass(frozen=True)
class GitHubIntegration:
    """A GitHub (or GitHub Enterprise) host whose files are read through its API."""

    host: str
    token: str | None = field(default=None, repr=False)
    api_base_url: str = "https://api.github.com"
    raw_base_url: str | None = None


@dataclass(frozen=True)
class ReadingPolicy:
    """The rules every read goes through."""

    #: Host patterns as in Backstage's ``backend.reading.allow``: ``example.com``,
    #: ``*.example.com``, ``host:port``.
    allowed_hosts: tuple[str, ...] = ()
    github: tuple[GitHubIntegration, ...] = ()
    #: Directories ``file`` locations and ``file://`` repositories may read.
    file_roots: tuple[Path, ...] = ()
    max_bytes: int = 10 * 1024 * 1024
    timeout: float = 10.0
    #: Hosts allowed to resolve to loopback/private addresses (e.g. an internal git
    #: server). Any other host on such an address is refused.
    allow_private_hosts: tuple[str, ...] = ()

    def host_allowed(self, host: str, port: int | None) -> bool:
        """Whether ``host[:port]`` may be read at all."""
        names = {host.lower()} | ({f"{host.lower()}:{port}"} if port else set())
        patterns = [*self.allowed_hosts, *(g.host for g in self.github)]
        return any(fnmatchcase(name, pattern.lower()) for name in names for pattern in patterns)

    def private_allowed(self, host: str, port: int | None) -> bool:
        """Whether ``host[:port]`` may resolve to a private or loopback address."""
        names = {host.lower()} | ({f"{host.lower()}:{port}"} if port else set())
        return any(fnmatchcase(n, p.lower()) for n in names for p in self.allow_private_hosts)

    def github_for(self, host: str) -> GitHubIntegration | None:
        """The GitHub integration configured for ``host``."""
        return next((g for g in self.github if g.host.lower() == host.lower()), None)


@dataclass(frozen=True)
class ReadResult:
    """Bytes read and where from."""

    data: bytes
    url_or_path: str
