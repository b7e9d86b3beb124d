"""``filter=`` query parameters, as Backstage's catalog parses and applies them.

Each ``filter`` value is one filter set; sets are OR-ed. Inside a set, comma-separated
conditions are AND-ed; ``key`` means the key exists, ``key=value`` means equal, and the
same key repeated in one set ORs its values. Keys and values compare lower-cased. The
conditions run against the indexed ``EntityField`` rows, never against entity JSON.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from catalog.api.errors import ApiError
from catalog.models import Entity, EntityField

__all__ = ["FilterSet", "apply_filters", "parse_filters"]

#: key -> allowed values (lower-cased); an empty set means "the key exists".
FilterSet = dict[str, set[str]]


def parse_filters(values: Iterable[str]) -> list[FilterSet]:
    """Parse every ``filter`` parameter; raises InputError for ``=value`` statements."""
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
    return sets


def apply_filters(queryset: QuerySet[Entity], sets: list[FilterSet]) -> QuerySet[Entity]:
    """Keep the entities that match any of ``sets``."""
    if not sets:
        return queryset
    matched = Q()
    for conditions in sets:
        both = Q()
        for key, values in conditions.items():
            # Semi-joins on the (key, value, entity) index: each condition is one
            # index range scan, whatever the number of entities.
            rows = EntityField.objects.filter(key=key)
            if values:
                rows = rows.filter(value__in=values)
            both &= Q(pk__in=rows.values("entity_id"))
        matched |= both
    return queryset.filter(matched)
