"""Search at scale, in-process: the full page, the header type-ahead, a full rebuild
and the incremental update of one entity.

Usage:
    .venv/bin/python benchmarks/search.py                       # PostgreSQL, 100,000 entities
    .venv/bin/python benchmarks/search.py --db sqlite --n 10000
    .venv/bin/python benchmarks/search.py --n 10000 --queries 50

1. A throwaway PostgreSQL cluster with PostgreSQL's default settings (``--db
   postgres``) or a SQLite file (``--db sqlite``).
2. The generated catalog of N entities (gen_catalog.py, the catalog benchmarks' data)
   registered as a file location: ingestion indexes every entity as it is stitched.
3. ``--pages`` docs pages (10,000 by default on PostgreSQL) in sites of 100 pages, each
   page with three sections of generated prose (seeded), stored as published versions
   and indexed by the docs collator during the rebuild.
4. The index emptied (and, on PostgreSQL, vacuumed, as after an upgrade's migration),
   then ``manage.py search rebuild``'s work (every collator, in batches, one
   transaction), timed: the full rebuild; then the same again over the unchanged index
   (the daily job's work: nothing is written).
5. Q searches through Django's test client as a signed-in user (the whole /search/
   page: results, total, five facets, snippets), one after another, over a seeded mix
   of one and two words, prefixes, phrases, exclusions, OR and typos; then Q type-ahead
   requests (/search/suggestions) of 2-6 letter prefixes; each timed from request to
   response, each checked for a 200 with results where results exist.
6. The incremental update of one entity: its search document rewritten as the stitcher
   does (index_entities), over 200 different entities.

Budgets (exit status 1 when missed): PostgreSQL at 100k entities and 10k pages:
search p95 < 100 ms, type-ahead p95 < 30 ms, rebuild < 120 s, one-entity update
< 20 ms; SQLite at 10k entities: search p95 < 50 ms. Writes
benchmarks/results/search-<db>.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen_catalog
from catalog_ingest import generate, setup_django
from catalog_pages import QueryTimer, percentile

RESULTS = Path(__file__).resolve().parent / "results"
SEED = 11
WARMUP = 10
PAGES_PER_SITE = 100
PROSE = [
    "deploy", "rollback", "incident", "runbook", "alert", "dashboard", "latency", "error",
    "budget", "rotate", "password", "secret", "database", "migration", "schema", "backup",
    "restore", "cluster", "node", "pod", "kubernetes", "helm", "chart", "pipeline", "release",
    "canary", "feature", "flag", "cache", "queue", "retry", "timeout", "token", "oauth",
    "certificate", "renew", "on-call", "escalation", "pager", "metrics", "tracing", "logs",
    "how", "to", "the", "a", "for", "with", "when", "your", "service", "team", "owner",
]  # fmt: skip
BUDGETS = {"postgresql": {"search_p95_ms": 100.0, "typeahead_p95_ms": 30.0, "rebuild_s": 120.0,
                          "update_p95_ms": 20.0},
           "sqlite": {"search_p95_ms": 50.0}}  # fmt: skip


def prose(rng: random.Random, words: int) -> str:
    vocabulary = PROSE + gen_catalog.WORDS + gen_catalog.TAGS
    return " ".join(rng.choice(vocabulary) for _ in range(words)).capitalize() + "."


def add_docs(pages: int, rng: random.Random) -> int:
    """Published docs sites holding ``pages`` pages of three sections each."""
    from django.utils import timezone

    from techdocs.models import DocsPage, DocsSite, DocsVersion

    for number in range(-(-pages // PAGES_PER_SITE)):
        name = f"docs-site-{number}"
        site = DocsSite.objects.create(namespace="default", kind="component", name=name,
                                       owner="group:default/docs",
                                       entity_ref=f"component:default/{name}")  # fmt: skip
        version = DocsVersion.objects.create(site=site, build_timestamp=0,
                                             created=timezone.now())  # fmt: skip
        rows = []
        for page in range(min(PAGES_PER_SITE, pages - number * PAGES_PER_SITE)):
            path = f"guide-{page}/"
            sections = [{"location": f"{path}#{heading}", "title": f"{heading.title()} {page}",
                         "text": prose(rng, 60)}
                        for heading in ("overview", "setup", "troubleshooting")]  # fmt: skip
            rows.append(DocsPage(version=version, path=path, title=f"Guide {page}",
                                 html="<p>generated</p>", sections=sections))  # fmt: skip
        DocsPage.objects.bulk_create(rows, batch_size=500)
        DocsSite.objects.filter(pk=site.pk).update(published=version)
    return pages


def queries(count: int, seed: int) -> list[str]:
    """A seeded mix of what people type into the search page."""
    rng = random.Random(seed)
    words = gen_catalog.WORDS + gen_catalog.TAGS + PROSE[:40] + gen_catalog.FIRST
    shapes = [
        lambda: rng.choice(words),
        lambda: f"{rng.choice(words)} {rng.choice(words)}",
        lambda: rng.choice(words)[: rng.randint(3, 6)],
        lambda: f'"{rng.choice(gen_catalog.WORDS)} {rng.choice(["service", "web", "lib"])}"',
        lambda: f"{rng.choice(words)} -{rng.choice(gen_catalog.TAGS)}",
        lambda: f"{rng.choice(words)} OR {rng.choice(words)}",
        lambda: typo(rng, rng.choice(gen_catalog.WORDS)),
        lambda: f"how to {rng.choice(['rotate', 'deploy', 'restore', 'renew'])} "
                f"{rng.choice(['password', 'service', 'backup', 'certificate'])}",
    ]  # fmt: skip
    return [rng.choice(shapes)() for _ in range(count)]


def typo(rng: random.Random, word: str) -> str:
    at = rng.randrange(1, len(word) - 1)
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


def prefixes(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    words = gen_catalog.WORDS + gen_catalog.FIRST + gen_catalog.TAGS + PROSE[:40]
    return [rng.choice(words)[: rng.randint(2, 6)] for _ in range(count)]


def timed(client: Any, path: str, texts: list[str], expect: str) -> dict[str, Any]:
    """Request ``path?q=text`` for each text (after a warm-up); p50/p95 and the slowest."""
    from django.db import connection

    for text in texts[:WARMUP]:
        client.get(path + "?" + urlencode({"q": text}))
    samples, failures = [], []
    for text in texts:
        started = time.perf_counter()
        response = client.get(path + "?" + urlencode({"q": text}), HTTP_HX_REQUEST="true")
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200 or expect not in response.content.decode():
            failures.append(f"{text!r}: status {response.status_code}")
        samples.append((elapsed, text))
    slowest_ms, slowest = max(samples)
    timer = QueryTimer(connection)
    with connection.execute_wrapper(timer):
        client.get(path + "?" + urlencode({"q": slowest}))
    sql_ms, sql = max(timer.queries) if timer.queries else (0.0, "")
    values = [ms for ms, _ in samples]
    return {"requests": len(values), "failures": failures[:10],
            "p50_ms": round(percentile(values, 50), 2), "p95_ms": round(percentile(values, 95), 2),
            "max_ms": round(slowest_ms, 2), "mean_ms": round(statistics.fmean(values), 2),
            "slowest_text": slowest, "queries_per_request": len(timer.queries),
            "slowest_sql": {"ms": round(sql_ms, 2), "sql": sql[:2000]}}  # fmt: skip


def one_entity_updates(count: int) -> dict[str, Any]:
    """Rewrite ``count`` entities' documents one at a time, as the stitcher does."""
    from catalog.models import Entity
    from catalog.search import index_entities

    finals = [json.loads(text) for text in Entity.objects.served().filter(kind="component")
              .values_list("final_json", flat=True)[:count]]  # fmt: skip
    samples = []
    for final in finals:
        final["metadata"]["description"] = f"changed {time.perf_counter()}"
        started = time.perf_counter()
        index_entities([final])
        samples.append((time.perf_counter() - started) * 1000)
    return {"updates": len(samples), "p50_ms": round(percentile(samples, 50), 2),
            "p95_ms": round(percentile(samples, 95), 2), "max_ms": round(max(samples), 2)}


def run(args: argparse.Namespace, var: Path, database_url: str | None) -> dict[str, Any]:
    catalog = generate(args.n, var)
    (var / "static").mkdir()
    setup_django(var, database_url)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from catalog import services
    from portal.models import SearchDocument
    from portal.search import index
    from portal.search.rebuild import rebuild

    settings.DEBUG, settings.ALLOWED_HOSTS = False, ["*"]
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # fmt: skip
    started = time.perf_counter()
    services.register_location("file", str(catalog))
    ingest_s = time.perf_counter() - started
    print(f"ingested and indexed {args.n} entities in {ingest_s:.1f} s", flush=True)
    add_docs(args.pages, random.Random(SEED))
    index.delete(SearchDocument.objects.all())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the deleted rows' space, free for the rebuild
            cursor.execute("VACUUM")
    started = time.perf_counter()
    counts = rebuild(progress=None)
    rebuild_s = time.perf_counter() - started
    print(f"rebuilt the index ({counts}) in {rebuild_s:.1f} s", flush=True)
    started = time.perf_counter()
    rebuild(progress=None)
    unchanged_s = time.perf_counter() - started
    print(f"rebuilt the unchanged index in {unchanged_s:.1f} s", flush=True)
    if connection.vendor == "postgresql":
        # The steady state autovacuum keeps a production database in: statistics and
        # visibility maps up to date (a count can then skip the table's pages).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.create_user("bench"))
    result: dict[str, Any] = {
        "db": connection.vendor, "n": args.n, "docs_pages": args.pages,
        "documents": SearchDocument.objects.count(), "counts": counts,
        "ingest_with_indexing_s": round(ingest_s, 1), "rebuild_s": round(rebuild_s, 1),
        "rebuild_unchanged_s": round(unchanged_s, 1),
        "cpus": os.cpu_count(), "load_1min": round(os.getloadavg()[0], 2),
        "timing": "in-process, Django test client, one request at a time",
    }  # fmt: skip
    print("measuring the search page ...", flush=True)
    result["search"] = timed(client, "/search/", queries(args.queries, SEED), "<h1>Search</h1>")
    print("measuring the type-ahead ...", flush=True)
    result["typeahead"] = timed(client, "/search/suggestions", prefixes(args.queries, SEED + 1),
                                "suggestions-panel")
    print("measuring one-entity updates ...", flush=True)
    result["update"] = one_entity_updates(200)
    return result


def verdict(result: dict[str, Any]) -> list[str]:
    budgets = BUDGETS.get(result["db"], {})
    measured = {"search_p95_ms": result["search"]["p95_ms"],
                "typeahead_p95_ms": result["typeahead"]["p95_ms"],
                "rebuild_s": result["rebuild_s"], "update_p95_ms": result["update"]["p95_ms"]}
    bad = [f"{name} {measured[name]} >= {limit}" for name, limit in budgets.items()
           if measured[name] >= limit]  # fmt: skip
    for part in ("search", "typeahead"):
        bad += [f"{part}: {failure}" for failure in result[part]["failures"]]
    return bad


def summary(result: dict[str, Any]) -> str:
    lines = [f"{result['db']}: {result['n']} entities, {result['docs_pages']} docs pages, "
             f"{result['documents']} search documents, load {result['load_1min']}",
             f"ingest with indexing {result['ingest_with_indexing_s']} s; "
             f"full rebuild {result['rebuild_s']} s; "
             f"rebuild of the unchanged index {result['rebuild_unchanged_s']} s"]  # fmt: skip
    for part in ("search", "typeahead"):
        row = result[part]
        lines.append(f"{part:10s} p50 {row['p50_ms']:7.2f}  p95 {row['p95_ms']:7.2f}  "
                     f"max {row['max_ms']:7.2f} ms  SQL {row['queries_per_request']}  "
                     f"slowest {row['slowest_text']!r} ({row['slowest_sql']['ms']:.1f} ms SQL)")
    update = result["update"]
    lines.append(f"one-entity update p50 {update['p50_ms']} ms, p95 {update['p95_ms']} ms")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--n", type=int, help="entities (default 100,000; 10,000 on SQLite)")
    parser.add_argument("--pages", type=int, help="docs pages (default 10,000; 1,000 on SQLite)")
    parser.add_argument("--queries", type=int, default=200, help="requests per measurement")
    parser.add_argument("--out", type=Path, help="default: benchmarks/results/search-<db>.json")
    args = parser.parse_args()
    args.n = args.n or (100_000 if args.db == "postgres" else 10_000)
    args.pages = args.pages if args.pages is not None else (
        10_000 if args.db == "postgres" else 1_000)
    out = args.out or RESULTS / f"search-{args.db}.json"
    with tempfile.TemporaryDirectory(prefix="greenroom-search-") as tmp, \
            contextlib.ExitStack() as stack:  # fmt: skip
        url = None
        if args.db == "postgres":
            from tests.support.servers import postgres_server

            url = stack.enter_context(postgres_server(durable=True)).create_database("bench")
        result = run(args, Path(tmp), url)
    bad = verdict(result)
    result["verdict"] = {"ok": not bad, "problems": bad}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(summary(result))
    print(f"wrote {out}")
    for line in bad:
        print(f"OVER BUDGET {line}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
