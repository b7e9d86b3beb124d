"""Start the whole portal in one process group: web server, worker and beat.

This is what ``make run`` calls. It prepares the database (migrate, first admin,
static files), then starts gunicorn and a Celery worker with an embedded beat as
child processes, prints where to sign in, and stops all of them on Ctrl-C. If one
child dies, the others are stopped too, so a half-running portal never lingers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.management.commands.ensure_admin import ADMIN_USERNAME, ensure_admin

STARTUP_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 10


class Command(BaseCommand):
    help = "Migrate, create the admin account, and run the web server, worker and beat."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("GREENROOM_BIND", "127.0.0.1:8000"))
        parser.add_argument("--web-workers", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        # Read catalog locations that were never read (the demo catalog on a first
        # start) before serving, so the catalog is not empty; the worker does the rest.
        call_command("catalog", "refresh", "--pending")
        # An index made before search existed (an upgrade) is filled once; after that
        # every change keeps it current.
        call_command("search", "rebuild", "--if-empty", verbosity=0)
        children = self._start(options["bind"], options["web_workers"])
        try:
            self._wait_until_serving(options["bind"], children)
            # The account is made only once the portal serves, so a first start that
            # fails earlier does not create a password nobody was shown.
            _, password = ensure_admin(os.environ.get("GREENROOM_ADMIN_PASSWORD") or None)
            self._announce(options["bind"], password)
            self._supervise(children)
        finally:
            _stop(children)

    def _start(self, bind: str, web_workers: int) -> dict[str, subprocess.Popen[bytes]]:
        python = sys.executable
        web = [
            python,
            "-m",
            "gunicorn",
            "portal.wsgi",
            "--bind",
            bind,
            "--workers",
            str(web_workers),
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
        ]
        worker = [
            python,
            "-m",
            "celery",
            "--quiet",
            "-A",
            "portal.celery",
            "worker",
            "--beat",
            "--loglevel",
            "WARNING",
            "--concurrency",
            "2",
            "--schedule",
            settings.CELERY_BEAT_SCHEDULE_FILENAME,
        ]
        return {"web": subprocess.Popen(web), "worker": subprocess.Popen(worker)}

    def _wait_until_serving(self, bind: str, children: dict[str, subprocess.Popen[bytes]]) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        url = f"http://{bind}/healthz"
        while time.monotonic() < deadline:
            _raise_if_exited(children)
            try:
                with urllib.request.urlopen(url, timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise CommandError(
            f"the web server did not answer on {url} within {STARTUP_TIMEOUT_SECONDS}s"
        )

    def _announce(self, bind: str, password: str | None) -> None:
        self.stdout.write(self.style.SUCCESS(f"\nGreenroom is running at http://{bind}/"))
        if password:
            self.stdout.write(f"  Sign in as '{ADMIN_USERNAME}' with password: {password}")
            self.stdout.write("  (shown once; set GREENROOM_ADMIN_PASSWORD to choose your own)")
        else:
            self.stdout.write(
                f"  Sign in as '{ADMIN_USERNAME}' (password shown on the first start, or "
                "GREENROOM_ADMIN_PASSWORD; reset it with: .venv/bin/python manage.py "
                f"changepassword {ADMIN_USERNAME})"
            )
        self.stdout.write("  Press Ctrl-C to stop.\n")

    def _supervise(self, children: dict[str, subprocess.Popen[bytes]]) -> None:
        stop = {"requested": False}

        def request_stop(signum: int, frame: Any) -> None:
            stop["requested"] = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        while not stop["requested"]:
            _raise_if_exited(children)
            time.sleep(0.5)
        self.stdout.write("Stopping Greenroom...")


def _raise_if_exited(children: dict[str, subprocess.Popen[bytes]]) -> None:
    for name, child in children.items():
        code = child.poll()
        if code is not None:
            raise CommandError(f"the {name} process exited with status {code}; stopping")


def _stop(children: dict[str, subprocess.Popen[bytes]]) -> None:
    for child in children.values():
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
