"""Location references and targets relative to the file that names them."""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from catalog.model.errors import ReadError
from catalog.readers.git import parse_git_target

__all__ = ["parse_location_ref", "resolve_target"]


def parse_location_ref(ref: str) -> tuple[str, str]:
    """Split Backstage's ``<type>:<target>`` location reference."""
    kind, sep, target = ref.partition(":")
    if not sep or not kind or not target:
        raise ReadError(f"Unable to parse location ref '{ref}', expected '<type>:<target>'")
    if kind in ("http", "https"):
        raise ReadError(f"Invalid location ref '{ref}', please prefix it with 'url:', "
                        f"e.g. 'url:{ref}'")  # fmt: skip
    return kind, target


def resolve_target(base_type: str, base_target: str, target: str) -> tuple[str, str]:
    """Resolve ``target`` (from a Location entity or a placeholder) against the file
    ``base_type:base_target`` it was written in."""
    if base_type == "url":
        if urlsplit(target).scheme:
            return "url", target
        return "url", urljoin(base_target, target)
    if base_type == "file":
        if urlsplit(target).scheme in ("http", "https"):
            return "url", target
        path = Path(target)
        if not path.is_absolute():
            path = Path(base_target).parent / path
        return "file", str(Path(posixpath.normpath(str(path))))
    if base_type == "git":
        if urlsplit(target).scheme in ("http", "https"):
            return "url", target
        repo, ref, base_path = parse_git_target(base_target)
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(base_path), target))
        if joined.startswith("../") or joined == "..":
            raise ReadError(f"{target} leaves the repository {repo}")
        return "git", f"{repo}#{ref}:{joined.lstrip('/')}"
    raise ReadError(f"cannot resolve targets of {base_type} locations")
