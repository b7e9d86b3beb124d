"""Celery entry points. Thin on purpose: the work lives in ``execution`` and ``janitor``."""

from __future__ import annotations

import logging

from celery import shared_task

from scaffolder.execution import execute_task
from scaffolder.janitor import close_stale_tasks, resend_lost_tasks

__all__ = ["janitor", "queue_task", "run_task"]

logger = logging.getLogger(__name__)

#: A task's steps bound their own time (debug:wait at most 10 minutes, git commands
#: have deadlines, cancel stops any step); this only stops one that hangs regardless.
TASK_TIME_LIMIT = 24 * 3600


@shared_task(name="scaffolder.tasks.run_task", time_limit=TASK_TIME_LIMIT,
             soft_time_limit=TASK_TIME_LIMIT - 60)  # fmt: skip
def run_task(task_id: str) -> str:
    """Run the open scaffolder task ``task_id``."""
    return execute_task(task_id)


@shared_task(name="scaffolder.tasks.janitor")
def janitor() -> dict[str, list[str]]:
    """Fail tasks whose worker died; re-queue tasks the queue lost."""
    return {"failed": close_stale_tasks(), "resent": resend_lost_tasks()}


def queue_task(task_id: str) -> bool:
    """Hand ``task_id`` to a worker; False if the queue is unreachable (the task stays
    open and the janitor sends it again once the queue is back)."""
    from portal.celery import app  # late: loading it reads the broker settings

    try:
        app.send_task("scaffolder.tasks.run_task", args=[task_id])
    except Exception as exc:  # any broker failure: the row is safe, the janitor retries
        logger.warning("Could not queue scaffolder task %s (%s); it will be re-sent", task_id, exc)
        return False
    return True
