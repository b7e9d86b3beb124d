"""Run one task on a worker: claim it, run its steps in a private workspace, record
every event as it happens, and end it exactly once.

Claiming is a compare-and-set of ``open`` → ``processing``, so a message delivered
twice runs the task once. The secrets are read and wiped from the row in the same
moment; they live only in this process's memory from then on. While the steps run a
heartbeat thread shows the worker is alive (the janitor fails tasks whose heartbeat
stops, e.g. after ``kill -9``) and watches for a cancel. After each completed step its
output, the checkpoints and the workspace are kept, so a retry resumes at the failed
step without repeating side effects. The workspace is removed however the run ends.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any

from django.db import close_old_connections, connection
from django.db.models import F
from django.utils import timezone

from scaffolder import config
from scaffolder.actions import TemplateInfo
from scaffolder.created_entities import record_run_entities
from scaffolder.errors import StepError, TaskCancelled
from scaffolder.integrations import known_integrations
from scaffolder.models import Task, TaskEvent, TaskStatus
from scaffolder.runner import Run, RunSpec
from scaffolder.sealing import open_secrets
from scaffolder.snapshots import drop_snapshot, restore_snapshot, save_snapshot

__all__ = ["HEARTBEAT_SECONDS", "emit", "execute_task", "remove_workspace", "workspace_path"]

#: How often a running task shows it is alive and looks for a cancel.
HEARTBEAT_SECONDS = 1.0


def workspace_path(task_id: str | uuid.UUID) -> Path:
    """Where a task's workspace lives: ``<backend.workingDirectory>/<task id>``."""
    return Path(config.working_directory() or tempfile.gettempdir()) / str(task_id)


def _claim(task_id: str) -> tuple[Task, dict[str, str] | None] | None:
    """The task, now ``processing`` and without stored secrets, and its secrets; None
    if another worker has it or it is not open any more."""
    now = timezone.now()
    claimed = Task.objects.filter(pk=task_id, status=TaskStatus.OPEN).update(
        status=TaskStatus.PROCESSING, last_heartbeat_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    task = Task.objects.get(pk=task_id)
    secrets = open_secrets(task.secrets)
    Task.objects.filter(pk=task_id).update(secrets="")
    return task, secrets


def emit(task_id: Any, body: dict[str, Any], event_type: str = "log") -> None:
    """Record one event of the task at once (autocommit), so it is visible live."""
    TaskEvent.objects.create(task_id=task_id, event_type=event_type, body=body)


class _Heartbeat(threading.Thread):
    """Beats every second while the task runs; sets ``stop`` when a cancel was asked for
    or the task is no longer this worker's (the janitor gave up on it)."""

    def __init__(self, task_id: Any, stop: threading.Event) -> None:
        super().__init__(name=f"heartbeat-{task_id}", daemon=True)
        self.task_id, self.stop, self.done = task_id, stop, threading.Event()

    def run(self) -> None:
        try:
            while not self.done.wait(HEARTBEAT_SECONDS):
                held = Task.objects.filter(pk=self.task_id, status=TaskStatus.PROCESSING)
                if not held.update(last_heartbeat_at=timezone.now()) \
                        or held.filter(cancel_requested=True).exists():  # fmt: skip
                    self.stop.set()
        finally:
            connection.close()


class _Checkpoints(dict):
    """Checkpoints saved to the task the moment an action records one, so a repository
    created just before a crash is known to the retry."""

    def __init__(self, task_id: Any, initial: dict[str, Any]) -> None:
        super().__init__(initial)
        self.task_id = task_id

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        _save_state(self.task_id, checkpoints=dict(self))


def _save_state(task_id: Any, **parts: Any) -> None:
    task = Task.objects.only("state").get(pk=task_id)
    Task.objects.filter(pk=task_id).update(state={**task.state, **parts})


def _run_spec(task: Task) -> RunSpec:
    spec = task.spec
    info = spec.get("templateInfo") or {}
    template = TemplateInfo(entity_ref=info.get("entityRef", task.template_ref),
                            base_url=info.get("baseUrl", ""),
                            metadata=(info.get("entity") or {}).get("metadata") or {})  # fmt: skip
    return RunSpec(steps=spec["steps"], parameters=spec.get("parameters") or {},
                   template=template, output=spec.get("output") or {},
                   user=spec.get("user") or {}, environment=config.default_environment(True),
                   integrations=known_integrations())  # fmt: skip


def _run_for(task: Task, secrets: dict[str, str] | None, stop: threading.Event) -> Run:
    """The Run of ``task`` in its workspace; each completed step is kept for a retry."""
    state = task.state or {}
    completed: dict[str, Any] = dict(state.get("steps") or {})
    workspace = workspace_path(task.pk)
    run = Run(spec=_run_spec(task), workspace=workspace,
              emit=lambda body: emit(task.pk, body), secrets=secrets or {},
              lenient=config.lenient_inputs(), task_id=str(task.pk), stop=stop,
              checkpoints=_Checkpoints(task.pk, state.get("checkpoints") or {}))  # fmt: skip

    def step_done(step_id: str) -> None:
        completed[step_id] = run.step_outputs[step_id]
        kept = save_snapshot(str(task.pk), workspace)
        _save_state(task.pk, steps=completed, snapshot=kept)

    run.on_step_done = step_done
    _prepare(task, run, secrets, completed)
    return run


def execute_task(task_id: str) -> str:
    """Run the open task ``task_id`` to its end; return its final status (or why it was
    not run)."""
    claimed = _claim(task_id)
    if claimed is None:
        return "skipped: not open"
    task, secrets = claimed
    stop = threading.Event()
    heartbeat = _Heartbeat(task.pk, stop)
    heartbeat.start()
    run = None
    try:
        remove_workspace(task.pk)  # a crashed earlier attempt may have left one
        workspace_path(task.pk).mkdir(parents=True)
        run = _run_for(task, secrets, stop)
        output = run.execute()
    except Exception as exc:  # every failure ends the task, reported once
        record_run_entities(task.pk, run, None)
        _finish_failed(task, run, exc)
    else:
        drop_snapshot(str(task.pk))
        record_run_entities(task.pk, run, output)
        _finish(task, TaskStatus.COMPLETED,
                {"message": "Run completed with status: completed", "output": output})
    finally:
        heartbeat.done.set()
        heartbeat.join()
        remove_workspace(task.pk)
        close_old_connections()
    return Task.objects.values_list("status", flat=True).get(pk=task.pk)


def _prepare(task: Task, run: Run, secrets: dict[str, str] | None,
             completed: dict[str, Any]) -> None:  # fmt: skip
    """Say how the run starts: fresh, or resuming a retried task's kept workspace."""
    steps = task.spec["steps"]
    run.emit({"message": f"Starting up task with {len(steps)} steps"})
    if secrets is None:
        run.emit({"message": "The task's secrets were sealed with another SECRET_KEY and "
                             "cannot be read; it runs without them"})  # fmt: skip
    if completed:
        if (task.state or {}).get("snapshot") and restore_snapshot(str(task.pk), run.workspace):
            run.resume = completed
            run.emit({"message": "Resuming from the failed step with the workspace and "
                                 "outputs of the steps that completed"})  # fmt: skip
        else:
            run.emit({"message": "The workspace of the earlier attempt was not kept; "
                                 "running every step again (recorded side effects are not "
                                 "repeated)"})  # fmt: skip


def _finish_failed(task: Task, run: Run | None, exc: BaseException) -> None:
    cancelled = isinstance(exc, TaskCancelled) or Task.objects.filter(
        pk=task.pk, cancel_requested=True).exists()  # fmt: skip
    name = exc.name if isinstance(exc, StepError) else type(exc).__name__
    message = str(exc) or type(exc).__name__
    message = run.redacted(message) if run is not None else message
    status = TaskStatus.CANCELLED if cancelled else TaskStatus.FAILED
    _finish(task, status, {"message": f"Run completed with status: {status}",
                           "error": {"name": name, "message": message}})  # fmt: skip


def _finish(task: Task, status: str, body: dict[str, Any]) -> None:
    """End the task once: only a task this worker still holds is ended (the janitor may
    have failed it meanwhile)."""
    ended = Task.objects.filter(pk=task.pk, status=TaskStatus.PROCESSING).update(
        status=status, finished_at=timezone.now(), secrets="", cancel_requested=False
    )
    if ended:
        emit(task.pk, body, "completion")


def remove_workspace(task_id: Any) -> None:
    """Remove a task's workspace and any step directories left next to it."""
    workspace = workspace_path(task_id)
    shutil.rmtree(workspace, ignore_errors=True)
    for leftover in workspace.parent.glob(f"{workspace.name}_step-*"):
        shutil.rmtree(leftover, ignore_errors=True)
