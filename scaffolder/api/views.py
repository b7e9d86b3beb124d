"""``/v2/actions``, ``/v2/templates/…/parameter-schema`` and ``/v2/dry-run``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse

from catalog import services
from portal.api.auth import api_view
from portal.api.body import json_body
from portal.api.errors import ApiError, error_response
from scaffolder.actions import all_actions
from scaffolder.api.callers import caller_of
from scaffolder.dry_run import dry_run
from scaffolder.errors import StepError
from scaffolder.parameters import ValuesInvalid, pages
from scaffolder.services import check_actions

__all__ = ["actions", "dry_run_view", "parameter_schema"]

DEFAULT_PAGE_TITLE = "Please enter the following information"


def initiator(request: HttpRequest) -> dict[str, Any]:
    """``user`` in template expressions: the calling user's ref and catalog entity
    (nothing for a service token)."""
    caller = caller_of(request)
    return caller.template_user() if caller.user is not None else {}


@api_view("GET")
def actions(request: HttpRequest) -> JsonResponse:
    """Every installed action with its description, examples and schemas."""
    return JsonResponse([action.describe() for action in all_actions()], safe=False)


@api_view("GET")
def parameter_schema(request: HttpRequest, namespace: str, kind: str, name: str) -> JsonResponse:
    """The form of a Template entity, page by page, in Backstage's shape."""
    if kind.lower() != "template":
        raise ApiError("InputError", f"Entity kind must be template, not {kind}")
    ref = f"template:{namespace}/{name}"
    template = services.get_entity(ref)
    if template is None:
        raise ApiError("NotFoundError", f"No template found for {ref}")
    metadata, spec = template.get("metadata") or {}, template.get("spec") or {}
    answer: dict[str, Any] = {
        "title": metadata.get("title") or metadata.get("name"),
        "description": metadata.get("description"),
        "steps": [
            {"title": page.get("title") or DEFAULT_PAGE_TITLE,
             "description": page.get("description"),
             **({"when": page["when"]} if "when" in page else {}),
             "schema": page}
            for page in pages(spec)
        ],
    }  # fmt: skip
    for key, value in (("ui:options", metadata.get("ui:options")),
                       ("presentation", spec.get("presentation")),
                       ("formDecorators", spec.get("formDecorators")
                        or spec.get("EXPERIMENTAL_formDecorators"))):  # fmt: skip
        if value is not None:
            answer[key] = value
    return JsonResponse(answer)


@api_view("POST", writes=True)
def dry_run_view(request: HttpRequest) -> JsonResponse:
    """Run a template sent whole, publishing nothing (Backstage's template editor)."""
    try:
        body = json_body(request)
        check_actions(body.get("template") if isinstance(body, dict) else None,
                      request.api_user)  # fmt: skip
        return JsonResponse(dry_run(body, initiator(request)))
    except ValuesInvalid as exc:
        return JsonResponse({"errors": exc.errors}, status=400)
    except StepError as exc:
        raise ApiError(exc.name, str(exc)) from None
    except Exception as exc:  # an action's own failure: Backstage answers 500 with it
        return error_response(request, type(exc).__name__, str(exc) or type(exc).__name__)
