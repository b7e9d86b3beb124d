"""The scaffolder's settings from app-config, read when they are needed (tests and
reloads change ``APP_CONFIG``), each with Backstage's key and a documented default."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.conf import settings

__all__ = ["default_environment", "heartbeat_stale_after", "lenient_inputs", "working_directory"]

#: A worker that has not shown it is alive for this long is considered gone.
DEFAULT_STALE_AFTER = timedelta(seconds=30)
_DURATION = re.compile(r"^\s*(\d+)\s*(ms|s|m|h)?\s*$")


def _scaffolder() -> dict[str, Any]:
    return settings.APP_CONFIG.get("scaffolder") or {}


def default_environment(with_secrets: bool) -> dict[str, Any]:
    """``scaffolder.defaultEnvironment``: ``environment.parameters`` for every template,
    and ``environment.secrets`` outside dry runs."""
    configured = _scaffolder().get("defaultEnvironment") or {}
    environment: dict[str, Any] = {"parameters": configured.get("parameters") or {}}
    if with_secrets and configured.get("secrets"):
        environment["secrets"] = dict(configured["secrets"])
    return environment


def working_directory() -> str | None:
    """``backend.workingDirectory`` (the system's temporary directory when unset)."""
    return (settings.APP_CONFIG.get("backend") or {}).get("workingDirectory")


def lenient_inputs() -> bool:
    """``scaffolder.lenientInputs`` (default on): a task whose step passes keys the
    action's schema does not know drops them with a warning instead of failing, so
    templates written for older Backstage versions still run. Dry runs stay strict,
    as Backstage's are."""
    return _scaffolder().get("lenientInputs", True) is not False


def heartbeat_stale_after() -> timedelta:
    """``scaffolder.taskStaleTimeout`` (default 30 s; a number of seconds or ``"90s"``,
    ``"5m"``): a processing task with no heartbeat for this long failed with its worker."""
    value = _scaffolder().get("taskStaleTimeout")
    if value is None:
        return DEFAULT_STALE_AFTER
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return timedelta(seconds=value)
    if isinstance(value, dict):
        return timedelta(**{k: float(v) for k, v in value.items()})
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError(f"scaffolder.taskStaleTimeout: {value!r} is not a duration "
                         "(use seconds, or e.g. '90s', '5m')")  # fmt: skip
    amount, unit = int(match.group(1)), match.group(2) or "s"
    return timedelta(**{{"ms": "milliseconds", "s": "seconds", "m": "minutes",
                         "h": "hours"}[unit]: amount})  # fmt: skip
