"""Read a site's source into a private folder through the catalog's readers (the same
allow-lists, address checks and size limits as any catalog read).

A ``file`` source is read as its ``mkdocs.yml`` plus its docs folder only: the folder
of a catalog file is often a whole repository checkout (build output, virtualenvs),
and a build needs nothing else. Repositories (``git``, ``url``) arrive as one
archive. Either way the fingerprint covers only what the build reads, so a commit
that touches no docs does not rebuild them (Backstage rebuilds on any commit).
"""

from __future__ import annotations

import hashlib
import posixpath
from pathlib import Path

from catalog import services as catalog
from catalog.model.errors import CatalogError
from techdocs.generate.mkdocs_yaml import load_mkdocs_yaml
from techdocs.generate.pipeline import tree_hash
from techdocs.generate.problems import DocsProblem, ProblemKind
from techdocs.references import DocsSource

__all__ = ["MKDOCS_FILES", "fetch_source", "fingerprint"]

MKDOCS_FILES = ("mkdocs.yml", "mkdocs.yaml")


def _unreadable(exc: Exception) -> DocsProblem:
    return DocsProblem(ProblemKind.SOURCE_UNREADABLE, f"the docs source could not be read: {exc}")


def _fetch(location_type: str, target: str, destination: Path) -> bool:
    """Read one tree or file; False when it does not exist."""
    try:
        catalog.fetch_tree(location_type, target, destination)
    except CatalogError as exc:
        if getattr(exc, "not_found", False):
            if destination.is_dir() and not any(destination.iterdir()):
                destination.rmdir()  # the reader made it before finding nothing
            return False
        raise _unreadable(exc) from None
    return True


def _docs_dir(config_file: Path) -> str:
    """The authored ``docs_dir`` (default ``docs``), as a relative folder or ``docs``
    when it is unusable: the build's own checks refuse it with a clear message."""
    authored = load_mkdocs_yaml(config_file.read_text(encoding="utf-8", errors="replace"),
                                config_file.name)  # fmt: skip
    value = authored.get("docs_dir", "docs")
    if not isinstance(value, str) or value.startswith("/") or "\\" in value:
        return "docs"
    normal = posixpath.normpath(value)
    return "docs" if normal == "." or normal.startswith("..") else normal


def _fetch_file_source(folder: str, destination: Path) -> None:
    destination.mkdir(parents=True)
    docs_dir = "docs"
    for name in MKDOCS_FILES:
        if _fetch("file", f"{folder}/{name}", destination / f".{name}"):
            (destination / f".{name}" / name).rename(destination / name)
            (destination / f".{name}").rmdir()
            docs_dir = _docs_dir(destination / name)
            break
    docs = destination / docs_dir
    docs.parent.mkdir(parents=True, exist_ok=True)
    _fetch("file", f"{folder}/{docs_dir}", docs)  # a missing folder is the build's to explain


def fetch_source(source: DocsSource, destination: Path) -> None:
    """Write the source's files into the new folder ``destination``."""
    if source.type == "file":
        _fetch_file_source(source.target, destination)
        return
    if not _fetch(source.type, source.target, destination):
        raise DocsProblem(ProblemKind.SOURCE_UNREADABLE,
                          f"{source.type}:{source.target} does not exist")  # fmt: skip


def fingerprint(tree: Path) -> str:
    """The hash of what a build reads: the mkdocs file and the docs folder (the whole
    tree when there is no mkdocs file: Backstage's default config reads docs/)."""
    config = next((tree / name for name in MKDOCS_FILES if (tree / name).is_file()), None)
    if config is None:
        return tree_hash(tree)
    digest = hashlib.sha256(config.read_bytes())
    docs = tree / _docs_dir(config)
    digest.update(b"\0" + (tree_hash(docs) if docs.is_dir() else "").encode())
    return digest.hexdigest()
