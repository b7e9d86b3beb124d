"""Background job records: one ``Job`` row per run and its log lines as rows.

Every piece of background work (a location refresh, a template run, a docs build) is
a Job, so the UI can show its state and log live and both survive a worker crash.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

__all__ = ["ACTIVE_STATES", "TERMINAL_STATES", "Job", "JobLogEntry", "JobStatus"]


class JobStatus(models.TextChoices):
    """Where a job is in its life. ``failed`` is an expected failure the runner
    reported; ``errored`` is an unexpected exception."""

    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    ERRORED = "errored", "Errored"


ACTIVE_STATES = (JobStatus.PENDING, JobStatus.RUNNING)
TERMINAL_STATES = (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.ERRORED)


class Job(models.Model):
    """One run of a registered job runner."""

    runner = models.CharField(max_length=100, help_text="Registered runner name.")
    status = models.CharField(
        max_length=16, choices=JobStatus.choices, default=JobStatus.PENDING, db_index=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True, db_index=True)
    celery_task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["runner", "status"])]

    def __str__(self) -> str:
        return f"{self.runner} #{self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        """True while the job may still change."""
        return self.status in ACTIVE_STATES


class JobLogEntry(models.Model):
    """One log line of a job, saved as soon as it is written so the UI can tail it."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="log_entries")
    level = models.CharField(max_length=10)
    message = models.TextField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["job", "id"])]
        verbose_name_plural = "job log entries"

    def __str__(self) -> str:
        return f"[{self.level}] {self.message[:80]}"
