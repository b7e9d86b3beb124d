"""`manage.py serve` (what `make run` starts): web + worker + beat, the printed admin
login works, Ctrl-C stops everything, and a second start is quick."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from tests.support.portal_process import PROJECT_DIR, portal_env
from tests.support.servers import free_port, port_open, wait_for


class Serve:
    """A running `manage.py serve`, with its output collected line by line."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{port}"],
            cwd=PROJECT_DIR,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_running(self, timeout: float = 90) -> float:
        started = time.monotonic()
        wait_for(
            lambda: "Greenroom is running" in self.output or self.process.poll() is not None,
            "serve",
            timeout=timeout,
        )
        assert self.process.poll() is None, self.output
        return time.monotonic() - started

    def interrupt(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=30)


def sign_in(base: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base, follow_redirects=False, timeout=10)
    page = client.get("/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/login/",
        data={"username": "admin", "password": password, "csrfmiddlewaretoken": token, "next": "/"},
    )
    assert response.status_code == 302 and response.headers["location"] == "/", response.text
    return client


def test_serve_starts_everything_prints_a_working_login_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    port = free_port()
    env = portal_env(tmp_path)
    serve = Serve(env, port)
    try:
        serve.wait_running()
        password = re.search(r"Sign in as 'admin' with password: (\S+)", serve.output).group(1)
        base = f"http://127.0.0.1:{port}"
        client = sign_in(base, password)
        home = client.get("/")
        assert home.status_code == 200 and "Sign out" in home.text
        assert client.get("/admin/").status_code == 200  # the admin is staff
        css = client.get(
            re.search(r'href="(/static/css/portal\.[0-9a-f]+\.css)"', home.text).group(1)
        )
        assert css.status_code == 200 and "max-age" in css.headers["cache-control"]
        assert httpx.get(f"{base}/readyz").json()["status"] == "ok"
    finally:
        code = serve.interrupt()
    assert code == 0, serve.output
    assert not port_open(port)
    assert "Traceback" not in serve.output

    # Second start: same database and admin, no new password, serving quickly.
    again = Serve(env, port)
    try:
        elapsed = again.wait_running(timeout=30)
        assert elapsed < 10, f"second start took {elapsed:.1f}s"
        assert "with password:" not in again.output
        assert "changepassword admin" in again.output
        sign_in(f"http://127.0.0.1:{port}", password)
    finally:
        assert again.interrupt() == 0


def test_serve_uses_the_admin_password_from_the_environment(tmp_path: Path) -> None:
    port = free_port()
    serve = Serve(portal_env(tmp_path, GREENROOM_ADMIN_PASSWORD="a-chosen-password-123"), port)
    try:
        serve.wait_running()
        assert "a-chosen-password-123" not in serve.output
        sign_in(f"http://127.0.0.1:{port}", "a-chosen-password-123")
    finally:
        serve.interrupt()


def test_a_first_start_that_fails_leaves_the_password_for_the_next_start(tmp_path: Path) -> None:
    """The README's first-start banner (with the generated password) appears on the
    first start that serves, even after an earlier attempt failed (port taken)."""
    env = portal_env(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        failed = Serve(env, taken.getsockname()[1])
        assert failed.process.wait(timeout=90) != 0
    assert "with password:" not in failed.output
    port = free_port()
    serve = Serve(env, port)
    try:
        serve.wait_running()
        assert re.search(r"Sign in as 'admin' with password: \S+\n"
                         r"  \(shown once; set GREENROOM_ADMIN_PASSWORD", serve.output)
        assert "shown on the first start" not in serve.output
    finally:
        assert serve.interrupt() == 0
