"""The catalog's settings, read from app-config's ``catalog``, ``backend.reading`` and
``integrations`` blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings

from catalog.github_store import DatabaseResponseCache
from catalog.ingestion.rules import CatalogRules
from catalog.ingestion.tree import DEFAULT_ENTITY_LIMITS, EntityLimits
from catalog.providers import ProviderLocation, provider_locations
from catalog.readers.policy import GitHubApp, GitHubIntegration, ReadingPolicy, url_host

__all__ = ["CatalogSettings", "catalog_settings"]

DEFAULT_INTERVAL = timedelta(minutes=5)
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
#: Seconds the reads of one registration or analysis may take together.
DEFAULT_REGISTRATION_TIMEOUT = 10.0
_UNITS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


@dataclass(frozen=True)
class CatalogSettings:
    """Everything ingestion needs to know from configuration."""

    locations: tuple[dict[str, Any], ...]
    rules: CatalogRules
    orphan_strategy: str
    #: None when scheduled refreshing is switched off (``processingInterval: false``).
    interval: timedelta | None
    policy: ReadingPolicy
    entity_limits: EntityLimits
    #: Seconds all reads of a registration or analysis may take (someone waits).
    registration_timeout: float
    #: Refresh intervals that differ from ``interval``, by ``(type, target)``: the
    #: providers' ``schedule.frequency``.
    intervals: tuple[tuple[tuple[str, str], timedelta | None], ...] = ()

    def interval_for(self, location_type: str, target: str) -> timedelta | None:
        """How often the location ``type:target`` is refreshed (None: never)."""
        return dict(self.intervals).get((location_type, target), self.interval)


def catalog_settings() -> CatalogSettings:
    """Build the catalog settings from the loaded app-config."""
    config = settings.APP_CONFIG
    catalog = config.get("catalog") or {}
    providers = provider_locations(config, _interval)
    locations = tuple(catalog.get("locations") or []) + tuple(p.as_config() for p in providers)
    return CatalogSettings(
        locations=locations,
        rules=CatalogRules.from_config(catalog, extra=[p.rule() for p in providers]),
        orphan_strategy=catalog.get("orphanStrategy", "keep"),
        interval=_interval(catalog.get("processingInterval", None)),
        policy=_policy(config, locations, providers),
        entity_limits=_entity_limits(catalog),
        registration_timeout=float(
            catalog.get("registrationTimeout") or DEFAULT_REGISTRATION_TIMEOUT
        ),
        intervals=tuple(((p.type, p.target), p.interval) for p in providers if p.interval),
    )


def _entity_limits(catalog: dict[str, Any]) -> EntityLimits:
    default = DEFAULT_ENTITY_LIMITS
    return EntityLimits(
        max_bytes=int(catalog.get("maxEntityBytes") or default.max_bytes),
        max_relations=int(catalog.get("maxRelationsPerEntity") or default.max_relations),
    )


def _interval(value: Any) -> timedelta | None:
    if value is False:
        return None
    if value is None:
        return DEFAULT_INTERVAL
    if isinstance(value, dict):
        seconds = sum(float(value.get(unit, 0)) * factor for unit, factor in _UNITS.items())
        return timedelta(seconds=max(seconds, 1))
    match = re.fullmatch(r"\s*(\d+)\s*(s|m|h|d)\s*", str(value))
    if match:
        factor = {"s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]
        return timedelta(seconds=int(match.group(1)) * factor)
    return DEFAULT_INTERVAL


def _policy(config: dict[str, Any], locations: tuple[dict[str, Any], ...],
            providers: list[ProviderLocation]) -> ReadingPolicy:  # fmt: skip
    reading = (config.get("backend") or {}).get("reading") or {}
    allowed = tuple(str(item["host"]) for item in reading.get("allow") or [] if "host" in item)
    allowed += _gitlab_hosts((config.get("integrations") or {}).get("gitlab") or [])
    github = tuple(
        GitHubIntegration(
            host=item["host"],
            token=item.get("token") or None,
            api_base_url=item.get("apiBaseUrl") or _github_api(item["host"]),
            raw_base_url=item.get("rawBaseUrl") or None,
            apps=tuple(_github_app(app) for app in item.get("apps") or []),
        )
        for item in (config.get("integrations") or {}).get("github") or []
    )
    roots = {Path(loc["target"]).resolve().parent for loc in locations if loc["type"] == "file"}
    extra = (config.get("catalog") or {}).get("readableDirectories") or []
    roots |= {Path(d).resolve() for d in extra}
    # publish:git pushes new repositories under the scaffolder's git root and registers
    # them as git locations: git may read there, file locations may not.
    git_root = getattr(settings, "SCAFFOLDER_GIT_ROOT", None)
    max_bytes = int((config.get("catalog") or {}).get("maxFileBytes") or DEFAULT_MAX_BYTES)
    return ReadingPolicy(
        max_bytes=max_bytes,
        allowed_hosts=allowed,
        github=github,
        file_roots=tuple(sorted(roots)),
        git_roots=(Path(git_root).resolve(),) if git_root else (),
        allow_private_hosts=tuple(str(h) for h in reading.get("allowPrivateHosts") or []),
        response_cache=DatabaseResponseCache(),
        provider_options=tuple(((p.type, p.target), p.options) for p in providers if p.options),
    )


def _github_app(app: dict[str, Any]) -> GitHubApp:
    return GitHubApp(app_id=str(app["appId"]), private_key=str(app["privateKey"]),
                     allowed_owners=tuple(app.get("allowedInstallationOwners") or ()))  # fmt: skip


def _gitlab_hosts(integrations: list[dict[str, Any]]) -> tuple[str, ...]:
    """The web and API hosts of the configured GitLab integrations: reachable without
    a ``backend.reading.allow`` entry, as GitHub integration hosts are."""
    hosts = []
    for item in integrations:
        hosts.append(str(item["host"]))
        if item.get("apiBaseUrl"):
            hosts.append(url_host(str(item["apiBaseUrl"])))
    return tuple(hosts)


def _github_api(host: str) -> str:
    return "https://api.github.com" if host == "github.com" else f"https://{host}/api/v3"
