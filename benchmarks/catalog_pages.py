"""Server time of the catalog pages on PostgreSQL at 100,000 entities, under gunicorn.

Usage:
    .venv/bin/python benchmarks/catalog_pages.py                       # N=100,000, 200 requests
    .venv/bin/python benchmarks/catalog_pages.py --n 1000 --requests 30
    .venv/bin/python benchmarks/catalog_pages.py --n 1000 --keep       # leave the servers up

The budget (p95 under 150 ms of server time at 100,000 entities) holds for two pages:
the catalog index with two filters and the page of a component with 50 relations.
This measures them the way an operator's users meet them:

1. a throwaway PostgreSQL cluster with default settings (as api_http.py);
2. the generated catalog of N entities (gen_catalog.py) plus a second file with one
   Component, ``bench-hub``, whose spec names 50 entities of the generated catalog
   (10 provided APIs, 15 consumed APIs, 20 components and 5 resources it depends on),
   chosen from the generator's own output, both listed under ``catalog.locations``;
3. ``migrate``, ``collectstatic``, ``catalog refresh --all`` (timed) and
   ``ensure_admin`` with ``GREENROOM_ADMIN_PASSWORD``;
4. gunicorn as the Procfile starts it (sync workers, DEBUG off), a sign-in over HTTP
   (the login form, its CSRF cookie and token), then per page a few warm-up requests
   and R sequential requests with the session cookie. Each response must be a 200 with
   the page's expected content (rows of the filtered table and its total, the 50
   relation links of bench-hub ...), or the page is reported as failing.

Wall time per request over loopback is an upper bound on server time (it adds the
client, the TCP connection gunicorn's sync workers do not keep alive, and the
transfer). After the HTTP runs each page is rendered once more in this process against
the same database with Django's query log, to report its SQL statements, their total
time and the slowest of them: where to look when a page is over budget.

Writes benchmarks/results/pages-postgres-<N>.json, prints a table, and exits with
status 1 when a required page is over budget at p95 or fails its checks.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import logging
import math
import os
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen_catalog
import httpx
from api_http import ingest, versions
from catalog_ingest import generate
from harness import (
    WorkerPeaks,
    bench_module,
    greenroom_env,
    left_running,
    manage,
    resolve_output,
    server_parser,
    start_gunicorn,
    stop,
)

from tests.support.servers import free_port, postgres_server

BUDGET_MS = 150.0
HUB = "bench-hub"
HUB_PATH = f"/catalog/default/component/{HUB}"
ADMIN = "admin"
#: gen_catalog.py's default seed, which catalog_ingest.generate uses.
SEED = 42
#: Rows the catalog index shows by default (catalog.listing.PAGE_SIZES[0]).
INDEX_ROWS = 25
#: A request that takes longer than this is a failure, not a slow sample.
REQUEST_TIMEOUT = 120.0
#: SQL text kept per slow statement in the JSON, and printed.
SQL_CHARS, SQL_SHOWN = 4000, 300
#: In-process renders of each page whose median is reported beside the HTTP numbers.
PROBE_RUNS = 5

Check = Callable[[str], str | None]


# The generated catalog ------------------------------------------------------------------
@dataclass
class Catalog:
    """What the pages are expected to show, read from the generator's output."""

    entities: list[dict[str, Any]]
    names: dict[str, list[str]]

    def specs(self, kind: str) -> list[dict[str, Any]]:
        return [e["spec"] for e in self.entities if e["kind"] == kind]


def read_catalog(catalog: Path, n: int) -> Catalog:
    """The entities written to ``catalog``, regenerated from the same N and seed (seconds,
    where parsing 74 MB of YAML takes minutes) and checked byte for byte against the
    file's SHA-256 in the manifest gen_catalog.py wrote beside it."""
    entities, _ = gen_catalog.generate(n, SEED)
    manifest = json.loads(catalog.with_suffix(".manifest.json").read_text())
    digest = hashlib.sha256(gen_catalog.render(entities, n, SEED)).hexdigest()
    if digest != manifest["yaml_sha256"] or manifest["seed"] != SEED:
        raise SystemExit(f"{catalog} is not gen_catalog.py's output for n={n} seed={SEED}")
    names: dict[str, list[str]] = {}
    for entity in entities:
        names.setdefault(entity["kind"], []).append(entity["metadata"]["name"])
    return Catalog(entities, names)


def spread(items: list[str], count: int) -> list[str]:
    """``count`` items taken evenly across ``items`` (not only the first ones, which
    the generator writes first and the database stores next to each other)."""
    if len(items) < count:
        raise SystemExit(f"need {count} entities of a kind, the catalog has {len(items)}")
    return [items[i * len(items) // count] for i in range(count)]


def hub_entity(data: Catalog) -> dict[str, Any]:
    """A Component whose spec names 50 existing entities, every one a relation."""
    apis = spread(data.names["API"], 25)
    groups, systems = data.names["Group"], data.names["System"]
    return {
        "apiVersion": gen_catalog.V1,
        "kind": "Component",
        "metadata": {
            "name": HUB,
            "title": "Bench hub",
            "description": "A component with 50 relations, for benchmarks/catalog_pages.py.",
            "tags": ["benchmark"],
        },
        "spec": {
            "type": "service",
            "lifecycle": "production",
            "owner": f"group:default/{groups[len(groups) // 2]}",
            "system": f"system:default/{systems[0]}",
            "providesApis": [f"api:default/{name}" for name in apis[:10]],
            "consumesApis": [f"api:default/{name}" for name in apis[10:]],
            "dependsOn": [f"component:default/{name}" for name in
                          spread(data.names["Component"], 20)]
                         + [f"resource:default/{name}" for name in
                            spread(data.names["Resource"], 5)],
        },
    }  # fmt: skip


def hub_targets(hub: dict[str, Any]) -> list[str]:
    """The page address of each of bench-hub's 50 relation targets."""
    spec = hub["spec"]
    refs = [*spec["providesApis"], *spec["consumesApis"], *spec["dependsOn"]]
    assert len(set(refs)) == 50, "bench-hub must have 50 distinct relation targets"
    paths = []
    for ref in refs:
        kind, rest = ref.split(":", 1)
        namespace, name = rest.split("/", 1)
        paths.append(f"/catalog/{namespace}/{kind}/{name}")
    return paths


def busiest_owner(data: Catalog, hub: dict[str, Any]) -> tuple[str, int]:
    """The group that owns the most components, and how many of those are in production
    (what the two-filter index must count)."""
    components = [*data.specs("Component"), hub["spec"]]
    owners = Counter(spec["owner"].lower() for spec in components)
    owner = min(owners, key=lambda ref: (-owners[ref], ref))
    production = sum(
        1 for s in components if s["owner"].lower() == owner and s["lifecycle"] == "production"
    )
    return owner, production


#: ``--restricted``: a read rule that applies to everyone (the admin included) and
#: hides nothing the pages check, so every list carries the visibility condition and
#: every entity page looks its entity up for the decision: the cost of a restricting
#: ``permission.rules`` entry on the same pages.
RESTRICTING_RULES = {"rules": [{"permission": "catalog.entity.read", "decision": "deny",
                                "when": {"tags": ["bench-hidden"]}}]}  # fmt: skip


def app_config(catalog: Path, hub_file: Path, port: int, restricted: bool = False) -> str:
    """Both files as locations; the base URL is the address the benchmark signs in at.
    JSON, which is YAML too."""
    return json.dumps(
        {
            **({"permission": RESTRICTING_RULES} if restricted else {}),
            "app": {"baseUrl": f"http://127.0.0.1:{port}"},
            "catalog": {
                "readableDirectories": [str(catalog.parent)],
                # 100,000 entities are ~74 MB; the default limit is 10 MiB.
                "maxFileBytes": 1024 * 1024 * 1024,
                # Nothing is re-read while the pages are measured.
                "processingInterval": {"hours": 1},
                "locations": [
                    {"type": "file", "target": str(catalog)},
                    {"type": "file", "target": str(hub_file)},
                ],
            },
        },
        indent=1,
    )


# Pages and what each must contain ---------------------------------------------------------
@dataclass
class Page:
    """A page to measure, and what its body must contain (a Check: None or a problem)."""

    name: str
    path: str
    check: Check
    required: bool = False
    headers: dict[str, str] = field(default_factory=dict)


def full_page(body: str) -> str | None:
    """A whole page (not a fragment, not a truncated body)."""
    return None if "</html>" in body else "not a full HTML page"


def index_check(rows: int | None, total: int | None = None, partial: bool = False) -> Check:
    """The table shows ``rows`` rows, or some if None (and, if known, ``total`` matching
    entities)."""

    def check(body: str) -> str | None:
        found = body.count('<td class="name">')
        if found != rows and (rows is not None or not found):
            return f"{found} table rows, expected {'some' if rows is None else rows}"
        if total is not None and f" of {total}</p>" not in body:
            return f"no result count 'of {total}'"
        if partial and ("<html" in body or 'id="catalog-browser"' not in body):
            return "not the catalog-browser partial"
        return None if partial else full_page(body)

    return check


def contains(*needles: str) -> Check:
    """A whole page with every one of ``needles`` in it."""

    def check(body: str) -> str | None:
        missing = [n for n in needles if n not in body]
        return f"missing {missing[:3]}" if missing else full_page(body)

    return check


def links_check(paths: list[str]) -> Check:
    """Every one of ``paths`` is linked from the page."""

    def check(body: str) -> str | None:
        linked = set(re.findall(r'href="(/catalog/default/[^"?#]+)"', body))
        missing = [p for p in paths if p not in linked]
        if missing:
            shown = len(paths) - len(missing)
            return f"{shown} of {len(paths)} relation links; missing {missing[:3]}"
        return full_page(body)

    return check


def pages(data: Catalog, hub: dict[str, Any]) -> list[Page]:
    owner, production = busiest_owner(data, hub)
    filtered = urlencode({"kind": "component", "owner": owner, "lifecycle": "production"})
    components = len(data.names["Component"]) + 1
    word = gen_catalog.FULLTEXT_WORDS[0]
    last_page = math.ceil(components / INDEX_ROWS)
    apis = len(data.names["API"])
    api = hub["spec"]["providesApis"][0].split("/", 1)[1]
    api_title = next(e["metadata"]["title"] for e in data.entities
                     if e["kind"] == "API" and e["metadata"]["name"] == api)  # fmt: skip
    return [
        Page("index-2-filters", f"/catalog/?{filtered}",
             index_check(min(INDEX_ROWS, production), production), required=True),
        Page("entity-50-relations", HUB_PATH, links_check(hub_targets(hub)), required=True),
        Page("index-default", "/catalog/",
             index_check(min(INDEX_ROWS, components), components)),
        Page("index-text", f"/catalog/?kind=component&q={word}",
             index_check(None)),
        Page("index-two-words", f"/catalog/?{urlencode({'q': f'system {word}'})}",
             index_check(None)),
        Page("index-status-errors", "/catalog/?kind=&status=errors", index_check(0)),
        Page("index-status-orphan", "/catalog/?kind=&status=orphan", index_check(0)),
        Page("index-sort-owner-page-50", "/catalog/?kind=component&sort=-owner&page=50",
             index_check(min(INDEX_ROWS, components - (min(50, last_page) - 1) * INDEX_ROWS))),
        Page("index-htmx", f"/catalog/?{filtered}",
             index_check(min(INDEX_ROWS, production), production, partial=True),
             headers={"HX-Request": "true", "HX-Target": "catalog-browser"}),
        Page("apis", "/apis/", index_check(min(INDEX_ROWS, apis), apis)),
        Page("home", "/", contains("</main>")),
        Page("entity-dependencies", f"{HUB_PATH}/dependencies", links_check(hub_targets(hub))),
        Page("entity-api-tab", f"/catalog/default/api/{api}/api",
             contains(api_title, "definition-heading")),
    ]  # fmt: skip


# HTTP -------------------------------------------------------------------------------------
def sign_in(client: httpx.Client, password: str) -> None:
    """The login form as a browser posts it: its CSRF cookie and token, the Referer."""
    form = client.get("/login/")
    token = client.cookies.get("csrftoken")
    if form.status_code != 200 or not token:
        raise SystemExit(f"GET /login/ gave {form.status_code} without a csrftoken cookie")
    done = client.post(
        "/login/",
        data={"username": ADMIN, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{client.base_url}/login/"},
    )
    if done.status_code != 302 or "sessionid" not in client.cookies:
        raise SystemExit(f"signing in failed: POST /login/ gave {done.status_code}")


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile: the smallest sample at least p% of samples do not exceed."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def measure(client: httpx.Client, page: Page, requests: int, warmup: int) -> dict[str, Any]:
    """``warmup`` unmeasured requests, then ``requests`` sequential ones, each timed
    from sending to the last byte of the body, each checked."""
    errors: Counter[str] = Counter()
    timings, sizes = [], []
    for i in range(warmup + requests):
        started = time.perf_counter()
        try:
            response = client.get(page.path, headers=page.headers)
            body = response.text
        except httpx.HTTPError as exc:
            errors[f"{type(exc).__name__}: {exc}"] += 1
            continue
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            problem = f"status {response.status_code}"
        else:
            problem = page.check(body)
        if problem:
            errors[problem] += 1
        if i >= warmup:
            timings.append(elapsed)
            sizes.append(len(response.content))
    result: dict[str, Any] = {"url": page.path, "required": page.required,
                              "requests": len(timings), "errors": dict(errors)}  # fmt: skip
    if page.headers:
        result["headers"] = page.headers
    if timings:
        result.update(
            p50_ms=round(percentile(timings, 50), 2),
            p95_ms=round(percentile(timings, 95), 2),
            p99_ms=round(percentile(timings, 99), 2),
            max_ms=round(max(timings), 2),
            mean_ms=round(statistics.fmean(timings), 2),
            body_bytes=round(statistics.fmean(sizes)),
        )
    return result


# SQL of each page, in-process -------------------------------------------------------------
class QueryTimer:
    """Times each SQL statement (Django's query log rounds to whole milliseconds) and
    keeps it as PostgreSQL ran it, parameters in place."""

    def __init__(self, connection) -> None:
        self.connection = connection
        self.queries: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            try:
                text = self.connection.ops.last_executed_query(context["cursor"], sql, params)
            except Exception:  # the text is only for the report
                text = f"{sql} -- params {params!r}"
            self.queries.append((elapsed, str(text)))


def probe(env: dict[str, str], password: str, chosen: list[Page]) -> dict[str, dict[str, Any]]:
    """Each page rendered again in this process, against the same database, without
    HTTP: the median server time of PROBE_RUNS renders, then the SQL statements of one
    more, their total time and the slowest ones (where a slow page spends its time)."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    # A failing page's traceback goes into the result, not over the table.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
    if not client.login(username=ADMIN, password=password):
        raise SystemExit("in-process sign-in failed")
    found = {}
    for page in chosen:
        headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in page.headers.items()}
        client.get(page.path, **headers)
        timings = []
        for _ in range(PROBE_RUNS):
            started = time.perf_counter()
            client.get(page.path, **headers)
            timings.append((time.perf_counter() - started) * 1000)
        timer = QueryTimer(connection)
        with connection.execute_wrapper(timer):
            response = client.get(page.path, **headers)
        slowest = sorted(timer.queries, key=lambda q: -q[0])[:3]
        found[page.name] = {
            "status": response.status_code,
            "in_process_ms": round(statistics.median(timings), 2),
            "queries": len(timer.queries),
            "sql_ms": round(sum(ms for ms, _ in timer.queries), 2),
            "slowest": [{"ms": round(ms, 2), "sql": sql[:SQL_CHARS]} for ms, sql in slowest],
        }
        if response.status_code >= 500 and getattr(response, "exc_info", None):
            found[page.name]["exception"] = repr(response.exc_info[1])[:SQL_CHARS]
    return found


# Report -----------------------------------------------------------------------------------
def over_budget(result: dict[str, Any]) -> list[str]:
    """The required pages over budget or failing, each with why."""
    bad = []
    for name, row in result["pages"].items():
        if not row["required"]:
            continue
        if row["errors"]:
            bad.append(f"{name}: failing ({'; '.join(row['errors'])})")
        elif row.get("p95_ms", math.inf) >= result["budget_ms"]:
            bad.append(f"{name}: p95 {row.get('p95_ms')} ms >= {result['budget_ms']} ms")
    return bad


def summary(result: dict[str, Any]) -> str:
    ingestion = result["ingest"]
    lines = [
        f"{result['label']}: N={result['n']} (+ {HUB}), {result['workers']} sync workers, "
        f"{result['requests']} sequential requests per page after {result['warmup']} warm-up",
        f"machine: {result['cpus']} CPUs, 1-minute load {result['load_1min']['min']:.1f}"
        f"-{result['load_1min']['max']:.1f} while measuring (other processes share it)",
        f"ingest (catalog refresh --all): {ingestion['wall_s']:.1f} s wall, "
        f"{ingestion['cpu_s']:.1f} CPU-s, PostgreSQL {ingestion['db_cpu_s']:.1f} CPU-s",
        f"index filters: owner={result['index_owner']} lifecycle=production "
        f"({result['index_owner_production']} components)",
        "",
        f"{'page':26s} {'p50':>7s} {'p95':>7s} {'p99':>7s} {'max':>7s} {'KiB':>6s} "
        f"{'in-pr':>6s} {'SQL':>4s} {'SQL ms':>7s}  result",
    ]
    for name, row in result["pages"].items():
        sql = result["sql"].get(name, {})
        status = "FAILING: " + "; ".join(row["errors"]) if row["errors"] else "ok"
        if row["required"] and not row["errors"]:
            status = "ok" if row["p95_ms"] < result["budget_ms"] else "OVER BUDGET"
        mark = "*" if row["required"] else " "
        keys = ("p50_ms", "p95_ms", "p99_ms", "max_ms")
        numbers = " ".join(f"{row.get(k, math.nan):7.1f}" for k in keys)
        lines.append(
            f"{mark}{name:25s} {numbers} {row.get('body_bytes', 0) / 1024:6.1f} "
            f"{sql.get('in_process_ms', math.nan):6.1f} {sql.get('queries', '-'):>4} "
            f"{sql.get('sql_ms', math.nan):7.1f}  {status}"
        )
    lines += [
        "",
        f"* required: p95 under {result['budget_ms']:.0f} ms. p50..max: wall time over "
        f"loopback, ms; in-pr: median in-process render, ms; SQL: statements of one render.",
        f"web worker peak RSS (VmHWM): "
        f"{', '.join(f'{p:.0f}' for p in result['worker_peak_rss_mib'])} MiB",
    ]
    return "\n".join(lines)


def slow_queries(result: dict[str, Any]) -> str:
    """The slowest SQL of the required pages, and why failing pages failed."""
    lines = [f"{name} raised {row['exception']}" for name, row in result["sql"].items()
             if "exception" in row]  # fmt: skip
    for name, row in result["pages"].items():
        if row["required"] and name in result["sql"]:
            lines.append(f"slowest SQL of {name}:")
            for query in result["sql"][name]["slowest"]:
                lines.append(f"  {query['ms']:8.2f} ms  {query['sql'][:SQL_SHOWN]}")
    return "\n".join(lines)


def parse_args() -> argparse.Namespace:
    parser = server_parser(__doc__, 100_000, "pages-postgres-{n}")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per page")
    parser.add_argument("--warmup", type=int, default=10, help="unmeasured requests per page")
    parser.add_argument("--restricted", action="store_true",
                        help="add a permission.rules entry restricting entity reads")  # fmt: skip
    args = parser.parse_args()
    if args.n < 1000 or args.requests < 1 or args.warmup < 0:
        parser.error("--n must be at least 1000, --requests at least 1, --warmup not negative")
    return resolve_output(args)


def plan(catalog: Path, n: int, hub_file: Path) -> tuple[dict[str, Any], list[Page], tuple]:
    """Write bench-hub's file; return it, the pages and the index's owner filter. The
    generated entities are dropped afterwards: 100,000 live dicts would slow every
    garbage collection of the in-process renders."""
    data = read_catalog(catalog, n)
    hub = hub_entity(data)
    hub_file.write_text(json.dumps(hub, indent=1) + "\n")
    found = hub, pages(data, hub), busiest_owner(data, hub)
    del data
    gc.collect()
    return found


def run(args: argparse.Namespace, tmp: Path) -> tuple[dict[str, Any], bool]:
    """Set everything up, measure, and return the result and whether servers were kept."""
    bench = bench_module("bench", args.bench_dir)
    password = secrets.token_urlsafe(16)
    with postgres_server(durable=True, keep=args.keep) as cluster:
        catalog = generate(args.n, tmp)
        hub_file = tmp / "bench-hub.yaml"
        hub, chosen, (owner, production) = plan(catalog, args.n, hub_file)
        port = args.port or free_port()
        config = tmp / "app-config.json"
        config.write_text(app_config(catalog, hub_file, port, args.restricted))
        (tmp / "var").mkdir()
        env = greenroom_env(tmp / "var", cluster.create_database("greenroom"), str(config))
        env["GREENROOM_ADMIN_PASSWORD"] = password
        migrate_s, _ = manage(env, "migrate", "--noinput", "--verbosity", "0")
        static_s, _ = manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        ingestion = ingest(env, tmp / "refresh.log", bench, cluster.pid)
        print("\n".join(ingestion["output"]))
        manage(env, "ensure_admin")
        web = start_gunicorn(env, port, args.workers, tmp / "gunicorn.log")
        sampler = WorkerPeaks(web.pid)
        sampler.start()
        keep = False
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=REQUEST_TIMEOUT) as http:
                sign_in(http, password)
                measured, load = {}, [os.getloadavg()[0]]
                for page in chosen:
                    print(f"measuring {page.name} ({page.path}) ...", flush=True)
                    measured[page.name] = measure(http, page, args.requests, args.warmup)
                    load.append(os.getloadavg()[0])
            keep = args.keep
        finally:
            peaks = sampler.stop()
            if not keep:
                stop(web)
        result = {
            "label": args.label,
            "n": args.n,
            "requests": args.requests,
            "warmup": args.warmup,
            "permission": RESTRICTING_RULES if args.restricted else None,
            "workers": args.workers,
            "budget_ms": BUDGET_MS,
            "timing": "wall time per request over loopback, httpx, one request at a time",
            "cpus": os.cpu_count(),
            "load_1min": {"min": min(load), "max": max(load)},
            "index_owner": owner,
            "index_owner_production": production,
            "hub": {"ref": f"component:default/{HUB}", "spec": hub["spec"]},
            "server_cmd": f"gunicorn portal.wsgi --bind 127.0.0.1:{port} "
            f"--workers {args.workers} --access-logfile -",
            "migrate_s": round(migrate_s, 2),
            "collectstatic_s": round(static_s, 2),
            "ingest": ingestion,
            "pages": measured,
            "sql": probe(env, password, chosen),
            "worker_peak_rss_mib": [round(kib / 1024, 1) for kib in peaks.values()],
            "versions": versions(),
        }
        if keep:
            portal = (f"portal      http://127.0.0.1:{port}{HUB_PATH}  "
                      f"(sign in: {ADMIN} / {password})")
            print("\n" + left_running(web, cluster, tmp, portal))
    return result, keep


def main() -> int:
    args = parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="greenroom-pages-"))
    keep = False
    try:
        result, keep = run(args, tmp)
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)
    bad = over_budget(result)
    result["verdict"] = {"ok": not bad, "problems": bad}
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print()
    print(summary(result))
    print()
    print(slow_queries(result))
    print(f"\nwrote {args.out}")
    for line in bad:
        print(f"REQUIRED PAGE {line}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
