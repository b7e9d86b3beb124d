"""Storage for the GitHub readers: the conditional-request cache they are handed
(through the reading policy) and the repositories a discovery reports."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from catalog.models import DiscoveredRepository, GitHubResponse, Location
from catalog.readers import Finding

__all__ = ["DatabaseResponseCache", "record_findings"]

#: Bodies larger than this are not cached (their request is then unconditional).
MAX_CACHED_BYTES = 2 * 1024 * 1024


class DatabaseResponseCache:
    """``ResponseCache`` in the ``GitHubResponse`` table, shared by every worker."""

    def lookup(self, key: str) -> tuple[str, bytes] | None:
        row = GitHubResponse.objects.filter(key=key).values_list("etag", "body").first()
        return (row[0], bytes(row[1])) if row else None

    def store(self, key: str, etag: str, body: bytes) -> None:
        if len(body) <= MAX_CACHED_BYTES and len(etag) <= 200:
            GitHubResponse.objects.update_or_create(key=key, defaults={"etag": etag,
                                                                       "body": body})  # fmt: skip


def record_findings(location: Location, findings: Iterable[Finding]) -> None:
    """Make the stored repositories of ``location`` what its last read saw: new ones
    added, changed ones updated, vanished ones removed, in one transaction."""
    now = timezone.now()
    seen = {f.full_name: f for f in findings}
    stored = {row.full_name: row for row in location.repositories.all()}
    fields = ("url", "status", "reason", "catalog_files", "archived", "visibility")
    new, changed = [], []
    for name, finding in seen.items():
        values = {"url": finding.url, "status": finding.status, "reason": finding.reason,
                  "catalog_files": list(finding.catalog_files), "archived": finding.archived,
                  "visibility": finding.visibility}  # fmt: skip
        row = stored.get(name)
        if row is None:
            new.append(DiscoveredRepository(location=location, full_name=name, updated_at=now,
                                            **values))  # fmt: skip
        elif any(getattr(row, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_at = now
            changed.append(row)
    with transaction.atomic():
        location.repositories.exclude(full_name__in=list(seen)).delete()
        DiscoveredRepository.objects.bulk_create(new, batch_size=500)
        DiscoveredRepository.objects.bulk_update(changed, [*fields, "updated_at"], batch_size=500)
