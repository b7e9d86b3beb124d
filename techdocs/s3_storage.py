"""The S3 storage docs sites are published with: django-storages' S3Storage, except
that a file's type is stored as the type of the file itself.

S3Storage reads ``sitemap.xml.gz`` as XML with ``Content-Encoding: gzip``, so anything
serving the bucket over HTTP (a CDN, S3 website hosting, Backstage behind one) would
hand out the unzipped XML under a ``.gz`` name. Backstage's publishers store no
encoding at all; neither do we.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from storages.backends.s3 import S3Storage

__all__ = ["DocsS3Storage", "stored_type"]

#: What the compressed extensions are as files (mimetypes reads them as encodings).
COMPRESSED = {".gz": "application/gzip", ".bz2": "application/x-bzip2",
              ".xz": "application/x-xz", ".br": "application/octet-stream",
              ".z": "application/octet-stream"}  # fmt: skip


def stored_type(name: str) -> str:
    """The Content-Type stored with ``name``: its extension's type, never an encoding."""
    content_type, encoding = mimetypes.guess_type(name)
    if encoding:
        return COMPRESSED.get("." + name.rsplit(".", 1)[-1].lower(), "application/octet-stream")
    return content_type or "application/octet-stream"


class DocsS3Storage(S3Storage):
    def get_object_parameters(self, name: str) -> dict[str, Any]:
        return {**super().get_object_parameters(name), "ContentType": stored_type(name)}
