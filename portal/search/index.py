"""Writing the index: documents in, documents out, in batches.

Collators call :func:`save` in the transaction (or job) that changed what a document
describes, so a search never sees an entity the catalog no longer has. A saved
document replaces the one with the same ``type`` and ``key``: its scanned row, its
body and its tags; the engines' full-text indexes follow by themselves (see
:mod:`portal.search.models`). Every call is a fixed
number of queries per batch of :data:`BATCH` documents.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice

from django.db import transaction
from django.db.models import QuerySet

from portal.search.documents import FIELDS, IndexDocument
from portal.search.models import SearchBody, SearchDocument, SearchTag, SearchTerm
from portal.search.text import joined

__all__ = ["BATCH", "batches", "delete", "remove", "remove_groups", "save"]

BATCH = 500
#: The scanned row's stored values, fingerprinted with the body's (see _digest).
DIGESTED = ("type", "key", "group", "title", "location", "kind", "owner", "lifecycle",
            "namespace", "name_key", "tags", "demoted")  # fmt: skip
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
    the row has its id; its digest says whether a stored copy is the same)."""
    indexed = {name: words for name, text in document.fields.items() if (words := joined(text))}
    row = SearchDocument(
        type=document.type, key=document.key, group=document.group,
        title=document.title[:500], location=document.location[:1200],
        kind=document.kind[:63], owner=document.owner[:200],
        lifecycle=document.lifecycle[:63], namespace=document.namespace[:63],
        name_key=indexed.get("name", "")[:300], words=indexed,
        tags=_tags(document), demoted=document.demoted)  # fmt: skip
    body = SearchBody(fields=indexed, text=document.text)
    body.digest = _digest(row, body)
    return row, body


def _digest(row: SearchDocument, body: SearchBody) -> str:
    """A fingerprint of everything stored for a document."""
    stored = [getattr(row, name) for name in DIGESTED] + [body.fields, body.text]
    return hashlib.blake2b(json.dumps(stored, sort_keys=True).encode(), digest_size=16).hexdigest()


def _tags(document: IndexDocument) -> list[str]:
    return sorted({str(tag)[:63].lower() for tag in document.tags if tag})


def save(documents: Iterable[IndexDocument], *, learn: bool = True, force: bool = False) -> int:
    """Store ``documents``, replacing those with the same type and key; return how
    many were given (their distinct keys). A document stored exactly so already is
    left alone (``force``: rewritten anyway): rewriting every row of an unchanged
    index (a rebuild) would leave the table twice its size, and a search reads all of
    it. A document that is not well formed raises ``ValueError`` before anything of
    its batch is written. ``learn``: add the written documents' words to the
    vocabulary (a rebuild refreshes the whole vocabulary at its end instead)."""
    given = 0
    for batch in batches(documents):
        for document in batch:
            _check(document)
        latest = {(doc.type, doc.key): _rows(doc) for doc in batch}  # the last of a key wins
        given += len(latest)
        with transaction.atomic():
            stored = _stored(latest)
            changed = {key: (row, body) for key, (row, body) in latest.items()
                       if force or stored.get(key, ("",))[0] != body.digest}  # fmt: skip
            replaced = [stored[key][1] for key in changed if key in stored]
            if replaced:
                delete(SearchDocument.objects.filter(pk__in=replaced))
            _insert(list(changed.values()))
            if learn:
                _learn_words([body for _, body in changed.values()])
    return given


def _stored(latest: Mapping[tuple[str, str], object]) -> dict[tuple[str, str], tuple[str, int]]:
    """(type, key) -> (digest, document id) of the stored copies of these documents."""
    by_type: dict[str, list[str]] = {}
    for kind, key in latest:
        by_type.setdefault(kind, []).append(key)
    found = {}
    for kind, keys in by_type.items():
        rows = SearchBody.objects.filter(document__type=kind, document__key__in=keys)
        for key, digest, pk in rows.values_list("document__key", "digest", "document_id"):
            found[(kind, key)] = (digest, pk)
    return found


def _insert(pairs: list[tuple[SearchDocument, SearchBody]]) -> None:
    rows = SearchDocument.objects.bulk_create([row for row, _ in pairs])
    for row, body in pairs:
        body.document = row
    SearchBody.objects.bulk_create(body for _, body in pairs)
    SearchTag.objects.bulk_create(SearchTag(document=row, tag=tag)
                                  for row in rows for tag in row.tags)  # fmt: skip


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
