"""The audit log's table: one row per change anyone made, never edited afterwards.

``portal.models`` imports it so Django (and migrations) see it.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

__all__ = ["AuditEvent", "AuditLogIsAppendOnly"]


class AuditLogIsAppendOnly(Exception):
    """An attempt to change or delete recorded events (retention aside)."""


class _AppendOnlyQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditLogIsAppendOnly("audit events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("audit events are removed only by the retention job")

    def expire(self) -> int:
        """Delete these events for retention (the one way out of the log)."""
        return models.QuerySet.delete(self)[0]


class AuditEvent(models.Model):
    """Who did what, to what, when and from where.

    ``actor`` is the account's username as it was (the account may be renamed or
    removed later); ``via`` is how the change came (``page``, ``api``, ``admin``,
    ``cli``, ``config``, ``system``); ``token`` names the API token used, if any.
    """

    at = models.DateTimeField(default=timezone.now)
    actor = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=60)
    target = models.CharField(max_length=500, blank=True)
    details = models.JSONField(default=dict, blank=True)
    via = models.CharField(max_length=20)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    token = models.CharField(max_length=100, blank=True)

    objects = _AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["-at", "-id"], name="portal_audit_recent"),
            models.Index(fields=["action", "-at"], name="portal_audit_action"),
            models.Index(fields=["actor", "-at"], name="portal_audit_actor"),
            models.Index(fields=["target"], name="portal_audit_target"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor or 'system'} {self.action} {self.target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AuditLogIsAppendOnly("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("audit events are removed only by the retention job")
