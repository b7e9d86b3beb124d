"""Readers for catalog locations and placeholders: ``file``, ``url`` and ``git``, and
the GitHub providers' ``github-org`` and ``github-discovery``.

``read(type, target, policy)`` is the one entry point: every read of a catalog file
or placeholder target goes through it and the ``ReadingPolicy`` it is given, so the
SSRF and path rules live in one place (``url``, ``file`` and ``git`` modules).
``read_tree`` reads a directory (a scaffolder skeleton) under the same policy.
``check_allowed`` applies the same rules without reading, so a location the policy
forbids is refused before it is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from catalog.model.errors import ReadError
from catalog.readers.file import confined_path, read_file
from catalog.readers.git import check_git_allowed, git_connection_settings, read_git
from catalog.readers.github.discovery import DiscoveryOptions, Finding, read_discovery
from catalog.readers.github.org import read_org
from catalog.readers.github.owner import owner_of
from catalog.readers.http import check_url_allowed
from catalog.readers.policy import GitHubIntegration, ReadingPolicy, ReadResult
from catalog.readers.tree import TreeKind, TreeLimits, read_tree
from catalog.readers.url import read_url

__all__ = [
    "DiscoveryOptions",
    "Finding",
    "GitHubIntegration",
    "ReadResult",
    "ReadingPolicy",
    "TreeKind",
    "TreeLimits",
    "check_allowed",
    "git_connection_settings",
    "read",
    "read_tree",
]

_READERS: dict[str, Callable[[str, ReadingPolicy], ReadResult]] = {
    "file": read_file,
    "url": read_url,
    "git": read_git,
    "github-org": read_org,
    "github-discovery": read_discovery,
}
_CHECKS: dict[str, Callable[[str, ReadingPolicy], object]] = {
    "file": lambda target, policy: confined_path(target, policy.file_roots),
    "url": check_url_allowed,
    "git": check_git_allowed,
    "github-org": owner_of,
    "github-discovery": owner_of,
}


def read(location_type: str, target: str, policy: ReadingPolicy) -> ReadResult:
    """Read ``<location_type>:<target>`` under ``policy``; raises ReadError."""
    return _for_type(_READERS, location_type)(target, policy)


def check_allowed(location_type: str, target: str, policy: ReadingPolicy) -> None:
    """Raise ReadError if ``policy`` forbids reading ``<location_type>:<target>`` at all
    (a file outside the readable directories, a host not allowed). Reads nothing and
    resolves no host names, so a refusal reveals nothing about what exists."""
    _for_type(_CHECKS, location_type)(target, policy)


def _for_type(table: dict[str, Callable[[str, ReadingPolicy], Any]], location_type: str) -> Any:
    if location_type not in table:
        raise ReadError(
            f"unknown location type {location_type!r}; expected one of {', '.join(table)}"
        )
    return table[location_type]
