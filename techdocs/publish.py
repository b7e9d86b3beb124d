"""Publish a built site to storage in Backstage's layout, the way its publishers do,
without their gaps: every file is uploaded (in parallel, while the build is still
writing the others) before ``techdocs_metadata.json``, the listing of old keys is
complete (paginated), and stale keys are removed only after the new version is live,
so a failed or interrupted upload never removes a published file."""

from __future__ import annotations

import json
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage

from techdocs.built_files import SeenFiles
from techdocs.generate.problems import DocsProblem, ProblemKind
from techdocs.references import Triplet
from techdocs.storage import METADATA_FILE, list_keys, site_prefix, storage_problem

__all__ = ["UPLOAD_THREADS", "SitePublisher", "publish_directory", "read_local_metadata",
           "remove_stale"]  # fmt: skip

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


class SitePublisher:
    """Uploads a site into storage while it is being built: each file as soon as the
    build reports it written (:meth:`add`), then at :meth:`finish` whatever is new or
    changed since, and ``techdocs_metadata.json`` last. The uploads overlap the build
    instead of following it; a file is sent again if it changed after it was sent.

    Used as a context manager: leaving it without :meth:`finish` (a failed build)
    cancels the uploads not yet started."""

    def __init__(self, storage: Storage, triplet: Triplet, directory: Path) -> None:
        self.storage, self.triplet, self.directory = storage, triplet, directory
        self.prefix = site_prefix(triplet)
        self._pool = ThreadPoolExecutor(UPLOAD_THREADS, thread_name_prefix="docs-upload")
        self._files = SeenFiles(directory)
        self._pending: list[Future[None]] = []

    def __enter__(self) -> SitePublisher:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def add(self, name: str) -> None:
        """Start uploading the built file ``name`` (relative to the directory) unless
        it was sent as it is now; anything but a regular file inside it is ignored."""
        path = self._files.take(name) if name != METADATA_FILE else None
        if path is not None:
            self._pending.append(self._pool.submit(_upload, self.storage, self.prefix + name,
                                                   path))  # fmt: skip

    def finish(self) -> set[str]:
        """Send what is left, then the metadata; return the keys the site now has (for
        :func:`remove_stale`). Raises DocsProblem when storage fails."""
        metadata = read_local_metadata(self.directory)
        names = _site_files(self.directory)
        try:
            self._wait()
            for name in names:
                self.add(name)
            self._wait()
            _save(self.storage, self.prefix + METADATA_FILE,
                  ContentFile(json.dumps(metadata, ensure_ascii=False).encode()))  # fmt: skip
        except DocsProblem:
            raise
        except Exception as exc:
            raise storage_problem(exc, f"publishing {self.triplet.path}") from exc
        return {self.prefix + name for name in names} | {self.prefix + METADATA_FILE}

    def _wait(self) -> None:
        pending, self._pending = self._pending, []
        for upload in pending:
            upload.result()


def publish_directory(storage: Storage, triplet: Triplet, directory: Path) -> set[str]:
    """Upload the site already built in ``directory`` under the triplet's prefix,
    metadata last; return the keys the site now has (for :func:`remove_stale`)."""
    with SitePublisher(storage, triplet, directory) as publisher:
        return publisher.finish()


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
