"""Seal a task's secrets for the short time they sit in the database.

Secrets (tokens a developer typed into a template's form) must reach the worker but
never be readable from a database dump or backup. They are encrypted with Fernet
(AES-128-CBC + HMAC) under a key derived from ``SECRET_KEY``, and the column is
emptied as soon as the task ends.
"""

from __future__ import annotations

import base64
import json
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

__all__ = ["open_secrets", "seal_secrets"]


@cache
def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"greenroom.scaffolder.task-secrets").derive(secret_key.encode())  # fmt: skip
    return Fernet(base64.urlsafe_b64encode(key))


def seal_secrets(secrets: dict[str, str]) -> str:
    """``secrets`` encrypted for the Task row; empty when there are none."""
    if not secrets:
        return ""
    return _fernet(settings.SECRET_KEY).encrypt(json.dumps(secrets).encode()).decode()


def open_secrets(sealed: str) -> dict[str, str] | None:
    """The secrets sealed by :func:`seal_secrets` (empty if none); None if they were
    sealed under another ``SECRET_KEY`` and cannot be read any more."""
    if not sealed:
        return {}
    try:
        return json.loads(_fernet(settings.SECRET_KEY).decrypt(sealed.encode()))
    except InvalidToken:
        return None
