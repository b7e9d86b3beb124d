"""Where published sites live, in Backstage's layout, through Django storage.

Keys are ``<namespace>/<kind>/<name>/<file>`` under the publisher's root (a directory,
or a bucket and ``bucketRootPath``), the triplet lower-cased (Backstage's default since
its beta layout); every site has ``techdocs_metadata.json``. That
is exactly what Backstage's publishers and ``techdocs-cli publish`` write, so one bucket
serves both. Content types are never taken from storage: the reader decides them.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.core.files.storage import FileSystemStorage, Storage

from techdocs import config
from techdocs.generate.pipeline import METADATA_FILE
from techdocs.generate.problems import DocsProblem, ProblemKind
from techdocs.references import Triplet

__all__ = ["METADATA_FILE", "docs_storage", "file_key", "list_keys", "list_objects",
           "open_site_file", "read_metadata", "site_prefix", "storage_for",
           "storage_problem"]  # fmt: skip

#: A metadata file larger than this is not a site's (200 pages list ~250 files).
MAX_METADATA_BYTES = 8 * 1024 * 1024


def docs_storage() -> Storage:
    """The storage of ``techdocs.publisher``, one instance per distinct configuration
    (S3 clients are costly to create and safe to share)."""
    return storage_for(config.publisher())


@lru_cache(maxsize=4)
def storage_for(publisher: config.Publisher) -> Storage:
    """The storage a publisher describes (``manage.py techdocs publish`` overrides it)."""
    if publisher.type != "awsS3":
        return FileSystemStorage(location=str(config.local_directory(publisher)),
                                 allow_overwrite=True)  # fmt: skip
    from techdocs.s3_storage import DocsS3Storage

    options: dict[str, Any] = {"bucket_name": publisher.bucket, "location": publisher.root_path,
                               "default_acl": None, "file_overwrite": True,
                               "querystring_auth": False}  # fmt: skip
    if publisher.endpoint:
        options["endpoint_url"] = publisher.endpoint
    if publisher.region:
        options["region_name"] = publisher.region
    if publisher.force_path_style:
        options["addressing_style"] = "path"
    if publisher.access_key_id:
        options["access_key"] = publisher.access_key_id
        options["secret_key"] = publisher.secret_access_key
    return DocsS3Storage(**options)


def open_site_file(storage: Storage, key: str) -> Any:
    """Open a published file for reading. On local disk never through a symbolic link
    or out of the publish directory: a link planted there by hand must not serve what
    it points at (the publisher itself never writes one). FileNotFoundError if so."""
    if isinstance(storage, FileSystemStorage):
        path = Path(storage.path(key))
        if path.is_symlink() or not path.resolve().is_relative_to(
                Path(storage.location).resolve()):  # fmt: skip
            raise FileNotFoundError(key)
    return storage.open(key, "rb")


def site_prefix(triplet: Triplet) -> str:
    """``ns/kind/name/`` as stored (a Triplet is already lower-cased)."""
    return f"{triplet.path}/"


def file_key(triplet: Triplet, path: str) -> str | None:
    """The key of ``path`` inside the site, or None when ``path`` would leave it
    (``..``, backslashes, NUL, absolute): Backstage's ``isValidContentPath``."""
    if "\\" in path or "\x00" in path or path.startswith("/"):
        return None
    normal = posixpath.normpath(path) if path else ""
    if normal in ("..", ".") or normal.startswith("../"):
        return None
    return site_prefix(triplet) + normal


def list_keys(storage: Storage, prefix: str) -> Iterator[str]:
    """Every key under ``prefix`` (paginated on S3: a listing is never cut short, which
    left stale files behind in Backstage before 2.0.0)."""
    for key, _digest in list_objects(storage, prefix):
        yield key


def list_objects(storage: Storage, prefix: str) -> Iterator[tuple[str, str | None]]:
    """Every key under ``prefix`` with the MD5 hex digest of its bytes where storage
    says it for free (an S3 ETag of a single PUT), else None."""
    bucket = getattr(storage, "bucket", None)
    if bucket is not None:
        root = storage.location.strip("/")  # type: ignore[attr-defined]
        full = f"{root}/{prefix}" if root else prefix
        for item in bucket.objects.filter(Prefix=full):
            etag = (item.e_tag or "").strip('"')
            yield (item.key[len(root) + 1:] if root else item.key,
                   etag if len(etag) == 32 and "-" not in etag else None)  # fmt: skip
        return
    for key in _walk(storage, prefix.rstrip("/")):
        yield key, None


def _walk(storage: Storage, directory: str) -> Iterator[str]:
    try:
        folders, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{directory}/{name}"
    for folder in folders:
        yield from _walk(storage, f"{directory}/{folder}")


def read_metadata(storage: Storage, triplet: Triplet) -> dict[str, Any] | None:
    """The site's ``techdocs_metadata.json`` (JSON; Backstage reads it with JSON5, and
    techdocs-core writes plain JSON), or None when the site was never published."""
    key = site_prefix(triplet) + METADATA_FILE
    try:
        with open_site_file(storage, key) as handle:
            raw = handle.read(MAX_METADATA_BYTES + 1)
    except FileNotFoundError:
        return None
    except Exception as exc:
        if _is_missing(exc):
            return None
        raise storage_problem(exc, f"reading {key}") from exc
    if len(raw) > MAX_METADATA_BYTES:
        raise DocsProblem(ProblemKind.STORAGE, f"{key} is larger than {MAX_METADATA_BYTES} bytes")
    try:
        metadata = json.loads(raw)
    except ValueError as exc:
        raise DocsProblem(ProblemKind.STORAGE, f"{key} is not JSON: {exc}") from None
    if not isinstance(metadata, dict):
        raise DocsProblem(ProblemKind.STORAGE, f"{key} is not a JSON object")
    return metadata


def _is_missing(exc: Exception) -> bool:
    response = getattr(exc, "response", None)
    code = (response or {}).get("Error", {}).get("Code") if isinstance(response, dict) else None
    return code in ("404", "NoSuchKey", "NotFound")


def storage_problem(exc: Exception, doing: str) -> DocsProblem:
    """A storage failure in words an operator can act on (access denied names the
    permission to grant; anything else says the storage could not be reached)."""
    response = getattr(exc, "response", None)
    code = (response or {}).get("Error", {}).get("Code", "") if isinstance(response, dict) else ""
    if code in ("AccessDenied", "403", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
        return DocsProblem(ProblemKind.STORAGE,
                           f"the docs storage refused access while {doing} ({code}): give "
                           "Greenroom's credentials s3:GetObject, s3:PutObject, "
                           "s3:DeleteObject and s3:ListBucket on the bucket")  # fmt: skip
    return DocsProblem(ProblemKind.STORAGE,
                       f"the docs storage could not be reached while {doing}: "
                       f"{type(exc).__name__}: {code or exc}")  # fmt: skip
