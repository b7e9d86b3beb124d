"""The catalog's search documents: one per served entity, kept current by the writes.

A document holds what people search an entity by: its name, title (or a User's
display name), description, tags, kind, type, owner, lifecycle, system, the
annotations its authors wrote (not the catalog's own bookkeeping, whose file paths
would match every query) and its links; a Template's also holds its form's step and
field titles. Orphans and entities with errors are demoted, not hidden. The stitcher
indexes every entity whose served form it changes, in the same transaction; deletions
remove theirs; ``manage.py search rebuild`` collects them all (:func:`collect`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.db.models import Q

from catalog.ingestion.annotate import MANAGED_BY, MANAGED_BY_ORIGIN
from catalog.models import Entity
from catalog.summaries import short_ref, summarize
from catalog.visibility import current_condition
from portal.plugins import IndexDocument, index_search_documents, remove_search_documents

__all__ = ["TYPE", "collect", "entity_document", "index_entities", "remove_entities"]

TYPE = "software-catalog"
#: Annotations the catalog itself writes: locations, not words anyone searches.
BOOKKEEPING = {MANAGED_BY, MANAGED_BY_ORIGIN, "backstage.io/orphan"}
COLLECT_CHUNK = 1000


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _parameter_titles(spec: Mapping[str, Any]) -> str:
    """A template's form: each step's title and its fields' titles."""
    steps = spec.get("parameters")
    steps = steps if isinstance(steps, list) else [steps] if isinstance(steps, dict) else []
    titles = []
    for step in steps:
        step = _mapping(step)
        titles.append(_text(step.get("title")))
        titles += [_text(_mapping(prop).get("title"))
                   for prop in _mapping(step.get("properties")).values()]  # fmt: skip
    return " ".join(title for title in titles if title)


def entity_document(entity: Mapping[str, Any]) -> IndexDocument:
    """The search document of a served entity (its final JSON as a dict)."""
    summary = summarize(entity)
    metadata, spec = _mapping(entity.get("metadata")), _mapping(entity.get("spec"))
    annotations = _mapping(metadata.get("annotations"))
    links = [_mapping(link) for link in metadata.get("links") or []]
    owners = [short_ref(ref, default_kind="group") for ref in summary.owners]
    fields = {
        "name": summary.name,
        "title": summary.title,
        "tags": " ".join(summary.tags),
        "kind": summary.kind,
        "type": summary.type,
        "owner": " ".join(owners),
        "system": short_ref(summary.system) if summary.system else "",
        "lifecycle": summary.lifecycle,
        "text": summary.description,
        "parameters": _parameter_titles(spec) if summary.kind == "Template" else "",
        "annotations": " ".join(
            f"{key} {_text(value)}" for key, value in annotations.items() if key not in BOOKKEEPING
        ),
        "links": " ".join(f"{_text(link.get('title'))} {_text(link.get('url'))}" for link in links),
    }
    orphan = annotations.get("backstage.io/orphan") == "true"
    return IndexDocument(
        type=TYPE, key=summary.ref, group=summary.ref, title=summary.label, location=summary.path,
        fields=fields, text=summary.description, kind=summary.kind,
        owner=owners[0] if owners else "", lifecycle=summary.lifecycle,
        namespace=summary.namespace, tags=list(summary.tags),
        demoted=orphan or summary.error_count > 0)  # fmt: skip


def index_entities(entities: Iterable[Mapping[str, Any]]) -> int:
    """Index these served entities (call it in the transaction that wrote them)."""
    return index_search_documents(map(entity_document, entities))


def remove_entities(refs: Iterable[str]) -> int:
    """Remove the documents of the entities ``refs`` (deleted from the catalog)."""
    return remove_search_documents(TYPE, refs)


def collect() -> Iterator[IndexDocument]:
    """Every served entity's document, read in chunks in id order."""
    last = 0
    while True:
        rows = list(Entity.objects.served().filter(pk__gt=last).order_by("pk")
                    .values_list("pk", "final_json")[:COLLECT_CHUNK])  # fmt: skip
        if not rows:
            return
        last = rows[-1][0]
        yield from (entity_document(json.loads(final)) for _, final in rows)


def visible_documents(user: Any) -> Q | None:
    """A search filter (``portal.plugins.register_search_filter``): leave out the
    documents of entities the current request may not see, and their docs pages
    (grouped by the entity's ref), as their pages answer 404. None when nothing is
    hidden."""
    condition = current_condition()
    if condition is None:
        return None
    return ~Q(group__in=Entity.objects.exclude(condition).values("ref"))
