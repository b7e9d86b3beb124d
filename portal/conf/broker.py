"""Choose the Celery broker.

Redis when ``CELERY_BROKER_URL`` or ``REDIS_URL`` is set; otherwise kombu's
filesystem transport in the var directory, which needs no server, so the embedded
mode runs a real worker and beat with nothing else installed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from portal.conf.environ import env_str

__all__ = ["broker_settings"]


def broker_settings(environ: Mapping[str, str], var_dir: Path) -> dict[str, Any]:
    """Return ``broker_url`` and ``broker_transport_options`` for Celery."""
    url = env_str(environ, "CELERY_BROKER_URL") or env_str(environ, "REDIS_URL")
    if url:
        return {"broker_url": url, "broker_transport_options": {}}
    folders = {name: var_dir / "broker" / name for name in ("queue", "processed", "control")}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    return {
        "broker_url": "filesystem://",
        "broker_transport_options": {
            "data_folder_in": str(folders["queue"]),
            "data_folder_out": str(folders["queue"]),
            "processed_folder": str(folders["processed"]),
            "control_folder": str(folders["control"]),
            "store_processed": False,
            # kombu looks for new messages once a second by default; a template run
            # waits on this, and listing one folder ten times a second costs nothing.
            "polling_interval": 0.1,
        },
    }
