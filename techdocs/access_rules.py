"""The access rule of every docs route (``portal.access.routes``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from catalog import services as catalog
from portal.access.policy import Resource, entity_resource
from portal.access.routes import RouteRule, register_routes

__all__ = ["register"]


def _site(kwargs: Mapping[str, Any]) -> Resource | None:
    entity = catalog.get_entity(f"{kwargs['kind']}:{kwargs['namespace']}/{kwargs['name']}")
    return entity_resource(entity) if entity is not None else None


def register() -> None:
    read = RouteRule("techdocs.read", _site)
    register_routes({
        "techdocs:index": RouteRule("techdocs.read"),
        "techdocs:build": RouteRule("techdocs.read", _site, methods=(
            ("POST", "techdocs.rebuild"),)),
        "techdocs:files_root": read,
        "techdocs:file": read,
        "techdocs:site": read,
        "techdocs:page": read,
    })  # fmt: skip
