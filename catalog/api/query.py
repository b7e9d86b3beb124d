"""``GET /entities/by-query``: filtered, ordered, full-text searched pages with a cursor.

The cursor is opaque base64 JSON carrying the whole query (filters, order, full-text
term, page size, position and whether to count), so following ``nextCursor`` needs no
other parameter, as in Backstage. ``totalItems=exclude`` skips the count, which is
the only part whose cost grows with the number of matches.
"""

from __future__ import annotations

import base64
import binascii
import json
import operator
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import reduce
from typing import Any

from django.db.models import Q
from django.http import HttpRequest

from catalog.api.filters import filter_condition, parse_filters
from catalog.api.numbers import LARGEST, whole_number, whole_number_text
from catalog.api.predicates import entity_predicate
from catalog.api.served import served_json
from catalog.models import Entity, EntityField
from portal.api.errors import ApiError

__all__ = ["DEFAULT_LIMIT", "Query", "full_text_hits", "page"]

DEFAULT_LIMIT = 200
#: Full-text hits handed to the page and count queries as a list, up to this many.
INLINE_HITS = 5_000
MAX_LIMIT = 10_000


@dataclass
class Query:
    """Everything that defines a result list; what the cursor encodes."""

    filters: list[str] = field(default_factory=list)
    #: The predicate of ``POST /entities/by-query`` (None: no predicate).
    predicate: Any = None
    order_field: str = ""
    descending: bool = False
    term: str = ""
    term_fields: list[str] = field(default_factory=list)
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    count: bool = True

    @classmethod
    def from_request(cls, request: HttpRequest) -> Query:
        cursor = request.GET.get("cursor")
        if cursor:
            return _decode(cursor)
        query = cls(filters=request.GET.getlist("filter"), limit=_limit(request))
        orders = request.GET.getlist("orderField")
        if orders:
            name, _, direction = orders[0].partition(",")
            if direction not in ("", "asc", "desc") or not name:
                raise ApiError("InputError", f"Invalid orderField {orders[0]!r}")
            query.order_field, query.descending = name.lower(), direction == "desc"
        query.term = request.GET.get("fullTextFilterTerm", "").strip().lower()
        fields = request.GET.get("fullTextFilterFields", "")
        query.term_fields = [f.strip().lower() for f in fields.split(",") if f.strip()]
        query.offset = whole_number_text(request.GET.get("offset", "0"), "offset")
        query.count = request.GET.get("totalItems", "include") != "exclude"
        return query

    @classmethod
    def from_body(cls, body: Any) -> Query:
        """The JSON body of ``POST /entities/by-query``; a ``cursor`` in it wins."""
        if not isinstance(body, dict):
            raise ApiError("InputError", "The request body must be a JSON object")
        if body.get("cursor") is not None:
            if not isinstance(body["cursor"], str) or not body["cursor"]:
                raise ApiError("InputError", "Cursor cannot be empty")
            query = _decode(body["cursor"])
            if body.get("limit") is not None:
                query.limit = whole_number(body["limit"], "limit", maximum=MAX_LIMIT)
            return query
        query = cls(predicate=body.get("query"))
        entity_predicate(query.predicate or {})  # reject an invalid predicate up front
        if body.get("limit") is not None:
            query.limit = whole_number(body["limit"], "limit", maximum=MAX_LIMIT)
        if body.get("offset") is not None:
            query.offset = whole_number(body["offset"], "offset")
        query.order_field, query.descending = _body_order(body.get("orderBy"))
        query.term, query.term_fields = _body_full_text(body.get("fullTextFilter"))
        total = body.get("totalItems", "include")
        if total not in ("include", "exclude"):
            raise ApiError("InputError", f"Invalid totalItems value {total!r}, "
                                         "expected one of: include, exclude")  # fmt: skip
        query.count = total == "include"
        return query

    def cursor(self, offset: int) -> str:
        """The opaque cursor of the page at ``offset``. The predicate travels as
        ``query``, the key Backstage's client looks for to keep POSTing later pages."""
        data = {**asdict(self), "offset": offset}
        data["query"] = data.pop("predicate")
        return base64.b64encode(json.dumps(data).encode()).decode()


def _limit(request: HttpRequest) -> int:
    raw = request.GET.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    return whole_number_text(raw, "limit", maximum=MAX_LIMIT)


def _body_order(order_by: Any) -> tuple[str, bool]:
    """``[{"field", "order": "asc"|"desc"}]``: only the first one orders, as in Backstage."""
    if not order_by:
        return "", False
    first = order_by[0] if isinstance(order_by, list) else None
    if (
        not isinstance(first, dict)
        or not isinstance(first.get("field"), str)
        or not first["field"]
        or first.get("order") not in ("asc", "desc")
    ):
        raise ApiError("InputError", "Invalid orderBy, expected [{field, order: asc|desc}]")
    return first["field"].lower(), first["order"] == "desc"


def _body_full_text(full_text: Any) -> tuple[str, list[str]]:
    """``{"term", "fields"?}``, trimmed and lower-cased like the query-string form."""
    if full_text is None:
        return "", []
    term, fields = (full_text.get("term", ""), full_text.get("fields") or []) if isinstance(
        full_text, dict) else (None, None)  # fmt: skip
    if (
        not isinstance(term, str)
        or not isinstance(fields, list)
        or not all(isinstance(f, str) for f in fields)
    ):
        raise ApiError("InputError", "Invalid fullTextFilter, expected {term, fields?: [strings]}")
    return term.strip().lower(), [f.strip().lower() for f in fields if f.strip()]


def _valid(query: Query) -> bool:
    """Whether a decoded cursor holds values this server could have written."""
    return (
        all(isinstance(v, int) and not isinstance(v, bool) for v in (query.limit, query.offset))
        and 0 <= query.limit <= MAX_LIMIT
        and 0 <= query.offset <= LARGEST
        and isinstance(query.filters, list)
        and all(isinstance(f, str) for f in query.filters)
        and isinstance(query.term_fields, list)
        and all(isinstance(f, str) for f in query.term_fields)
        and all(isinstance(v, str) for v in (query.order_field, query.term))
        and all(isinstance(v, bool) for v in (query.descending, query.count))
    )


def _decode(cursor: str) -> Query:
    try:
        data = json.loads(base64.b64decode(cursor, validate=True))
        if not isinstance(data, dict) or "offset" not in data or "predicate" in data:
            raise TypeError
        predicate = data.pop("query", None)
        query = Query(**data, predicate=predicate)
        if not _valid(query):
            raise TypeError
    except (binascii.Error, ValueError, TypeError):
        raise ApiError("InputError", "Malformed cursor, could not be parsed") from None
    return query


def _condition(query: Query, term_hits: Q, *, kind_on_row: bool = True) -> Q:
    """What the query selects, as conditions on the field index (see filter_condition);
    ``term_hits`` is the full-text part (``_term_hits``)."""
    condition = filter_condition(parse_filters(query.filters), kind_on_row=kind_on_row)
    if query.predicate is not None:
        condition &= entity_predicate(query.predicate)
    if query.order_field:
        # Entities without the order field are left out, as in Backstage.
        with_field = EntityField.objects.filter(key=query.order_field, value__isnull=False)
        condition &= Q(pk__in=with_field.values("entity_id"))
    return condition & term_hits


def _term_hits(query: Query) -> Q:
    """The full-text part of ``query`` (see full_text_hits)."""
    if not query.term:
        return Q()
    return full_text_hits(query.term, query.term_fields or [query.order_field or "metadata.uid"])


def full_text_hits(terms: str | Sequence[str], fields: list[str]) -> Q:
    """The entities where one of ``fields`` contains ``terms`` (lower-cased), as a ``Q``.

    A string is one term, matched as a whole: the API's ``fullTextFilter``, which
    Backstage's backend matches as one substring. A sequence of words must each be
    contained in some field, in any order: the pages' text filters, as Backstage's
    frontend EntityTextFilter splits what people type.

    Each term's ``LIKE '%term%'`` scan (the trigram index of migration 0009 on
    PostgreSQL) gives a set of entities; the database intersects them (``INTERSECT``),
    so any number of words costs one query, run once per request, whose hits are
    handed to the page and the count as a list: as a subquery, PostgreSQL walks
    entities in uid order probing each for a match, which costs more the rarer the
    term. Terms that match very many entities stay subqueries rather than a huge list.
    """
    words = [terms] if isinstance(terms, str) else list(dict.fromkeys(terms))
    if not words:
        return Q()
    per_word = [EntityField.objects.filter(key__in=fields, value__contains=word)
                .values_list("entity_id", flat=True) for word in words]  # fmt: skip
    first, *others = per_word
    every = first.intersection(*others) if others else first.distinct()
    hits = list(every[: INLINE_HITS + 1])
    if len(hits) > INLINE_HITS:
        return reduce(operator.and_, (Q(pk__in=rows) for rows in per_word))
    return Q(pk__in=hits)


def _total(query: Query, term_hits: Q) -> int:
    """The number of served entities matching the query, from the field index.

    Only stitched (served) entities have field rows, so a condition made of semi-joins
    alone implies "served" and no entity row is read. Predicates can negate a
    semi-join; then "served" is tested on the row.
    """
    condition = _condition(query, term_hits, kind_on_row=False)
    if not condition:
        # Every served entity has exactly one ``kind`` row.
        return EntityField.objects.filter(key="kind").count()
    if query.predicate is not None:
        return Entity.objects.served().filter(condition).count()
    return Entity.objects.filter(condition).count()


def page(query: Query) -> dict[str, Any]:
    """Items of one page, the total (unless excluded) and the page cursors."""
    term_hits = _term_hits(query)
    queryset = Entity.objects.served().filter(_condition(query, term_hits))
    window = slice(query.offset, query.offset + query.limit + 1)
    if query.order_field:
        # Walk the (key, value, entity) index in value order instead of sorting
        # entities by a correlated subquery: milliseconds instead of seconds.
        value = "-value" if query.descending else "value"
        uid = "-entity__uid" if query.descending else "entity__uid"
        ordered = EntityField.objects.filter(
            key=query.order_field, entity__in=queryset.values("pk")
        )
        rows = served_json(ordered.order_by(value, uid).values_list("entity_id", "entity__etag")
                           [window])  # fmt: skip
    else:
        rows = served_json(queryset.order_by("uid").values_list("pk", "etag")[window])
    page_info: dict[str, str] = {}
    if len(rows) > query.limit:
        page_info["nextCursor"] = query.cursor(query.offset + query.limit)
    if query.offset > 0:
        page_info["prevCursor"] = query.cursor(max(query.offset - query.limit, 0))
    return {
        "rows": rows[: query.limit],
        "totalItems": _total(query, term_hits) if query.count else 0,
        "pageInfo": page_info,
    }
