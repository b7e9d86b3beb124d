"""Greenroom's side of the catalog API benchmark, under its production web server.

Usage:
    .venv/bin/python benchmarks/api_http.py --n 10000                 # 3 sync workers
    .venv/bin/python benchmarks/api_http.py --n 1000 --workers 2 --keep
    .venv/bin/python benchmarks/api_http.py --n 1000 -- --requests 50 --duration 5

The Backstage anchor (../shared/bench, RESULTS.md) is measured through its REST API;
this puts Greenroom through the same harness on the same data, set up the way an
operator runs it:

1. a throwaway PostgreSQL cluster with default settings, like the anchor's;
2. the generated catalog of N entities (benchmarks/gen_catalog.py, byte-identical to
   the anchor's generator), listed as the one ``catalog.locations`` file in an
   app-config that also opens the API to the unauthenticated bench client
   (``backend.auth.dangerouslyDisableDefaultAuthPolicy``, as the anchor's Backstage);
3. ``migrate`` and ``collectstatic`` (the release steps), then
   ``catalog refresh --all``: the ingestion, timed, with its CPU and peak RSS and the
   database's CPU;
4. gunicorn as the Procfile starts it (DEBUG off, sync workers, access log), then the
   harness's ``bench.py full`` attached to the master: readiness (every entity and
   relation served), sequential p50/p95/p99 of five requests, ``wrk`` throughput on
   by-name, memory of master + workers and of PostgreSQL. bench.py measures readiness
   from the start of the refresh (``--t0``), so its milestones include the ingestion,
   like the anchor's include Backstage's.

Each web worker's peak RSS (VmHWM) is sampled throughout and checked against the
150 MiB budget. Writes bench.py's JSON plus a ``greenroom`` block to
benchmarks/results/<label>.json and prints a summary. Arguments after ``--`` go to
``bench.py full``. Without ``wrk`` on PATH bench.py falls back to a Python load
generator, which is GIL-bound and not comparable with the anchor's numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from catalog_ingest import generate
from harness import (
    PROJECT,
    WorkerPeaks,
    bench_module,
    greenroom_env,
    left_running,
    manage,
    postgres_version,
    resolve_output,
    server_parser,
    start_gunicorn,
    status_kib,
    stop,
)

from tests.support.servers import free_port, postgres_server

WORKER_BUDGET_MIB = 150
ENDPOINTS = ("by_name", "query_component_service", "fulltext", "facets", "list_all_apis")


def app_config(catalog: Path) -> str:
    """The generated file as the only location; JSON, which is YAML too."""
    return json.dumps(
        {
            "backend": {"auth": {"dangerouslyDisableDefaultAuthPolicy": True}},
            "catalog": {
                "readableDirectories": [str(catalog.parent)],
                # 100,000 entities are ~74 MB; the default limit is 10 MiB.
                "maxFileBytes": 1024 * 1024 * 1024,
                # As the anchor's 3600 s: nothing is re-read during the measurement.
                "processingInterval": {"hours": 1},
                "locations": [{"type": "file", "target": str(catalog)}],
            },
        },
        indent=1,
    )


def ingest(env: dict[str, str], log: Path, bench, postgres_pid: int) -> dict:
    """``manage.py catalog refresh --all``, with this process's own rusage (its CPU and
    peak RSS, not those of earlier children) and the database's CPU meanwhile."""
    db_cpu = lambda: bench.cpu_seconds(bench.proc_tree(postgres_pid))  # noqa: E731
    db_before, t0, started = db_cpu(), time.time(), time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "catalog", "refresh", "--all"],
            cwd=PROJECT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    output = log.read_text()
    if process.returncode:
        raise RuntimeError(f"catalog refresh failed ({process.returncode}):\n{output}")
    return {
        "command": "manage.py catalog refresh --all",
        "t0_epoch": t0,
        "wall_s": round(wall, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
        "db_cpu_s": round(db_cpu() - db_before, 1),
        "output": output.strip().splitlines()[-20:],
    }


def run_bench(
    args: argparse.Namespace, pids: tuple[int, int], port: int, t0: float, manifest: Path, out: Path
) -> None:
    """``bench.py full`` attached to the gunicorn master (RSS of master + workers)."""
    master, postgres = pids
    command = [
        sys.executable,
        str(args.bench_dir / "bench.py"),
        "full",
        "--pid",
        str(master),
        "--t0",
        str(t0),
        "--extra-pid",
        str(postgres),
        "--base-url",
        f"http://127.0.0.1:{port}",
        "--manifest",
        str(manifest),
        "--label",
        args.label,
        "--out",
        str(out),
        *args.bench_args,
    ]
    subprocess.run(command, check=True)


def versions() -> dict[str, str]:
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=PROJECT, capture_output=True, text=True
    ).stdout.strip()
    found = {"greenroom": commit, "python": platform.python_version()}
    for package in ("django", "gunicorn", "psycopg"):
        found[package] = metadata.version(package)
    found["postgres"] = postgres_version()
    return found


def summary(result: dict) -> str:
    """p50/p99 per endpoint, throughput, ingestion and memory, one line each."""
    green = result["greenroom"]
    ready = result.get("ready", {})
    lines = [
        f"{result['label']}: N={result['n']}, {green['workers']} sync workers",
        f"ingest (catalog refresh --all): {green['ingest']['wall_s']:.1f} s wall, "
        f"{green['ingest']['cpu_s']:.1f} CPU-s, PostgreSQL {green['ingest']['db_cpu_s']:.1f} "
        f"CPU-s, peak RSS {green['ingest']['peak_rss_mib']:.0f} MiB",
        f"refresh start -> all relations served: {ready.get('t_all_relations_s')} s",
        "",
        f"{'endpoint':26s} {'p50 ms':>8s} {'p99 ms':>8s} {'body bytes':>11s}",
    ]
    for name in ENDPOINTS:
        row = result.get("latency", {}).get(name)
        if row:
            lines.append(
                f"{name:26s} {row['p50_ms']:8.2f} {row['p99_ms']:8.2f} {row['mean_body_bytes']:11d}"
            )
    throughput = result.get("throughput")
    if throughput:
        lines.append(
            f"by-name throughput, {throughput['concurrency']} connections: "
            f"{throughput['rps']:.0f} req/s, p99 {throughput['p99_ms']} ms, "
            f"errors {throughput['errors']} ({throughput['tool']})"
        )
    peaks = green["worker_peak_rss_mib"]
    verdict = "ok" if max(peaks, default=0) < WORKER_BUDGET_MIB else "OVER BUDGET"
    lines.append(
        f"web worker peak RSS (VmHWM): {', '.join(f'{p:.0f}' for p in peaks)} MiB "
        f"(budget {WORKER_BUDGET_MIB} MiB each: {verdict})"
    )
    memory = result.get("memory", {})
    lines.append(
        f"gunicorn master VmHWM {memory.get('root_vmhwm_mib')} MiB, "
        f"master + workers peak {memory.get('peak_tree_rss_mib')} MiB; PostgreSQL "
        f"peak PSS {(result.get('extra_memory') or [{}])[0].get('peak_tree_pss_mib')} MiB"
    )
    return "\n".join(lines)


def parse_args() -> argparse.Namespace:
    parser = server_parser(__doc__, 10_000, "greenroom-postgres-{n}")
    parser.add_argument("bench_args", nargs="*", help="after --: passed to bench.py full")
    return resolve_output(parser.parse_args())


def main() -> None:
    args = parse_args()
    bench = bench_module("bench", args.bench_dir)
    if not shutil.which("wrk"):
        print("wrk not on PATH: bench.py uses its Python load generator (not comparable)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="greenroom-api-http-"))
    keep = False
    try:
        with postgres_server(durable=True, keep=args.keep) as cluster:
            catalog = generate(args.n, tmp)
            config = tmp / "app-config.json"
            config.write_text(app_config(catalog))
            (tmp / "var").mkdir()
            env = greenroom_env(tmp / "var", cluster.create_database("greenroom"), str(config))
            migrate_s, _ = manage(env, "migrate", "--noinput", "--verbosity", "0")
            static_s, _ = manage(env, "collectstatic", "--noinput", "--verbosity", "0")
            ingestion = ingest(env, tmp / "refresh.log", bench, cluster.pid)
            print("\n".join(ingestion["output"]))
            port = args.port or free_port()
            web = start_gunicorn(env, port, args.workers, tmp / "gunicorn.log")
            sampler = WorkerPeaks(web.pid)
            sampler.start()
            try:
                run_bench(
                    args,
                    (web.pid, cluster.pid),
                    port,
                    ingestion["t0_epoch"],
                    catalog.with_suffix(".manifest.json"),
                    args.out,
                )
                keep = args.keep
            finally:
                peaks = sampler.stop()
                rss_now = [status_kib(pid, "VmRSS") for pid in peaks]
                if not keep:
                    stop(web)
            result = json.loads(args.out.read_text())
            result["greenroom"] = {
                "workers": args.workers,
                "server_cmd": f"gunicorn portal.wsgi --bind 127.0.0.1:{port} "
                f"--workers {args.workers} --access-logfile -",
                "migrate_s": round(migrate_s, 2),
                "collectstatic_s": round(static_s, 2),
                "ingest": ingestion,
                "worker_peak_rss_mib": [round(kib / 1024, 1) for kib in peaks.values()],
                "worker_rss_at_end_mib": [round(kib / 1024, 1) for kib in rss_now],
                "worker_budget_mib": WORKER_BUDGET_MIB,
                "versions": versions(),
            }
            args.out.write_text(json.dumps(result, indent=1) + "\n")
            print()
            print(summary(result))
            if keep:
                api = f"API         http://127.0.0.1:{port}/api/catalog/entities/by-query?limit=1"
                print("\n" + left_running(web, cluster, tmp, api))
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
