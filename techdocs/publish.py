"""Publish a built site to storage in Backstage's layout, the way its publishers do,
without their gaps: every file is uploaded (in parallel, while the build is still
writing the others) before ``techdocs_metadata.json``, the listing of old keys is
complete (paginated), and stale keys are removed only after the new version is live,
so a failed or interrupted upload never removes a published file."""

from __future__ import annotations

import contextlib
import hashlib
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
from techdocs.storage import METADATA_FILE, list_keys, list_objects, site_prefix, storage_problem

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
    """Uploads a site into storage while it is being built, without ever changing what
    the published version holds before the build has succeeded.

    During the build (:meth:`add`, as mkdocs reports each file written) only files
    the published version does not have are sent. At :meth:`finish` the rest follow:
    files that changed since they were sent, files the published version has with
    other bytes (files with the same bytes, by the S3 ETag, are not sent again), then
    ``techdocs_metadata.json`` last. Leaving without :meth:`finish` (a failed build)
    cancels what has not started and removes what the build added, so storage is as
    it was."""

    def __init__(self, storage: Storage, triplet: Triplet, directory: Path) -> None:
        self.storage, self.triplet, self.directory = storage, triplet, directory
        self.prefix = site_prefix(triplet)
        self._pool = ThreadPoolExecutor(UPLOAD_THREADS, thread_name_prefix="docs-upload")
        self._files = SeenFiles(directory)
        self._pending: list[Future[None]] = []
        self._live: dict[str, str | None] | None = None
        self._listing_failed = False
        self._added: set[str] = set()
        self._finished = False

    def __enter__(self) -> SitePublisher:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        if not self._finished:
            self._remove_added()

    def add(self, name: str) -> None:
        """Start uploading the built file ``name`` (relative to the directory) if the
        published version has no such file; anything but a regular file is ignored."""
        published = self._published_now() if name != METADATA_FILE else None
        if published is None or self.prefix + name in published:
            return
        path = self._files.take(name)
        if path is not None:
            self._added.add(self.prefix + name)
            self._submit(name, path)

    def finish(self) -> set[str]:
        """Send what is left, then the metadata; return the keys the site now has (for
        :func:`remove_stale`). Raises DocsProblem when storage fails."""
        metadata = read_local_metadata(self.directory)
        names = _site_files(self.directory)
        try:
            self._wait()
            published = self._published()
            for name in names:
                path = self._files.take(name)
                if path is not None and not _same(published.get(self.prefix + name), path):
                    self._submit(name, path)
            self._wait()
            _save(self.storage, self.prefix + METADATA_FILE,
                  ContentFile(json.dumps(metadata, ensure_ascii=False).encode()))  # fmt: skip
        except DocsProblem:
            raise
        except Exception as exc:
            raise storage_problem(exc, f"publishing {self.triplet.path}") from exc
        self._finished = True
        return {self.prefix + name for name in names} | {self.prefix + METADATA_FILE}

    def _published(self) -> dict[str, str | None]:
        """The keys storage holds for the site now, with their digests (listed once)."""
        if self._live is None:
            self._live = dict(list_objects(self.storage, self.prefix))
        return self._live

    def _published_now(self) -> dict[str, str | None] | None:
        """As :meth:`_published` during the build, or None when storage cannot be
        listed: then nothing is sent before :meth:`finish`, which reports the error."""
        if self._listing_failed:
            return None
        try:
            return self._published()
        except Exception:
            self._listing_failed = True
            return None

    def _submit(self, name: str, path: Path) -> None:
        self._pending.append(self._pool.submit(_upload, self.storage, self.prefix + name, path))

    def _wait(self) -> None:
        pending, self._pending = self._pending, []
        for upload in pending:
            upload.result()

    def _remove_added(self) -> None:
        """Best effort: the files a failed build added are removed; any left (storage
        failing too) are stale keys the next successful build removes."""
        for key in sorted(self._added):
            with contextlib.suppress(Exception):
                self.storage.delete(key)


def _same(digest: str | None, path: Path) -> bool:
    """Whether storage's digest of a key is the MD5 of the built file's bytes."""
    return digest is not None and hashlib.md5(path.read_bytes(), usedforsecurity=False
                                              ).hexdigest() == digest  # fmt: skip


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
