"""Which docs an entity has and where their source is, from its annotations.

Backstage's rules (``../shared/anchors/techdocs.md`` §1): ``backstage.io/techdocs-ref``
is ``dir:<path>`` (relative to the entity's source location) or ``url:<tree URL>``;
``backstage.io/techdocs-entity`` says "my docs are that entity's docs" and
``backstage.io/techdocs-entity-path`` deep-links into them. The source location is
``backstage.io/source-location``, else ``backstage.io/managed-by-location``. A ``dir:``
path may not leave the folder of the catalog file (file), the repository (git) or be
resolved against anything but an http(s) URL (url). Pure functions on entity dicts.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.urls import reverse

from techdocs.generate.problems import DocsProblem, ProblemKind

__all__ = ["DOCS_ENTITY", "DOCS_ENTITY_PATH", "DOCS_REF", "DocsSource", "Triplet", "docs_source",
           "docs_target", "has_docs", "owns_docs", "site_urls", "triplet_of"]  # fmt: skip

DOCS_REF = "backstage.io/techdocs-ref"
DOCS_ENTITY = "backstage.io/techdocs-entity"
DOCS_ENTITY_PATH = "backstage.io/techdocs-entity-path"
SOURCE_LOCATION = "backstage.io/source-location"
MANAGED_BY = "backstage.io/managed-by-location"


@dataclass(frozen=True, order=True)
class Triplet:
    """``<namespace>/<kind>/<name>`` of a docs site, lower-cased as Backstage stores it."""

    namespace: str
    kind: str
    name: str

    @classmethod
    def of(cls, namespace: str, kind: str, name: str) -> Triplet:
        return cls(namespace.lower(), kind.lower(), name.lower())

    @classmethod
    def parse(cls, value: str) -> Triplet:
        """``ns/kind/name`` (the CLI's ``--entity``); raises ValueError otherwise."""
        parts = value.strip("/").split("/")
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"{value!r} is not <namespace>/<kind>/<name>")
        return cls.of(*parts)

    @property
    def path(self) -> str:
        return f"{self.namespace}/{self.kind}/{self.name}"

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.namespace}/{self.name}"


@dataclass(frozen=True)
class DocsSource:
    """Where to read a site's source: a catalog location type and target."""

    type: str
    target: str


def _annotations(entity: Mapping[str, Any]) -> Mapping[str, Any]:
    metadata = entity.get("metadata")
    annotations = metadata.get("annotations") if isinstance(metadata, Mapping) else None
    return annotations if isinstance(annotations, Mapping) else {}


def has_docs(entity: Mapping[str, Any]) -> bool:
    """Whether the entity page gets a Docs tab (either annotation, as in Backstage)."""
    annotations = _annotations(entity)
    return any(isinstance(annotations.get(key), str) and annotations[key].strip()
               for key in (DOCS_REF, DOCS_ENTITY))  # fmt: skip


def owns_docs(entity: Mapping[str, Any]) -> bool:
    """Whether the entity has a docs source of its own (``techdocs-ref``): only those
    are built, and only those are listed and indexed (shared docs once)."""
    ref = _annotations(entity).get(DOCS_REF)
    return isinstance(ref, str) and bool(ref.strip())


def triplet_of(entity: Mapping[str, Any]) -> Triplet:
    """The entity's own triplet (its docs live there when it has ``techdocs-ref``)."""
    metadata = entity.get("metadata") if isinstance(entity.get("metadata"), Mapping) else {}
    return Triplet.of(str(metadata.get("namespace") or "default"), str(entity.get("kind", "")),
                      str(metadata.get("name", "")))  # fmt: skip


def docs_target(entity: Mapping[str, Any]) -> tuple[Triplet, str]:
    """Whose docs the entity shows and at which page path: its own, or those of the
    entity ``techdocs-entity`` names (``kind:namespace/name``), at
    ``techdocs-entity-path`` (with a leading ``/`` as Backstage adds it, stripped here
    because portal page paths are relative to the site)."""
    annotations = _annotations(entity)
    other = annotations.get(DOCS_ENTITY)
    if not isinstance(other, str) or not other.strip():
        return triplet_of(entity), ""
    kind, _, rest = other.strip().partition(":")
    namespace, _, name = rest.rpartition("/")
    if not kind or not name:
        raise DocsProblem(ProblemKind.SOURCE_UNREADABLE,
                          f"{DOCS_ENTITY}: {other!r} is not an entity reference "
                          "(write kind:namespace/name, e.g. component:default/shared-docs)",
                          key=DOCS_ENTITY)  # fmt: skip
    path = annotations.get(DOCS_ENTITY_PATH)
    page = path.strip().lstrip("/") if isinstance(path, str) else ""
    return Triplet.of(namespace or "default", kind, name), page


def docs_source(entity: Mapping[str, Any]) -> DocsSource:
    """Resolve ``techdocs-ref`` to a location the catalog's readers can fetch."""
    annotations = _annotations(entity)
    ref = annotations.get(DOCS_REF)
    if not isinstance(ref, str) or not ref.strip():
        raise DocsProblem(ProblemKind.SOURCE_UNREADABLE,
                          f"the entity has no {DOCS_REF} annotation; add "
                          f"'{DOCS_REF}: dir:.' next to a mkdocs.yml", key=DOCS_REF)  # fmt: skip
    ref_type, _, target = ref.strip().partition(":")
    if ref_type == "url" and target:
        return DocsSource("url", target)
    if ref_type != "dir":
        raise DocsProblem(ProblemKind.SOURCE_UNREADABLE,
                          f"{DOCS_REF}: {ref!r} is not supported; use dir:<path> (relative "
                          "to the catalog file) or url:<repository tree URL>",
                          key=DOCS_REF)  # fmt: skip
    location = annotations.get(SOURCE_LOCATION) or annotations.get(MANAGED_BY)
    if not isinstance(location, str) or ":" not in location:
        raise DocsProblem(ProblemKind.SOURCE_UNREADABLE,
                          f"{DOCS_REF}: dir: needs the entity's source location "
                          f"({SOURCE_LOCATION} or {MANAGED_BY}), and it has none",
                          key=DOCS_REF)  # fmt: skip
    location_type, _, location_target = location.partition(":")
    return _resolve_dir(location_type, location_target, target or ".", ref)


def _resolve_dir(location_type: str, base: str, path: str, ref: str) -> DocsSource:
    if location_type == "url":
        return DocsSource("url", _joined_url(base, path, ref))
    if location_type == "file":
        return DocsSource("file", _joined_path(posixpath.dirname(base), path, ref))
    if location_type == "git":
        repo, _, rest = base.partition("#")
        branch, _, file_path = rest.partition(":")
        inside = _joined_path(posixpath.dirname(file_path), path, ref, root="")
        return DocsSource("git", f"{repo}#{branch}:{inside or '.'}")
    raise DocsProblem(ProblemKind.SOURCE_UNREADABLE,
                      f"{DOCS_REF}: {ref!r} cannot be resolved against a {location_type!r} "
                      "location; use url:<repository tree URL>", key=DOCS_REF)  # fmt: skip


def _outside(ref: str) -> DocsProblem:
    return DocsProblem(ProblemKind.SOURCE_UNREADABLE,
                       f"{DOCS_REF}: {ref!r} leads outside the folder of the catalog file; "
                       "docs must live next to it or below it", key=DOCS_REF)  # fmt: skip


def _joined_path(base: str, path: str, ref: str, root: str | None = None) -> str:
    """``path`` inside ``base`` (normalised), refusing absolute paths and ``..`` escapes."""
    if path.startswith("/") or "\\" in path or "\x00" in path:
        raise _outside(ref)
    joined = posixpath.normpath(posixpath.join(base or ".", path))
    anchor = posixpath.normpath(base or ".")
    if anchor != "." and joined != anchor and not joined.startswith(anchor.rstrip("/") + "/"):
        raise _outside(ref)
    if anchor == "." and (joined == ".." or joined.startswith("../")):
        raise _outside(ref)
    return "" if root == "" and joined == "." else joined


def _joined_url(base: str, path: str, ref: str) -> str:
    """``path`` resolved against the source URL (a folder: a trailing ``/`` is added),
    staying on the same host and inside the folder."""
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise DocsProblem(ProblemKind.SOURCE_UNREADABLE,
                          f"{DOCS_REF}: the source location {base!r} is not an http(s) URL",
                          key=DOCS_REF)  # fmt: skip
    folder = base if base.endswith("/") else base.rsplit("/", 1)[0] + "/"
    if path.startswith("/") or "\\" in path or urlsplit(path).scheme:
        raise _outside(ref)
    joined = urljoin(folder, path).rstrip("/")
    if not (joined + "/").startswith(folder):
        raise _outside(ref)
    return joined


def site_urls(triplet: Triplet) -> tuple[str, str]:
    """Where the site's pages and its stored files are served in the portal."""
    args = (triplet.namespace, triplet.kind, triplet.name)
    return reverse("techdocs:site", args=args), reverse("techdocs:files_root", args=args)
