"""``manage.py catalog``: validate, register, refresh, unregister, errors, export."""

from __future__ import annotations

import getpass
import os.path
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog import services
from catalog.ingestion.writer import ChangeSummary
from catalog.model.errors import CatalogError
from catalog.models import Location, LocationSource
from portal import audit


class Command(BaseCommand):
    help = "Work with the software catalog."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        validate = sub.add_parser("validate", help="check catalog-info.yaml files (for CI)")
        validate.add_argument("files", nargs="+", type=Path)
        register = sub.add_parser("register", help="register a location and read it now")
        register.add_argument("target", help="a URL, a file path, or TYPE:TARGET")
        register.add_argument("--optional", action="store_true",
                              help="a missing target is not an error")  # fmt: skip
        register.add_argument(
            "--keep-broken", action="store_true",
            help="register even a location that cannot be read or holds nothing importable "
                 "(its errors show on the location)",
        )  # fmt: skip
        refresh = sub.add_parser("refresh", help="read locations again now")
        group = refresh.add_mutually_exclusive_group(required=True)
        group.add_argument("--all", action="store_true", help="every registered location")
        group.add_argument(
            "--pending",
            action="store_true",
            help="sync app-config locations and read those never read yet",
        )
        group.add_argument("--entity", help="the location of this entity ref")
        group.add_argument("location", nargs="?", help="a location id or TYPE:TARGET")
        unregister = sub.add_parser("unregister", help="remove a location and its entities")
        unregister.add_argument("location", help="a location id or TYPE:TARGET")
        sub.add_parser("errors", help="list current processing errors, one per line")
        sub.add_parser("export", help="print every entity as a JSON array")

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = options["verbosity"]
        action = options["action"]
        try:
            with audit.acting(getpass.getuser(), "cli"):
                getattr(self, f"_{action}")(options)
        except (CatalogError, services.LocationBusy) as exc:
            raise CommandError(str(exc)) from None

    def _validate(self, options: dict[str, Any]) -> None:
        count, problems = services.validate_files(options["files"])
        for problem in problems:
            self.stdout.write(problem.line())
        if problems:
            raise SystemExit(1)
        self.stdout.write(f"{count} entities, no problems")

    def _register(self, options: dict[str, Any]) -> None:
        location_type, target = _parse_target(options["target"])
        location, summary = services.register_location(
            location_type, target, source=LocationSource.CLI,
            presence="optional" if options["optional"] else "required",
            vet=not options["keep_broken"],
        )  # fmt: skip
        self.stdout.write(f"Registered {location.ref} (id {location.pk})")
        self._report(location, summary)

    def _refresh(self, options: dict[str, Any]) -> None:
        if options["all"] or options["pending"]:
            added, removed = services.sync_config_locations()
            for ref in added:
                self.stdout.write(f"Added config location {ref}")
            for ref in removed:
                self.stdout.write(f"Removed config location {ref}")
            locations = Location.objects.order_by("created")
            if options["pending"]:
                locations = locations.filter(last_refresh_at__isnull=True)
        elif options["entity"]:
            summary = services.refresh_entity(options["entity"])
            self._report(None, summary)
            return
        else:
            locations = [_find_location(options["location"])]
        for location in locations:
            summary = services.refresh_now(location)
            location.refresh_from_db()
            self._report(location, summary)

    def _unregister(self, options: dict[str, Any]) -> None:
        location = _find_location(options["location"])
        refs = services.unregister_location(location)
        self.stdout.write(f"Unregistered {location.ref}; removed {len(refs)} entities")

    def _errors(self, options: dict[str, Any]) -> None:
        for line in services.processing_errors():
            self.stdout.write(line)

    def _export(self, options: dict[str, Any]) -> None:
        out = sys.stdout
        out.write("[")
        for index, entity in enumerate(services.export_entities()):
            out.write(("," if index else "") + "\n" + entity)
        out.write("\n]\n")

    def _report(self, location: Location | None, summary: ChangeSummary) -> None:
        name = location.ref if location else "location"
        counts = summary.as_dict()
        self.stdout.write(
            f"{name}: {counts['added']} added, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged, {counts['orphaned']} orphaned, "
            f"{counts['deleted']} deleted, {counts['problems']} problems"
        )
        if self.verbosity >= 2:
            for ref in summary.added:
                self.stdout.write(f"  + {ref}")
            for ref in summary.updated:
                self.stdout.write(f"  ~ {ref}")
        for ref in summary.orphaned:
            self.stdout.write(f"  ? {ref} (orphaned)")
        for ref in summary.deleted:
            self.stdout.write(f"  - {ref}")
        if location is not None and location.last_error:
            self.stdout.write(f"  ! {location.last_error}")
        for problem in summary.problems:
            self.stdout.write(f"  ! {problem.line()}")


def _parse_target(value: str) -> tuple[str, str]:
    """``https://...`` is a URL, ``git:...``/``file:...``/``url:...`` name their type,
    anything else is a file path. File paths are made absolute against the working
    directory, as a shell user means them (links are kept, as given)."""
    if value.startswith(("http://", "https://")):
        return "url", value
    kind, sep, rest = value.partition(":")
    if not (sep and kind in services.LOCATION_TYPES):
        kind, rest = "file", value
    return kind, os.path.abspath(rest) if kind == "file" and rest else rest


def _find_location(value: str) -> Location:
    location = Location.objects.filter(pk=value).first() if _is_uuid(value) else None
    if location is None:
        location = services.find_location(*_parse_target(value))
    if location is None:
        raise CommandError(f"no registered location {value}")
    return location


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
