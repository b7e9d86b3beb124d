"""``manage.py audit export|import``: the audit log as JSON lines, for archives."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.audit.export import NotAnAuditEvent, export_lines, import_lines
from portal.audit.models import AuditEvent


class Command(BaseCommand):
    help = "Export the audit log as JSON lines, or import an export."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="command", required=True)
        export = actions.add_parser("export", help="write events as JSON lines (oldest first)")
        export.add_argument("--since", type=datetime.fromisoformat,
                            help="only events at or after this time (ISO 8601)")  # fmt: skip
        export.add_argument("--action", dest="only_action", help="only events of this action")
        export.add_argument("-o", "--output", type=Path, help="file to write (default stdout)")
        load = actions.add_parser("import", help="load an export (events present are skipped)")
        load.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["command"] == "export":
            self._export(options)
        else:
            self._import(options["file"])

    def _export(self, options: dict[str, Any]) -> None:
        events = AuditEvent.objects.all()
        if options["since"]:
            events = events.filter(at__gte=options["since"])
        if options["only_action"]:
            events = events.filter(action=options["only_action"])
        output = options["output"]
        with output.open("w", encoding="utf-8") if output else nullcontext(sys.stdout) as out:
            out.writelines(export_lines(events))

    def _import(self, file: Path) -> None:
        try:
            with file.open(encoding="utf-8") as lines:
                imported, present = import_lines(lines)
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        except NotAnAuditEvent as exc:
            raise CommandError(f"{file}: {exc}; nothing was imported") from None
        self.stdout.write(f"Imported {imported} events ({present} already present)")
