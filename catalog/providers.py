"""The GitHub entity providers of app-config, as locations the catalog refreshes.

``catalog.providers.githubOrg`` (Backstage's GitHub org provider: ``githubUrl`` and
``orgs``) becomes one ``github-org`` location per organisation, and each
``catalog.providers.github.<id>`` (Backstage's GitHub discovery provider:
``organization``, ``catalogPath``, ``filters``) a ``github-discovery`` location. They
are synced like ``catalog.locations``: one that leaves the config is unregistered with
its entities. A provider's ``schedule.frequency`` replaces the catalog's refresh
interval for its location; the kinds it brings (Groups and Users; Locations) are
allowed whatever ``catalog.rules`` say, as they are for Backstage's providers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from catalog.ingestion.rules import Rule
from catalog.readers import DiscoveryOptions

#: Parses a ``schedule.frequency`` into an interval.
ParseInterval = Callable[[Any], timedelta | None]

__all__ = ["ProviderLocation", "provider_locations"]


@dataclass(frozen=True)
class ProviderLocation:
    """One location a provider asks for, with its reader options and schedule."""

    type: str
    target: str
    options: Any = None
    #: None: the catalog's ``processingInterval``.
    interval: timedelta | None = None

    def as_config(self) -> dict[str, Any]:
        """The ``catalog.locations`` entry it amounts to."""
        return {"type": self.type, "target": self.target}

    def rule(self) -> Rule:
        """The kinds this provider may bring, whatever ``catalog.rules`` say."""
        kinds = ("group", "user") if self.type == "github-org" else ("location",)
        return Rule(tuple((kind, None) for kind in kinds), ((self.type, self.target, None),))


def provider_locations(config: dict[str, Any],
                       interval: ParseInterval) -> list[ProviderLocation]:  # fmt: skip
    """Every location the configured providers ask for; ``interval`` parses a
    ``schedule.frequency``."""
    providers = (config.get("catalog") or {}).get("providers") or {}
    return [*_org_locations(providers.get("githubOrg"), interval),
            *_discovery_locations(providers.get("github"), config, interval)]  # fmt: skip


def _schedule(provider: dict[str, Any], interval: ParseInterval
              ) -> timedelta | None:  # fmt: skip
    frequency = (provider.get("schedule") or {}).get("frequency")
    return interval(frequency) if frequency is not None else None


def _org_locations(section: Any, interval: ParseInterval
                   ) -> list[ProviderLocation]:  # fmt: skip
    providers = section if isinstance(section, list) else [section] if section else []
    return [ProviderLocation("github-org", f"{provider['githubUrl'].rstrip('/')}/{org}",
                             interval=_schedule(provider, interval))
            for provider in providers for org in provider.get("orgs") or []]  # fmt: skip


def _discovery_locations(section: Any, config: dict[str, Any],
                         interval: ParseInterval) -> list[ProviderLocation]:  # fmt: skip
    if not section:
        return []
    # One provider written directly under ``github``, or several by id.
    providers = [section] if "organization" in section else list(section.values())
    integrations = (config.get("integrations") or {}).get("github") or []
    locations = []
    for provider in providers:
        host = provider.get("host") or "github.com"
        api = next((i.get("apiBaseUrl") for i in integrations if i.get("host") == host), None)
        scheme = urlsplit(api).scheme if api else "https"
        target = f"{scheme}://{host}/{provider['organization']}"
        locations.append(ProviderLocation("github-discovery", target, _options(provider),
                                          _schedule(provider, interval)))  # fmt: skip
    return locations


def _options(provider: dict[str, Any]) -> DiscoveryOptions:
    filters = provider.get("filters") or {}
    topic = filters.get("topic") or {}
    if isinstance(topic, str):
        topic = {"include": [topic]}
    visibility = filters.get("visibility") or []
    return DiscoveryOptions(
        catalog_path=provider.get("catalogPath") or "/catalog-info.yaml",
        repository=filters.get("repository") or "",
        branch=filters.get("branch") or "",
        topics_include=tuple(topic.get("include") or ()),
        topics_exclude=tuple(topic.get("exclude") or ()),
        visibility=tuple(str(v).lower() for v in visibility),
        allow_forks=bool(filters.get("allowForks", True)),
    )
