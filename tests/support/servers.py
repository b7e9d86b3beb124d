"""Real servers for the tests: PostgreSQL, Redis and an S3 API, each on a free port.

They are started from the machine's binaries (or PyPI packages) and stopped when the
test session ends. PostgreSQL refuses to run as root, so as root the cluster is
created and started as the ``postgres`` user in a directory it owns.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.support.binaries import require_binary

START_TIMEOUT = 30


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check: Callable[[], bool], what: str, timeout: float = START_TIMEOUT) -> None:
    """Poll ``check`` until it returns True, or fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # noqa: S110 - not up yet; try again until the deadline
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not become ready within {timeout}s")


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Postgres:
    port: int
    data: Path | None = None

    @property
    def pid(self) -> int:
        """The postmaster's process id (benchmarks measure its memory and CPU)."""
        assert self.data is not None
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create an empty database and return its URL."""
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _as_postgres_user(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


#: Durability the tests do not need, traded for speed.
FAST = " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"


@contextmanager
def postgres_server(*, durable: bool = False, keep: bool = False) -> Iterator[Postgres]:
    """A throwaway PostgreSQL cluster with trust authentication on 127.0.0.1.

    Tests skip fsync and full-page writes; ``durable`` keeps PostgreSQL's defaults, as
    a benchmark beside another server's default cluster needs. ``keep`` leaves the
    cluster running after a block that ended without an exception.
    """
    initdb = require_binary("initdb")
    pg_ctl = str(Path(initdb).with_name("pg_ctl"))
    root = Path(tempfile.mkdtemp(prefix="greenroom-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        root.chmod(0o755)
        shutil.chown(root, "postgres", "postgres")
    port = free_port()
    run = lambda *cmd: subprocess.run(  # noqa: E731
        _as_postgres_user(list(cmd)), check=True, capture_output=True, text=True
    )
    ended_well = False
    try:
        run(initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1" + ("" if durable else FAST)
        run(pg_ctl, "-D", str(data), "-w", "-t", str(START_TIMEOUT), "-l", str(root / "log"),
            "-o", options, "start")  # fmt: skip
        yield Postgres(port=port, data=data)
        ended_well = True
    except subprocess.CalledProcessError as exc:
        raise RuntimeError(f"PostgreSQL failed to start: {exc.stderr or exc.stdout}") from exc
    finally:
        if not (keep and ended_well):
            subprocess.run(
                _as_postgres_user([pg_ctl, "-D", str(data), "-m", "fast", "stop"]),
                capture_output=True,
                check=False,
            )
            shutil.rmtree(root, ignore_errors=True)


@contextmanager
def _listening(command: list[str], port: int, what: str) -> Iterator[None]:
    """Run ``command`` until the block ends, once it listens on ``port``."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: port_open(port), what)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def redis_server() -> Iterator[str]:
    """A throwaway Redis without persistence; yields its URL."""
    binary = require_binary("redis-server")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="greenroom-redis-") as workdir:
        command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no", "--dir", workdir]  # fmt: skip
        with _listening(command, port, "redis-server"):
            yield f"redis://127.0.0.1:{port}/0"


@contextmanager
def s3_server() -> Iterator[str]:
    """moto's S3-compatible server (a PyPI package); yields its endpoint URL."""
    port = free_port()
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    with _listening(command, port, "moto S3 server"):
        yield f"http://127.0.0.1:{port}"


#: Credentials moto accepts (any will do); the tests pass them explicitly.
S3_CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}


def s3_client(endpoint: str):
    """A boto3 S3 client for the test server at ``endpoint``."""
    import boto3

    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **S3_CREDENTIALS)
