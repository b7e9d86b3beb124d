"""The secret key: from ``SECRET_KEY``, or generated once and kept in the var directory.

A generated key lets ``make run`` work with no setup while keeping sessions valid
across restarts. Deployments with more than one machine must set ``SECRET_KEY`` so
every process signs with the same key.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from portal.conf.environ import env_str
from portal.conf.errors import ConfigError

__all__ = ["secret_key"]

MIN_LENGTH = 50


def secret_key(environ: Mapping[str, str], var_dir: Path) -> str:
    """Return the configured key, or the one stored in ``var_dir/secret_key``."""
    configured = env_str(environ, "SECRET_KEY")
    if configured:
        if len(configured) < MIN_LENGTH:
            raise ConfigError(
                f"SECRET_KEY is too short: use at least {MIN_LENGTH} random characters"
            )
        return configured
    path = var_dir / "secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        _write_new_key(path)
    return path.read_text().strip()


def _write_new_key(path: Path) -> None:
    # O_EXCL: when the web server and the worker start together, one writes the key
    # and the other reads it, instead of each keeping a different key.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_urlsafe(64))
