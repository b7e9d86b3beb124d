"""Celery entry points. Thin on purpose: the work lives in job runners."""

from __future__ import annotations

from celery import shared_task

from portal.jobs import get_runner, run_now
from portal.models import Job, JobStatus

__all__ = ["run_job", "run_scheduled"]


@shared_task(name="portal.tasks.run_job")
def run_job(job_id: int) -> str:
    """Run the pending Job ``job_id`` with its registered runner."""
    job = Job.objects.filter(pk=job_id, status=JobStatus.PENDING).first()
    if job is None:
        return "skipped: not pending"
    return get_runner(job.runner).handle(job).status


@shared_task(name="portal.tasks.run_scheduled")
def run_scheduled(runner_name: str) -> str:
    """Run ``runner_name`` as a new Job; Celery beat calls this on a schedule."""
    return run_now(runner_name).status
