"""Ingest a generated organisation of N entities and report how long it takes.

Usage:
    .venv/bin/python benchmarks/catalog_ingest.py --entities 10000            # SQLite file
    .venv/bin/python benchmarks/catalog_ingest.py --entities 10000 --postgres # throwaway cluster
    .venv/bin/python benchmarks/catalog_ingest.py --entities 10000 --database-url postgresql://...

The catalog comes from benchmarks/gen_catalog.py, which writes the same bytes as the
generator used for the Backstage measurements, so the numbers compare directly.
Reports: wall time from registering the file to every entity stitched (served with
relations), entities per second, SQL queries, peak RSS, and the time of a second
refresh in which nothing changed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))


class QueryCounter:
    """Counts SQL statements without keeping their text (bulk inserts are large)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def generate(entities: int, directory: Path) -> Path:
    out = directory / f"catalog-{entities}.yaml"
    subprocess.run([sys.executable, str(PROJECT / "benchmarks" / "gen_catalog.py"),
                    "--n", str(entities), "--out", str(out)], check=True)  # fmt: skip
    return out


def setup_django(var: Path, database_url: str | None) -> None:
    os.environ["GREENROOM_VAR_DIR"] = str(var)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{var}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # A 50,000-entity file is ~37 MB; the default per-file limit is 10 MiB.
    settings.APP_CONFIG = {
        "catalog": {"readableDirectories": [str(var)], "maxFileBytes": 512 * 1024 * 1024}
    }
    call_command("migrate", verbosity=0, interactive=False)


def measure(path: Path, entities: int) -> None:
    from django.db import connection

    from catalog import services
    from catalog.models import Entity, EntityField, Relation

    counter = QueryCounter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        location, summary = services.register_location("file", str(path))
    elapsed = time.perf_counter() - started
    stored = Entity.objects.exclude(kind="location").count()
    unstitched = Entity.objects.filter(final_json="").count()
    again = time.perf_counter()
    services.refresh(location)
    unchanged = time.perf_counter() - again
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"database:            {connection.vendor}")
    print(
        f"entities in file:    {entities}  stored: {stored}  unstitched: {unstitched}  "
        f"problems: {len(summary.problems)}"
    )
    print(
        f"relation rows:       {Relation.objects.count()}  field rows: "
        f"{EntityField.objects.count()}"
    )
    print(f"ingest + stitch:     {elapsed:.2f} s  ({entities / elapsed:,.0f} entities/s)")
    print(f"SQL queries:         {counter.count}  ({counter.count / entities:.3f} per entity)")
    print(f"unchanged refresh:   {unchanged:.2f} s  ({unchanged / elapsed:.0%} of first ingest)")
    print(f"peak RSS:            {peak:.0f} MiB")
    location.refresh_from_db()
    for line in [location.last_error, *(p["message"] for p in location.problems)][:5]:
        if line:
            print(f"problem:             {line}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entities", type=int, default=1000)
    parser.add_argument("--database-url")
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="start a throwaway PostgreSQL cluster from the system's binaries",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        var = Path(tmp)
        url = args.database_url
        if args.postgres:
            from tests.support.servers import postgres_server

            server = stack.enter_context(postgres_server())
            url = server.create_database("bench")
        path = generate(args.entities, var)
        setup_django(var, url)
        measure(path, args.entities)


if __name__ == "__main__":
    main()
