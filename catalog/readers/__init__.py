"""Readers for catalog locations and placeholders: ``file``, ``url`` and ``git``.

``read(type, target, policy)`` is the single entry point; every read of untrusted
input goes through it and the policy it is given.
"""

from __future__ import annotations

from catalog.model.errors import ReadError
from catalog.readers.file import read_file
from catalog.readers.git import read_git
from catalog.readers.policy import GitHubIntegration, ReadingPolicy, ReadResult
from catalog.readers.url import read_url

__all__ = ["GitHubIntegration", "ReadResult", "ReadingPolicy", "read"]

_READERS = {"file": read_file, "url": read_url, "git": read_git}


def read(location_type: str, target: str, policy: ReadingPolicy) -> ReadResult:
    """Read ``type:target`` under ``policy``."""
    reader = _READERS.get(location_type)
    if reader is None:
        raise ReadError(f"unknown location type {location_type!r} (use file, url or git)")
    return reader(target, policy)
