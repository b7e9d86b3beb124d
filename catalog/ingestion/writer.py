"""Write one read of a location to the database: in batches, skipping what did not change.

The writer compares what was read with what the location produced before (by content
hash), creates, updates, marks orphans or deletes them, and replaces the relation rows
of changed entities. It returns the refs whose served form may have changed, for the
stitcher. Every query works on chunks of entities, so the number of queries grows
with the number of chunks, never with the number of entities or fields.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

from catalog.ingestion import served_version
from catalog.ingestion.bulk import insert_rows, update_rows
from catalog.ingestion.stitch import dumps
from catalog.ingestion.tree import Emitted, Problem, TreeResult
from catalog.models import Entity, Location, Relation
from catalog.search import remove_entities

__all__ = ["CHUNK", "ChangeSummary", "chunks", "write_tree"]

CHUNK = 500
T = TypeVar("T")


@dataclass
class ChangeSummary:
    """What a refresh changed, for command output and job results."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    orphaned: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    restitch: set[str] = field(default_factory=set)

    def as_dict(self) -> dict[str, Any]:
        return {"added": len(self.added), "updated": len(self.updated),
                "unchanged": self.unchanged, "orphaned": len(self.orphaned),
                "deleted": len(self.deleted), "problems": len(self.problems)}  # fmt: skip


def chunks(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """Split ``items`` into lists of at most ``size``."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def write_tree(location: Location, tree: TreeResult, *, orphan_strategy: str) -> ChangeSummary:
    """Apply ``tree`` to the entities of ``location``."""
    summary = ChangeSummary(problems=list(tree.problems))
    existing = {row["ref"]: row for row in Entity.objects.filter(location=location).values(
        "id", "ref", "content_hash", "errors", "orphan", "location_key", "parent_ref")}  # fmt: skip
    emitted = _drop_conflicts(location, tree.entities, existing, summary)
    # Entities of files whose bytes did not change stand as they are.
    emitted_refs = {e.ref for e in emitted}
    kept = {ref for ref, row in existing.items()
            if row["location_key"] in tree.skipped_files and ref not in emitted_refs}  # fmt: skip
    summary.unchanged += len(kept)
    emitted_refs |= kept
    for batch in chunks(emitted):
        with transaction.atomic():
            _write_batch(location, batch, existing, tree.entity_errors, summary)
    _record_errors(tree, existing, emitted_refs, summary)
    gone = _orphans(tree, existing, emitted_refs)
    if orphan_strategy == "delete":
        _delete(gone, existing, summary)
    else:
        _mark_orphans(gone, existing, summary)
    return summary


def _drop_conflicts(location: Location, emitted: list[Emitted], existing: dict[str, Any],
                    summary: ChangeSummary) -> list[Emitted]:  # fmt: skip
    """The first location to provide a ref keeps it; later ones get a visible error."""
    new_refs = [e.ref for e in emitted if e.ref not in existing]
    taken: dict[str, str] = {}
    for batch in chunks(new_refs):
        taken.update(Entity.objects.filter(ref__in=batch).exclude(location=location)
                     .values_list("ref", "location_key"))  # fmt: skip
    for entity in emitted:
        if entity.ref in taken:
            summary.problems.append(Problem(
                entity.location_key,
                f"Entity {entity.ref} is already provided by {taken[entity.ref]}; it was "
                "not changed. Unregister that location (or remove the entity there) first.",
                entity=entity.ref, field="metadata.name"))  # fmt: skip
    return [e for e in emitted if e.ref not in taken]


def _write_batch(location: Location, batch: list[Emitted], existing: dict[str, Any],
                 entity_errors: dict[str, list[dict[str, str]]],
                 summary: ChangeSummary) -> None:  # fmt: skip
    creates, updates = [], []
    for item in batch:
        row = existing.get(item.ref)
        errors = entity_errors.get(item.ref, [])
        if row is None:
            creates.append(_new_entity(location, item, errors))
        elif row["content_hash"] != item.content_hash or row["errors"] != errors or row["orphan"]:
            updates.append((row["id"], item, errors))
        else:
            summary.unchanged += 1
    _insert_entities(creates)
    update_rows(Entity, _UPDATED, [_updated_row(item, errors, pk) for pk, item, errors in updates])
    summary.added += [e.ref for e in creates]
    summary.updated += [item.ref for _, item, _ in updates]
    by_ref = {item.ref: item for item in batch}
    changed = creates + [Entity(pk=pk, ref=item.ref) for pk, item, _ in updates]
    if changed:
        _replace_relations(changed, by_ref, summary)


def _new_entity(location: Location, item: Emitted, errors: list[dict[str, str]]) -> Entity:
    kind, _, rest = item.ref.partition(":")
    namespace, _, name = rest.partition("/")
    now = timezone.now()
    return Entity(uid=uuid.uuid4(), ref=item.ref, kind=kind, namespace=namespace, name=name,
                  location=location, location_key=item.location_key, parent_ref=item.parent_ref,
                  authored=item.authored, processed_json=dumps(item.entity),
                  content_hash=item.content_hash, errors=errors, orphan=False, final_json="",
                  etag="", created=now, updated=now)  # fmt: skip


_CREATED = ("uid", "ref", "kind", "namespace", "name", "location", "location_key", "parent_ref",
            "authored", "processed_json", "final_json", "etag", "content_hash", "errors",
            "orphan", "created", "updated")  # fmt: skip
_UPDATED = ("authored", "processed_json", "content_hash", "location_key", "parent_ref",
            "errors", "orphan", "updated")  # fmt: skip


def _insert_entities(entities: list[Entity]) -> None:
    """Insert new entities with one statement and read back their ids by ref."""
    insert_rows(Entity, _CREATED, [
        tuple(getattr(e, "location_id" if c == "location" else c) for c in _CREATED)
        for e in entities
    ])  # fmt: skip
    ids = dict(Entity.objects.filter(ref__in=[e.ref for e in entities]).values_list("ref", "id"))
    for entity in entities:
        entity.pk = ids[entity.ref]


def _updated_row(item: Emitted, errors: list[dict[str, str]], pk: int) -> tuple[Any, ...]:
    return (item.authored, dumps(item.entity), item.content_hash, item.location_key,
            item.parent_ref, errors, False, timezone.now(), pk)  # fmt: skip


def _replace_relations(changed: list[Entity], by_ref: dict[str, Emitted],
                       summary: ChangeSummary) -> None:  # fmt: skip
    ids = [e.pk for e in changed]
    old = Relation.objects.filter(originating_id__in=ids)
    summary.restitch.update(old.values_list("source_ref", flat=True).distinct())
    old.delete()
    rows = [
        (entity.pk, source, kind, target)
        for entity in changed
        for source, kind, target in by_ref[entity.ref].relations
    ]
    insert_rows(Relation, ("originating", "source_ref", "type", "target_ref"), rows)
    summary.restitch.update(row[1] for row in rows)
    summary.restitch.update(entity.ref for entity in changed)


def _record_errors(tree: TreeResult, existing: dict[str, Any], emitted_refs: set[str],
                   summary: ChangeSummary) -> None:  # fmt: skip
    """Entities whose document is now invalid keep their last good state, with the error."""
    for ref, errors in tree.entity_errors.items():
        row = existing.get(ref)
        if row is not None and ref not in emitted_refs and errors != row["errors"]:
            Entity.objects.filter(pk=row["id"]).update(errors=errors)
            summary.restitch.add(ref)


def _orphans(tree: TreeResult, existing: dict[str, Any], emitted_refs: set[str]) -> set[str]:
    """Refs this location no longer provides.

    An entity is gone when its file was read and no longer has it, or when the
    Location entity that listed its file was read and no longer lists it. Entities of
    files that failed, or below a Location that failed, are kept as they were. An
    entity whose document is now invalid is not gone: it keeps its last good state.
    """
    candidates = {ref: row for ref, row in existing.items()
                  if ref not in emitted_refs and ref not in tree.entity_errors}  # fmt: skip
    gone: set[str] = set()
    while True:
        more = {
            ref for ref, row in candidates.items()
            if ref not in gone and row["location_key"] not in tree.failed_files
            and (row["location_key"] in tree.read_files
                 or row["parent_ref"] in emitted_refs or row["parent_ref"] in gone)
        }  # fmt: skip
        if not more:
            return gone
        gone |= more


def _mark_orphans(gone: set[str], existing: dict[str, Any], summary: ChangeSummary) -> None:
    newly = [existing[ref]["id"] for ref in gone if not existing[ref]["orphan"]]
    for batch in chunks(newly):
        Entity.objects.filter(pk__in=batch).update(orphan=True)
    summary.orphaned = sorted(ref for ref in gone if not existing[ref]["orphan"])
    summary.restitch.update(summary.orphaned)


def _delete(gone: set[str], existing: dict[str, Any], summary: ChangeSummary) -> None:
    for refs in chunks(sorted(gone)):
        batch = [existing[ref]["id"] for ref in refs]
        with transaction.atomic():
            peers = Relation.objects.filter(originating_id__in=batch)
            summary.restitch.update(peers.values_list("source_ref", flat=True).distinct())
            Entity.objects.filter(pk__in=batch).delete()
            remove_entities(refs)
            served_version.changed()
    summary.deleted = sorted(gone)
    summary.restitch -= gone
