"""``manage.py scaffolder run TEMPLATE_REF --values FILE``: run a template from a script
or CI, printing its log as it runs; ``--dry-run`` publishes and registers nothing."""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from scaffolder import services
from scaffolder.errors import StepError
from scaffolder.execution import execute_task
from scaffolder.models import Task, TaskStatus
from scaffolder.parameters import ValuesInvalid

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
#: How often a queued task's new events are printed.
FOLLOW_SECONDS = 0.3
#: A queued task no worker started within this long gets a hint on stderr.
WORKER_HINT_SECONDS = 15


class Command(BaseCommand):
    help = "Run software templates (scaffolder tasks) from the command line."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="run a template from the catalog and print its log")
        run.add_argument("template", help="template ref, e.g. template:default/python-service")
        run.add_argument("--values", type=Path,
                         help="YAML or JSON file with the form values ('-' for stdin)")
        run.add_argument("--secrets", type=Path,
                         help="YAML or JSON file with secrets (never printed or stored)")
        run.add_argument("--dry-run", action="store_true",
                         help="run without publishing or registering; list the files")
        run.add_argument("--as", dest="username",
                         help="run as this user (their catalog entity is ${{ user }})")
        run.add_argument("--queue", action="store_true",
                         help="hand the task to the workers and follow it, instead of "
                              "running it in this process")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._run(options)
        except ValuesInvalid as exc:
            raise CommandError("The values do not fit the template:\n" + "\n".join(
                f"  {error['stack']}" for error in exc.errors)) from None  # fmt: skip
        except StepError as exc:
            raise CommandError(str(exc)) from None

    def _caller(self, username: str | None) -> services.Caller:
        if not username:
            return services.Caller(user=None, ref="")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}")
        return services.Caller.for_user(user)

    def _run(self, options: dict[str, Any]) -> None:
        values = _document(options["values"], "values")
        secrets = _document(options["secrets"], "secrets")
        caller = self._caller(options["username"])
        if options["dry_run"]:
            answer = services.dry_run_task(options["template"], values, secrets, caller,
                                           self._print_entry)  # fmt: skip
            self.stdout.write("Files:")
            for item in answer["directoryContents"]:
                mode = " (executable)" if item["executable"] else ""
                self.stdout.write(f"  {item['path']}{mode}")
            self.stdout.write("Output: " + json.dumps(answer["output"], indent=2))
            return
        task = services.create_task(options["template"], values, secrets, caller,
                                    queue=options["queue"])  # fmt: skip
        self.stdout.write(f"Task {task.pk}")
        worker = None
        if not options["queue"]:
            worker = threading.Thread(target=execute_task, args=(str(task.pk),))
            worker.start()
        self._follow(task)
        if worker is not None:
            worker.join()

    def _follow(self, task: Task) -> None:
        """Print the task's events until its completion event."""
        after, started, warned = None, time.monotonic(), False
        while True:
            if not warned and after is None and time.monotonic() - started > WORKER_HINT_SECONDS:
                warned = True
                self.stderr.write("No worker has started the task yet: is the portal's "
                                  "worker running (make run, or celery -A portal.celery "
                                  "worker)?")  # fmt: skip
            for event in services.events_after(task, after):
                after = event.id
                if event.event_type == "completion":
                    self._completed(task, event.body)
                    return
                self._print_entry(event.body)
            time.sleep(FOLLOW_SECONDS)

    def _print_entry(self, body: dict[str, Any]) -> None:
        message = body.get("message")
        if message is None:
            return
        if not self.stdout.isatty():
            message = _ANSI.sub("", message)
        step = body.get("stepId")
        self.stdout.write(f"[{step}] {message}" if step else message)

    def _completed(self, task: Task, body: dict[str, Any]) -> None:
        task.refresh_from_db(fields=["status"])
        output = body.get("output") or {}
        for link in output.get("links") or []:
            self.stdout.write(f"{link.get('title') or 'Link'}: "
                              f"{link.get('url') or link.get('entityRef')}")  # fmt: skip
        for text in output.get("text") or []:
            self.stdout.write(f"{text.get('title') or 'Text'}:\n{text.get('content')}")
        if task.status != TaskStatus.COMPLETED:
            error = body.get("error") or {}
            raise CommandError(f"Task {task.pk} {task.status}: {error.get('message', '')}")
        self.stdout.write(f"Task {task.pk} completed")


def _document(path: Path | None, what: str) -> dict[str, Any]:
    """A YAML/JSON object from ``path`` (``-``: stdin); empty without a path."""
    if path is None:
        return {}
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text()
        value = yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as exc:
        raise CommandError(f"Cannot read the {what} file {path}: {exc}") from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise CommandError(f"The {what} file {path} must hold an object (key: value lines)")
    return value
