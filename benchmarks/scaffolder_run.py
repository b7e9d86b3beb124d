"""Template runs from POST to completed, through the production web server and a real
Celery worker, on SQLite with the embedded broker or on PostgreSQL with Redis.

Usage:
    .venv/bin/python benchmarks/scaffolder_run.py                 # SQLite + folder broker
    .venv/bin/python benchmarks/scaffolder_run.py --db postgres   # PostgreSQL + Redis
    .venv/bin/python benchmarks/scaffolder_run.py --files 50 --sequential 5 --concurrent 20

The task is the golden path's core: ``fetch:template`` of a skeleton of ``--files``
files (each rendered with the form's values), ``publish:git`` to a new bare repository
under the local git root, and ``catalog:register`` of the pushed ``catalog-info.yaml``.
The budget: each task completes within 3 s of its POST, worker pick-up included.

1. a throwaway var directory and (``--db postgres``) a PostgreSQL cluster and a Redis
   server started from the system's binaries;
2. an app-config with the template as its one catalog location, a static API token,
   the local git root and a working directory in the throwaway directory;
3. ``migrate`` and ``catalog refresh --pending``; gunicorn as the Procfile runs it and
   ``celery worker`` (prefork, ``--concurrency``, default 2 = this machine's cores);
4. once the worker says it is ready, a first task (timed, and held to the budget too:
   it is what the first developer after a deploy waits for), then ``--sequential``
   tasks one after another, each timed from the
   POST to the moment ``GET /v2/tasks/{id}`` says ``completed`` (polled every 20 ms);
5. ``--concurrent`` tasks POSTed at once from threads; the time until all completed
   gives the throughput.

Every task is then checked: completed, its repository holds the skeleton's files plus
``catalog-info.yaml`` (``git ls-tree``), and the catalog API serves its component.
Writes benchmarks/results/scaffolder-run-<db>.json, prints a table, and exits with
status 1 if the first or a sequential task took 3 s or more, or any task failed its
checks.
"""

from __future__ import annotations

import argparse
import json
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
import yaml
from harness import PROJECT, greenroom_env, manage, start_gunicorn, stop

from tests.support.servers import free_port, postgres_server, redis_server

BUDGET_S = 3.0
TOKEN = "scaffolder-benchmark-" + secrets.token_hex(16)
POLL_S = 0.02

TEMPLATE = {
    "apiVersion": "scaffolder.backstage.io/v1beta3",
    "kind": "Template",
    "metadata": {"name": "bench-service", "title": "Benchmark service"},
    "spec": {
        "owner": "group:default/bench",
        "type": "service",
        "parameters": [{"required": ["name"], "properties": {"name": {"type": "string"}}}],
        "steps": [
            {"id": "fetch", "name": "Fetch", "action": "fetch:template",
             "input": {"url": "./skeleton", "values": {"name": "${{ parameters.name }}"}}},
            {"id": "publish", "name": "Publish", "action": "publish:git",
             "input": {"remoteUrl":
                       "${{ environment.parameters.gitBase }}/${{ parameters.name }}.git"}},
            {"id": "register", "name": "Register", "action": "catalog:register",
             "input": {"repoContentsUrl": "${{ steps.publish.output.repoContentsUrl }}"}},
        ],
        "output": {"links": [{"title": "Repository",
                              "url": "${{ steps.publish.output.remoteUrl }}"}]},
    },
}  # fmt: skip


def write_template(root: Path, files: int) -> Path:
    """The template and a skeleton of ``files`` rendered files plus catalog-info.yaml."""
    skeleton = root / "skeleton"
    for n in range(files):
        path = skeleton / f"src/module_{n // 10}/file_{n}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        name = "${{ values.name }}"
        path.write_text(f'"""File {n} of {name}."""\nNAME = "{name}"\n')
    (skeleton / "catalog-info.yaml").write_text(yaml.safe_dump({
        "apiVersion": "backstage.io/v1alpha1", "kind": "Component",
        "metadata": {"name": "${{ values.name }}"},
        "spec": {"type": "service", "lifecycle": "experimental", "owner": "group:default/bench"},
    }))  # fmt: skip
    template = root / "template.yaml"
    template.write_text(yaml.safe_dump(TEMPLATE, sort_keys=False))
    return template


def write_config(tmp: Path, template: Path, git_root: Path) -> Path:
    config = {
        "app": {"title": "Scaffolder benchmark", "baseUrl": "http://127.0.0.1"},
        "backend": {"workingDirectory": str(tmp / "work"),
                    "auth": {"externalAccess": [{"type": "static",
                                                 "options": {"token": TOKEN,
                                                             "subject": "bench"}}]}},
        "catalog": {"readableDirectories": [str(template.parent)], "processingInterval": False,
                    "locations": [{"type": "file", "target": str(template)}]},
        "scaffolder": {"git": {"localRoot": str(git_root)},
                       "defaultEnvironment": {"parameters": {"gitBase": git_root.as_uri()}}},
    }  # fmt: skip
    (tmp / "work").mkdir()
    path = tmp / "app-config.bench.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def start_worker(env: dict[str, str], concurrency: int, log: Path,
                 timeout: float = 60) -> tuple[subprocess.Popen, float]:  # fmt: skip
    """Start the worker and wait until it says it is ready (Celery's ``ready.`` line),
    so the first task measures a task, not the worker's start; also its start time."""
    command = [sys.executable, "-m", "celery", "-A", "portal.celery", "worker",
               "--loglevel=INFO", f"--concurrency={concurrency}"]  # fmt: skip
    started = time.perf_counter()
    with log.open("ab") as out:
        worker = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=out,
                                  stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    while b" ready." not in log.read_bytes():
        if worker.poll() is not None or time.perf_counter() - started > timeout:
            raise SystemExit(f"the worker did not start; see {log}")
        time.sleep(0.05)
    return worker, time.perf_counter() - started


def run_task(client: httpx.Client, name: str, timeout: float = 120) -> dict[str, Any]:
    """POST a task and poll until it ends; its id, status and seconds from the POST."""
    started = time.perf_counter()
    answer = client.post("/api/scaffolder/v2/tasks",
                         json={"templateRef": "template:default/bench-service",
                               "values": {"name": name}})  # fmt: skip
    answer.raise_for_status()
    task_id = answer.json()["id"]
    while time.perf_counter() - started < timeout:
        status = client.get(f"/api/scaffolder/v2/tasks/{task_id}").json()["status"]
        if status not in ("open", "processing"):
            return {"id": task_id, "name": name, "status": status,
                    "seconds": time.perf_counter() - started}  # fmt: skip
        time.sleep(POLL_S)
    return {"id": task_id, "name": name, "status": "timeout", "seconds": timeout}


def check(client: httpx.Client, run: dict[str, Any], git_root: Path, files: int) -> list[str]:
    """What is wrong with a finished task's results (nothing: an empty list)."""
    problems = []
    if run["status"] != "completed":
        events = client.get(f"/api/scaffolder/v2/tasks/{run['id']}/events").json()
        last = events[-1]["body"] if events else {}
        problems.append(f"{run['name']}: {run['status']} {last.get('error', '')}")
        return problems
    repository = str(git_root / f"{run['name']}.git")
    tree = subprocess.run(["git", "--git-dir", repository, "ls-tree", "-r", "--name-only", "main"],
                          capture_output=True, text=True)  # fmt: skip
    if len(tree.stdout.split()) != files + 1:
        problems.append(f"{run['name']}: the repository has {len(tree.stdout.split())} files")
    entity = client.get(f"/api/catalog/entities/by-name/component/default/{run['name']}")
    if entity.status_code != 200:
        problems.append(f"{run['name']}: the catalog answers {entity.status_code}")
    return problems


def measure(args: argparse.Namespace, tmp: Path, database_url: str,
            redis_url: str | None) -> dict[str, Any]:  # fmt: skip
    git_root = tmp / "git"
    git_root.mkdir()
    template = write_template(tmp / "catalog", args.files)
    env = greenroom_env(tmp / "var", database_url, str(write_config(tmp, template, git_root)))
    if redis_url:
        env["REDIS_URL"] = redis_url
    manage(env, "migrate", "--noinput")
    manage(env, "catalog", "refresh", "--pending")
    port = free_port()
    web = start_gunicorn(env, port, args.web_workers, tmp / "gunicorn.log")
    worker, worker_start = start_worker(env, args.concurrency, tmp / "worker.log")
    headers = {"Authorization": f"Bearer {TOKEN}"}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers,
                          timeout=30) as client:  # fmt: skip
            warmup = run_task(client, "warmup-0")
            sequential = [run_task(client, f"seq-{n}") for n in range(args.sequential)]
            concurrent: list[dict[str, Any]] = []
            lock = threading.Lock()

            def one(n: int) -> None:
                result = run_task(client, f"par-{n}")
                with lock:
                    concurrent.append(result)

            started = time.perf_counter()
            threads = [threading.Thread(target=one, args=(n,)) for n in range(args.concurrent)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - started
            problems = [p for run in [warmup, *sequential, *concurrent]
                        for p in check(client, run, git_root, args.files)]  # fmt: skip
    finally:
        stop(worker)
        stop(web)
    seconds = [run["seconds"] for run in sequential]
    return {
        "db": args.db, "files": args.files, "concurrency": args.concurrency,
        "worker_start_s": round(worker_start, 3),
        "warmup_s": round(warmup["seconds"], 3),
        "sequential_s": {"median": round(statistics.median(seconds), 3),
                         "max": round(max(seconds), 3), "all": [round(s, 3) for s in seconds]},
        "concurrent": {"tasks": args.concurrent, "wall_s": round(wall, 3),
                       "tasks_per_minute": round(60 * args.concurrent / wall, 1),
                       "max_s": round(max(r["seconds"] for r in concurrent), 3)},
        "problems": problems,
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--files", type=int, default=50)
    parser.add_argument("--sequential", type=int, default=5)
    parser.add_argument("--concurrent", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    parser.add_argument("--web-workers", type=int, default=3)
    args = parser.parse_args()
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="scaffolder-bench-")))
        database_url, redis_url = f"sqlite:///{tmp / 'bench.sqlite3'}", None
        if args.db == "postgres":
            cluster = stack.enter_context(postgres_server(durable=True))
            database_url = cluster.create_database("scaffolder_bench")
            redis_url = stack.enter_context(redis_server())
        result = measure(args, tmp, database_url, redis_url)
    out = PROJECT / "benchmarks" / "results" / f"scaffolder-run-{args.db}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    seq, par = result["sequential_s"], result["concurrent"]
    print(f"{args.db}: worker ready in {result['worker_start_s']} s; first task "
          f"{result['warmup_s']} s; sequential median {seq['median']} s, "
          f"max {seq['max']} s (budget {BUDGET_S} s); {par['tasks']} at once in {par['wall_s']} s "
          f"= {par['tasks_per_minute']} tasks/min (slowest {par['max_s']} s)")  # fmt: skip
    for problem in result["problems"]:
        print("PROBLEM:", problem)
    print(f"wrote {out}")
    slowest = max(seq["max"], result["warmup_s"])
    return 1 if result["problems"] or slowest >= BUDGET_S else 0


if __name__ == "__main__":
    sys.exit(main())
