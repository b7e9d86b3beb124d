"""Server time of the template form's type-ahead (``/create/fields/suggestions/``) at
catalog scale, in-process.

Usage:
    .venv/bin/python benchmarks/scaffolder_pickers.py                      # PostgreSQL, N=100,000
    .venv/bin/python benchmarks/scaffolder_pickers.py --db sqlite --n 10000
    .venv/bin/python benchmarks/scaffolder_pickers.py --n 10000 --queries 50

1. A throwaway PostgreSQL cluster with PostgreSQL's default settings (``--db
   postgres``, as the catalog benchmarks use) or a SQLite file (``--db sqlite``).
2. The generated catalog of N entities (gen_catalog.py, the catalog benchmarks' data:
   ~N/2 components with tags, ~N/5 users with display names, ~N/50 groups) and a
   Template with three pickers, both registered as file locations, as a user would:
   an EntityPicker with ``catalogFilter: {kind: Component, spec.type: service}``, an
   OwnerPicker (groups and users) and an EntityTagsPicker (``kinds: [Component]``,
   ``showCounts``).
3. Per picker, a few warm-up requests, then Q requests through Django's test client as
   a signed-in user, one after another, for 1-4 letter prefixes drawn (seeded) from the
   words the generator builds names, titles, display names and tags from, so both
   prefix and substring matches are exercised. Every answer must be a 200 with the
   suggestion list; each is timed from request to response.

Reports p50/p95/max per picker, suggestions per answer, SQL statements of a request
and, for the slowest text, its slowest statement (with EXPLAIN ANALYZE on
PostgreSQL): where to look when a picker is over budget. Budget: p95 under 50 ms.
Writes benchmarks/results/scaffolder-pickers-<db>.json and exits with status 1 when a
picker is over budget or an answer fails.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
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
BUDGET_MS = 50.0
SEED = 7
TEMPLATE_REF = "template:default/bench-pickers"
WARMUP = 10
#: Picker -> (property, the words its texts are prefixes of).
PICKERS = {
    "EntityPicker (catalogFilter)": ("service", [*gen_catalog.WORDS, "serv", "work", "api"]),
    "OwnerPicker": ("owner", [*gen_catalog.FIRST, *gen_catalog.LAST, *gen_catalog.WORDS,
                              "grp", "team"]),
    "EntityTagsPicker": ("tags", gen_catalog.TAGS),
}  # fmt: skip
_OPTION = re.compile(r'role="option" aria-selected="false" data-value="')


def template_yaml() -> str:
    """The Template whose three fields the benchmark asks for suggestions."""
    return json.dumps({
        "apiVersion": "scaffolder.backstage.io/v1beta3", "kind": "Template",
        "metadata": {"name": TEMPLATE_REF.rsplit("/", 1)[1]},
        "spec": {"owner": "bench", "type": "service", "parameters": [{"properties": {
            "service": {"type": "string", "ui:field": "EntityPicker", "ui:options": {
                "catalogFilter": {"kind": "Component", "spec.type": "service"}}},
            "owner": {"type": "string", "ui:field": "OwnerPicker"},
            "tags": {"type": "array", "items": {"type": "string"},
                     "ui:field": "EntityTagsPicker",
                     "ui:options": {"kinds": ["Component"], "showCounts": True}},
        }}], "steps": [{"id": "log", "action": "debug:log", "input": {"message": "hi"}}]},
    })  # fmt: skip


def texts(words: list[str], count: int, seed: int) -> list[str]:
    """``count`` prefixes of 1-4 letters of ``words``, the same for the same seed."""
    rng = random.Random(seed)
    return [rng.choice(words)[: rng.randint(1, 4)] for _ in range(count)]


def url(prop: str, text: str) -> str:
    name = f"{prop}.add" if prop == "tags" else prop
    return "/create/fields/suggestions/?" + urlencode(
        [("_template", TEMPLATE_REF), ("_page", "0"), ("_path", prop), ("_input", name),
         (name, text)])  # fmt: skip


def explain(sql: str) -> list[str]:
    """PostgreSQL's plan of ``sql`` as it ran (EXPLAIN ANALYZE), or nothing elsewhere."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [row[0] for row in cursor.fetchall()]


def measure(client: Any, prop: str, words: list[str], queries: int) -> dict[str, Any]:
    """Time ``queries`` type-ahead requests of one picker; profile the slowest text."""
    from django.db import connection

    for text in texts(words, WARMUP, SEED + 1):
        client.get(url(prop, text))
    timings, found, failures = [], [], []
    for text in texts(words, queries, SEED):
        started = time.perf_counter()
        response = client.get(url(prop, text), HTTP_HX_REQUEST="true")
        elapsed = (time.perf_counter() - started) * 1000
        body = response.content.decode()
        if response.status_code != 200 or 'class="picker-popup"' not in body:
            failures.append(f"{text!r}: status {response.status_code}")
        timings.append((elapsed, text))
        found.append(len(_OPTION.findall(body)))
    slowest_ms, slowest_text = max(timings)
    timer = QueryTimer(connection)
    with connection.execute_wrapper(timer):
        client.get(url(prop, slowest_text), HTTP_HX_REQUEST="true")
    sql_ms, sql = max(timer.queries)
    samples = [ms for ms, _ in timings]
    return {
        "requests": len(samples), "failures": failures[:10],
        "p50_ms": round(percentile(samples, 50), 2), "p95_ms": round(percentile(samples, 95), 2),
        "max_ms": round(slowest_ms, 2), "mean_ms": round(statistics.fmean(samples), 2),
        "suggestions_mean": round(statistics.fmean(found), 1),
        "empty_answers": sum(1 for n in found if n == 0),
        "slowest_text": slowest_text, "queries_per_request": len(timer.queries),
        "slowest_sql": {"ms": round(sql_ms, 2), "sql": sql[:3000], "plan": explain(sql)},
    }  # fmt: skip


def run(args: argparse.Namespace, var: Path, database_url: str | None) -> dict[str, Any]:
    catalog = generate(args.n, var)
    (var / "static").mkdir()  # the static root the settings name (nothing is collected)
    setup_django(var, database_url)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from catalog import services
    from catalog.models import Entity

    # As in production: no query log kept per request, any host name, plain static files.
    settings.DEBUG, settings.ALLOWED_HOSTS = False, ["*"]
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # fmt: skip
    template = var / "bench-template.json"
    template.write_text(template_yaml())
    started = time.perf_counter()
    services.register_location("file", str(catalog))
    services.register_location("file", str(template))
    ingest_s = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.create_user("bench"))
    result: dict[str, Any] = {
        "db": connection.vendor, "n": args.n, "entities": Entity.objects.count(),
        "queries": args.queries, "warmup": WARMUP, "budget_ms": BUDGET_MS,
        "timing": "in-process, Django test client, one request at a time",
        "ingest_s": round(ingest_s, 1), "cpus": os.cpu_count(),
        "load_1min": round(os.getloadavg()[0], 2), "pickers": {},
    }  # fmt: skip
    for name, (prop, words) in PICKERS.items():
        print(f"measuring {name} ...", flush=True)
        result["pickers"][name] = measure(client, prop, words, args.queries)
    return result


def summary(result: dict[str, Any]) -> str:
    lines = [f"{result['db']}, {result['entities']} entities (N={result['n']}), "
             f"{result['queries']} requests per picker, load {result['load_1min']}",
             f"{'picker':30s} {'p50':>7s} {'p95':>7s} {'max':>7s} {'hits':>5s} {'SQL':>4s}  "
             "slowest text / statement ms"]  # fmt: skip
    for name, row in result["pickers"].items():
        lines.append(f"{name:30s} {row['p50_ms']:7.2f} {row['p95_ms']:7.2f} {row['max_ms']:7.2f} "
                     f"{row['suggestions_mean']:5.1f} {row['queries_per_request']:4d}  "
                     f"{row['slowest_text']!r} / {row['slowest_sql']['ms']:.1f}"
                     + ("  FAILING" if row["failures"] else ""))  # fmt: skip
    lines.append(f"budget: p95 under {result['budget_ms']:.0f} ms")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--n", type=int, help="entities (default 100,000; 10,000 on SQLite)")
    parser.add_argument("--queries", type=int, default=200, help="requests per picker")
    parser.add_argument("--out", type=Path, help="default: benchmarks/results/"
                                                  "scaffolder-pickers-<db>.json")  # fmt: skip
    args = parser.parse_args()
    args.n = args.n or (100_000 if args.db == "postgres" else 10_000)
    out = args.out or RESULTS / f"scaffolder-pickers-{args.db}.json"
    with tempfile.TemporaryDirectory(prefix="greenroom-pickers-") as tmp, \
            contextlib.ExitStack() as stack:  # fmt: skip
        url = None
        if args.db == "postgres":
            from tests.support.servers import postgres_server

            url = stack.enter_context(postgres_server(durable=True)).create_database("bench")
        result = run(args, Path(tmp), url)
    bad = [f"{name}: " + ("; ".join(row["failures"]) if row["failures"]
                          else f"p95 {row['p95_ms']} ms >= {BUDGET_MS} ms")
           for name, row in result["pickers"].items()
           if row["failures"] or row["p95_ms"] >= BUDGET_MS]  # fmt: skip
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
