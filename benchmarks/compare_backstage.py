"""Do Greenroom and a real Backstage catalog backend serve the same demo catalog?

Usage:
    .venv/bin/python benchmarks/compare_backstage.py            # exit 1 on differences
    .venv/bin/python benchmarks/compare_backstage.py --verbose  # also list what agrees
    .venv/bin/python benchmarks/compare_backstage.py --allow Component,API,Location --keep

Done-criterion this checks: on the demo catalog, the same requests to Greenroom and to
a Backstage backend loaded with the same catalog return the same entity sets and the
same relations.

Backstage is the shared harness's backend (../shared/bench: the Backstage npm packages
installed by ``run_backstage.py`` into $BACKSTAGE_BENCH_RUN_DIR, its app-configs for a
SQLite file and the unauthenticated API) plus an overlay listing the three demo
locations of Greenroom's app-config.yaml. Greenroom runs under gunicorn on SQLite with
app-config.yaml plus the same overlay and the unauthenticated-API switch. Both get the
same ``catalog.rules`` (``--allow``; by default every kind Greenroom allows) and read
the same demo files from the same URLs: a local static server serves
``catalog/demo/`` and both servers may read from it (``--files`` reads them as file
locations instead, where Backstage cannot resolve relative ``$text`` placeholders), so
even location annotations compare.

Compared strictly (a difference makes the exit status 1):

- entity refs of ``GET /entities`` and of several ``by-query`` filters, walked through
  their cursors, and ``totalItems``; the order of one ordered query;
- per entity, ``GET /entities/by-name/...`` status and its set of (type, targetRef)
  relations;
- facet values and counts.

Reported, not counted: other fields of each entity that differ (after dropping uid,
etag and generation, which are per-database), and the declared entities neither server
serves, with each server's reason (Greenroom's ``catalog errors``, Backstage's errors
from its ``refresh_state`` table), so entities that fail on purpose offline can be
checked to fail in both.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    BENCH_DIR,
    PROJECT,
    bench_module,
    greenroom_env,
    manage,
    port_open,
    start_gunicorn,
    stop,
    wait_for,
)

from catalog.ingestion.rules import BUILTIN_KINDS
from tests.support.servers import free_port

DEMO_CONFIG = PROJECT / "app-config.yaml"
API = "/api/catalog"
OPEN_API = {"backend": {"auth": {"dangerouslyDisableDefaultAuthPolicy": True}}}
#: by-query filters compared (repeated ``filter`` = OR, comma = AND).
QUERIES = [
    "filter=kind=component",
    "filter=kind=api",
    "filter=kind=component,spec.type=service",
    "filter=spec.type=service",
    "filter=kind=user&filter=kind=group",
    "filter=relations.ownedBy=group:default/team-a",
    "filter=relations.partOf=system:default/podcast",
    "filter=spec.owner=team-c",
    "filter=spec.lifecycle=production",
    "filter=metadata.tags=java",
    "filter=metadata.namespace=development",
    "filter=kind=location",
    "filter=kind=component,spec.system",
    "fullTextFilterTerm=play&fullTextFilterFields=metadata.name,metadata.title",
]
ORDERED = "filter=kind=component&orderField=metadata.name,asc"
FACETS = [
    "kind",
    "spec.type",
    "metadata.tags",
    "spec.lifecycle",
    "spec.owner",
    "relations.ownedBy",
    "metadata.namespace",
]
#: Per-database identity and versioning, never equal between two servers.
VOLATILE = {("metadata", "uid"), ("metadata", "etag"), ("metadata", "generation")}


# ----------------------------------------------------------------- the catalog


def demo_locations() -> list[dict]:
    """The demo locations as Greenroom's app-config.yaml lists them, file targets made
    absolute (they are relative to that file) so Backstage reads the same files."""
    locations = yaml.safe_load(DEMO_CONFIG.read_text())["catalog"]["locations"]
    for location in locations:
        if location["type"] == "file":
            location["target"] = str((DEMO_CONFIG.parent / location["target"]).resolve())
    return locations


@contextmanager
def served_over_http(locations: list[dict]) -> Iterator[tuple[list[dict], dict]]:
    """The demo files served by a local static HTTP server; yields the demo locations as
    ``url`` locations and the app-config both servers need to read from it.

    Backstage cannot resolve a relative ``$text`` placeholder inside a ``file``
    location ("could not form a URL out of <path> and ./x"); Greenroom can. Over HTTP
    both resolve it, so the comparison is of the catalogs, not of that limitation.
    """
    root = PROJECT / "catalog" / "demo"
    handler = functools.partial(_QuietFiles, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host = f"127.0.0.1:{server.server_port}"
    try:
        urls = [
            {"type": "url",
             "target": f"http://{host}/{Path(loc['target']).relative_to(root).as_posix()}"}
            for loc in locations
        ]  # fmt: skip
        reading = {"allow": [{"host": host}], "allowPrivateHosts": ["127.0.0.1", host]}
        yield urls, reading
    finally:
        server.shutdown()


class _QuietFiles(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def declared_refs(locations: list[dict]) -> set[str]:
    """Every entity the demo files declare, following Location ``spec.targets``, so an
    entity neither server serves is still asked for (the Location each server makes for
    a configured location is not declared; it is compared from what both serve)."""
    refs, todo, seen = set(), [Path(x["target"]) for x in locations], set()
    while todo:
        path = todo.pop()
        if path in seen or not path.exists():
            continue
        seen.add(path)
        for doc in yaml.safe_load_all(path.read_text()):
            if not isinstance(doc, dict) or "kind" not in doc:
                continue
            refs.add(entity_ref(doc))
            if doc["kind"] == "Location":
                targets = doc["spec"].get("targets") or [doc["spec"].get("target")]
                todo += [(path.parent / t).resolve() for t in targets if t and "://" not in t]
    return refs


def entity_ref(entity: dict) -> str:
    meta = entity["metadata"]
    return f"{entity['kind']}:{meta.get('namespace', 'default')}/{meta['name']}".lower()


# ------------------------------------------------------------------- servers


def write_json(path: Path, value: dict) -> Path:
    """app-config as JSON, which both config loaders read as YAML."""
    path.write_text(json.dumps(value, indent=1))
    return path


@contextmanager
def backstage(tmp: Path, bench_dir: Path, catalog: dict, reading: dict) -> Iterator[str]:
    """The harness's Backstage backend with an overlay for the demo locations."""
    run_backstage = bench_module("run_backstage", bench_dir)
    run_backstage.install()
    overlay = write_json(
        tmp / "backstage-overlay.json",
        {"catalog": catalog, "backend": {"reading": {"allow": reading["allow"]}}}
        if reading
        else {"catalog": catalog},
    )
    port = free_port()
    env = dict(
        os.environ,
        NODE_ENV="production",
        LOG_LEVEL="info",
        BACKSTAGE_PORT=str(port),
        CATALOG_FILE=str(DEMO_CONFIG),  # replaced by the overlay's locations
        CATALOG_PROCESSING_INTERVAL_S="3600",
    )
    (tmp / "backstage-sqlite").mkdir()
    env["SQLITE_DIR"] = str(tmp / "backstage-sqlite")
    configs = ["app-config.yaml", "app-config.sqlite-file.yaml"]
    command = ["node", "index.js"]
    for config in [*(bench_dir / "backend" / c for c in configs), overlay]:
        command += ["--config", str(config)]
    with (tmp / "backstage.log").open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=run_backstage.RUN_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(lambda: port_open(port) or process.poll() is not None, "Backstage", 120)
        if process.poll() is not None:
            raise RuntimeError(f"Backstage exited with {process.returncode}: see its log")
        yield f"http://127.0.0.1:{port}"
    finally:
        bench_module("bench", bench_dir).stop_process(process, log=lambda *_: None)


@contextmanager
def greenroom(tmp: Path, catalog: dict, reading: dict) -> Iterator[tuple[str, list[str]]]:
    """Greenroom on SQLite with its own app-config.yaml plus the compared locations and
    rules, read once, under gunicorn; yields its URL and ``catalog errors``."""
    backend = {**OPEN_API["backend"], **({"reading": reading} if reading else {})}
    overlay = write_json(tmp / "greenroom-overlay.json", {"backend": backend, "catalog": catalog})
    var = tmp / "greenroom-var"
    var.mkdir()
    env = greenroom_env(var, f"sqlite:///{var / 'greenroom.sqlite3'}", f"{DEMO_CONFIG}:{overlay}")
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    _, output = manage(env, "catalog", "refresh", "--all")
    print("Greenroom refresh:\n  " + output.strip().replace("\n", "\n  "))
    errors = manage(env, "catalog", "errors")[1].splitlines()
    port = free_port()
    web = start_gunicorn(env, port, 1, tmp / "greenroom.log")
    try:
        yield f"http://127.0.0.1:{port}", errors
    finally:
        stop(web)


def backstage_errors(database: Path) -> list[str]:
    """Backstage's processing errors, ``<entity ref>: <error>``: it does not log them, it
    keeps them per entity in ``refresh_state`` (hence its SQLite file, not memory)."""
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        rows = db.execute("SELECT entity_ref, errors FROM refresh_state ORDER BY entity_ref")
        return [
            f"{ref}: {error.get('name')}: {error.get('message')}"
            for ref, errors in rows
            for error in json.loads(errors or "[]")
        ]


def reasons(ref: str, lines: list[str]) -> list[str]:
    """The error lines about ``ref``: naming it, else naming its file (``/<name>-…``,
    ``/<name>.…``), as Greenroom's lines for a document start with its file."""
    name = re.compile(rf"/{re.escape(ref.rsplit('/', 1)[1])}[-.]")
    return [x for x in lines if ref in x.lower()] or [x for x in lines if name.search(x.lower())]


# ------------------------------------------------------------------ requests


class Catalog:
    """The requests both servers answer, on one keep-alive connection each."""

    def __init__(self, client) -> None:
        self.client = client

    def get(self, path: str):
        return self.client.get_json(API + path)

    def entities(self) -> list[dict]:
        return self.get("/entities")

    def fingerprint(self) -> list:
        """Refs and relations of everything served: stable once ingestion is done."""
        return sorted((entity_ref(e), relation_set(e)) for e in self.entities())

    def query(self, query: str, limit: int = 7) -> tuple[list[str], int]:
        """All refs of a by-query, page by page through its cursor, and totalItems."""
        page = self.get(f"/entities/by-query?{query}&limit={limit}")
        refs, total = [], page["totalItems"]
        while True:
            refs += [entity_ref(e) for e in page["items"]]
            cursor = (page.get("pageInfo") or {}).get("nextCursor")
            if not cursor:
                return refs, total
            page = self.get(f"/entities/by-query?cursor={urllib.parse.quote(cursor)}&limit={limit}")

    def facets(self) -> dict[str, dict[str, int]]:
        query = "&".join(f"facet={f}" for f in FACETS)
        found = self.get(f"/entity-facets?{query}")["facets"]
        return {f: {x["value"]: x["count"] for x in found.get(f, [])} for f in FACETS}

    def by_name(self, ref: str) -> tuple[int, dict | None]:
        kind, _, rest = ref.partition(":")
        namespace, _, name = rest.partition("/")
        quote = lambda s: urllib.parse.quote(s, safe="")  # noqa: E731
        status, body, _ = self.client.get(
            f"{API}/entities/by-name/{quote(kind)}/{quote(namespace)}/{quote(name)}"
        )
        return status, json.loads(body) if status == 200 else None


def relation_set(entity: dict) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((r["type"], r["targetRef"]) for r in entity.get("relations") or []))


def settle(catalog: Catalog, quiet_s: float, timeout: float) -> int:
    """Wait until what Backstage serves stops changing for ``quiet_s`` (its ingestion
    and stitching run in the background); return the number of entities."""
    deadline, last, since = time.monotonic() + timeout, None, time.monotonic()
    while time.monotonic() < deadline:
        try:
            now = catalog.fingerprint()
        except (OSError, RuntimeError, ValueError):
            now = None
        if now != last or not now:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return len(now)
        time.sleep(1)
    raise RuntimeError(f"Backstage's catalog kept changing for {timeout:.0f} s")


# ---------------------------------------------------------------- comparison


class Report:
    """Differences (counted) and notes (informational), printed by section."""

    def __init__(self, verbose: bool) -> None:
        self.verbose = verbose
        self.differences = 0
        self.only_in: dict[str, list[str]] = {}

    def section(self, title: str) -> None:
        print(f"\n== {title} ==")

    def same(self, text: str) -> None:
        if self.verbose:
            print(f"  same  {text}")

    def differ(self, text: str) -> None:
        self.differences += 1
        print(f"  DIFF  {text}")

    def note(self, text: str) -> None:
        print(f"  note  {text}")


def compare_sets(report: Report, what: str, backstage: list[str], greenroom: list[str]) -> None:
    only_b = sorted(set(backstage) - set(greenroom))
    only_g = sorted(set(greenroom) - set(backstage))
    if not only_b and not only_g:
        report.same(f"{what}: {len(set(backstage))} entities")
        return
    report.differ(f"{what}: only in Backstage {only_b or '-'}; only in Greenroom {only_g or '-'}")


def compare_queries(report: Report, b: Catalog, g: Catalog) -> None:
    report.section("entity sets")
    listed_b, listed_g = ([entity_ref(e) for e in c.entities()] for c in (b, g))
    compare_sets(report, "GET /entities", listed_b, listed_g)
    report.only_in = {
        "Backstage": sorted(set(listed_b) - set(listed_g)),
        "Greenroom": sorted(set(listed_g) - set(listed_b)),
    }
    for query in QUERIES:
        (refs_b, total_b), (refs_g, total_g) = b.query(query), g.query(query)
        compare_sets(report, f"by-query {query}", refs_b, refs_g)
        for server, refs, total in (("Backstage", refs_b, total_b), ("Greenroom", refs_g, total_g)):
            if not total == len(refs) == len(set(refs)):
                report.differ(
                    f"by-query {query}: {server}'s pages held {len(refs)} refs "
                    f"({len(set(refs))} distinct), totalItems {total}"
                )
    order_b, order_g = b.query(ORDERED)[0], g.query(ORDERED)[0]
    if order_b == order_g:
        report.same(f"by-query {ORDERED}: same order of {len(order_b)}")
    else:
        report.differ(f"by-query {ORDERED}: order Backstage {order_b}, Greenroom {order_g}")


def compare_facets(report: Report, b: Catalog, g: Catalog) -> None:
    report.section("facets")
    facets_b, facets_g = b.facets(), g.facets()
    for facet in FACETS:
        counts_b, counts_g = facets_b[facet], facets_g[facet]
        if counts_b == counts_g:
            report.same(f"{facet}: {len(counts_b)} values")
            continue
        for value in sorted(set(counts_b) | set(counts_g)):
            if counts_b.get(value) != counts_g.get(value):
                report.differ(
                    f"facet {facet} value {value!r}: Backstage "
                    f"{counts_b.get(value)}, Greenroom {counts_g.get(value)}"
                )


def compare_entities(
    report: Report, b: Catalog, g: Catalog, refs: set[str], errors: dict[str, list[str]]
) -> list[str]:
    """by-name for every ref: status, relations (counted), other fields (noted).
    Returns the refs neither serves."""
    report.section(f"by-name, relations of each of {len(refs)} entities")
    missing_in_both, field_notes = [], []
    for ref in sorted(refs):
        (status_b, entity_b), (status_g, entity_g) = b.by_name(ref), g.by_name(ref)
        if status_b != status_g:
            report.differ(f"{ref}: HTTP Backstage {status_b}, Greenroom {status_g}")
            show_reasons(ref, errors, ["Backstage" if status_b != 200 else "Greenroom"])
            continue
        if entity_b is None:
            missing_in_both.append(ref)
            continue
        relations_b, relations_g = set(relation_set(entity_b)), set(relation_set(entity_g))
        if relations_b == relations_g:
            report.same(f"{ref}: {len(relations_b)} relations")
        for type_, target in sorted(relations_b - relations_g):
            report.differ(f"{ref}: relation {type_} -> {target} only in Backstage")
        for type_, target in sorted(relations_g - relations_b):
            report.differ(f"{ref}: relation {type_} -> {target} only in Greenroom")
        field_notes += [f"{ref}: {line}" for line in field_differences(entity_b, entity_g)]
    report.section("other fields of the same entities (informational, not counted)")
    for line in field_notes or ["none: every entity is identical apart from uid/etag"]:
        report.note(line)
    return missing_in_both


def flatten(value, path: tuple = ()) -> dict[tuple, object]:
    """Leaves by path; list items by index, so order differences show up too."""
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return {path: value}
    flat = {}
    for key, item in items:
        flat.update(flatten(item, (*path, key)))
    return flat if flat or not path else {path: value}


def field_differences(backstage: dict, greenroom: dict) -> list[str]:
    strip = lambda e: {k: v for k, v in e.items() if k != "relations"}  # noqa: E731
    flat_b, flat_g = flatten(strip(backstage)), flatten(strip(greenroom))
    lines = []
    for path in sorted(set(flat_b) | set(flat_g), key=str):
        if path[:2] in VOLATILE or flat_b.get(path) == flat_g.get(path):
            continue
        shown = [json.dumps(flat.get(path, "<absent>"))[:120] for flat in (flat_b, flat_g)]
        lines.append(f"{'.'.join(map(str, path))}: Backstage {shown[0]}, Greenroom {shown[1]}")
    return lines


def show_reasons(ref: str, errors: dict[str, list[str]], servers=("Backstage", "Greenroom")):
    for server in servers:
        for line in reasons(ref, errors[server]) or ["(no error names it)"]:
            print(f"          {server}: {line[:300]}")


def report_missing(report: Report, refs: list[str], errors: dict[str, list[str]]) -> None:
    report.section("declared in the demo files, served by neither (informational)")
    for ref in refs:
        report.note(ref)
        show_reasons(ref, errors)


# ----------------------------------------------------------------------- main


def compare(args: argparse.Namespace, tmp: Path, report: Report) -> None:
    """Start both servers on the demo catalog and put the same requests to both."""
    bench = bench_module("bench", args.bench_dir)
    locations = demo_locations()
    rules = [{"allow": args.allow.split(",")}]
    with contextlib.ExitStack() as stack:
        targets, reading = locations, {}
        if not args.files:
            targets, reading = stack.enter_context(served_over_http(locations))
        catalog = {"rules": rules, "locations": targets}
        url_b = stack.enter_context(backstage(tmp, args.bench_dir, catalog, reading))
        url_g, greenroom_errors = stack.enter_context(greenroom(tmp, catalog, reading))
        b, g = Catalog(bench.Client(url_b)), Catalog(bench.Client(url_g))
        count = settle(b, args.settle, args.timeout)
        print(f"Backstage settled at {count} entities; Greenroom serves {len(g.entities())}")
        served = {entity_ref(e) for c in (b, g) for e in c.entities()}
        compare_queries(report, b, g)
        compare_facets(report, b, g)
        errors = {
            "Backstage": backstage_errors(tmp / "backstage-sqlite" / "catalog.sqlite"),
            "Greenroom": greenroom_errors,
        }
        missing = compare_entities(report, b, g, served | declared_refs(locations), errors)
        report_missing(report, missing, errors)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--bench-dir", type=Path, default=BENCH_DIR)
    parser.add_argument(
        "--settle", type=float, default=10, help="seconds Backstage's catalog must stay unchanged"
    )
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument(
        "--allow",
        default=",".join(BUILTIN_KINDS),
        help="kinds catalog.rules allows, on both (default: all Greenroom allows)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the logs and databases")
    parser.add_argument(
        "--files",
        action="store_true",
        help="read the demo as file locations (Backstage then fails relative $text)",
    )
    parser.add_argument("--verbose", action="store_true", help="also list what agrees")
    args = parser.parse_args()
    report = Report(args.verbose)
    tmp = Path(tempfile.mkdtemp(prefix="greenroom-compare-"))
    try:
        compare(args, tmp, report)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    if args.keep:
        print(f"\nLogs, app-configs and Greenroom's database kept in {tmp}")
    if not report.differences:
        print("\nResult: SAME entity sets, relations and facets")
    else:
        print(f"\nResult: {report.differences} differences in entity sets, relations or facets")
        for server, refs in report.only_in.items():
            print(f"  served only by {server}: {', '.join(refs) or '-'}")
    sys.exit(1 if report.differences else 0)


if __name__ == "__main__":
    main()
