"""``filter=`` query parameters, as Backstage's catalog parses and applies them.

Each ``filter`` value is one filter set; sets are OR-ed. Inside a set, comma-separated
conditions are AND-ed; ``key`` means the key exists, ``key=value`` means equal, and the
same key repeated in one set ORs its values. Keys and values compare lower-cased. The
conditions run against the indexed ``EntityField`` rows, never against entity JSON.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from catalog.api.limits import check_filter_size
from catalog.models import EntityField
from portal.api.errors import ApiError

__all__ = ["FilterSet", "filter_condition", "parse_filters"]

#: key -> allowed values (lower-cased); an empty set means "the key exists".
FilterSet = dict[str, set[str]]


def parse_filters(values: Iterable[str]) -> list[FilterSet]:
    """Parse every ``filter`` parameter; raises InputError for ``=value`` statements and
    for more conditions or values than ``catalog.api.limits`` allows."""
    sets = []
    for value in values:
        conditions: FilterSet = {}
        for statement in value.split(","):
            statement = statement.strip()
            if not statement:
                continue
            key, sep, wanted = statement.partition("=")
            key = key.strip().lower()
            if not key:
                raise ApiError("InputError", f"Invalid filter, {statement!r} has no key")
            allowed = conditions.setdefault(key, set())
            if sep:
                allowed.add(wanted.strip().lower())
        if conditions:
            sets.append(conditions)
    check_filter_size(sets)
    return sets


def filter_condition(sets: list[FilterSet], *, kind_on_row: bool = True) -> Q:
    """A ``Q`` over ``Entity`` matching any of ``sets`` (an empty ``Q`` for none).

    ``kind_on_row`` tests ``kind`` on the entity row (fastest for fetching rows);
    without it every condition is a semi-join on the field index, which only served
    entities have rows in (what counting from the index alone relies on).
    """
    matched = Q()
    for conditions in sets:
        both = Q()
        for key, values in conditions.items():
            if key == "kind" and kind_on_row:
                # Every entity has a kind, stored lower-cased on the entity row: the
                # most common filter needs no join at all.
                both &= Q(kind__in=values) if values else Q()
                continue
            # Semi-joins on the (key, value, entity) index: each condition is one
            # index range scan, whatever the number of entities.
            rows = EntityField.objects.filter(key=key)
            if values:
                rows = rows.filter(value__in=values)
            both &= Q(pk__in=rows.values("entity_id"))
        matched |= both
    return matched
