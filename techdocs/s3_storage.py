"""The S3 storage docs sites are published with: django-storages' S3Storage, except
that a file's type is stored as the type of the file itself, and that a small file is
one PutObject.

S3Storage reads ``sitemap.xml.gz`` as XML with ``Content-Encoding: gzip``, so anything
serving the bucket over HTTP (a CDN, S3 website hosting, Backstage behind one) would
hand out the unzipped XML under a ``.gz`` name. Backstage's publishers store no
encoding at all; neither do we.

S3Storage also makes a boto3 session and resource for every thread that touches it,
and a publish uploads from a fresh pool of threads: seconds of CPU per site spent
making clients, while mkdocs still needs the CPU. Writes and deletes here share one
low-level client (boto3's clients are thread-safe, its resources are not) and a small
file is one PutObject.
"""

from __future__ import annotations

import mimetypes
import threading
from typing import Any

from botocore.exceptions import ClientError
from django.core.files import File
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

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
    def __init__(self, **settings: Any) -> None:
        super().__init__(**settings)
        self._client_lock = threading.Lock()
        self._client: Any = None

    @property
    def client(self) -> Any:
        """The one low-level client every thread writes and deletes with."""
        with self._client_lock:
            if self._client is None:
                self._client = self.connection.meta.client
            return self._client

    def get_object_parameters(self, name: str) -> dict[str, Any]:
        return {**super().get_object_parameters(name), "ContentType": stored_type(name)}

    def _save(self, name: str, content: File) -> str:
        if content.size is None or content.size > self.transfer_config.multipart_threshold:
            return super()._save(name, content)
        cleaned = clean_name(name)
        key = self._normalize_name(cleaned)
        content.seek(0)
        body = content.read()
        self.client.put_object(Bucket=self.bucket_name, Key=key,
                               Body=body.encode() if isinstance(body, str) else body,
                               **self._get_write_parameters(key, content))  # fmt: skip
        return cleaned

    def delete(self, name: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket_name,
                                      Key=self._normalize_name(clean_name(name)))  # fmt: skip
        except ClientError as err:
            if err.response.get("ResponseMetadata", {}).get("HTTPStatusCode") != 404:
                raise
