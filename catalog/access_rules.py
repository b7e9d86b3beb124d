"""The access rule of every catalog page and API route (``portal.access.routes``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from catalog import services
from catalog.api.views import valid_uuid
from catalog.models import Entity
from catalog.views.entity import entity_missing
from portal.access.policy import Resource, entity_resource
from portal.access.routes import SIGNED_IN, RouteRule, register_routes

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
    return RouteRule(name, _entity, missing=entity_missing, missing_message=_API_MISSING)


def register() -> None:
    entity = _read()
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
        "catalog_api:analyze_location": RouteRule("catalog.location.create"),
        "catalog_api:refresh": RouteRule("catalog.entity.refresh"),
        "catalog_api:locations_by_query": RouteRule("catalog.location.read"),
        "catalog_api:locations": RouteRule("catalog.location.read", methods=(
            ("POST", "catalog.location.create"),)),
        "catalog_api:location_by_id": RouteRule("catalog.location.read", methods=(
            ("PUT", "catalog.location.create"), ("DELETE", "catalog.location.delete"))),
        "catalog_api:location_by_entity": entity,
        "catalog_api:entity_by_name": entity,
        "catalog_api:entity_ancestry": entity,
        "catalog_api:entity_by_uid": RouteRule("catalog.entity.read", _entity_by_uid, methods=(
            ("DELETE", "catalog.entity.unregister"),), missing_message="No entity with uid {uid}"),
    })  # fmt: skip
