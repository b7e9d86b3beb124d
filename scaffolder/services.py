"""The scaffolder's public functions: what the task API, the pages and the CLI call to
create, find, follow, cancel and retry tasks.

Who may see a task is decided here, once: its creator, and callers who see every task
(admins, service tokens). Anyone else is told it does not exist, as for a task that
really does not (no existence oracle, CVE-2026-106501).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from catalog import services as catalog
from portal import audit
from portal.access.checks import decide
from portal.access.policy import Resource, entity_resource
from scaffolder.actions import TemplateInfo
from scaffolder.created_entities import EntityOrigin, latest_origin
from scaffolder.dry_run import dry_run_template
from scaffolder.errors import ConflictError, InputError, NotAllowedError, NotFoundError
from scaffolder.execution import emit
from scaffolder.fetching import template_base_url
from scaffolder.models import TERMINAL_TASK_STATES, Task, TaskEvent, TaskStatus
from scaffolder.parameters import checked_values
from scaffolder.runner import Emit, with_step_defaults
from scaffolder.sealing import seal_secrets
from scaffolder.template_entity import check_template

__all__ = [
    "Caller",
    "cancel_task",
    "check_actions",
    "check_may_run",
    "create_task",
    "dry_run_task",
    "entity_origin",
    "events_after",
    "list_tasks",
    "retry_task",
    "start_over",
    "step_events",
    "task_for",
    "task_log",
    "task_template_refs",
    "template_entity",
    "template_info",
]

API_VERSION = "scaffolder.backstage.io/v1beta3"
#: ``order=`` fields a task list may be sorted by (anything else is refused).
ORDER_FIELDS = {"created_at": "created_at", "status": "status", "created_by": "created_by",
                "createdAt": "created_at", "createdBy": "created_by"}  # fmt: skip
LOCATION_ANNOTATIONS = ("backstage.io/source-location", "backstage.io/managed-by-location")


@dataclass(frozen=True)
class Caller:
    """Who is asking: a Django user (or None for a service token), the user entity ref
    tasks record as ``createdBy``, and whether the caller sees every task."""

    user: Any
    ref: str
    sees_all: bool = False

    @classmethod
    def for_user(cls, user: Any) -> Caller:
        """A Django user as ``user:default/<username>`` with their catalog entity; those
        whose role lets them read every task (template authors, platform admins) see
        every task."""
        ref = f"user:default/{user.get_username()}".lower()
        everyone = decide(user, "scaffolder.task.read", Resource(kind="task"))
        return cls(user=user, ref=ref, sees_all=bool(everyone))

    def template_user(self) -> dict[str, Any]:
        """``user`` in template expressions: ``{ref, entity?}`` (a person's User entity,
        read only for a run, not for every page that lists tasks)."""
        entity = catalog.get_entity(self.ref) if self.user is not None else None
        return {"ref": self.ref, **({"entity": entity} if entity else {})}


def template_entity(template_ref: str) -> dict[str, Any]:
    """The Template entity ``template_ref`` names (``template:ns/name``, or ``ns/name``
    and ``name``), checked; NotFoundError or InputError otherwise."""
    if not isinstance(template_ref, str) or not template_ref.strip():
        raise InputError("templateRef must be a template entity ref, e.g. "
                         "template:default/my-template")  # fmt: skip
    kind, _, rest = template_ref.strip().rpartition(":")
    namespace, _, name = rest.rpartition("/")
    if kind and kind.lower() != "template":
        raise InputError(f"{template_ref} is not a template: its kind is {kind}")
    ref = f"template:{(namespace or 'default').lower()}/{name.lower()}"
    entity = catalog.get_entity(ref)
    if entity is None or entity.get("apiVersion") != API_VERSION:
        raise NotFoundError(f"Template {ref} not found")
    check_template(entity)
    return entity


def check_may_run(entity: dict[str, Any], user: Any) -> None:
    """Refuse a run the caller's roles and rules do not allow, whichever way it comes
    (form, task API, dry-run): a template they may not see is not found, as on its
    page; one they may not run, or a step whose action they may not use, is not
    allowed, with the reason. Service tokens (no user) are trusted, as by the API."""
    if user is None:
        return
    ref, template = _ref_of(entity), entity_resource(entity)
    if not decide(user, "scaffolder.template.read", template):
        raise NotFoundError(f"Template {ref} not found")
    decision = decide(user, "scaffolder.template.run", template)
    if not decision:
        raise NotAllowedError(f"You may not run {ref}: {decision.reason}")
    check_actions(entity, user)


def check_actions(template: Any, user: Any) -> None:
    """NotAllowedError when a step of ``template`` (as sent: it may be malformed, its
    own checks say how) uses an action ``user`` may not use."""
    spec = template.get("spec") if isinstance(template, dict) else None
    steps = spec.get("steps") if isinstance(spec, dict) else None
    if user is None or not isinstance(steps, list):
        return
    for step in (s for s in steps if isinstance(s, dict)):
        action = str(step.get("action", ""))
        decision = decide(user, "scaffolder.action.run", Resource(ref=action, kind="action"))
        if not decision:
            raise NotAllowedError(f"Step {step.get('id', '?')} uses the action {action}, "
                                  f"which you may not use: {decision.reason}")  # fmt: skip


def _base_url(entity: dict[str, Any]) -> str:
    """Where the template's relative ``url:``s resolve from: its source location, else
    the location it was read from (as Backstage's getEntityBaseUrl)."""
    annotations = entity["metadata"].get("annotations") or {}
    location = next((annotations[a] for a in LOCATION_ANNOTATIONS if annotations.get(a)), "")
    return template_base_url(location) if location else ""


def template_info(entity: dict[str, Any]) -> TemplateInfo:
    """What a run of the catalog template ``entity`` knows of it: its ref, its metadata
    and the base its relative ``url:``s resolve against (its catalog location, so its
    skeleton files are the ones next to it)."""
    return TemplateInfo(entity_ref=_ref_of(entity), base_url=_base_url(entity),
                        metadata=entity["metadata"])  # fmt: skip


def _spec(entity: dict[str, Any], values: dict[str, Any], caller: Caller) -> dict[str, Any]:
    """Backstage's TaskSpec for running ``entity`` with ``values``."""
    metadata, spec = entity["metadata"], entity["spec"]
    task_spec = {
        "apiVersion": entity["apiVersion"],
        "steps": with_step_defaults(spec["steps"]),
        "output": spec.get("output") or {},
        "parameters": values,
        "user": caller.template_user(),
        "templateInfo": {
            "entityRef": _ref_of(entity),
            "baseUrl": _base_url(entity),
            "entity": {"metadata": metadata},
        },
    }
    if spec.get("EXPERIMENTAL_recovery"):
        task_spec["EXPERIMENTAL_recovery"] = spec["EXPERIMENTAL_recovery"]
    return task_spec


def _ref_of(entity: dict[str, Any]) -> str:
    metadata = entity["metadata"]
    return f"template:{metadata.get('namespace') or 'default'}/{metadata['name']}".lower()


def _checked_secrets(secrets: Any) -> dict[str, str]:
    if secrets is None:
        return {}
    if not isinstance(secrets, dict) or not all(isinstance(v, str) for v in secrets.values()):
        raise InputError("secrets must be an object of strings")
    return secrets


def create_task(template_ref: str, values: Any, secrets: Any, caller: Caller,
                queue: bool = True) -> Task:  # fmt: skip
    """Store a new open task for ``template_ref`` and (``queue``) hand it to a worker
    once the transaction commits. ValuesInvalid if the values fail the template's pages."""
    if not isinstance(values, dict):
        raise InputError("values must be an object")
    secrets = _checked_secrets(secrets)
    entity = template_entity(template_ref)
    check_may_run(entity, caller.user)
    shown = checked_values(entity["spec"], values, secrets)
    with transaction.atomic():
        task = Task.objects.create(
            spec=_spec(entity, shown, caller), template_ref=_ref_of(entity),
            template_etag=str(entity["metadata"].get("etag") or ""), created_by=caller.ref,
            user=caller.user, secrets=seal_secrets(secrets),
        )  # fmt: skip
        audit.record("scaffolder.task.run", str(task.pk), template=task.template_ref)
        if queue:
            _enqueue(task)
    return task


def _enqueue(task: Task) -> None:
    """Send ``task`` to a worker after the commit (the janitor re-sends it if the queue
    was unreachable)."""

    def send() -> None:
        from scaffolder.tasks import queue_task  # late: Celery loads with the broker settings

        if queue_task(str(task.pk)):
            Task.objects.filter(pk=task.pk).update(enqueued_at=timezone.now())

    transaction.on_commit(send)


def _visible(caller: Caller) -> Any:
    tasks = Task.objects.all()
    if caller.sees_all:
        return tasks
    mine = Q(created_by=caller.ref)
    if caller.user is not None:
        mine |= Q(user=caller.user)
    return tasks.filter(mine)


def task_for(caller: Caller, task_id: Any) -> Task:
    """The task ``task_id`` if ``caller`` may see it; NotFoundError otherwise."""
    try:
        key = uuid.UUID(str(task_id))
    except ValueError:
        raise NotFoundError(f"Task with id {task_id} does not exist") from None
    task = _visible(caller).filter(pk=key).first()
    if task is None:
        raise NotFoundError(f"Task with id {task_id} does not exist")
    return task


def _ordering(order: str | None) -> list[str]:
    """``order=desc:created_at`` (Backstage) → Django ordering; InputError for any field
    not in the allow-list (no sorting by secrets, spec or state)."""
    if not order:
        return ["-created_at"]
    direction, _, name = order.rpartition(":")
    if direction not in ("", "asc", "desc") or name not in ORDER_FIELDS:
        raise InputError(f"Cannot order tasks by {order!r}; use [asc|desc:]"
                         "created_at, status or created_by")  # fmt: skip
    prefix = "-" if direction == "desc" else ""
    return [prefix + ORDER_FIELDS[name], "-created_at"]


def list_tasks(caller: Caller, *, created_by: list[str] = (), status: list[str] = (),
               template_ref: str | None = None, order: str | None = None,
               limit: int | None = None, offset: int = 0,
               created_after: datetime | None = None,
               created_before: datetime | None = None) -> tuple[list[Task], int]:  # fmt: skip
    """The tasks ``caller`` may see, filtered, sorted and paged; and how many match.

    ``created_after`` is inclusive and ``created_before`` exclusive, so consecutive
    days never share a task; InputError if the range is empty or the bounds are naive
    (a date without a time zone means a different moment to every server)."""
    tasks = _visible(caller)
    for bound in (created_after, created_before):
        if bound is not None and timezone.is_naive(bound):
            raise InputError("Task creation dates must carry a time zone")
    if created_after and created_before and created_after >= created_before:
        raise InputError("The creation date range is empty: its start is not before its end")
    if created_after is not None:
        tasks = tasks.filter(created_at__gte=created_after)
    if created_before is not None:
        tasks = tasks.filter(created_at__lt=created_before)
    if created_by:
        tasks = tasks.filter(created_by__in=list(created_by))
    if status:
        unknown = set(status) - set(TaskStatus.values)
        if unknown:
            raise InputError(f"Unknown task status {sorted(unknown)[0]!r}; use one of "
                             + ", ".join(TaskStatus.values))  # fmt: skip
        tasks = tasks.filter(status__in=list(status))
    if template_ref:
        tasks = tasks.filter(template_ref=template_ref.lower())
    total = tasks.count()
    tasks = tasks.order_by(*_ordering(order)).defer("secrets", "state")
    end = None if limit is None else offset + limit
    return list(tasks[offset:end]), total


def events_after(task: Task, after: int | None = None) -> list[TaskEvent]:
    """The task's events with an id above ``after`` (all of them if None), in order."""
    events = TaskEvent.objects.filter(task=task)
    if after is not None:
        events = events.filter(id__gt=after)
    return list(events.order_by("id"))


def task_log(task: Task, *, step: str | None = None, after: int | None = None,
             before: int | None = None, limit: int | None = None
             ) -> tuple[list[TaskEvent], bool]:  # fmt: skip
    """A window of the task's events in id order, and whether more lie beyond it.

    With ``after`` the window starts just after that event (a live log catching up,
    ``limit`` at a time); otherwise it ends just before ``before`` (or at the last
    event) and holds the newest ``limit`` events: a page shows the tail of a huge log
    and fetches earlier lines on demand. ``step`` keeps one step's events only."""
    events = TaskEvent.objects.filter(task=task)
    if step:
        events = events.filter(body__stepId=step)
    if after is not None:
        events = events.filter(id__gt=after).order_by("id")
    else:
        if before is not None:
            events = events.filter(id__lt=before)
        events = events.order_by("-id")
    found = list(events if limit is None else events[: limit + 1])
    more = limit is not None and len(found) > limit
    found = found[:limit] if more else found
    return (found if after is not None else found[::-1]), more


def step_events(task: Task) -> list[TaskEvent]:
    """The events that change a step's or the task's state (a step began, ended, was
    cancelled; the run ended or was retried), in order, without the plain log lines:
    what a page needs to draw the steps however long the log is."""
    changes = Q(body__status__isnull=False) | ~Q(event_type="log")
    return list(TaskEvent.objects.filter(task=task).filter(changes).order_by("id"))


def task_template_refs(caller: Caller) -> list[str]:
    """The templates of the tasks ``caller`` may see, each once, sorted (a task list's
    template filter offers these, including templates gone from the catalog)."""
    refs = _visible(caller).order_by("template_ref").values_list("template_ref", flat=True)
    return list(refs.distinct())


def entity_origin(entity_ref: str, caller: Caller) -> EntityOrigin | None:
    """The template and task that created the catalog entity ``entity_ref``, or None;
    ``task_id`` is None when ``caller`` may not see that task (the template is no
    secret: the entity's own annotations may name it)."""
    origin = latest_origin(entity_ref)
    if origin is None or _visible(caller).filter(pk=origin.task_id).exists():
        return origin
    return replace(origin, task_id=None)


def _current_step(task: Task) -> str | None:
    """The step the last step event names (the one a cancel interrupts)."""
    last = (TaskEvent.objects.filter(task=task, event_type="log", body__stepId__isnull=False)
            .order_by("-id").values_list("body", flat=True).first())  # fmt: skip
    return None if last is None else last.get("stepId")


def cancel_task(task: Task) -> str:
    """Cancel ``task``: an open one ends now; a running one is asked to stop (its worker
    stops the running step within about a second). ConflictError if it already ended."""
    now = timezone.now()
    step = _current_step(task)
    body = {"message": f"Step {step} has been cancelled." if step else "Task cancelled.",
            **({"stepId": step} if step else {}), "status": "cancelled"}  # fmt: skip
    with transaction.atomic():
        if Task.objects.filter(pk=task.pk, status=TaskStatus.OPEN).update(
                status=TaskStatus.CANCELLED, finished_at=now, secrets=""):  # fmt: skip
            emit(task.pk, body, "cancelled")
            emit(task.pk, {"message": "Run completed with status: cancelled"}, "completion")
            audit.record("scaffolder.task.cancel", str(task.pk), template=task.template_ref)
            return TaskStatus.CANCELLED
        if Task.objects.filter(pk=task.pk, status=TaskStatus.PROCESSING).update(
                cancel_requested=True, secrets=""):  # fmt: skip
            emit(task.pk, body, "cancelled")
            audit.record("scaffolder.task.cancel", str(task.pk), template=task.template_ref)
            return TaskStatus.CANCELLED
    status = Task.objects.values_list("status", flat=True).get(pk=task.pk)
    raise ConflictError(f"Task {task.pk} has already ended ({status}); it cannot be cancelled")


def retry_task(task: Task, secrets: Any = None) -> Task:
    """Run an ended task again: the steps that completed keep their outputs (and the
    workspace they left), the run resumes at the step that failed, and checkpoints keep
    side effects from happening twice. ConflictError unless the task has ended."""
    secrets = _checked_secrets(secrets)
    with transaction.atomic():
        reopened = Task.objects.filter(pk=task.pk, status__in=TERMINAL_TASK_STATES).update(
            status=TaskStatus.OPEN, secrets=seal_secrets(secrets), finished_at=None,
            last_heartbeat_at=None, cancel_requested=False,
        )  # fmt: skip
        if not reopened:
            raise ConflictError(f"Task {task.pk} is still running; only an ended task can "
                                "be retried")  # fmt: skip
        TaskEvent.objects.filter(task=task, event_type__in=("completion", "cancelled")).delete()
        emit(task.pk, {"recoverStrategy": "startOver"}, "recovered")
        task.refresh_from_db()
        audit.record("scaffolder.task.retry", str(task.pk), template=task.template_ref)
        _enqueue(task)
    return task


def dry_run_task(template_ref: str, values: Any, secrets: Any, caller: Caller,
                 emit: Emit | None = None) -> dict[str, Any]:
    """Dry-run the catalog template ``template_ref`` (nothing published or registered);
    Backstage's dry-run answer."""
    if not isinstance(values, dict):
        raise InputError("values must be an object")
    entity = template_entity(template_ref)
    check_may_run(entity, caller.user)
    return dry_run_template(entity, template_info(entity), values, _checked_secrets(secrets),
                            caller.template_user(), emit)  # fmt: skip


def start_over(task: Task, secrets: Any, caller: Caller) -> Task:
    """A new task of the same template with the same values, run from the beginning."""
    return create_task(task.template_ref, task.spec.get("parameters") or {}, secrets, caller)
