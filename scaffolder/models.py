"""The scaffolder's tables: tasks (one run of a template) and their events (the log).

A Task is the scaffolder's background-job record, in Backstage's shape: the spec it
runs (steps, output, parameters, template, user), its status, who created it, when a
worker last showed it was alive, sealed secrets (wiped once it ends) and ``state``:
each completed step's output and the checkpoints of side effects, so a retry resumes
where it failed without repeating them. TaskEvents are written as they happen, so a
page or a client tails them live and they survive a worker crash.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

__all__ = [
    "ACTIVE_TASK_STATES",
    "TERMINAL_TASK_STATES",
    "Task",
    "TaskEntity",
    "TaskEvent",
    "TaskStatus",
]


class TaskStatus(models.TextChoices):
    """Backstage's task states. A cancelled task ends ``cancelled`` (Backstage records
    ``failed`` plus a ``cancelled`` event; Greenroom sends the event too)."""

    OPEN = "open", "Open"
    PROCESSING = "processing", "Processing"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_TASK_STATES = (TaskStatus.OPEN, TaskStatus.PROCESSING)
TERMINAL_TASK_STATES = (TaskStatus.COMPLETED, TaskStatus.FAILED, TaskStatus.CANCELLED)


class Task(models.Model):
    """One run of a template: what to run, where it is, and what it left behind."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    spec = models.JSONField(help_text="Backstage's TaskSpec (never holds secrets).")
    status = models.CharField(max_length=16, choices=TaskStatus.choices,
                              default=TaskStatus.OPEN)  # fmt: skip
    template_ref = models.CharField(max_length=512)
    template_etag = models.CharField(max_length=128, blank=True)
    #: The creator's user entity ref (``user:default/alice``), as Backstage stores it.
    created_by = models.CharField(max_length=512, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="scaffolder_tasks",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: When the task was last handed to the queue (the janitor re-sends lost ones).
    enqueued_at = models.DateTimeField(null=True, blank=True)
    secrets = models.TextField(blank=True, help_text="Sealed; emptied when the task ends.")
    state = models.JSONField(default=dict, blank=True)
    #: A cancel was asked for while a worker ran the task; the worker stops the step.
    cancel_requested = models.BooleanField(default=False)
    #: How many times a worker claimed the task (a crash loop is bounded by it).
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_by", "-created_at"], name="task_creator_idx"),
            models.Index(fields=["status", "last_heartbeat_at"], name="task_status_idx"),
            models.Index(fields=["template_ref", "-created_at"], name="task_template_idx"),
            models.Index(fields=["-created_at"], name="task_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.template_ref} task {self.id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_TASK_STATES


class TaskEvent(models.Model):
    """One event of a task: a log line (``log``), the end (``completion``), a cancel
    (``cancelled``) or a retry (``recovered``)."""

    id = models.BigAutoField(primary_key=True)
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    event_type = models.CharField(max_length=16)
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["task", "id"], name="task_event_idx")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.body.get('message', '')[:80]}"


class TaskEntity(models.Model):
    """An entity a task put in the catalog (its ``catalog:register`` steps' and its
    output links' ``entityRef``s), so the entity's page can say which template and
    which run created it. Kept by ref, not by foreign key: the catalog owns entities
    and may drop and re-add them on any refresh."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="created_entities")
    #: The entity's ref as the catalog stores it (``component:default/orders``).
    entity_ref = models.CharField(max_length=512)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "entity_ref"], name="task_entity_once"),
        ]
        indexes = [models.Index(fields=["entity_ref", "-created_at"], name="task_entity_ref_idx")]

    def __str__(self) -> str:
        return f"{self.entity_ref} from task {self.task_id}"
