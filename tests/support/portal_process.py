"""Run Greenroom itself in child processes, the way a user or an operator would."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
CHILD_TIMEOUT = 120


def portal_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """An environment for a child Greenroom process with its own var directory.

    Variables that would point the child at this test run's services or config are
    removed first, so each test states exactly what the child sees.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GREENROOM_", "DJANGO_", "CELERY_", "S3_"))
        and k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}
    }
    env["GREENROOM_VAR_DIR"] = str(var_dir)
    env["DATABASE_URL"] = f"sqlite:///{var_dir / 'greenroom.sqlite3'}"
    env.update(extra)
    return env


def manage(
    *args: str, env: Mapping[str, str], timeout: int = CHILD_TIMEOUT
) -> subprocess.CompletedProcess[str]:
    """Run ``python manage.py ARGS`` and return the finished process."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start(*command: str, env: Mapping[str, str]) -> subprocess.Popen[str]:
    """Start a long-running child (a worker, a web server) in the project directory."""
    return subprocess.Popen(
        list(command),
        cwd=PROJECT_DIR,
        env=dict(env),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def stop(process: subprocess.Popen[str], timeout: int = 20) -> str:
    """Stop a child started with :func:`start` and return everything it printed."""
    if process.poll() is None:
        process.terminate()
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output or ""


@contextmanager
def celery_worker(env: Mapping[str, str], *options: str) -> Iterator[list[str]]:
    """A Celery worker (solo pool, no beat unless ``options`` add ``-B``) for the
    duration of the block. Yields a list that holds the worker's output once it has
    stopped, for failure messages."""
    process = start(
        sys.executable, "-m", "celery", "-A", "portal.celery", "worker", "--pool", "solo",
        "--loglevel", "WARNING", "--without-gossip", "--without-mingle", *options, env=env,
    )  # fmt: skip
    output: list[str] = []
    try:
        yield output
    finally:
        output.append(stop(process))


def gunicorn_command(port: int, workers: int) -> list[str]:
    """gunicorn serving the portal on loopback, as the Procfile runs it."""
    return [sys.executable, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers)]  # fmt: skip


@contextmanager
def web_server(env: Mapping[str, str]) -> Iterator[str]:
    """Run gunicorn on a free port, as production does; yield its base URL."""
    from tests.support.servers import free_port, port_open, wait_for

    port = free_port()
    process = start(*gunicorn_command(port, workers=1), "--timeout", "60", env=env)
    try:
        wait_for(lambda: port_open(port) or process.poll() is not None, "gunicorn")
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {stop(process)}")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)
