"""``order=asc:<field>`` of ``GET /entities``: sorting by indexed field values.

Entities lacking the field come last, as in Backstage's paged listing. One order field
(the usual case) is paged by walking the (key, value, entity) index in value order, so
a page costs the same at 100,000 entities as at 100. Several order fields fall back to
one correlated lookup per entity and field, which sorts every matching entity.
"""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, QuerySet, Subquery

from catalog.models import Entity, EntityField
from portal.api.errors import ApiError

__all__ = ["Order", "ordered", "page_by_one_field", "parse_orders"]

#: (lower-cased field, descending)
Order = tuple[str, bool]


def parse_orders(values: list[str]) -> list[Order]:
    """``asc:<field>``/``desc:<field>`` values; InputError for anything else."""
    orders = []
    for value in values:
        direction, sep, field = value.partition(":")
        if not sep or direction not in ("asc", "desc") or not field:
            raise ApiError("InputError", f"Invalid order field {value!r}, expected asc:<field>")
        orders.append((field.lower(), direction == "desc"))
    return orders


def ordered(queryset: QuerySet[Entity], orders: list[Order], tie: str) -> QuerySet[Entity]:
    """``queryset`` sorted by every order field, then by ``tie``."""
    fields = []
    for index, (field, descending) in enumerate(orders):
        name = f"order_{index}"
        values = EntityField.objects.filter(entity=OuterRef("pk"), key=field)
        queryset = queryset.annotate(**{name: Subquery(values.values("value")[:1])})
        fields.append(F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True))
    return queryset.order_by(*fields, tie)


def page_by_one_field(
    queryset: QuerySet[Entity], order: Order, start: int, stop: int
) -> list[tuple[int, str]]:
    """(id, etag) of rows ``start:stop`` of ``queryset`` ordered by one field (then by
    ref), entities lacking the field after all that have it."""
    field, descending = order
    having = EntityField.objects.filter(key=field, value__isnull=False)
    rows = having.filter(entity__in=queryset.values("pk"))
    by_value = rows.order_by("-value" if descending else "value", "entity__ref")
    page = list(by_value.values_list("entity_id", "entity__etag")[start:stop])
    if len(page) == stop - start:
        return page
    # The page runs past the entities that have the field: continue with those that
    # lack it, counting how many of the window the first part used up.
    skip = max(0, start - rows.count())
    # NOT EXISTS probes the index per candidate; NOT IN would read every entry of the
    # field (all 100,000 names) to build its set first.
    lacking = queryset.exclude(Exists(having.filter(entity=OuterRef("pk")))).order_by("ref")
    wanted = stop - start - len(page)
    return page + list(lacking.values_list("pk", "etag")[skip : skip + wanted])
