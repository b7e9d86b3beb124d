"""Everything an entity page shows, gathered in a fixed number of queries: the entity
and its location (one query), the entities its relation cards list (one query per
thousand), whether the visitor starred it (one query)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from catalog.lookup import summaries_by_ref
from catalog.models import Entity
from catalog.relation_cards import cards_for, filled, owned_counts, shown_refs
from catalog.summaries import EntitySummary, summarize

__all__ = ["BUILTIN_TABS", "EntityPage", "find_entity", "load_entity_page", "safe_url"]

#: Tabs every entity page may have: (slug, title, kinds it applies to; () = every kind).
BUILTIN_TABS = (
    ("dependencies", "Dependencies", ()),
    ("api", "API", ("component", "api", "system")),
)
_SAFE_SCHEMES = ("http://", "https://", "mailto:")


def safe_url(value: Any) -> str:
    """``value`` if it is a web or mail link, else "": catalog files are untrusted, and a
    ``javascript:`` link must never become clickable."""
    if not isinstance(value, str):
        return ""
    text = value.strip()
    return text if text.lower().startswith(_SAFE_SCHEMES) else ""


def _source_url(annotation: str) -> str:
    """The browsable address of a ``url:<address>`` location annotation."""
    kind, _, target = annotation.partition(":")
    return safe_url(target) if kind == "url" else ""


@dataclass
class EntityPage:
    """The entity, its summary, and what the header, banners and cards show."""

    row: Entity
    entity: dict[str, Any]
    summary: EntitySummary
    cards: list[dict[str, Any]] = field(default_factory=list)

    @property
    def annotations(self) -> dict[str, Any]:
        annotations = (self.entity.get("metadata") or {}).get("annotations")
        return annotations if isinstance(annotations, dict) else {}

    @property
    def view_url(self) -> str:
        return safe_url(self.annotations.get("backstage.io/view-url"))

    @property
    def edit_url(self) -> str:
        return safe_url(self.annotations.get("backstage.io/edit-url"))

    @property
    def source_location(self) -> str:
        return str(self.annotations.get("backstage.io/source-location")
                   or self.annotations.get("backstage.io/managed-by-location") or "")  # fmt: skip

    @property
    def source_url(self) -> str:
        return _source_url(self.source_location)

    @property
    def links(self) -> list[dict[str, str]]:
        """``metadata.links`` with only safe URLs clickable (others shown as text)."""
        links = (self.entity.get("metadata") or {}).get("links")
        result = []
        for link in links if isinstance(links, list) else []:
            if isinstance(link, dict) and isinstance(link.get("url"), str):
                title = link.get("title") if isinstance(link.get("title"), str) else ""
                icon = link.get("icon") if isinstance(link.get("icon"), str) else ""
                result.append({"url": link["url"], "href": safe_url(link["url"]),
                               "title": title or link["url"], "icon": icon})  # fmt: skip
        return result

    @property
    def errors(self) -> list[dict[str, Any]]:
        """Processing errors: the entity keeps its last good state while they last."""
        return [e for e in self.row.errors if isinstance(e, dict)]

    @property
    def last_refreshed(self) -> datetime | None:
        location = self.row.location
        return location.last_success_at if location else None

    @property
    def owned(self) -> list[tuple[str, int]]:
        return owned_counts(self.summary)

    @property
    def picture(self) -> str:
        profile = (self.entity.get("spec") or {}).get("profile")
        return safe_url(profile.get("picture")) if isinstance(profile, dict) else ""

    @property
    def email(self) -> str:
        profile = (self.entity.get("spec") or {}).get("profile")
        email = profile.get("email") if isinstance(profile, dict) else ""
        return email if isinstance(email, str) else ""

    @property
    def domain(self) -> str:
        if self.summary.kind.lower() != "system":
            return ""
        domains = [r for r in self.summary.relations.get("partOf", ()) if r.startswith("domain:")]
        return domains[0] if domains else ""


def find_entity(namespace: str, kind: str, name: str) -> Entity | None:
    """The served entity row (with its location) at this address, any casing."""
    ref = f"{kind}:{namespace}/{name}".lower()
    # The authored and processed copies are large and only refreshes read them.
    rows = Entity.objects.served().select_related("location").defer(
        "authored", "processed_json", "location__file_hashes", "location__problems"
    )
    return rows.filter(ref=ref).first()


def load_entity_page(row: Entity, *, with_cards: bool = True) -> EntityPage:
    """The page data of ``row``; the relation cards (one more query) only when shown."""
    entity = json.loads(row.final_json)
    page = EntityPage(row=row, entity=entity, summary=summarize(entity))
    if with_cards:
        cards = cards_for(page.summary.kind)
        page.cards = filled(page.summary, cards, summaries_by_ref(shown_refs(page.summary, cards)))
    return page
