"""``/v2/tasks``: create, list and read tasks, follow their events (long poll or
server-sent events), cancel and retry them, in Backstage's shapes and status codes."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, JsonResponse, StreamingHttpResponse

from portal.api.auth import api_view
from portal.api.body import json_body
from portal.api.errors import ApiError
from scaffolder import services
from scaffolder.api.callers import caller_of
from scaffolder.errors import StepError
from scaffolder.models import Task, TaskEvent
from scaffolder.parameters import ValuesInvalid

__all__ = ["cancel", "events", "eventstream", "retry", "task", "tasks"]

#: A long poll answers ``[]`` after this long without news, as Backstage's does.
LONG_POLL_SECONDS = 30.0
POLL_SECONDS = 0.5
#: How often the event stream looks for new events (Backstage: every second).
STREAM_POLL_SECONDS = 1.0
#: A comment line keeps proxies from closing a quiet stream.
KEEPALIVE_SECONDS = 15.0


def _time(value: Any) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def serialize_task(task: Task) -> dict[str, Any]:
    """Backstage's SerializedTask; never the secrets or the internal state."""
    answer = {"id": str(task.pk), "spec": task.spec, "status": task.status,
              "createdAt": _time(task.created_at),
              "lastHeartbeatAt": _time(task.last_heartbeat_at)}  # fmt: skip
    if task.created_by:
        answer["createdBy"] = task.created_by
    return answer


def serialize_event(event: TaskEvent) -> dict[str, Any]:
    """Backstage's SerializedTaskEvent."""
    return {"id": event.id, "taskId": str(event.task_id), "type": event.event_type,
            "createdAt": _time(event.created_at), "body": event.body}  # fmt: skip


def _step_error(exc: StepError) -> ApiError:
    return ApiError(exc.name, str(exc))


def _after(request: HttpRequest) -> int | None:
    value = request.GET.get("after")
    if value in (None, ""):
        return None
    if not value.isdigit():
        raise ApiError("InputError", "after must be an event id (a whole number)")
    return int(value)


def _int(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name)
    if value in (None, ""):
        return None
    if not value.isdigit():
        raise ApiError("InputError", f"{name} must be a whole number")
    return int(value)


@api_view("GET", "POST", writes=True)
def tasks(request: HttpRequest) -> JsonResponse:
    """``POST``: start a task (``{templateRef, values, secrets?}`` → 201 ``{id}``);
    ``GET``: the caller's tasks, filtered, sorted and paged (``{tasks, totalTasks}``)."""
    caller = caller_of(request)
    try:
        if request.method == "POST":
            body = json_body(request)
            if not isinstance(body, dict):
                raise ApiError("InputError", "Request body must be a JSON object")
            task = services.create_task(body.get("templateRef"), body.get("values", {}),
                                        body.get("secrets"), caller)  # fmt: skip
            return JsonResponse({"id": str(task.pk)}, status=201)
        found, total = services.list_tasks(
            caller, created_by=request.GET.getlist("createdBy"),
            status=request.GET.getlist("status"), template_ref=request.GET.get("templateRef"),
            order=request.GET.get("order"), limit=_int(request, "limit"),
            offset=_int(request, "offset") or 0,
        )  # fmt: skip
    except ValuesInvalid as exc:
        return JsonResponse({"errors": exc.errors}, status=400)
    except StepError as exc:
        raise _step_error(exc) from None
    return JsonResponse({"tasks": [serialize_task(t) for t in found], "totalTasks": total})


def _task(request: HttpRequest, task_id: str) -> Task:
    try:
        return services.task_for(caller_of(request), task_id)
    except StepError as exc:
        raise _step_error(exc) from None


@api_view("GET")
def task(request: HttpRequest, task_id: str) -> JsonResponse:
    """One task, if the caller may see it (404 otherwise, whether or not it exists)."""
    return JsonResponse(serialize_task(_task(request, task_id)))


@api_view("GET")
def events(request: HttpRequest, task_id: str) -> JsonResponse:
    """Events after ``after``; waits up to 30 s for the next one while the task runs."""
    found, after = _task(request, task_id), _after(request)
    deadline = time.monotonic() + LONG_POLL_SECONDS
    while True:
        news = services.events_after(found, after)
        if news or time.monotonic() >= deadline:
            break
        found.refresh_from_db(fields=["status"])
        if not found.is_active:
            break
        time.sleep(POLL_SECONDS)
    return JsonResponse([serialize_event(e) for e in news], safe=False)


def _frames(found: Task, after: int | None) -> Iterator[str]:
    quiet_since = time.monotonic()
    while True:
        for event in services.events_after(found, after):
            after = event.id
            quiet_since = time.monotonic()
            yield f"event: {event.event_type}\ndata: {json.dumps(serialize_event(event))}\n\n"
            if event.event_type == "completion":
                return
        found.refresh_from_db(fields=["status"])
        if not found.is_active and not services.events_after(found, after):
            return
        if time.monotonic() - quiet_since > KEEPALIVE_SECONDS:
            quiet_since = time.monotonic()
            yield ": keep-alive\n\n"
        time.sleep(STREAM_POLL_SECONDS)


@api_view("GET")
def eventstream(request: HttpRequest, task_id: str) -> StreamingHttpResponse:
    """The task's events as server-sent events, closed after the ``completion`` event."""
    found, after = _task(request, task_id), _after(request)
    response = StreamingHttpResponse(_frames(found, after), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


@api_view("POST", writes=True)
def cancel(request: HttpRequest, task_id: str) -> JsonResponse:
    """Cancel a task: ``{status: "cancelled"}``; 409 if it has already ended."""
    found = _task(request, task_id)
    try:
        return JsonResponse({"status": services.cancel_task(found)})
    except StepError as exc:
        raise _step_error(exc) from None


@api_view("POST", writes=True)
def retry(request: HttpRequest, task_id: str) -> JsonResponse:
    """Run an ended task again from the step that failed: 201 ``{id}``; 409 while it runs."""
    found = _task(request, task_id)
    body = json_body(request) or {}
    if not isinstance(body, dict):
        raise ApiError("InputError", "Request body must be a JSON object")
    try:
        services.retry_task(found, body.get("secrets"))
    except StepError as exc:
        raise _step_error(exc) from None
    return JsonResponse({"id": str(found.pk)}, status=201)
