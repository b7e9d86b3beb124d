"""Publish a built site to storage in Backstage's layout, the way its publishers do,
without their gaps: every file is uploaded (in parallel) before
``techdocs_metadata.json``, the listing of old keys is complete (paginated), and stale
keys are removed only after the new version is live, so a failed or interrupted upload
never removes a published file."""

from __future__ import annotations

import json
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage

from techdocs.generate.problems import DocsProblem, ProblemKind
from techdocs.references import Triplet
from techdocs.storage import METADATA_FILE, list_keys, site_prefix, storage_problem

__all__ = ["UPLOAD_THREADS", "publish_directory", "read_local_metadata", "remove_stale"]

#: Backstage uploads ten at a time; S3 servers answer in parallel, so this bounds
#: publish time by the slowest file rather than their sum.
UPLOAD_THREADS = 10


def read_local_metadata(directory: Path) -> dict[str, Any]:
    """The site's ``techdocs_metadata.json`` in a built directory (``techdocs-cli
    generate`` output or ours); its absence means it is not a TechDocs site."""
    path = directory / METADATA_FILE
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DocsProblem(ProblemKind.BUILD_FAILED,
                          f"{directory} has no {METADATA_FILE}: it was not built with "
                          "mkdocs-techdocs-core (run 'manage.py techdocs generate')") from None
    except ValueError as exc:
        raise DocsProblem(ProblemKind.BUILD_FAILED, f"{path} is not JSON: {exc}") from None
    if not isinstance(metadata, dict):
        raise DocsProblem(ProblemKind.BUILD_FAILED, f"{path} is not a JSON object")
    return metadata


def _site_files(directory: Path) -> list[str]:
    files = [p.relative_to(directory).as_posix() for p in directory.rglob("*")
             if p.is_file() and not p.is_symlink()]  # fmt: skip
    return sorted(name for name in files if name != METADATA_FILE)


def publish_directory(storage: Storage, triplet: Triplet, directory: Path) -> set[str]:
    """Upload the built site in ``directory`` under the triplet's prefix, metadata
    last; return the keys the site now has (for :func:`remove_stale`)."""
    metadata = read_local_metadata(directory)
    prefix = site_prefix(triplet)
    names = _site_files(directory)
    keys = {prefix + name for name in names} | {prefix + METADATA_FILE}
    try:
        with ThreadPoolExecutor(UPLOAD_THREADS) as pool:
            for _ in pool.map(lambda name: _upload(storage, prefix + name, directory / name),
                              names):  # fmt: skip
                pass
        _save(storage, prefix + METADATA_FILE,
              ContentFile(json.dumps(metadata, ensure_ascii=False).encode()))  # fmt: skip
    except DocsProblem:
        raise
    except Exception as exc:
        raise storage_problem(exc, f"publishing {triplet.path}") from exc
    return keys


def _upload(storage: Storage, key: str, path: Path) -> None:
    with path.open("rb") as handle:
        _save(storage, key, File(handle, name=path.name))


def _save(storage: Storage, key: str, content: File) -> None:
    saved = storage.save(key, content)
    if saved != key:  # a storage that renames instead of overwriting would split the site
        raise DocsProblem(ProblemKind.STORAGE,
                          f"the docs storage saved {key} as {saved}; configure it to "
                          "overwrite files")  # fmt: skip


def remove_stale(storage: Storage, triplet: Triplet, keep: Iterable[str]) -> int:
    """Delete the site's keys that are not in ``keep``; returns how many. Called once
    the new version is live: before that the old files are still being read."""
    keep = set(keep)
    stale = [key for key in list_keys(storage, site_prefix(triplet)) if key not in keep]
    try:
        with ThreadPoolExecutor(UPLOAD_THREADS) as pool:
            for _ in pool.map(storage.delete, stale):
                pass
    except Exception as exc:
        raise storage_problem(exc, f"removing old files of {triplet.path}") from exc
    return len(stale)
