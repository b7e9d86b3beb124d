"""Writing the index: documents in, documents out, in batches.

Collators call :func:`save` in the transaction (or job) that changed what a document
describes, so a search never sees an entity the catalog no longer has. A saved
document replaces the one with the same ``type`` and ``key``: its scanned row, its
body and its tags; the engines' full-text indexes follow by themselves (see
:mod:`portal.search.models`). Every call is a fixed
number of queries per batch of :data:`BATCH` documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from django.db import transaction
from django.db.models import QuerySet

from portal.search.documents import FIELDS, IndexDocument
from portal.search.models import SearchBody, SearchDocument, SearchTag, SearchTerm
from portal.search.text import joined

__all__ = ["BATCH", "batches", "delete", "remove", "remove_groups", "save"]

BATCH = 500
_LIMITS = {"type": 40, "key": 1000, "group": 300}


def batches(items: Iterable, size: int = BATCH) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _check(document: IndexDocument) -> None:
    for name, limit in _LIMITS.items():
        value = getattr(document, name)
        if not isinstance(value, str) or (name != "group" and not value) or len(value) > limit:
            raise ValueError(f"search document {document.key!r}: {name} must be a "
                             f"{'non-empty ' if name != 'group' else ''}string of at most "
                             f"{limit} characters")  # fmt: skip
    unknown = set(document.fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"search document {document.key!r}: unknown fields {sorted(unknown)}; "
                         f"fields are {', '.join(FIELDS)}")  # fmt: skip


def _rows(document: IndexDocument) -> tuple[SearchDocument, SearchBody]:
    """The scanned row and the body of ``document`` (the body's document is set once
    the row has its id)."""
    indexed = {name: words for name, text in document.fields.items() if (words := joined(text))}
    row = SearchDocument(
        type=document.type, key=document.key, group=document.group,
        title=document.title[:500], location=document.location[:1200],
        kind=document.kind[:63], owner=document.owner[:200],
        lifecycle=document.lifecycle[:63], namespace=document.namespace[:63],
        name_key=indexed.get("name", "")[:300], words=indexed,
        tags=_tags(document), demoted=document.demoted)  # fmt: skip
    return row, SearchBody(fields=indexed, text=document.text)


def _tags(document: IndexDocument) -> list[str]:
    return sorted({str(tag)[:63].lower() for tag in document.tags if tag})


def save(documents: Iterable[IndexDocument], *, learn: bool = True) -> int:
    """Store ``documents``, replacing those with the same type and key; return how
    many were stored. A document that is not well formed raises ``ValueError`` before
    anything of its batch is written. ``learn``: add their words to the vocabulary
    (a rebuild refreshes the whole vocabulary at its end instead)."""
    stored = 0
    for batch in batches(documents):
        for document in batch:
            _check(document)
        latest = {(doc.type, doc.key): doc for doc in batch}  # the last one of a key wins
        with transaction.atomic():
            _delete_keys(latest)
            pairs = [_rows(doc) for doc in latest.values()]
            rows = SearchDocument.objects.bulk_create([row for row, _ in pairs])
            for row, body in pairs:
                body.document = row
            SearchBody.objects.bulk_create(body for _, body in pairs)
            SearchTag.objects.bulk_create(SearchTag(document=row, tag=tag)
                                          for row in rows for tag in row.tags)  # fmt: skip
            if learn:
                _learn_words([body for _, body in pairs])
        stored += len(rows)
    return stored


def _delete_keys(latest: dict[tuple[str, str], IndexDocument]) -> None:
    by_type: dict[str, list[str]] = {}
    for kind, key in latest:
        by_type.setdefault(kind, []).append(key)
    for kind, keys in by_type.items():
        delete(SearchDocument.objects.filter(type=kind, key__in=keys))


def delete(documents: QuerySet) -> int:
    """Delete ``documents``, their bodies and tags in three statements; return how many."""
    SearchTag.objects.filter(document__in=documents.values("pk")).delete()
    SearchBody.objects.filter(document__in=documents.values("pk")).delete()
    return documents.delete()[0]


def _learn_words(bodies: list[SearchBody]) -> None:
    """Add the words of ``bodies`` to the vocabulary (typo correction's candidates). One
    insert that skips known words: asking first which are known was a list of
    thousands of parameters, which PostgreSQL compares row by row with every one."""
    vocabulary = {word for body in bodies for text in body.fields.values()
                  for word in text.split()}  # fmt: skip
    SearchTerm.objects.bulk_create([SearchTerm(word=word) for word in sorted(vocabulary)],
                                   ignore_conflicts=True, batch_size=BATCH * 4)  # fmt: skip


def remove(type: str, keys: Iterable[str]) -> int:
    """Remove the documents of ``type`` with these keys; return how many there were."""
    return sum(delete(SearchDocument.objects.filter(type=type, key__in=batch))
               for batch in batches(keys))


def remove_groups(type: str, groups: Iterable[str]) -> int:
    """Remove every document of ``type`` in these groups (a docs site's sections)."""
    return sum(delete(SearchDocument.objects.filter(type=type, group__in=batch))
               for batch in batches(groups))
