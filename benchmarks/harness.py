"""What the HTTP benchmarks share: a PostgreSQL cluster with default settings, Greenroom
configured like production, its gunicorn, and the shared side-by-side harness.

The tests' cluster (tests/support/servers.py) trades durability for speed; a benchmark
set beside the Backstage anchor needs PostgreSQL's defaults, as the anchor's cluster has
(``initdb -A trust -E UTF8 --no-sync``, nothing else changed), and the postmaster's pid
so the harness can measure the database's memory and CPU.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from tests.support import portal_process  # noqa: E402
from tests.support.binaries import require_binary  # noqa: E402
from tests.support.servers import (  # noqa: E402
    Postgres,
    _as_postgres_user,
    port_open,
    wait_for,
)

#: The side-by-side harness (bench.py, gen_catalog.py, run_backstage.py).
BENCH_DIR = Path(os.environ.get("BACKSTAGE_BENCH_DIR", PROJECT.parent / "shared" / "bench"))
#: A manage.py step may take long on a large catalog; never wait forever.
MANAGE_TIMEOUT = 6 * 3600


def bench_module(name: str, bench_dir: Path = BENCH_DIR):
    """Import one of the harness's stdlib modules (``bench``, ``run_backstage``)."""
    if not (bench_dir / f"{name}.py").exists():
        raise SystemExit(f"{name}.py not found in {bench_dir}; pass --bench-dir")
    if str(bench_dir) not in sys.path:
        sys.path.insert(0, str(bench_dir))
    return __import__(name)


def postgres_version() -> str:
    """The version of the PostgreSQL server binaries the benchmark clusters run."""
    postgres = Path(require_binary("initdb")).with_name("postgres")
    return subprocess.run([postgres, "--version"], capture_output=True, text=True).stdout.strip()


def stop_command(postgres: Postgres) -> str:
    """How to stop a cluster left running with ``--keep``."""
    pg_ctl = Path(require_binary("initdb")).with_name("pg_ctl")
    return " ".join(_as_postgres_user([str(pg_ctl), "-D", str(postgres.data), "stop"]))


def greenroom_env(var: Path, database_url: str, config: str) -> dict[str, str]:
    """The environment of a production Greenroom process: DEBUG off, its own secret key,
    only the loopback host, and nothing inherited from this shell's Greenroom settings."""
    return portal_process.portal_env(
        var,
        DATABASE_URL=database_url,
        GREENROOM_CONFIG=config,
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1",
    )


def manage(env: dict[str, str], *args: str) -> tuple[float, str]:
    """Run ``manage.py ARGS``; return its wall time and output, or fail with the output."""
    started = time.perf_counter()
    done = portal_process.manage(*args, env=env, timeout=MANAGE_TIMEOUT)
    elapsed = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return elapsed, done.stdout


def start_gunicorn(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen:
    """gunicorn as the Procfile and the Dockerfile run it (sync workers, access log on
    stdout), bound to loopback, in its own session so it can outlive this script."""
    command = [*portal_process.gunicorn_command(port, workers), "--access-logfile", "-"]
    with log.open("ab") as out:
        process = subprocess.Popen(
            command,
            cwd=PROJECT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    booted = lambda: len(children(process.pid)) >= workers and port_open(port)  # noqa: E731
    wait_for(lambda: booted() or process.poll() is not None, "gunicorn", timeout=120)
    if process.poll() is not None:
        raise RuntimeError(f"gunicorn exited with {process.returncode}; see {log}")
    return process


def stop(process: subprocess.Popen, timeout: float = 30) -> None:
    """SIGTERM (gunicorn finishes its requests), SIGKILL if it does not stop in time."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def status_kib(pid: int, field: str) -> int:
    """A ``/proc/<pid>/status`` memory field (``VmHWM``, ``VmRSS``) in KiB, 0 if gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class WorkerPeaks(threading.Thread):
    """Peak RSS (VmHWM) of each worker of a gunicorn master, sampled while a benchmark
    runs, so a worker that gunicorn replaces (timeout, crash) is still counted."""

    def __init__(self, master: int, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.master, self.interval = master, interval
        self.peaks_kib: dict[int, int] = {}
        self._halt = threading.Event()

    def sample(self) -> None:
        for pid in children(self.master):
            peak = status_kib(pid, "VmHWM")
            if peak:
                self.peaks_kib[pid] = max(self.peaks_kib.get(pid, 0), peak)

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(self.interval)

    def stop(self) -> dict[int, int]:
        self._halt.set()
        self.join(5)
        self.sample()
        return dict(self.peaks_kib)


def server_parser(description: str, n: int, label: str) -> argparse.ArgumentParser:
    """The options every HTTP benchmark takes: catalog size, gunicorn workers and port,
    ``--keep``, where results go; ``label`` names the default result file (``{n}`` is
    replaced by the size). ``resolve_output`` fills in the defaults after parsing."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=n, help="entities to generate")
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY", 3)),
        help="gunicorn workers (production default: WEB_CONCURRENCY or 3)",
    )
    parser.add_argument("--port", type=int, help="gunicorn port (default: a free one)")
    parser.add_argument(
        "--keep", action="store_true", help="leave gunicorn and PostgreSQL running afterwards"
    )
    parser.add_argument("--label", help=f"default: {label}")
    parser.add_argument("--out", type=Path, help="default: benchmarks/results/<label>.json")
    parser.add_argument("--bench-dir", type=Path, default=BENCH_DIR)
    parser.set_defaults(label_pattern=label)
    return parser


def resolve_output(args: argparse.Namespace) -> argparse.Namespace:
    """The default label and result path of ``server_parser``'s options."""
    args.label = args.label or args.label_pattern.format(n=args.n)
    args.out = (args.out or PROJECT / "benchmarks" / "results" / f"{args.label}.json").resolve()
    return args


def left_running(web: subprocess.Popen, cluster: Postgres, tmp: Path, first: str) -> str:
    """What ``--keep`` left running and how to stop it; ``first`` is where to look."""
    return "\n".join(
        [
            "Left running (--keep):",
            f"  {first}",
            f"  gunicorn    master pid {web.pid}; stop: kill {web.pid}",
            f"  PostgreSQL  postmaster pid {cluster.pid}; stop: {stop_command(cluster)}",
            f"  files       {tmp} (server logs, app-config, var dir); remove after stopping both",
        ]
    )
