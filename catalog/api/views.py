"""Backstage-compatible catalog REST API: entities, facets and locations (read side).

Same paths, parameters, JSON shapes and status codes as Backstage's catalog backend
(see its OpenAPI document). Served entities are stored pre-serialised, so list
responses join stored JSON strings instead of decoding and re-encoding entities.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse

from catalog.api.facets import facet_counts_json
from catalog.api.fields import parse_fields, project
from catalog.api.filters import filter_condition, parse_filters
from catalog.api.numbers import whole_number, whole_number_text
from catalog.api.ordering import ordered, page_by_one_field, parse_orders
from catalog.api.predicates import entity_predicate
from catalog.api.query import Query, page
from catalog.api.served import served_by_id, served_json
from catalog.ingestion.writer import chunks
from catalog.models import Entity, Location
from portal.api.auth import api_view
from portal.api.body import json_body
from portal.api.errors import ApiError

__all__ = [
    "entities",
    "entities_by_query",
    "entities_by_refs",
    "entity_by_name",
    "entity_by_uid",
    "entity_facets",
    "facets_response",
    "location_by_id",
    "location_data",
    "locations",
    "query_response",
    "valid_uuid",
]

JSON = "application/json; charset=utf-8"


def _json_list(rows: list[bytes], paths: list[list[str]]) -> bytes:
    """The JSON array of ``rows`` (served JSON documents), ``fields`` applied."""
    if paths:
        rows = [json.dumps(project(json.loads(row), paths)).encode() for row in rows]
    if len(rows) < 2:
        return b"[" + b"".join(rows) + b"]"
    # Megabytes for a large list: bracket the end rows so the whole is copied once.
    return b",".join([b"[" + rows[0], *rows[1:-1], rows[-1] + b"]"])


def _int(request: HttpRequest, name: str, minimum: int) -> int | None:
    raw = request.GET.get(name)
    return None if raw is None else whole_number_text(raw, name, minimum)


@api_view("GET")
def entities(request: HttpRequest) -> HttpResponse:
    """GET /entities: filter, fields, order, and offset/limit/after paging."""
    paths = parse_fields(request.GET.getlist("fields"))
    condition = filter_condition(parse_filters(request.GET.getlist("filter")))
    queryset = Entity.objects.served().filter(condition)
    orders = parse_orders(request.GET.getlist("order"))
    limit, offset = _int(request, "limit", 1), _int(request, "offset", 0)
    after = request.GET.get("after")
    if after:
        limit, offset = _cursor(after)
    if limit is None and offset is None:
        # Without paging Backstage streams entities in no particular order; insertion
        # order spares PostgreSQL a collated sort of every row (4 ms, not 15, for 2k).
        rows = served_json(ordered(queryset, orders, "pk").values_list("pk", "etag"))
        return HttpResponse(_json_list(rows, paths), content_type=JSON)
    offset = offset or 0
    stop = offset + (limit or 10**9) + 1
    if len(orders) == 1:
        rows = served_json(page_by_one_field(queryset, orders[0], offset, stop))
    else:
        rows = served_json(ordered(queryset, orders, "ref").values_list("pk", "etag")
                           [offset:stop])  # fmt: skip
    response = HttpResponse(_json_list(rows[:limit] if limit else rows, paths), content_type=JSON)
    if limit and len(rows) > limit:
        response["Link"] = f'</entities?{_next_page(request, limit, offset + limit)}>; rel="next"'
    return response


def _next_page(request: HttpRequest, limit: int, offset: int) -> str:
    """The query string of the next page: the same filters, and an ``after`` cursor."""
    kept = [(k, v) for k, values in request.GET.lists() if k not in ("after", "offset", "limit")
            for v in values]  # fmt: skip
    cursor = base64.b64encode(json.dumps({"limit": limit, "offset": offset}).encode()).decode()
    return urlencode([*kept, ("after", cursor)])


def _cursor(after: str) -> tuple[int, int]:
    try:
        data = json.loads(base64.b64decode(after, validate=True))
        return whole_number(data["limit"], "limit", 1), whole_number(data["offset"], "offset")
    except (binascii.Error, ValueError, KeyError, TypeError, ApiError):
        raise ApiError("InputError", "Malformed cursor, could not be parsed") from None


@api_view("GET")
def entities_by_query(request: HttpRequest) -> HttpResponse:
    """GET /entities/by-query: ``{"items", "totalItems", "pageInfo"}``."""
    return query_response(Query.from_request(request), request.GET.getlist("fields"))


def query_response(query: Query, fields: list[str]) -> HttpResponse:
    """One page of a by-query result (GET or POST form), ``fields`` applied."""
    paths = parse_fields(fields)
    result = page(query)
    body = (
        b'{"items":' + _json_list(result["rows"], paths)
        + f',"totalItems":{result["totalItems"]},"pageInfo":{json.dumps(result["pageInfo"])}}}'
        .encode()
    )  # fmt: skip
    return HttpResponse(body, content_type=JSON)


@api_view("GET")
def entity_by_uid(request: HttpRequest, uid: str) -> HttpResponse:
    """GET /entities/by-uid/{uid}."""
    rows = Entity.objects.filter(uid=uid) if valid_uuid(uid) else Entity.objects.none()
    row = rows.values_list("final_json", flat=True).first()
    if not row:
        raise ApiError("NotFoundError", f"No entity with uid {uid}")
    return HttpResponse(row, content_type=JSON)


def valid_uuid(value: str) -> bool:
    """Whether ``value`` is a UUID (ids that are not cannot name anything: 404)."""
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@api_view("GET")
def entity_by_name(request: HttpRequest, kind: str, namespace: str, name: str) -> HttpResponse:
    """GET /entities/by-name/{kind}/{namespace}/{name} (case-insensitive)."""
    ref = f"{kind}:{namespace}/{name}".lower()
    row = Entity.objects.filter(ref=ref).values_list("final_json", flat=True).first()
    if not row:
        raise ApiError("NotFoundError", f"No entity named '{name}' found, with kind '{kind}' "
                                        f"in namespace '{namespace}'")  # fmt: skip
    return HttpResponse(row, content_type=JSON)


@api_view("POST")
def entities_by_refs(request: HttpRequest) -> HttpResponse:
    """POST /entities/by-refs: ``{"entityRefs": [...], "fields"?: [...]}`` -> items in order,
    ``null`` for refs that name no entity."""
    body = json_body(request)
    try:
        refs = body["entityRefs"]
        if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
            raise TypeError
        fields = body.get("fields") or []
        if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
            raise TypeError
        predicate = body.get("query")
    except (KeyError, TypeError):
        message = ("Malformed request body (did you remember to specify an application/json "
                   "content type?), entityRefs and fields must be arrays of strings")  # fmt: skip
        raise ApiError("InputError", message) from None
    paths = parse_fields([*fields, *request.GET.getlist("fields")])
    wanted = [r.lower() for r in refs]
    condition = filter_condition(parse_filters(request.GET.getlist("filter")))
    matching = Entity.objects.served().filter(condition)
    if predicate is not None:
        matching = matching.filter(entity_predicate(predicate))
    # In batches: SQLite refuses a statement with more than 32,766 parameters.
    rows = [row for batch in chunks(sorted(set(wanted)))
            for row in matching.filter(ref__in=batch).values_list("ref", "pk", "etag")]  # fmt: skip
    served = served_by_id((pk, etag) for _, pk, etag in rows)
    found = {ref: served[pk] for ref, pk, _ in rows if pk in served}
    items = [_json_list([found[r]], paths)[1:-1] if r in found else b"null" for r in wanted]
    return HttpResponse(b'{"items":[' + b",".join(items) + b"]}", content_type=JSON)


@api_view("GET")
def entity_facets(request: HttpRequest) -> JsonResponse:
    """GET /entity-facets: counts per value of each ``facet``, over filtered entities."""
    facets = request.GET.getlist("facet")
    if not facets:
        raise ApiError("InputError", "Missing facet parameter")
    filters = parse_filters(request.GET.getlist("filter"))
    matching = Entity.objects.filter(filter_condition(filters)) if filters else None
    return facets_response(facets, matching, ["filter", request.GET.getlist("filter")])


def facets_response(facets: list[str], matching: QuerySet[Entity] | None,
                    filter_key: Any) -> HttpResponse:  # fmt: skip
    """The facet counts of ``matching`` as the API's response (see facet_counts_json)."""
    return HttpResponse(facet_counts_json(facets, matching, filter_key), content_type=JSON)


def location_data(location: Location) -> dict[str, str]:
    return {"id": str(location.pk), "type": location.type, "target": location.target,
            "entityRef": location.entity_ref}  # fmt: skip


@api_view("GET")
def locations(request: HttpRequest) -> JsonResponse:
    """GET /locations: every registered location, each wrapped in ``data``."""
    return JsonResponse(
        [{"data": location_data(loc)} for loc in Location.objects.order_by("created")], safe=False
    )


@api_view("GET")
def location_by_id(request: HttpRequest, location_id: str) -> JsonResponse:
    """GET /locations/{id}."""
    location = Location.objects.filter(pk=location_id).first() if valid_uuid(location_id) else None
    if location is None:
        raise ApiError("NotFoundError", f"Found no location with ID {location_id}")
    return JsonResponse(location_data(location))
