"""The access rule of every scaffolder page and API route (``portal.access.routes``)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from catalog import services as catalog
from portal.access.policy import Resource, entity_resource
from portal.access.routes import PUBLIC, SIGNED_IN, RouteRule, register_routes
from scaffolder.models import Task
from scaffolder.task_views import task_missing

__all__ = ["register"]


def _template(kwargs: Mapping[str, Any]) -> Resource | None:
    entity = catalog.get_entity(f"template:{kwargs['namespace']}/{kwargs['name']}")
    return entity_resource(entity) if entity is not None else None


def _task(kwargs: Mapping[str, Any]) -> Resource | None:
    try:
        key = uuid.UUID(str(kwargs["task_id"]))
    except ValueError:
        return None  # the view answers its own 404
    found = (Task.objects.filter(pk=key).values_list("user__username", "created_by")
             .first())  # fmt: skip
    if found is None:
        return None
    username, created_by = found
    return Resource(ref=f"task:{kwargs['task_id']}", kind="task",
                    creator=username or created_by.rpartition("/")[2])  # fmt: skip


def register() -> None:
    api = {"missing_message": "Task with id {task_id} does not exist"}
    page = {"missing": task_missing}
    read_task = RouteRule("scaffolder.task.read", _task, **page)
    read_task_api = RouteRule("scaffolder.task.read", _task, **api)
    register_routes({
        "scaffolder:index": RouteRule("scaffolder.template.read"),
        "scaffolder:actions": SIGNED_IN,
        "scaffolder:api_docs": SIGNED_IN,
        "scaffolder:template_form": RouteRule("scaffolder.template.run", _template),
        "scaffolder:field_suggestions": RouteRule("catalog.entity.read"),
        "scaffolder:field_widget": RouteRule("scaffolder.template.read"),
        "scaffolder:editor": RouteRule("scaffolder.editor.use"),
        "scaffolder:editor_upload": RouteRule("scaffolder.editor.use"),
        "scaffolder:editor_dry_run": RouteRule("scaffolder.editor.use"),
        "scaffolder:editor_run": RouteRule("scaffolder.editor.use"),
        "scaffolder:tasks": SIGNED_IN,
        "scaffolder:task": read_task,
        "scaffolder:task_log": read_task,
        "scaffolder:task_cancel": RouteRule("scaffolder.task.cancel", _task, **page),
        "scaffolder:task_retry": RouteRule("scaffolder.task.cancel", _task, **page),
        "scaffolder-api:openapi": PUBLIC,  # the API's description
        "scaffolder-api:actions": SIGNED_IN,
        "scaffolder-api:dry-run": RouteRule("scaffolder.editor.use"),
        "scaffolder-api:tasks": SIGNED_IN,
        "scaffolder-api:task": read_task_api,
        "scaffolder-api:task-events": read_task_api,
        "scaffolder-api:task-eventstream": read_task_api,
        "scaffolder-api:task-cancel": RouteRule("scaffolder.task.cancel", _task, **api),
        "scaffolder-api:task-retry": RouteRule("scaffolder.task.cancel", _task, **api),
        "scaffolder-api:parameter-schema": RouteRule("scaffolder.template.read", lambda kw:
                                                     _template(kw)),
    })  # fmt: skip
