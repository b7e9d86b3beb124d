"""The audit log: every change (locations, entities, template runs, docs builds,
tokens, roles, admin edits) with who, what, when and from where. Reads are not
logged. ``record`` is the one way in; events are never changed, and only the
retention job removes them."""

from __future__ import annotations

from typing import Any

from portal.audit.context import acting, current_actor
from portal.audit.models import AuditEvent

__all__ = ["acting", "record", "record_each"]


def record(action: str, target: str = "", **details: Any) -> None:
    """Record that the current actor did ``action`` (``catalog.location.register``)
    to ``target`` (a ref, an id), with ``details`` (JSON values)."""
    record_each(action, [target], **details)


def record_each(action: str, targets: list[str], **details: Any) -> None:
    """``record`` once per target, in one statement (a bulk removal of 1,000
    entities is 1,000 events)."""
    actor = current_actor()
    AuditEvent.objects.bulk_create([
        AuditEvent(actor=actor.name, via=actor.via, ip=actor.ip, user_agent=actor.user_agent,
                   token=actor.token, action=action, target=target[:500], details=details)
        for target in targets], batch_size=500)  # fmt: skip
