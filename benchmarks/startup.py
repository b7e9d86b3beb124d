"""How long `make run` takes to serve: first start on an empty var dir, then a restart.

Usage: .venv/bin/python benchmarks/startup.py
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def time_to_serving(env: dict[str, str], port: int) -> float:
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{port}"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1):
                    return time.monotonic() - started
            except OSError:
                if process.poll() is not None:
                    raise SystemExit("serve exited before it was ready") from None
                time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def main() -> None:
    with tempfile.TemporaryDirectory() as var:
        env = {
            **os.environ,
            "GREENROOM_VAR_DIR": var,
            "DATABASE_URL": f"sqlite:///{var}/greenroom.sqlite3",
        }
        port = free_port()
        first = time_to_serving(env, port)
        second = time_to_serving(env, port)
    print(f"first start (migrate, admin, collectstatic, web+worker): {first:5.2f} s")
    print(f"second start (reuses database and static files):        {second:5.2f} s")


if __name__ == "__main__":
    main()
