"""Catalog API endpoints that change or analyse the catalog: locations, refresh,
deletion, ancestry and validation, with Backstage's shapes and status codes."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from catalog import services
from catalog.api.views import location_data, valid_uuid
from catalog.ingestion.tree import generated_location
from catalog.model.errors import CatalogError, EntityValidationError
from catalog.model.refs import entity_ref
from catalog.model.relations import derive_relations
from catalog.model.validation import validate_entity
from catalog.models import Entity, Location, LocationSource
from catalog.readers.policy import redact_urls
from portal.api.auth import api_view
from portal.api.body import json_body
from portal.api.errors import ApiError

__all__ = ["analyze_location", "create_location", "delete_entity", "delete_location",
           "entity_ancestry", "location_by_entity", "refresh", "update_location",
           "validate"]  # fmt: skip

_YES = {"true", "yes", "1"}
_NO = {"false", "no", "0", ""}


def _flag(request: HttpRequest, name: str) -> bool:
    value = request.GET.get(name, "").lower()
    if value not in _YES | _NO:
        raise ApiError("InputError", f"Invalid {name}, use true or false")
    return value in _YES


def _location_input(body: Any) -> dict[str, str]:
    """``{type, target, presence?}``, strictly: extra keys are refused, as in Backstage."""
    if (
        not isinstance(body, dict)
        or set(body) - {"type", "target", "presence"}
        or not all(isinstance(body.get(k), str) and body.get(k) for k in ("type", "target"))
        or body.get("presence", "required") not in ("required", "optional")
    ):
        raise ApiError("InputError", "Location must be {type, target, presence?} with strings")
    return body


@api_view("POST", writes=True)
def create_location(request: HttpRequest) -> JsonResponse:
    """POST /locations (``dryRun``, ``onConflict=reject|refresh``)."""
    body = _location_input(json_body(request))
    kind, target = body["type"], body["target"]
    presence = body.get("presence", "required")
    if request.GET.get("dryRun") is not None and _flag(request, "dryRun"):
        return _dry_run(kind, target, presence)
    existing = Location.objects.filter(type=kind, target=target).first()
    if existing is not None:
        if request.GET.get("onConflict") != "refresh":
            raise ApiError("ConflictError", f"Location {kind}:{target} already exists")
        services.refresh_now(existing)
        return JsonResponse({"location": location_data(existing), "entities": []}, status=201)
    try:
        location, _ = services.register_location(kind, target, source=LocationSource.API,
                                                 presence=presence)  # fmt: skip
    except CatalogError as exc:
        raise ApiError(exc.name, str(exc)) from None
    return JsonResponse({"location": location_data(location), "entities": []}, status=201)


def _dry_run(kind: str, target: str, presence: str) -> JsonResponse:
    try:
        tree = services.preview_location(kind, target)
    except CatalogError as exc:
        raise ApiError(exc.name, str(exc)) from None
    if tree.problems:
        raise ApiError("InputError", "; ".join(p.line() for p in tree.problems[:10]))
    root = entity_ref(generated_location(kind, target, presence))
    return JsonResponse({
        "exists": Location.objects.filter(type=kind, target=target).exists(),
        "location": {"type": kind, "target": target, "id": f"{kind}:{target}", "entityRef": root},
        "entities": [e.entity for e in tree.entities],
    }, status=201)  # fmt: skip


@api_view("DELETE", writes=True)
def delete_location(request: HttpRequest, location_id: str) -> HttpResponse:
    """DELETE /locations/{id}: the location and every entity it provided."""
    location = Location.objects.filter(pk=location_id).first() if valid_uuid(location_id) else None
    if location is None:
        raise ApiError("NotFoundError", f"Found no location with ID {location_id}")
    services.unregister_location(location)
    return HttpResponse(status=204)


@api_view("PUT", writes=True)
def update_location(request: HttpRequest, location_id: str) -> JsonResponse:
    """PUT /locations/{id} ``{type, target}``: move a location; 200 with the location."""
    body = _location_input(json_body(request))
    location = Location.objects.filter(pk=location_id).first() if valid_uuid(location_id) else None
    if location is None:
        raise ApiError("NotFoundError", f"Found no location with ID {location_id}")
    try:
        services.update_location(location, body["type"], body["target"])
    except CatalogError as exc:
        raise ApiError(exc.name, str(exc)) from None
    return JsonResponse(location_data(location))


@api_view("POST")
def analyze_location(request: HttpRequest) -> JsonResponse:
    """POST /analyze-location ``{location: {type, target}, catalogFilename?}``: the
    entities its catalog file holds, or a proposed Component when there is none."""
    body = json_body(request)
    if not isinstance(body, dict) or set(body) - {"location", "catalogFilename"}:
        raise ApiError("InputError", "Malformed request body, expected {location, "
                                     "catalogFilename?}")  # fmt: skip
    location = _location_input(body.get("location"))
    filename = body.get("catalogFilename") or ""
    if not isinstance(filename, str) or filename.startswith("/") or ".." in filename.split("/"):
        raise ApiError("InputError", "catalogFilename must be a path inside the repository")
    try:
        analysis = services.analyze_location(location["type"], location["target"], filename)
    except CatalogError as exc:
        raise ApiError(exc.name, str(exc)) from None
    if analysis.problems:
        raise ApiError("InputError", "; ".join(p.line() for p in analysis.problems[:10]))
    registered = Location.objects.filter(type=analysis.location_type,
                                         target=analysis.target).exists()  # fmt: skip
    existing = []
    for emitted in analysis.entities:
        file_type, _, file_target = emitted.location_key.partition(":")
        existing.append({"location": {"type": file_type, "target": file_target},
                         "isRegistered": registered, "entity": emitted.entity})  # fmt: skip
    return JsonResponse({
        "existingEntityFiles": existing,
        "generateEntities": [{"entity": entity, "fields": []} for entity in analysis.proposed],
    })  # fmt: skip


@api_view("GET")
def location_by_entity(request: HttpRequest, kind: str, namespace: str, name: str) -> JsonResponse:
    """GET /locations/by-entity/{kind}/{namespace}/{name}: where the entity came from."""
    ref = f"{kind}:{namespace}/{name}".lower()
    entity = Entity.objects.select_related("location").filter(ref=ref).first()
    if entity is None:
        raise ApiError("NotFoundError", f"found no entity for ref {ref}")
    if entity.location is None:
        raise ApiError("NotFoundError", f"found no origin annotation for ref {ref}")
    return JsonResponse(location_data(entity.location))


@api_view("DELETE", writes=True)
def delete_entity(request: HttpRequest, uid: str) -> HttpResponse:
    """DELETE /entities/by-uid/{uid}: 204, also for unknown uids (as Backstage)."""
    if valid_uuid(uid):
        services.delete_entity(uid)
    return HttpResponse(status=204)


@api_view("GET")
def entity_ancestry(request: HttpRequest, kind: str, namespace: str, name: str) -> JsonResponse:
    """GET /entities/by-name/{kind}/{namespace}/{name}/ancestry. As in Backstage,
    ``rootEntityRef`` is the entity asked about (the root of the walk up its parents),
    not the top Location."""
    ref = f"{kind}:{namespace}/{name}".lower()
    chain = services.ancestry(ref)
    if not chain:
        raise ApiError("NotFoundError", f"No such entity {ref}")
    return JsonResponse({
        "rootEntityRef": entity_ref(chain[0][0]),
        "items": [{"entity": entity, "parentEntityRefs": parents} for entity, parents in chain],
    })  # fmt: skip


@api_view("POST", writes=True)
def refresh(request: HttpRequest) -> HttpResponse:
    """POST /refresh ``{"entityRef"}``: queue a refresh of the entity's location."""
    body = json_body(request)
    ref = body.get("entityRef") if isinstance(body, dict) else None
    if not isinstance(ref, str) or not ref:
        raise ApiError("InputError", "entityRef is required")
    try:
        services.request_refresh(ref)
    except CatalogError:
        raise ApiError("NotFoundError", f"Failed to schedule {ref} for refresh") from None
    return HttpResponse(status=200)


@api_view("POST")
def validate(request: HttpRequest) -> HttpResponse:
    """POST /validate-entity ``{"entity", "location"}``: 200, or 400 ``{"errors": [...]}``."""
    body = json_body(request)
    if (
        not isinstance(body, dict)
        or "entity" not in body
        or not isinstance(body.get("location"), str)
    ):
        raise ApiError("InputError", "Malformed request body, expected {entity, location}")
    location_type, _, target = body["location"].partition(":")
    if location_type not in services.LOCATION_TYPES or not target:
        shown = redact_urls(body["location"])
        raise ApiError("InputError", f"Invalid location ref {shown!r}, expected "
                                     "<type>:<target>, e.g. url:https://host/path")  # fmt: skip
    try:
        entity = validate_entity(body["entity"])
        derive_relations(entity)
    except EntityValidationError as exc:
        return JsonResponse({"errors": [{"name": exc.name, "message": str(exc)}]}, status=400)
    return HttpResponse(status=200)
