"""What registering a location would bring, before anything is stored.

A catalog file (or a repository holding one) yields its entities, ready to import.
A repository without one yields a proposed Component named after the repository,
as Backstage's default analyzer does, for the user to complete. Reading goes
through the same readers, limits and rules as a refresh.
"""

from __future__ import annotations

import os.path
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from catalog.ingestion.rules import CatalogRules
from catalog.ingestion.tree import (
    DEFAULT_ENTITY_LIMITS,
    Emitted,
    EntityLimits,
    Problem,
    read_tree,
)
from catalog.model.errors import ReadError
from catalog.readers import read
from catalog.readers.file import confined_path
from catalog.readers.policy import ReadingPolicy

__all__ = ["Analysis", "NotAUrl", "analyze"]

DEFAULT_FILENAME = "catalog-info.yaml"
_CATALOG_SUFFIXES = (".yaml", ".yml")


class NotAUrl(ValueError):
    """A ``url`` location whose target is no http(s) URL."""


@dataclass
class Analysis:
    """The outcome: the file read, its entities and problems, or a proposal."""

    location_type: str
    target: str
    entities: list[Emitted] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: Entities to write a catalog file for, when the target has none.
    proposed: list[dict[str, Any]] = field(default_factory=list)


def _catalog_file(location_type: str, target: str, filename: str, policy: ReadingPolicy) -> str:
    """The catalog file to read for ``target``: itself when it names a YAML file,
    else ``filename`` at the root of the repository or directory it names. A path
    outside the readable directories is never looked at (its read fails), so the
    answer cannot tell whether such a path is a directory."""
    if location_type == "file":
        try:
            path = confined_path(target, policy.file_roots)
        except ReadError:
            return target
        return os.path.join(target, filename) if path.is_dir() else target
    if location_type != "url":
        return target
    try:
        parts = urlsplit(target)
        parts.port  # noqa: B018 - a malformed port raises here
    except ValueError:
        raise NotAUrl("The given location.target is not a URL") from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise NotAUrl("The given location.target is not a URL")
    if parts.path.lower().endswith(_CATALOG_SUFFIXES):
        return target
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) < 2:
        raise NotAUrl("The given location.target is not a URL of a repository or a file")
    owner, repo = segments[0], segments[1].removesuffix(".git")
    ref = segments[3] if len(segments) > 3 and segments[2] in ("tree", "blob") else "HEAD"
    return f"{parts.scheme}://{parts.netloc}/{owner}/{repo}/blob/{ref}/{filename}"


def _proposal(target: str, policy: ReadingPolicy) -> dict[str, Any]:
    """A Component named after the repository, with the GitHub project slug when the
    host is a GitHub one (Backstage's default analyzer)."""
    parts = urlsplit(target)
    segments = [s for s in parts.path.split("/") if s]
    owner, name = [*segments, "", ""][:2]
    name = PurePosixPath(name).name.removesuffix(".git") or parts.hostname or "component"
    entity: dict[str, Any] = {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {"name": name},
        "spec": {"type": "other", "lifecycle": "unknown"},
    }
    if parts.hostname == "github.com" or policy.github_for(target) is not None:
        entity["metadata"]["annotations"] = {"github.com/project-slug": f"{owner}/{name}"}
    return entity


def analyze(location_type: str, target: str, filename: str, *, policy: ReadingPolicy,
            rules: CatalogRules,
            entity_limits: EntityLimits = DEFAULT_ENTITY_LIMITS) -> Analysis:  # fmt: skip
    """Read the catalog file ``target`` leads to, or propose one if there is none."""
    candidate = _catalog_file(location_type, target, filename or DEFAULT_FILENAME, policy)
    derived = candidate != target
    # A file the user named must exist; one guessed inside a repository may not.
    presence = "optional" if derived else "required"
    tree = read_tree(location_type, candidate, presence=presence, rules=rules,
                     read=lambda kind, path: read(kind, path, policy).data,
                     entity_limits=entity_limits)  # fmt: skip
    # Leave out the generated Location of the registration itself (the only root).
    found = [e for e in tree.entities if e.parent_ref]
    analysis = Analysis(location_type, candidate, entities=found, problems=tree.problems)
    if derived and location_type == "url" and not tree.root_error and not tree.read_files:
        analysis.proposed.append(_proposal(target, policy))
    return analysis
