"""Job runners: the one way Greenroom runs background work.

A runner subclasses :class:`JobRunner`, sets ``name`` and implements ``run()``; it is
registered with :func:`register_runner` (apps do that in ``AppConfig.ready``).
:func:`enqueue` creates the Job row and hands only its id to Celery once the
transaction commits; :func:`run_now` runs the same code synchronously, which is what
management commands and tests use. ``JobRunner.handle`` owns the life cycle: status,
timestamps, mapping exceptions to ``failed``/``errored``, and a logger whose every
line is saved immediately as a ``JobLogEntry`` row.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path
from typing import Any, ClassVar

from django.db import transaction
from django.utils import timezone

from portal.models import Job, JobLogEntry, JobStatus

__all__ = ["JobFailed", "JobRunner", "enqueue", "enqueue_once", "get_runner", "register_runner",
           "run_now"]  # fmt: skip

_RUNNERS: dict[str, type[JobRunner]] = {}
_INSTALL_ROOT = str(Path(__file__).resolve().parent.parent) + "/"


class JobFailed(Exception):
    """Raised by a runner for an expected failure (the job ends ``failed``, not ``errored``)."""


class JobLogHandler(logging.Handler):
    """Writes each record as a JobLogEntry row right away (autocommit), so the log is
    visible while the job runs and survives a rollback of the job's own work."""

    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job

    def emit(self, record: logging.LogRecord) -> None:
        JobLogEntry.objects.create(
            job=self.job, level=record.levelname.lower(), message=self.format(record)
        )


class JobRunner:
    """Base class for background work. Subclasses set ``name`` and implement ``run``."""

    #: Registered name, stored on the Job row (``"<app>.<verb_noun>"``).
    name: ClassVar[str] = ""
    #: Shown in the admin and job pages.
    description: ClassVar[str] = ""

    def __init__(self, job: Job) -> None:
        self.job = job
        # A private Logger, not logging.getLogger(): a long-lived worker must not keep
        # one registered logger per job it ever ran.
        self.logger = logging.Logger(f"greenroom.job.{self.name}", level=logging.INFO)

    def run(self) -> dict[str, Any] | None:
        """Do the work; return a JSON-serialisable result. Raise JobFailed for an
        expected failure."""
        raise NotImplementedError

    @classmethod
    def handle(cls, job: Job) -> Job:
        """Run ``job`` through its whole life cycle and return it, saved."""
        runner = cls(job)
        handler = JobLogHandler(job)
        runner.logger.addHandler(handler)
        job.status, job.started = JobStatus.RUNNING, timezone.now()
        job.save(update_fields=["status", "started"])
        try:
            job.result = runner.run() or {}
            job.status = JobStatus.COMPLETED
        except JobFailed as exc:
            job.status, job.error = JobStatus.FAILED, str(exc)
            runner.logger.error("%s", exc)
        except Exception:
            job.status = JobStatus.ERRORED
            job.error = traceback.format_exc().replace(_INSTALL_ROOT, "")
            runner.logger.error("Unexpected error: %s", job.error.strip().splitlines()[-1])
        finally:
            runner.logger.removeHandler(handler)
            job.finished = timezone.now()
            job.save(update_fields=["status", "result", "error", "finished"])
        return job


def register_runner(runner: type[JobRunner]) -> type[JobRunner]:
    """Register a runner class by its ``name``; usable as a class decorator."""
    if not (isinstance(runner, type) and issubclass(runner, JobRunner)):
        raise TypeError(f"{runner!r} is not a JobRunner subclass")
    if not runner.name:
        raise TypeError(f"{runner.__name__} must set a name")
    existing = _RUNNERS.get(runner.name)
    if existing is not None and existing is not runner:
        raise TypeError(f"a job runner named {runner.name!r} is already registered")
    _RUNNERS[runner.name] = runner
    return runner


def get_runner(name: str) -> type[JobRunner]:
    """Return the runner registered as ``name``; KeyError names the known ones."""
    try:
        return _RUNNERS[name]
    except KeyError:
        known = ", ".join(sorted(_RUNNERS)) or "none"
        raise KeyError(f"no job runner named {name!r} (known: {known})") from None


def enqueue(name: str, *, params: dict[str, Any] | None = None, user: Any = None) -> Job:
    """Create a pending Job and send it to a worker once the current transaction commits."""
    get_runner(name)
    job = Job.objects.create(runner=name, params=params or {}, user=user)
    transaction.on_commit(lambda: _send(job))
    return job


def enqueue_once(name: str, *, params: dict[str, Any] | None = None, user: Any = None) -> Job:
    """Like enqueue, unless a Job of runner ``name`` with the same ``params`` is still
    waiting for a worker: then that one is returned. Asking again and again (a refresh
    button, an API client in a loop) queues the work once; once it runs, the next ask
    queues it again, since the running one may have read too early."""
    waiting = Job.objects.filter(runner=name, status=JobStatus.PENDING, params=params or {})
    return waiting.order_by("created").first() or enqueue(name, params=params, user=user)


def _send(job: Job) -> None:
    from portal.celery import app  # imported late: loading it reads the broker settings

    result = app.send_task("portal.tasks.run_job", args=[job.pk])
    Job.objects.filter(pk=job.pk).update(celery_task_id=result.id)


def run_now(name: str, *, params: dict[str, Any] | None = None, user: Any = None) -> Job:
    """Create a Job and run it in this process, synchronously."""
    runner = get_runner(name)
    job = Job.objects.create(runner=name, params=params or {}, user=user)
    return runner.handle(job)
