"""Which relations an entity page lists, per kind: Backstage's entity page layout
(provided and consumed APIs, dependencies, a system's parts, a group's members ...)
as data, so every kind's page is the same template."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from catalog.summaries import EntitySummary, ref_parts

__all__ = ["CARD_ROWS", "RelationCard", "cards_for", "filled", "owned_counts", "shown_refs"]

#: Rows a card lists before pointing at the rest.
CARD_ROWS = 50


@dataclass(frozen=True)
class RelationCard:
    """A card listing the targets of one relation type, optionally of some kinds only."""

    title: str
    relation: str
    kinds: tuple[str, ...] = ()
    empty: str = "None."

    @property
    def about_apis(self) -> bool:
        """Whether the card lists APIs (it is also shown on the API tab)."""
        return self.relation in ("providesApi", "consumesApi") or self.kinds == ("api",)

    def targets(self, relations: Mapping[str, tuple[str, ...]]) -> list[str]:
        refs = relations.get(self.relation, ())
        if self.kinds:
            refs = tuple(r for r in refs if ref_parts(r)[0] in self.kinds)
        return sorted(refs)


_DEPENDS = (
    RelationCard("Depends on", "dependsOn", empty="Depends on no other component or resource."),
    RelationCard("Dependency of", "dependencyOf", empty="Nothing depends on it."),
)
CARDS: dict[str, tuple[RelationCard, ...]] = {
    "component": (
        RelationCard("Provided APIs", "providesApi", empty="Provides no API."),
        RelationCard("Consumed APIs", "consumesApi", empty="Consumes no API."),
        *_DEPENDS,
        RelationCard("Subcomponents", "hasPart", ("component",), "Has no subcomponents."),
    ),
    "api": (
        RelationCard("Providers", "apiProvidedBy", empty="No component provides it."),
        RelationCard("Consumers", "apiConsumedBy", empty="No component consumes it."),
    ),
    "resource": _DEPENDS,
    "system": (
        RelationCard("Components", "hasPart", ("component",), "Has no components."),
        RelationCard("APIs", "hasPart", ("api",), "Has no APIs."),
        RelationCard("Resources", "hasPart", ("resource",), "Has no resources."),
    ),
    "domain": (
        RelationCard("Systems", "hasPart", ("system",), "Has no systems."),
        RelationCard("Subdomains", "hasPart", ("domain",), "Has no subdomains."),
    ),
    "group": (
        RelationCard("Parent group", "childOf", empty="A top-level group."),
        RelationCard("Child groups", "parentOf", empty="Has no child groups."),
        RelationCard("Members", "hasMember", empty="Has no members."),
        RelationCard("Owns", "ownerOf", empty="Owns nothing in the catalog."),
    ),
    "user": (
        RelationCard("Groups", "memberOf", empty="Is in no group."),
        RelationCard("Owns", "ownerOf", empty="Owns nothing in the catalog."),
    ),
}


def cards_for(kind: str) -> tuple[RelationCard, ...]:
    return CARDS.get(kind.lower(), _DEPENDS)


def shown_refs(summary: EntitySummary, cards: tuple[RelationCard, ...]) -> set[str]:
    """The refs the cards show (at most CARD_ROWS per card): what to look up."""
    return {ref for card in cards for ref in card.targets(summary.relations)[:CARD_ROWS]}


def filled(summary: EntitySummary, cards: tuple[RelationCard, ...],
           found: Mapping[str, EntitySummary]) -> list[dict[str, Any]]:  # fmt: skip
    """Each card with its rows: a summary, or just the ref of a target that does not
    exist (a dangling relation, shown as such)."""
    result = []
    for card in cards:
        targets = card.targets(summary.relations)
        rows = [{"ref": ref, "entity": found.get(ref.lower())} for ref in targets[:CARD_ROWS]]
        result.append({"card": card, "rows": rows, "more": max(0, len(targets) - CARD_ROWS)})
    return result


def owned_counts(summary: EntitySummary) -> list[tuple[str, int]]:
    """How many entities of each kind the entity owns (from its ``ownerOf`` relations)."""
    counts = Counter(ref_parts(ref)[0] for ref in summary.relations.get("ownerOf", ()))
    return sorted(counts.items())
