"""Where the template editor keeps what outlives one request: an uploaded template
folder (its later previews and dry runs use its files) and recent dry runs (each file
a person opens is read from the stored run, never by running it again).

Each is one zip in Django storage (local disk by default, S3 in production, so any
web process or machine finds it) under the owner's folder: ``manifest.json`` and the
files under ``files/``. Keys are random; a key is only looked up in its owner's
folder, so nobody reaches another person's upload or run by guessing. Entries are
short-lived: those older than ``KEEP_FOR`` are refused and deleted, and each person
keeps at most ``KEEP_PER_KIND`` of each kind (the oldest go when a new one is saved).
Their size is bounded by whoever saves them (the upload and dry-run limits).
"""

from __future__ import annotations

import io
import json
import re
import uuid
import zipfile
from collections.abc import Collection, Mapping
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

__all__ = ["KEEP_FOR", "KEEP_PER_KIND", "KINDS", "read_bundle", "save_bundle"]

ROOT = "scaffolder/editor"
KINDS = ("upload", "run")
KEEP_FOR = timedelta(hours=12)
KEEP_PER_KIND = 10
_KEY = re.compile(r"^[0-9a-f]{32}$")
_MANIFEST = "manifest.json"


def _folder(user: Any) -> str:
    """Where ``user``'s bundles are kept (by primary key: usernames can change)."""
    return f"{ROOT}/{int(user.pk)}"


def _name(user: Any, kind: str, key: str) -> str:
    """The storage name of ``user``'s bundle ``key`` of ``kind``."""
    if kind not in KINDS:
        raise ValueError(f"unknown editor bundle kind {kind!r}")
    return f"{_folder(user)}/{kind}-{key}.zip"


def save_bundle(user: Any, kind: str, manifest: Mapping[str, Any],
                contents: Mapping[str, bytes]) -> str:  # fmt: skip
    """Keep ``manifest`` and ``contents`` (path -> bytes) for ``user``; return the key
    that finds them again."""
    key = uuid.uuid4().hex
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_MANIFEST, json.dumps(manifest))
        for path, data in contents.items():
            archive.writestr(f"files/{path}", data)
    default_storage.save(_name(user, kind, key), ContentFile(buffer.getvalue()))
    _prune(user, kind)
    return key


def _expired(name: str) -> bool:
    """Whether the bundle stored as ``name`` is older than ``KEEP_FOR``."""
    return default_storage.get_modified_time(name) < timezone.now() - KEEP_FOR


def _prune(user: Any, kind: str) -> None:
    """Delete ``user``'s expired bundles of ``kind`` and all but the newest few."""
    try:
        _, names = default_storage.listdir(_folder(user))
    except FileNotFoundError:
        return
    paths = [f"{_folder(user)}/{name}" for name in names if name.startswith(f"{kind}-")]
    paths.sort(key=default_storage.get_modified_time, reverse=True)
    for position, path in enumerate(paths):
        if position >= KEEP_PER_KIND or _expired(path):
            default_storage.delete(path)


def read_bundle(user: Any, kind: str, key: str, paths: Collection[str] | None = None
                ) -> tuple[dict[str, Any], dict[str, bytes]] | None:  # fmt: skip
    """``user``'s bundle ``key``: its manifest and the contents of ``paths`` that it
    holds (every file when ``paths`` is None); None if there is no such bundle of
    theirs or it has expired."""
    if not _KEY.match(key or ""):
        return None
    name = _name(user, kind, key)
    if not default_storage.exists(name):
        return None
    if _expired(name):
        default_storage.delete(name)
        return None
    with default_storage.open(name, "rb") as stored, zipfile.ZipFile(stored) as archive:
        manifest = json.loads(archive.read(_MANIFEST))
        members = {member[len("files/"):] for member in archive.namelist()
                   if member.startswith("files/")}  # fmt: skip
        wanted = members if paths is None else members & set(paths)
        contents = {path: archive.read(f"files/{path}") for path in wanted}
    return manifest, contents
