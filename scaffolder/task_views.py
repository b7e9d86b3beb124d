"""Task pages: one run of a template (steps, live log, outcome, cancel, retry, start
over) and the list of runs.

A task page follows a running task by polling ``task_log`` with the id of the last
event it shows: each answer appends only the newer lines and redraws the steps (and
the header and outcome once the status changed), and the last answer, once the run
has ended and its completion event is shown, stops the polling (HTTP 286). Short
requests like these suit gunicorn's sync workers, where a stream would hold a worker
per viewer. Cancel and Retry are plain POST forms (CSRF token in the body) that
redirect back to the page, so they work without JavaScript too.

Who may see a task is decided by ``services.task_for``; anyone else gets the same
"no such task" page as for an id that does not exist.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseStopPolling

from catalog import services as catalog
from portal.http_methods import require_GET, require_POST
from scaffolder import services
from scaffolder.created_entities import template_title
from scaffolder.errors import ConflictError, NotFoundError
from scaffolder.fields.context import field_context
from scaffolder.forms import Control, FormSchemaError, secret_controls
from scaffolder.gallery import entity_path, ref_parts
from scaffolder.models import Task, TaskEvent, TaskStatus
from scaffolder.task_list import PAGE_SIZE, TaskListQuery
from scaffolder.task_page import (
    Step,
    build_steps,
    duration_text,
    line_of,
    outcome_of,
    output_refs,
    start_over_values,
)
from scaffolder.views import _launcher

__all__ = ["cancel", "retry", "task_list", "task_log", "task_page"]

#: Lines the first drawing of a log shows (the newest); earlier ones load on demand.
LOG_LINES = 2000
#: Lines one poll returns at most; a burst larger than this is caught up over polls.
POLL_LINES = 2000
#: How a task's status reads on its page.
STATUS_LABELS = {TaskStatus.OPEN: "Queued", TaskStatus.PROCESSING: "Running",
                 TaskStatus.COMPLETED: "Completed", TaskStatus.FAILED: "Failed",
                 TaskStatus.CANCELLED: "Cancelled"}  # fmt: skip


def task_missing(request: HttpRequest, **_: Any) -> HttpResponse:
    """The page of a task that does not exist, or that the visitor may not see."""
    return render(request, "scaffolder/task_missing.html", status=404)


def _visible_task(request: HttpRequest, task_id: Any) -> Task | None:
    """The task if the visitor may see it, else None."""
    try:
        return services.task_for(services.Caller.for_user(request.user), task_id)
    except NotFoundError:
        return None


def _task_url(task: Task, **params: str) -> str:
    query = urlencode({key: value for key, value in params.items() if value})
    url = reverse("scaffolder:task", kwargs={"task_id": task.pk})
    return f"{url}?{query}" if query else url


def _log_url(task: Task, **params: Any) -> str:
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    return reverse("scaffolder:task_log", kwargs={"task_id": task.pk}) + "?" + query


def _step_ids(task: Task) -> list[str]:
    return [str(step.get("id")) for step in task.spec.get("steps") or [] if isinstance(step, dict)]


def _steps(task: Task) -> tuple[list[Step], list[TaskEvent]]:
    changes = services.step_events(task)
    steps = build_steps(task.spec.get("steps") or [], changes, task.status, task.finished_at)
    return steps, changes


def _completion(task: Task, changes: list[TaskEvent]) -> dict[str, Any] | None:
    """The body of the run's completion event, once the task has ended."""
    if task.is_active:
        return None
    return next((e.body for e in reversed(changes) if e.event_type == "completion"), None)


def _start_over_url(task: Task, template: dict[str, Any] | None) -> str:
    """The template's form, filled in with this run's values (never its secrets)."""
    launch = _launcher()
    if template is None or launch is None:
        return ""
    _, namespace, name = ref_parts(task.template_ref, "template")
    values = start_over_values(task.spec.get("parameters") or {}, template.get("spec") or {})
    return launch(namespace, name) + "?formData=" + quote(json.dumps(values, separators=(",", ":")))


def _settled_status(task: Task, ended: bool) -> str:
    """The status a page may draw as final for now: the task's own, unless the task
    has ended but its completion event is not visible yet (the worker sets the status
    an instant before it writes the event); then "", so the next poll redraws the
    header and the outcome once the event is there."""
    return task.status if task.is_active or ended else ""


def _retry_secrets(task: Task, template: dict[str, Any] | None, user: Any) -> list[Control]:
    """The template's Secret fields this run answered: their secrets were wiped when
    the task ended, so a retry asks for them again."""
    if template is None:
        return []
    context = field_context(user, task.template_ref)
    try:
        return secret_controls(template.get("spec") or {}, task.spec.get("parameters") or {},
                               context)  # fmt: skip
    except FormSchemaError:
        return []


def _posted_secrets(request: HttpRequest, task: Task) -> dict[str, str]:
    """The secrets typed into the retry form, for the fields the run answered."""
    controls = _retry_secrets(task, catalog.get_entity(task.template_ref), request.user)
    posted = {c.name: request.POST.get(f"secret.{c.name}", "") for c in controls}
    return {name: value for name, value in posted.items() if value}


def _summary(task: Task, steps: list[Step], changes: list[TaskEvent],
             user: Any) -> dict[str, Any]:  # fmt: skip
    """What the header and the outcome show: the template, who ran it, when, for how
    long, how it ended, and what the visitor can do next."""
    completion = _completion(task, changes)
    template = catalog.get_entity(task.template_ref)
    linked = output_refs((completion or {}).get("output") or {})
    refs = {ref for ref in (task.created_by.lower(), *linked) if ref}
    present = refs - catalog.missing_refs(refs) if refs else set()
    outcome = outcome_of(completion, steps, present)
    kind, namespace, name = ref_parts(task.template_ref, "template")
    owner = ref_parts(task.created_by, "user") if task.created_by else None
    end = task.finished_at or timezone.now()
    stopping = task.status == TaskStatus.PROCESSING and task.cancel_requested
    can_retry = task.status in (TaskStatus.FAILED, TaskStatus.CANCELLED)
    return {
        "template_title": template_title(task.spec, task.template_ref),
        "template_path": entity_path(kind, namespace, name) if template else "",
        "creator_path": entity_path(*owner) if owner and task.created_by.lower() in present else "",
        "status_label": "Cancelling" if stopping else STATUS_LABELS.get(task.status, task.status),
        "duration": duration_text((end - task.created_at).total_seconds()),
        "attempt": 1 + sum(1 for e in changes if e.event_type == "recovered"),
        "outcome": outcome,
        "texts": [(text, catalog.markdown_html(text.content)) for text in outcome.texts],
        "can_cancel": task.is_active and not stopping,
        "can_retry": can_retry,
        "retry_secrets": _retry_secrets(task, template, user) if can_retry else [],
        "start_over_url": "" if task.is_active else _start_over_url(task, template),
    }


def _lines(events: list[TaskEvent], steps: list[Step]) -> list[tuple[Any, str, str, str]]:
    """Log lines with the name of the step each belongs to and their time (local
    clock time, and ISO 8601 for ``<time datetime>``), formatted here with the
    standard library rather than by two template date filters on each of up to
    2,000 lines."""
    names = {step.id: step.name for step in steps}
    rows = []
    for line in filter(None, map(line_of, events)):
        at = timezone.localtime(line.at)
        rows.append((line, names.get(line.step_id, ""), at.strftime("%H:%M:%S"), at.isoformat()))
    return rows


def _steps_context(task: Task, steps: list[Step], step: str,
                   changes: list[TaskEvent]) -> dict[str, Any]:  # fmt: skip
    now = timezone.now()
    return {
        "task": task,
        "steps": [(s, duration_text(s.seconds(now)), _task_url(task, step=s.id)) for s in steps],
        "selected_step": step,
        "every_step_url": _task_url(task),
        "ended": _completion(task, changes) is not None,
    }


def _step_filter(request: HttpRequest, task: Task) -> tuple[str, str]:
    """The step whose lines the log shows ("" for all), and a message if the URL
    named a step the task does not have."""
    step = request.GET.get("step", "").strip()
    if step and step not in _step_ids(task):
        return "", f"This task has no step {step[:100]!r}; showing every step's lines."
    return step, ""


@require_GET
@vary_on_headers("HX-Request")
def task_page(request: HttpRequest, task_id: Any) -> HttpResponse:
    """One task: its steps, its log (the newest lines, live while it runs), how it
    ended and what to do next; ``?step=`` shows one step's lines, ``?log=all``
    every line however many. An HTMX request for ``#task-body`` (a step picked)
    gets the steps and the log only."""
    task = _visible_task(request, task_id)
    if task is None:
        return task_missing(request)
    step, problem = _step_filter(request, task)
    full = request.GET.get("log") == "all"
    steps, changes = _steps(task)
    window, more = services.task_log(task, step=step or None, limit=None if full else LOG_LINES)
    last = window[-1].id if window else 0
    context = {
        **_steps_context(task, steps, step, changes),
        "lines": _lines(window, steps),
        "problem": problem,
        "earlier_url": _log_url(task, before=window[0].id, step=step) if more else "",
        "all_url": _task_url(task, step=step, log="all"),
    }
    if not context["ended"]:
        shown = _settled_status(task, context["ended"])
        context["poll_url"] = _log_url(task, after=last, step=step, status=shown)
    if request.htmx and request.htmx.target == "task-body":
        return render(request, "scaffolder/task.html#task-body", context)
    context.update(_summary(task, steps, changes, request.user))
    return render(request, "scaffolder/task.html", context)


def _event_id(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    if value == "":
        return None
    if not value.isdigit():
        raise ValueError(f"{name} must be an event id (a whole number), not {value[:40]!r}")
    return int(value)


@require_GET
@vary_on_headers("HX-Request")
def task_log(request: HttpRequest, task_id: Any) -> HttpResponse:
    """The log fragment a task page fetches: ``?after=<id>`` the lines after the last
    one shown, with the steps redrawn (the live log; 286 once the run has ended and
    everything is shown), or ``?before=<id>`` the lines before the first one shown.
    Not a page: a browser that opens it is sent to the task page."""
    task = _visible_task(request, task_id)
    if task is None:
        return task_missing(request)
    step, problem = _step_filter(request, task)
    if not request.htmx:
        return redirect(_task_url(task, step=step))
    try:
        after, before = _event_id(request, "after"), _event_id(request, "before")
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain")
    if problem or (after is None) == (before is None):
        return HttpResponseBadRequest(problem or "Give either after=<event id> or "
                                      "before=<event id>", content_type="text/plain")  # fmt: skip
    steps, changes = _steps(task)
    if before is not None:
        window, more = services.task_log(task, step=step or None, before=before, limit=LOG_LINES)
        return render(request, "scaffolder/task.html#log-earlier", {
            "task": task, "lines": _lines(window, steps),
            "earlier_url": _log_url(task, before=window[0].id, step=step) if more else "",
            "all_url": _task_url(task, step=step, log="all"),
        })  # fmt: skip
    return _poll(request, task, step, after, steps, changes)


def _poll(request: HttpRequest, task: Task, step: str, after: int, steps: list[Step],
          changes: list[TaskEvent]) -> HttpResponse:  # fmt: skip
    """One poll of a live log: the lines after ``after``, the steps, and the header and
    outcome when the status the page shows is out of date; the last poll (the run has
    ended and every line is shown) answers 286 so htmx stops polling."""
    window, more = services.task_log(task, step=step or None, after=after, limit=POLL_LINES)
    last = window[-1].id if window else after
    context = {**_steps_context(task, steps, step, changes), "lines": _lines(window, steps),
               "oob": True}  # fmt: skip
    done = context["ended"] and not more
    asked = request.GET.get("status", "")
    shown = _settled_status(task, context["ended"]) or asked
    if shown != asked:
        context.update(_summary(task, steps, changes, request.user))
        context["status_changed"] = True
    context["poll_url"] = "" if done else _log_url(task, after=last, step=step, status=shown)
    response = render(request, "scaffolder/task.html#log-update", context)
    if done:
        response.status_code = HttpResponseStopPolling.status_code
    return response


def _back(task: Task) -> HttpResponse:
    return redirect(_task_url(task), permanent=False)


def _act(request: HttpRequest, task_id: Any, act: Callable[[Any], Any], done: str) -> HttpResponse:
    """Run ``act`` on the visitor's task and go back to its page with ``done`` or the
    reason it could not be done (the task already ended, or is still running)."""
    task = _visible_task(request, task_id)
    if task is None:
        return task_missing(request)
    try:
        act(task)
    except ConflictError as exc:
        messages.error(request, str(exc))
    else:
        messages.info(request, done)
    return _back(task)


@require_POST
def cancel(request: HttpRequest, task_id: Any) -> HttpResponse:
    """Cancel a queued or running task (a running step stops within about a second)."""
    return _act(request, task_id, services.cancel_task,
                "Cancel requested: the task stops at once if it was queued, or within a "
                "second if a step is running.")  # fmt: skip


@require_POST
def retry(request: HttpRequest, task_id: Any) -> HttpResponse:
    """Run an ended task again from the step that failed; the page then follows the
    new attempt."""
    def again(task: Task) -> Task:
        return services.retry_task(task, _posted_secrets(request, task))

    return _act(request, task_id, again,
                "Retrying: the steps that completed keep their results and the run "
                "resumes at the step that failed.")  # fmt: skip


@require_GET
@vary_on_headers("HX-Request")
def task_list(request: HttpRequest) -> HttpResponse:
    """The visitor's tasks (administrators may list everyone's), newest first,
    filtered by template, status, creator and creation date, paged; every filter is
    in the URL. An HTMX request (a filter changed, a page turned) gets the list only."""
    caller = services.Caller.for_user(request.user)
    query = TaskListQuery.from_params(request.GET, caller.sees_all)
    start, end = query.bounds(timezone.get_current_timezone())
    offset = (query.page - 1) * PAGE_SIZE
    found, total = services.list_tasks(
        caller, created_by=_owners(query, caller), status=[query.status] if query.status else [],
        template_ref=query.template or None, limit=PAGE_SIZE, offset=offset,
        created_after=start, created_before=end)  # fmt: skip
    pages = max(1, -(-total // PAGE_SIZE))
    if query.page > pages:
        query.errors.append(f"There is no page {query.page}; the last page is {pages}.")
    now = timezone.now()
    context = {
        "filter": query,
        "rows": [_row(task, now) for task in found],
        "total": total,
        "pages": pages,
        "first_index": offset + 1,
        "last_index": offset + len(found),
        "templates": _template_options(caller, query.template),
        "statuses": [(value, STATUS_LABELS[value]) for value in TaskStatus.values],
        "sees_all": caller.sees_all,
        "prev_url": query.url(request.path, page=query.page - 1) if 1 < query.page <= pages else "",
        "next_url": query.url(request.path, page=query.page + 1) if query.page < pages else "",
        "clear_url": request.path + ("?show=all" if query.everyone else ""),
    }
    template = "scaffolder/tasks.html#task-list" if request.htmx else "scaffolder/tasks.html"
    return render(request, template, context)


def _row(task: Task, now: Any) -> dict[str, Any]:
    """A task as a row of the list."""
    seconds = ((task.finished_at or now) - task.created_at).total_seconds()
    return {"task": task, "title": template_title(task.spec, task.template_ref),
            "status_label": STATUS_LABELS.get(task.status, task.status),
            "duration": duration_text(seconds)}  # fmt: skip


def _owners(query: TaskListQuery, caller: services.Caller) -> list[str]:
    """The ``createdBy`` refs to list: the chosen owner's, or (for "mine") the
    visitor's own; a visitor who sees only their own tasks needs no filter."""
    if query.everyone:
        return [query.owner] if query.owner else []
    return [caller.ref] if caller.sees_all else []


def _template_options(caller: services.Caller, selected: str) -> list[tuple[str, str]]:
    """(ref, title) of the templates the visitor's tasks ran, titles from the catalog
    where the template is still there."""
    refs = services.task_template_refs(caller)
    if selected and selected not in refs:
        refs.append(selected)
    titles = {f"template:{(e['metadata'].get('namespace') or 'default')}/{e['metadata']['name']}"
              .lower(): e["metadata"].get("title") or e["metadata"]["name"]
              for e in catalog.entities_of_kind("template")}  # fmt: skip
    return [(ref, titles.get(ref) or ref_parts(ref, "template")[2]) for ref in refs]
