"""Refresh one registered location: read it, write what changed, restitch, record status.

A refresh holds a lease on its location row (claimed with one conditional UPDATE, so
it works the same on SQLite and PostgreSQL and across worker machines): two refreshes
of one location never run at the same time, and a crashed worker's lease simply
expires. A refresh that fails unexpectedly (a bug, a database error) is recorded on
its location like a read error, and tried again at its next refresh time, so the
scheduled loop can go on with the other locations.
"""

from __future__ import annotations

import json
import random
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from catalog.config import CatalogSettings, catalog_settings
from catalog.github_store import record_findings
from catalog.ingestion.bulk import refresh_planner_statistics
from catalog.ingestion.stitcher import stitch_refs
from catalog.ingestion.tree import PreviousRead, read_tree
from catalog.ingestion.writer import ChangeSummary, write_tree
from catalog.model.yaml_docs import YamlLimits
from catalog.models import Entity, EntityField, Location, Relation
from catalog.readers import Finding, read

__all__ = ["LEASE", "LocationBusy", "next_refresh_time", "refresh_location"]

LEASE = timedelta(minutes=15)
#: Bump when processing changes, so unchanged files are processed again once.
PROCESSING_VERSION = "1"


class LocationBusy(Exception):
    """Another refresh of the same location is running."""


def refresh_location(location: Location, config: CatalogSettings | None = None) -> ChangeSummary:
    """Read ``location`` now and apply the result. Raises LocationBusy if it is held."""
    config = config or catalog_settings()
    _claim(location)
    try:
        return _refresh(location, config)
    except Exception as exc:
        _record_failure(location, exc, config)
        raise
    finally:
        Location.objects.filter(pk=location.pk).update(lease_until=None)


def _refresh(location: Location, config: CatalogSettings) -> ChangeSummary:
    findings: list[Finding] = []

    def read_bytes(kind: str, target: str) -> bytes:
        result = read(kind, target, config.policy)
        findings.extend(result.findings)
        return result.data

    tree = read_tree(
        location.type, location.target, presence=location.presence,
        root_name=location.entity_name, read=read_bytes,
        rules=config.rules, previous=_previous_read(location, config),
        limits=YamlLimits(max_bytes=config.policy.max_bytes),
        entity_limits=config.entity_limits,
    )  # fmt: skip
    summary = write_tree(location, tree, orphan_strategy=config.orphan_strategy)
    if location.type == "github-discovery" and not tree.root_error:
        record_findings(location, findings)
    stitched = stitch_refs(summary.restitch)
    refresh_planner_statistics((Entity, EntityField, Relation), stitched)
    now = timezone.now()
    location.last_refresh_at = now
    location.last_error = tree.root_error
    if not tree.root_error:
        location.last_success_at = now
    location.problems = [p.as_dict() for p in summary.problems] + [
        p for p in location.problems if p["file"] in tree.skipped_files
    ]
    location.file_hashes = {key: digest for key, digest in tree.file_hashes.items()
                            if key not in tree.failed_files}  # fmt: skip
    location.next_refresh_at = next_refresh_time(config, location)
    location.save(update_fields=["last_refresh_at", "last_success_at", "last_error",
                                 "problems", "file_hashes", "next_refresh_at"])  # fmt: skip
    return summary


def _record_failure(location: Location, error: Exception, config: CatalogSettings) -> None:
    """Show on ``location`` that its refresh failed, and when it is tried again. Only
    the kind of error: its text may name internals (the traceback is in the log)."""
    location.last_refresh_at = timezone.now()
    location.last_error = (f"The refresh failed unexpectedly ({type(error).__name__}); the "
                           "server log has the details")  # fmt: skip
    location.next_refresh_at = next_refresh_time(config, location)
    location.save(update_fields=["last_refresh_at", "last_error", "next_refresh_at"])


def _previous_read(location: Location, config: CatalogSettings) -> PreviousRead:
    """What the last read left: file hashes, refs per file and stored Location entities.

    The fingerprint covers what turns unchanged bytes into different entities: the
    rules, the orphan strategy and the version of the processing code.
    """
    previous = PreviousRead(
        file_hashes=location.file_hashes,
        fingerprint=f"{PROCESSING_VERSION}|{config.rules!r}|{config.orphan_strategy}",
    )
    rows = Entity.objects.filter(location=location).values_list("ref", "location_key")
    for ref, key in rows:
        previous.refs_by_file.setdefault(key, []).append(ref)
    stored_locations = Entity.objects.filter(location=location, kind="location").exclude(
        parent_ref=""
    )
    for ref, key, processed in stored_locations.values_list(
        "ref", "location_key", "processed_json"
    ):
        previous.locations_by_file.setdefault(key, []).append((ref, json.loads(processed)))
    return previous


def _claim(location: Location) -> None:
    now = timezone.now()
    claimed = Location.objects.filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now), pk=location.pk
    ).update(lease_until=now + LEASE)
    if not claimed:
        raise LocationBusy(f"location {location.ref} is being refreshed already")


def next_refresh_time(config: CatalogSettings, location: Location) -> timezone.datetime | None:
    """When to refresh ``location`` next: a random point in [interval, 1.5 x interval]
    from now, so locations registered together do not all refresh together."""
    interval = config.interval_for(location.type, location.target)
    if interval is None:
        return None
    return timezone.now() + interval * random.uniform(1.0, 1.5)  # noqa: S311
