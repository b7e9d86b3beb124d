"""The audit log as JSON lines (one event per line, oldest first) and back: for
archiving outside Greenroom, and for loading an archive into another instance.
Importing what was exported gives the same events (ids included); events already
present are skipped, so importing twice changes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import QuerySet

from portal.audit.models import AuditEvent

__all__ = ["NotAnAuditEvent", "export_lines", "import_lines"]

FIELDS = ("id", "at", "actor", "action", "target", "details", "via", "ip", "user_agent",
          "token")  # fmt: skip


class NotAnAuditEvent(ValueError):
    """A line that is not an exported audit event (its number says which)."""


def export_lines(events: QuerySet[AuditEvent]) -> Iterator[str]:
    """Each event of ``events`` as one JSON line, oldest first, read in chunks."""
    for event in events.order_by("at", "id").iterator(chunk_size=2000):
        row = {name: getattr(event, name) for name in FIELDS}
        row["at"] = event.at.isoformat()
        yield json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n"


def import_lines(lines: Iterable[str]) -> tuple[int, int]:
    """Load exported lines in one transaction; (imported, already present). Raises
    NotAnAuditEvent naming the first bad line, having loaded nothing."""
    events = [_event(number, line) for number, line in enumerate(lines, start=1)
              if line.strip()]  # fmt: skip
    present = set(AuditEvent.objects.filter(pk__in=[e.pk for e in events])
                  .values_list("pk", flat=True))  # fmt: skip
    new = [e for e in events if e.pk not in present]
    with transaction.atomic():
        AuditEvent.objects.bulk_create(new, batch_size=500)
        # Explicit ids leave PostgreSQL's sequence behind: move it past them.
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), [AuditEvent]):
                cursor.execute(statement)
    return len(new), len(present)


def _event(number: int, line: str) -> AuditEvent:
    try:
        row: dict[str, Any] = json.loads(line)
        values = {name: row[name] for name in FIELDS}
        values["at"] = datetime.fromisoformat(values["at"])
        if not isinstance(values["id"], int) or not isinstance(values["details"], dict):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise NotAnAuditEvent(f"line {number} is not an exported audit event") from None
    return AuditEvent(**values)
