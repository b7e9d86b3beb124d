"""The catalog's cards on the home page: starred entities, recently visited pages, the
visitor's team's entities and the catalog's health at a glance."""

from __future__ import annotations

from typing import Any

from catalog import stars
from catalog.health import catalog_health
from catalog.listing import kind_options
from catalog.lookup import entities_by_ids, summaries_by_ref
from catalog.models import Entity, EntityField
from catalog.people import identity
from catalog.summaries import summarize

__all__ = ["health_context", "recent_context", "starred_context", "team_context"]

#: Entities a home card lists.
CARD_ROWS = 8


def _rows(refs: list[str]) -> list[dict[str, Any]]:
    """Each ref with its summary (None for an entity that is gone), in order."""
    found = summaries_by_ref(refs)
    return [{"ref": ref, "entity": found.get(ref.lower())} for ref in refs]


def starred_context(request: Any) -> dict[str, Any]:
    refs = stars.starred_refs(request.user)
    return {"rows": _rows(refs[:CARD_ROWS]), "more": max(0, len(refs) - CARD_ROWS)}


def recent_context(request: Any) -> dict[str, Any]:
    return {"rows": _rows(stars.recent_refs(request.user, CARD_ROWS))}


def team_context(request: Any) -> dict[str, Any]:
    """Entities owned by the visitor's groups (or by the visitor)."""
    me = identity(request.user)
    refs = [r.lower() for r in me.ownership_refs]
    owned = EntityField.objects.filter(key="relations.ownedby", value__in=refs)
    ids = Entity.objects.served().filter(pk__in=owned.values("entity_id")).order_by("ref")
    rows = list(ids.values_list("pk", "etag")[: CARD_ROWS + 1])
    entities = [summarize(e) for e in entities_by_ids(rows[:CARD_ROWS])]
    return {"identity": me, "entities": entities, "more": len(rows) > CARD_ROWS}


def health_context(request: Any) -> dict[str, Any]:
    """Entities per kind, and how many entities and locations need attention: the
    same things ``catalog errors`` lists (catalog.health), each badge a link to them."""
    return {"kinds": kind_options(), "health": catalog_health()}
