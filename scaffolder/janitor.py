"""Keep tasks from hanging: fail those whose worker died, re-send those never picked up.

A worker shows it is alive with a heartbeat every second. A processing task whose
heartbeat is older than ``scaffolder.taskStaleTimeout`` (30 s by default) lost its
worker (``kill -9``, a crash, a lost machine): it is failed with a reason that says so
and how to go on, its secrets and workspace removed. An open task that was handed to
the queue long ago but never claimed (the broker lost the message or was down at
commit time) is sent again; a second delivery is harmless, as claiming is atomic.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from scaffolder import config
from scaffolder.execution import emit, remove_workspace
from scaffolder.models import Task, TaskEvent, TaskStatus

__all__ = ["RESEND_AFTER", "close_stale_tasks", "resend_lost_tasks"]

#: An open task still unclaimed this long after it was queued is queued again.
RESEND_AFTER = timedelta(minutes=5)


def _stale_message(stale_after: timedelta) -> str:
    return (f"The worker running this task stopped responding (no heartbeat for "
            f"{stale_after.total_seconds():g} s), so the task was marked failed. Retry it to "
            "resume from the step that was running.")  # fmt: skip


def close_stale_tasks() -> list[str]:
    """Fail every processing task whose heartbeat is stale; return their ids."""
    stale_after = config.heartbeat_stale_after()
    cutoff = timezone.now() - stale_after
    closed = []
    for task_id in Task.objects.filter(status=TaskStatus.PROCESSING, last_heartbeat_at__lt=cutoff
                                       ).values_list("pk", flat=True):  # fmt: skip
        ended = Task.objects.filter(pk=task_id, status=TaskStatus.PROCESSING,
                                    last_heartbeat_at__lt=cutoff).update(
            status=TaskStatus.FAILED, finished_at=timezone.now(), secrets="")  # fmt: skip
        if not ended:
            continue
        message = _stale_message(stale_after)
        step = _running_step(task_id)
        if step:
            emit(task_id, {"message": message, "stepId": step, "status": "failed"})
        emit(task_id, {"message": "Run completed with status: failed",
                       "error": {"name": "Error", "message": message}}, "completion")  # fmt: skip
        remove_workspace(task_id)
        closed.append(str(task_id))
    return closed


def _running_step(task_id: Any) -> str | None:
    """The step that began last and has not ended (None between steps)."""
    last = (TaskEvent.objects.filter(task_id=task_id, event_type="log",
                                     body__status__isnull=False)
            .order_by("-id").values_list("body", flat=True).first())  # fmt: skip
    if last and last.get("status") == "processing":
        return last.get("stepId")
    return None


def resend_lost_tasks() -> list[str]:
    """Queue again every open task queued longer than RESEND_AFTER ago, or never."""
    from scaffolder.tasks import queue_task  # late: Celery loads with the broker settings

    now = timezone.now()
    lost = Task.objects.filter(status=TaskStatus.OPEN, created_at__lt=now - RESEND_AFTER)
    lost = lost.filter(enqueued_at__isnull=True) | lost.filter(enqueued_at__lt=now - RESEND_AFTER)
    sent = []
    for task_id in lost.values_list("pk", flat=True):
        if queue_task(str(task_id)):
            Task.objects.filter(pk=task_id).update(enqueued_at=now)
            sent.append(str(task_id))
    return sent
