"""The portal's tables: background job records, API tokens and the search index.

Every piece of background work (a location refresh, a template run, a docs build) is
a Job with its log lines as rows, so the UI can show its state and log live and both
survive a worker crash.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from portal.access.models import RoleAssignment
from portal.audit.models import AuditEvent
from portal.search.models import SearchBody, SearchDocument, SearchTag, SearchTerm

__all__ = [
    "ACTIVE_STATES",
    "TERMINAL_STATES",
    "ApiToken",
    "AuditEvent",
    "Job",
    "JobLogEntry",
    "JobStatus",
    "RoleAssignment",
    "SearchBody",
    "SearchDocument",
    "SearchTag",
    "SearchTerm",
]


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


class ApiToken(models.Model):
    """A bearer token for Greenroom's APIs, created by an admin.

    Only a SHA-256 of the token is stored (tokens are long random strings, so a fast
    hash is enough); the token itself is shown once, when it is created. A revoked
    token stops working at once; ``last_used`` shows whether a token is still in use.
    """

    PREFIX = "grt_"

    name = models.CharField(max_length=100, help_text="What uses it, e.g. 'CI catalog sync'.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, help_text="The token acts as this user."
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def hash(token: str) -> str:
        """The stored form of ``token``."""
        import hashlib

        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, name: str, user: Any) -> tuple[ApiToken, str]:
        """Create a token; returns the row and the token text (shown once, never stored)."""
        import secrets

        token = cls.PREFIX + secrets.token_urlsafe(32)
        return cls.objects.create(name=name, user=user, digest=cls.hash(token)), token
