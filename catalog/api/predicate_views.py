"""The POST forms of the catalog API's queries, whose JSON bodies carry a filter
predicate (``query``) instead of ``filter=`` strings: ``POST /entities/by-query``,
``POST /entity-facets`` and ``POST /locations/by-query``. Only reads: no CSRF token
is needed, as for ``POST /entities/by-refs``."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from catalog.api.numbers import whole_number
from catalog.api.predicates import entity_predicate, location_predicate
from catalog.api.query import Query
from catalog.api.views import facets_response, location_data, query_response
from catalog.models import Entity, Location
from portal.api.auth import api_view
from portal.api.body import json_body
from portal.api.errors import ApiError

__all__ = ["query_entities", "query_facets", "query_locations"]

LOCATIONS_DEFAULT_LIMIT = 1000


def _object(request: HttpRequest) -> dict[str, Any]:
    body = json_body(request)
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ApiError("InputError", "Malformed request body (did you remember to specify an "
                                     "application/json content type?)")  # fmt: skip
    return body


def _strings(body: dict[str, Any], name: str) -> list[str]:
    values = body.get(name) or []
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ApiError("InputError", f"Invalid {name}, expected an array of strings")
    return values


@api_view("POST")
def query_entities(request: HttpRequest) -> HttpResponse:
    """POST /entities/by-query: ``{query?, orderBy?, fullTextFilter?, fields?, limit?,
    offset?, cursor?, totalItems?}`` -> the same page shape as the GET form."""
    body = _object(request)
    return query_response(Query.from_body(body), _strings(body, "fields"))


@api_view("POST")
def query_facets(request: HttpRequest) -> JsonResponse:
    """POST /entity-facets: ``{facets: [...], query?}``."""
    body = _object(request)
    facets = [f for f in _strings(body, "facets") if f]
    if not facets:
        raise ApiError("InputError", "Missing or empty facets parameter")
    predicate = body.get("query")
    matching = None
    if predicate is not None:
        matching = Entity.objects.filter(entity_predicate(predicate))
    return facets_response(facets, matching, ["query", predicate])


@api_view("POST")
def query_locations(request: HttpRequest) -> JsonResponse:
    """POST /locations/by-query: ``{query?, limit?, cursor?}`` -> locations ordered by
    id, with ``totalItems`` and a ``nextCursor`` while more remain."""
    body = _object(request)
    if body.get("cursor") is not None:
        limit, after, predicate = _location_cursor(body["cursor"])
    else:
        after, predicate = None, body.get("query")
        limit = whole_number(body.get("limit", LOCATIONS_DEFAULT_LIMIT), "limit", 1)
    matching = Location.objects.all()
    if predicate is not None:
        matching = matching.filter(location_predicate(predicate))
    window = matching.order_by("id")
    if after:
        window = window.filter(id__gt=after)
    rows = list(window[: limit + 1])
    page_info = {}
    if len(rows) > limit:
        rows = rows[:limit]
        cursor = {"limit": limit, "afterId": str(rows[-1].pk), "query": predicate}
        page_info["nextCursor"] = base64.b64encode(json.dumps(cursor).encode()).decode()
    return JsonResponse({
        "items": [location_data(location) for location in rows],
        "totalItems": matching.count(),
        "pageInfo": page_info,
    })  # fmt: skip


def _location_cursor(cursor: Any) -> tuple[int, str | None, Any]:
    if not isinstance(cursor, str) or not cursor:
        raise ApiError("InputError", "Cursor cannot be empty")
    try:
        data = json.loads(base64.b64decode(cursor, validate=True))
        limit, after = whole_number(data["limit"], "limit", 1), data.get("afterId")
        after = str(uuid.UUID(after)) if after is not None else None
    except (binascii.Error, ValueError, KeyError, TypeError, AttributeError, ApiError):
        raise ApiError("InputError", "Malformed cursor, could not be parsed") from None
    return limit, after, data.get("query")
