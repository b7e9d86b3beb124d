"""``manage.py search rebuild [--type T ...] [--if-empty] [--force]``: rebuild the
search index; ``manage.py search query TEXT``: answer a query as the search page would
(for checks from a shell)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.search.models import SearchDocument
from portal.search.rebuild import rebuild
from portal.search.service import search


class Command(BaseCommand):
    help = "Rebuild the search index, or run a query against it."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        rebuild_parser = actions.add_parser("rebuild", help="Rebuild the index from the collators.")
        rebuild_parser.add_argument("--type", action="append", dest="types", metavar="TYPE",
                                    help="Rebuild only this document type (repeatable).")
        rebuild_parser.add_argument("--if-empty", action="store_true",
                                    help="Only when the index has no documents (a first start "
                                         "after upgrading).")
        rebuild_parser.add_argument("--force", action="store_true",
                                    help="Rewrite every document, also those that have not "
                                         "changed (after repairing the database by hand).")
        query_parser = actions.add_parser("query", help="Print the first results of a query.")
        query_parser.add_argument("text")
        query_parser.add_argument("--limit", type=int, default=10)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rebuild":
            if options["if_empty"] and SearchDocument.objects.exists():
                return
            self._rebuild(options["types"], force=options["force"],
                          quiet=options["verbosity"] == 0)  # fmt: skip
        else:
            self._query(options["text"], options["limit"])

    def _rebuild(self, types: list[str] | None, *, force: bool, quiet: bool) -> None:
        started = time.monotonic()

        def progress(name: str, done: int) -> None:
            self.stdout.write(f"  {name}: {done} documents")

        try:
            counts = rebuild(types, progress=None if quiet else progress, force=force)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if quiet:
            return
        summary = ", ".join(f"{name} {count}" for name, count in counts.items())
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt in {elapsed:.1f} s: {summary}"))

    def _query(self, text: str, limit: int) -> None:
        results = search(text, None, per_page=limit, facets=False)
        if results.corrected:
            self.stdout.write(f"No results for {text!r}; showing {results.corrected!r}")
        for hit in results.hits:
            self.stdout.write(f"{hit.rank:3}. [{hit.type_title}] {hit.document.key}  "
                              f"({hit.document.title})")
        self.stdout.write(f"{results.total} result(s)")
