"""The access rule of every catalog page and API route (``portal.access.routes``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse

from catalog import services
from catalog.api.views import valid_uuid
from catalog.models import Entity
from catalog.views.entity import entity_missing
from portal.access.policy import Resource, entity_resource
from portal.access.routes import PUBLIC, SIGNED_IN, RouteRule, register_routes
from portal.api.errors import ApiError

__all__ = ["register"]


def _entity(kwargs: Mapping[str, Any]) -> Resource | None:
    ref = f"{kwargs['kind']}:{kwargs['namespace']}/{kwargs['name']}"
    entity = services.get_entity(ref)
    return entity_resource(entity) if entity is not None else None


def _entity_by_uid(kwargs: Mapping[str, Any]) -> Resource | None:
    uid = str(kwargs["uid"])
    row = (Entity.objects.filter(uid=uid).values_list("final_json", flat=True).first()
           if valid_uuid(uid) else None)  # fmt: skip
    return entity_resource(json.loads(row)) if row else None


_API_MISSING = "No entity named '{name}' found, with kind '{kind}' in namespace '{namespace}'"


def _read(name: str = "catalog.entity.read") -> RouteRule:
    return RouteRule(name, _entity, missing=entity_missing)


def _uid_missing(request: HttpRequest, uid: str) -> HttpResponse:
    """What the API answers for a uid that does not exist: 204 to a DELETE (as
    Backstage does), else its NotFoundError."""
    if request.method == "DELETE":
        return HttpResponse(status=204)
    raise ApiError("NotFoundError", f"No entity with uid {uid}")


def register() -> None:
    entity = _read()
    api_entity = RouteRule("catalog.entity.read", _entity, missing_message=_API_MISSING)
    register_routes({
        "catalog:index": RouteRule("catalog.entity.read"),
        "catalog:apis": RouteRule("catalog.entity.read"),
        "catalog:api_docs": SIGNED_IN,
        "catalog:register": RouteRule("catalog.location.create"),
        "catalog:locations": RouteRule("catalog.location.read"),
        "catalog:location": RouteRule("catalog.location.read"),
        "catalog:location_refresh": RouteRule("catalog.location.refresh"),
        "catalog:location_unregister": RouteRule("catalog.location.delete"),
        "catalog:entity": entity,
        "catalog:entity_star": entity,
        "catalog:entity_definition": entity,
        "catalog:entity_inspect": entity,
        "catalog:entity_tab": entity,
        "catalog:entity_refresh": _read("catalog.entity.refresh"),
        "catalog:entity_unregister": _read("catalog.entity.unregister"),
        "catalog_api:*": RouteRule("catalog.entity.read"),
        "catalog_api:not_found": PUBLIC,  # Backstage's JSON 404 for any other path
        "catalog_api:openapi": PUBLIC,  # the API's description, as Backstage serves it
        "catalog_api:analyze_location": RouteRule("catalog.location.create"),
        "catalog_api:refresh": RouteRule("catalog.entity.refresh"),
        "catalog_api:locations_by_query": RouteRule("catalog.location.read"),
        "catalog_api:locations": RouteRule("catalog.location.read", methods=(
            ("POST", "catalog.location.create"),)),
        "catalog_api:location_by_id": RouteRule("catalog.location.read", methods=(
            ("PUT", "catalog.location.create"), ("DELETE", "catalog.location.delete"))),
        "catalog_api:location_by_entity": api_entity,
        "catalog_api:entity_by_name": api_entity,
        "catalog_api:entity_ancestry": api_entity,
        "catalog_api:entity_by_uid": RouteRule("catalog.entity.read", _entity_by_uid, methods=(
            ("DELETE", "catalog.entity.unregister"),), missing=_uid_missing),
    })  # fmt: skip
