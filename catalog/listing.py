"""The catalog index and the APIs explorer: filters read from the URL, one page of
entities, and the filters' options with counts.

Every filter is a semi-join on the indexed field table (the API's ``filter=``
machinery), sorting walks the field index in value order, and counts and facets come
from the index alone, so a page costs about the same at 100,000 entities as at 100.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import QueryDict

from catalog.api.facets import facet_counts_json
from catalog.api.filters import filter_condition
from catalog.api.ordering import page_by_one_field
from catalog.api.query import full_text_hits
from catalog.health import ORPHANS, WITH_ERRORS
from catalog.lookup import entities_by_ids
from catalog.models import Entity, EntityField
from catalog.summaries import EntitySummary, ref_parts, summarize

__all__ = ["FACETS", "SORTS", "STATUSES", "Listing", "facet_options", "kind_options",
           "listing_page", "status_options", "text_words"]  # fmt: skip

#: URL parameter -> indexed field, for the filters shown beside the table.
FACETS = {
    "type": "spec.type",
    "owner": "relations.ownedby",
    "lifecycle": "spec.lifecycle",
    "tag": "metadata.tags",
    "namespace": "metadata.namespace",
    "system": "spec.system",
}
#: The processing-status filter: URL value -> (label, condition on the entity row).
#: Each condition has its own partial index (migrations 0008 and 0010).
STATUSES = {"errors": ("Has errors", WITH_ERRORS), "orphan": ("Orphan", ORPHANS)}
#: Sortable column -> indexed field.
SORTS = {
    "name": "metadata.name",
    "kind": "kind",
    "system": "spec.system",
    "owner": "spec.owner",
    "type": "spec.type",
    "lifecycle": "spec.lifecycle",
    "description": "metadata.description",
    "tags": "metadata.tags",
}
#: Fields the text filter looks in (a trigram index covers them on PostgreSQL:
#: migration 0009; a test keeps the two in step).
TEXT_FIELDS = ["metadata.name", "metadata.title", "metadata.description", "metadata.tags",
               "spec.profile.displayname"]  # fmt: skip
PAGE_SIZES = (25, 50, 100)
MAX_TEXT = 200
#: Words of a text filter that are looked for (the rest are ignored).
MAX_WORDS = 10
#: Values a filter lists (the most common first); chosen values are always listed.
MAX_OPTIONS = 100
MAX_PAGE = 100_000


def _positive(value: str | None, default: int, maximum: int) -> int:
    try:
        number = int(value or "")
    except ValueError:
        return default
    return min(max(number, 1), maximum)


def text_words(text: str) -> list[str]:
    """The words of a text filter, each looked for on its own and in any order, as
    Backstage's catalog page does (``main artist`` finds "Artist main website")."""
    return list(dict.fromkeys(text.lower().split()))[:MAX_WORDS]


def _chosen(params: QueryDict) -> dict[str, list[str]]:
    """The chosen values of each filter (at most 20 per filter, each bounded)."""
    chosen = {name: [v[:200] for v in params.getlist(name) if v][:20] for name in FACETS}
    return {name: values for name, values in chosen.items() if values}


@dataclass
class Listing:
    """What the visitor asked for, as read from the URL (bad values fall back to
    defaults rather than failing: these URLs are typed and shared by people)."""

    kind: str = "component"
    chosen: dict[str, list[str]] = field(default_factory=dict)
    text: str = ""
    statuses: list[str] = field(default_factory=list)
    mine: bool = False
    starred: bool = False
    sort: str = "name"
    descending: bool = False
    page: int = 1
    size: int = PAGE_SIZES[0]

    @classmethod
    def from_params(cls, params: QueryDict, default_kind: str = "component") -> Listing:
        sort = params.get("sort", "name")
        descending = sort.startswith("-")
        sort = sort.lstrip("-")
        size = _positive(params.get("size"), PAGE_SIZES[0], PAGE_SIZES[-1])
        return cls(
            kind=params.get("kind", default_kind).strip().lower()[:63],
            chosen=_chosen(params),
            text=params.get("q", "").strip().lower()[:MAX_TEXT],
            statuses=[s for s in STATUSES if s in params.getlist("status")],
            mine=params.get("show") == "owned",
            starred=params.get("show") == "starred",
            sort=sort if sort in SORTS else "name",
            descending=descending and sort in SORTS,
            page=_positive(params.get("page"), 1, MAX_PAGE),
            size=size if size in PAGE_SIZES else PAGE_SIZES[0],
        )

    def is_chosen(self, name: str, value: str) -> bool:
        return value.lower() in {v.lower() for v in self.chosen.get(name, [])}


def _with_status(statuses: list[str]) -> QuerySet[Entity]:
    """Ids of the entities in any of ``statuses``: one subquery per status, each read
    from its own small partial index, united. As a condition on the entity row next
    to ``kind``, SQLite would walk every entity of the kind instead."""
    first, *others = [Entity.objects.filter(STATUSES[status][1]).values("pk")
                      for status in statuses]  # fmt: skip
    return first.union(*others) if others else first


def _condition(listing: Listing, my_refs: list[str], starred: list[str]) -> Q:
    filters = {FACETS[name]: {v.lower() for v in values} for name, values in listing.chosen.items()}
    if listing.kind:
        filters["kind"] = {listing.kind}
    condition = filter_condition([filters]) if filters else Q()
    if listing.mine:
        owned = EntityField.objects.filter(key="relations.ownedby",
                                           value__in=[r.lower() for r in my_refs])  # fmt: skip
        condition &= Q(pk__in=owned.values("entity_id"))
    if listing.starred:
        condition &= Q(ref__in=starred)
    if listing.statuses:
        condition &= Q(pk__in=_with_status(listing.statuses))
    if listing.text:
        condition &= full_text_hits(text_words(listing.text), TEXT_FIELDS)
    return condition


@dataclass
class Page:
    """One page of the table."""

    rows: list[EntitySummary]
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def last_index(self) -> int:
        return (self.number - 1) * self.size + len(self.rows)


def listing_page(listing: Listing, my_refs: list[str], starred: list[str]) -> Page:
    """The rows of the requested page and the number of matching entities."""
    condition = _condition(listing, my_refs, starred)
    if (listing.mine and not my_refs) or (listing.starred and not starred):
        return Page([], 0, 1, listing.size)
    matching = Entity.objects.served().filter(condition)
    total = matching.count()
    pages = max(1, -(-total // listing.size))
    number = min(listing.page, pages)
    start = (number - 1) * listing.size
    ids = page_by_one_field(matching, (SORTS[listing.sort], listing.descending),
                            start, start + listing.size)  # fmt: skip
    return Page([summarize(e) for e in entities_by_ids(ids)], total, number, listing.size)


def facet_options(listing: Listing) -> dict[str, list[dict[str, Any]]]:
    """Each filter's values with their counts among entities of the chosen kind (not
    narrowed by the other filters, so choosing one never hides the others' options),
    the chosen ones marked."""
    matching = Entity.objects.filter(kind=listing.kind) if listing.kind else None
    body = facet_counts_json(list(FACETS.values()), matching, ["page-kind", listing.kind])
    counts = json.loads(body)["facets"]
    options = {}
    for name, key in FACETS.items():
        values = sorted(counts.get(key, []), key=lambda v: (-v["count"], v["value"].lower()))
        marked = [{**v, **_label(name, v["value"]), "selected": listing.is_chosen(name, v["value"])}
                  for v in values]  # fmt: skip
        shown = [v for i, v in enumerate(marked) if i < MAX_OPTIONS or v["selected"]]
        options[name] = {"values": shown, "hidden": len(marked) - len(shown)}
    return options


def _label(facet: str, value: str) -> dict[str, str]:
    """How a filter value is shown: owners by name with their kind beside it, so that
    the Group ``guest`` (what a bare ``spec.owner: guest`` means) and the User
    ``user:guest`` are told apart; other values as they are."""
    if facet != "owner":
        return {"label": value, "kind": ""}
    kind, namespace, name = ref_parts(value)
    return {"label": name if namespace == "default" else f"{namespace}/{name}",
            "kind": kind.lower()}  # fmt: skip


def status_options(listing: Listing) -> list[dict[str, Any]]:
    """The processing-status filter's values with their counts among served entities
    of the chosen kind (those with none left out unless chosen), in one query that
    reads only the two small indexes."""
    matching = Entity.objects.served().filter(pk__in=_with_status(list(STATUSES)))
    if listing.kind:
        matching = matching.filter(kind=listing.kind)
    counts = matching.aggregate(**{name: Count("pk", filter=condition)
                                   for name, (_, condition) in STATUSES.items()})  # fmt: skip
    return [{"value": name, "label": label, "count": counts[name],
             "selected": name in listing.statuses}
            for name, (label, _) in STATUSES.items()
            if counts[name] or name in listing.statuses]  # fmt: skip


def kind_options() -> list[dict[str, Any]]:
    """Every kind in the catalog with its number of entities."""
    body = facet_counts_json(["kind"], None, ["page-kinds"])
    return json.loads(body)["facets"]["kind"]
