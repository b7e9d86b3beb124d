"""Readers for catalog locations and placeholders: ``file``, ``url`` and ``git``.

``read(type, target, policy)`` is the one entry point: every read of a catalog file
or placeholder target goes through it and the ``ReadingPolicy`` it is given, so the
SSRF and path rules live in one place (``url``, ``file`` and ``git`` modules).
"""

from __future__ import annotations

from collections.abc import Callable

from catalog.model.errors import ReadError
from catalog.readers.file import read_file
from catalog.readers.git import read_git
from catalog.readers.policy import GitHubIntegration, ReadingPolicy, ReadResult
from catalog.readers.url import read_url

__all__ = ["GitHubIntegration", "ReadResult", "ReadingPolicy", "read"]

_READERS: dict[str, Callable[[str, ReadingPolicy], ReadResult]] = {
    "file": read_file,
    "url": read_url,
    "git": read_git,
}


def read(location_type: str, target: str, policy: ReadingPolicy) -> ReadResult:
    """Read ``<location_type>:<target>`` under ``policy``; raises ReadError."""
    reader = _READERS.get(location_type)
    if reader is None:
        raise ReadError(
            f"unknown location type {location_type!r}; expected one of {', '.join(_READERS)}"
        )
    return reader(target, policy)
