"""Run or enqueue a registered background job from the command line."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.jobs import enqueue, get_runner, run_now
from portal.models import JobStatus


class Command(BaseCommand):
    help = "Run a background job now (run) or hand it to a worker (enqueue)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["run", "enqueue"])
        parser.add_argument("runner", help="registered runner name, e.g. portal.prune_jobs")
        parser.add_argument("--params", default="{}", help="JSON object of job parameters")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            get_runner(options["runner"])
            params = json.loads(options["params"])
        except KeyError as exc:
            raise CommandError(exc.args[0]) from None
        except json.JSONDecodeError as exc:
            raise CommandError(f"--params is not valid JSON: {exc}") from None
        if not isinstance(params, dict):
            raise CommandError("--params must be a JSON object")
        if options["action"] == "enqueue":
            job = enqueue(options["runner"], params=params)
            self.stdout.write(f"Enqueued job {job.pk}")
            return
        job = run_now(options["runner"], params=params)
        for entry in job.log_entries.all():
            self.stdout.write(f"[{entry.level}] {entry.message}")
        if job.status != JobStatus.COMPLETED:
            raise CommandError(f"job {job.pk} {job.status}: {job.error.strip().splitlines()[-1]}")
        self.stdout.write(f"Job {job.pk} completed: {json.dumps(job.result)}")
