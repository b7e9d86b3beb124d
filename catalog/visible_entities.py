"""A read ``Visibility`` (``portal.access.policy``) as one condition on ``Entity`` rows:
rule conditions on kind, tags (``metadata.tags`` rows) and owners (``ownedBy``
relations), each one subquery on an index."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from catalog.models import EntityField, Relation

__all__ = ["condition_for"]


def condition_for(visibility: Any) -> Q | None:
    """The entities ``visibility`` lets one see; None when it hides nothing."""
    if visibility.unrestricted:
        return None
    seen = Q() if visibility.everything else Q(pk__in=[])
    for allowed in visibility.allowed:
        seen |= _matches(allowed, visibility.names)
    for denied in visibility.denied:
        seen &= ~_matches(denied, visibility.names)
    return seen


def _matches(condition: Any, names: frozenset[str]) -> Q:
    found = Q()
    if condition.kinds:
        found &= Q(kind__in=condition.kinds)
    if condition.tags:
        tagged = EntityField.objects.filter(key="metadata.tags", value__in=condition.tags)
        found &= Q(pk__in=tagged.values("entity_id"))
    if condition.owners:
        found &= Q(ref__in=_owned_by(condition.owners))
    if condition.owned is not None:
        mine = Q(ref__in=_owned_by(sorted(names)))
        found &= mine if condition.owned else ~mine
    return found


def _owned_by(owners: Any) -> QuerySet[Relation]:
    return Relation.objects.filter(type="ownedBy", target_ref__in=owners).values("source_ref")
