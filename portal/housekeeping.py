"""Housekeeping jobs that keep the database from growing without bound."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from portal.jobs import JobRunner
from portal.models import TERMINAL_STATES, Job

__all__ = ["PruneJobsJob"]


class PruneJobsJob(JobRunner):
    """Delete finished jobs (and their logs) older than ``JOB_RETENTION_DAYS``."""

    name = "portal.prune_jobs"
    description = "Delete finished jobs and their logs after the retention period."

    def run(self) -> dict[str, Any]:
        days = int(self.job.params.get("days", settings.JOB_RETENTION_DAYS))
        cutoff = timezone.now() - timedelta(days=days)
        old = Job.objects.filter(status__in=TERMINAL_STATES, finished__lt=cutoff)
        deleted, _ = old.exclude(pk=self.job.pk).delete()
        self.logger.info("Deleted %d rows of jobs finished before %s", deleted, cutoff.date())
        return {"deleted_rows": deleted, "cutoff": cutoff.isoformat()}
