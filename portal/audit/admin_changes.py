"""Changes made in Django's admin, as audit events: the admin writes a ``LogEntry``
for every addition, change and deletion, with the object and what changed."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db.models.signals import post_save

from portal import audit

__all__ = ["connect"]

_ACTIONS = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}


def _logged(sender: type[LogEntry], instance: LogEntry, created: bool, **_: Any) -> None:
    if not created:
        return
    kind = instance.content_type
    model = f"{kind.app_label}.{kind.model}" if kind else "unknown"
    audit.record("admin.change", f"{model}:{instance.object_id}",
                 change=_ACTIONS.get(instance.action_flag, str(instance.action_flag)),
                 object=instance.object_repr, message=instance.get_change_message())  # fmt: skip


def connect() -> None:
    """Record admin changes from now on (the portal app's ``ready``)."""
    post_save.connect(_logged, sender=LogEntry, dispatch_uid="portal.audit.admin_changes")
