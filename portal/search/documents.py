"""What collators hand the index: one :class:`IndexDocument` per searchable thing.

A document names itself by ``type`` (``software-catalog``, ``techdocs`` or a
plugin's own) and ``key`` (unique within the type), belongs to a ``group`` (what it is
removed with: an entity's documents, a docs site's sections), and carries its text in
the named :data:`FIELDS`, each with its weight in ranking. Facets (kind, owner,
lifecycle, namespace, tags) are what the search page filters and counts by.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["FIELDS", "PG_WEIGHTS", "IndexDocument"]

#: The indexed fields, most important first, with the weight a match in each adds to
#: a document's score (:mod:`portal.search.ranking`) and its PostgreSQL weight class.
FIELDS: Mapping[str, tuple[float, str]] = {
    "name": (10.0, "A"),
    "title": (8.0, "A"),
    "tags": (6.0, "B"),
    "kind": (3.0, "B"),
    "type": (3.0, "B"),
    "owner": (3.0, "B"),
    "system": (3.0, "B"),
    "lifecycle": (2.0, "C"),
    "text": (2.0, "C"),
    "parameters": (2.0, "C"),
    "annotations": (1.0, "D"),
    "links": (1.0, "D"),
}
PG_WEIGHTS = {name: weight for name, (_, weight) in FIELDS.items()}


@dataclass
class IndexDocument:
    """One searchable thing, as a collator describes it."""

    type: str
    key: str
    title: str
    location: str
    #: Raw text per field of FIELDS (unknown names are refused by the index).
    fields: dict[str, str]
    #: The text snippets are taken from (a description, a docs section's text).
    text: str = ""
    group: str = ""
    kind: str = ""
    owner: str = ""
    lifecycle: str = ""
    namespace: str = ""
    tags: list[str] = field(default_factory=list)
    #: Orphaned or erroring: ranked below its peers, never hidden.
    demoted: bool = False
