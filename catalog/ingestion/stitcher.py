"""Rebuild the served form of entities whose content, relations or status changed.

Runs in chunks: one query for the entities, one for the relation rows whose source is
any of them, one bulk update, a delete plus bulk insert of their field-index rows, and
their search documents, in one transaction. An entity whose new etag equals the stored
one is not written at all.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction

from catalog.ingestion import served_version
from catalog.ingestion.bulk import insert_rows, update_rows
from catalog.ingestion.search_fields import search_rows
from catalog.ingestion.stitch import dumps, stitch
from catalog.ingestion.writer import chunks
from catalog.models import Entity, EntityField, Relation
from catalog.search import index_entities

__all__ = ["stitch_refs"]


def stitch_refs(refs: Iterable[str]) -> int:
    """Restitch the entities named by ``refs`` (unknown refs are skipped); return how
    many served entities changed."""
    changed = 0
    for batch in chunks(sorted(set(refs))):
        with transaction.atomic():
            changed += _stitch_batch(batch)
    return changed


def _stitch_batch(refs: list[str]) -> int:
    entities = list(Entity.objects.filter(ref__in=refs).only(
        "id", "ref", "uid", "processed_json", "errors", "orphan", "etag"))  # fmt: skip
    if not entities:
        return 0
    relations: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for source, kind, target in Relation.objects.filter(source_ref__in=refs).values_list(
        "source_ref", "type", "target_ref"
    ):
        relations[source].append((kind, target))
    updated, fields, finals = [], [], []
    for entity in entities:
        final, etag = stitch(json.loads(entity.processed_json), uid=str(entity.uid),
                             relations=relations[entity.ref], errors=entity.errors,
                             orphan=entity.orphan)  # fmt: skip
        if etag == entity.etag:
            continue
        entity.final_json, entity.etag = dumps(final), etag
        updated.append(entity)
        finals.append(final)
        fields += [(entity.pk, key, value, original) for key, value, original in search_rows(final)]
    if updated:
        update_rows(Entity, ("final_json", "etag"), [(e.final_json, e.etag, e.pk) for e in updated])
        EntityField.objects.filter(entity_id__in=[e.pk for e in updated]).delete()
        insert_rows(EntityField, ("entity", "key", "value", "original_value"), fields)
        index_entities(finals)
        served_version.changed()  # last in the transaction: see served_version
    return len(updated)
