"""Facet counts (values of a field and how many entities have each), cached per served
version of the catalog. The ``/entity-facets`` endpoints and the catalog pages'
filters share them: the catalog page asks for the same facets on every visit, and
counting walks every indexed value of the facets."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from typing import Any

from django.db.models import Count, QuerySet

from catalog.api.served import ByteCache
from catalog.ingestion import served_version
from catalog.models import Entity, EntityField
from catalog.visibility import current_condition

__all__ = ["facet_counts_json"]

#: Facet answers of this process, per served version of the catalog.
FACETS = ByteCache(4 * 1024 * 1024)


def facet_counts_json(facets: list[str], matching: QuerySet[Entity] | None,
                      filter_key: Any) -> bytes:  # fmt: skip
    """``{"facets": {facet: [{value, count}]}}`` over ``matching`` (None: all entities),
    as JSON bytes. Answers are kept until the served catalog changes
    (``served_version``); ``filter_key`` tells the filters of ``matching`` apart, and
    the request's visibility condition (``catalog.visibility``) the callers who may
    see different entities: its SQL names everything it depends on (kinds, tags, the
    caller's groups), the rest is catalog data, which changes the served version."""
    condition, scope = current_condition(), ""
    if condition is not None:
        matching = (matching if matching is not None else Entity.objects.all()).visible()
        scope = hashlib.sha256(str(Entity.objects.filter(condition).query).encode()).hexdigest()
    version = served_version.current()
    key = f"{version}|{scope}|{json.dumps([facets, filter_key], sort_keys=True)}"
    body = FACETS.get(key) if version else None
    if body is None:
        body = json.dumps({"facets": _facet_counts(facets, matching)}).encode()
        if version:
            FACETS.put(key, body)
    return body


def _facet_counts(facets: list[str], matching: QuerySet[Entity] | None) -> dict[str, Any]:
    rows = EntityField.objects.filter(key__in=[f.lower() for f in facets], value__isnull=False)
    if matching is not None:
        rows = rows.filter(entity__in=matching.values("pk"))
    # Each entity has one row per (key, value), so counting rows counts entities.
    rows = rows.values("key", "original_value").annotate(count=Count("*"))
    rows = rows.order_by("key", "original_value")
    counts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        counts[row["key"]].append({"value": row["original_value"], "count": row["count"]})
    return {facet: counts.get(facet.lower(), []) for facet in facets}
