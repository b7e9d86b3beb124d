"""How long the audit log keeps events: ``audit.retentionDays`` in app-config (365
by default); the daily job deletes what is older, the one way events leave the log."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.jobs import JobRunner

__all__ = ["DEFAULT_RETENTION_DAYS", "PruneAuditJob", "retention_days"]

DEFAULT_RETENTION_DAYS = 365


def retention_days() -> int:
    return int((settings.APP_CONFIG.get("audit") or {}).get("retentionDays")
               or DEFAULT_RETENTION_DAYS)  # fmt: skip


class PruneAuditJob(JobRunner):
    """Delete audit events older than the retention period."""

    name = "portal.prune_audit"
    description = "Delete audit events older than audit.retentionDays."

    def run(self) -> dict[str, Any]:
        days = int(self.job.params.get("days", retention_days()))
        cutoff = timezone.now() - timedelta(days=days)
        deleted = AuditEvent.objects.filter(at__lt=cutoff).expire()
        self.logger.info("Deleted %d audit events from before %s", deleted, cutoff.date())
        return {"deleted": deleted, "cutoff": cutoff.isoformat()}
