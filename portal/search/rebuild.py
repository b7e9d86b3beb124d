"""A full rebuild of the index from every registered collator.

Each type is rebuilt in one transaction (searches keep seeing the old documents until
it commits), written in batches of :data:`~portal.search.index.BATCH`, with progress
reported per batch. A rebuild of every type also starts the vocabulary afresh, so words
no document has any more stop being offered as corrections.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import islice

from django.db import transaction

from portal.plugins import SearchCollator, search_collators
from portal.search import index
from portal.search.models import SearchDocument, SearchTerm

__all__ = ["rebuild"]

Progress = Callable[[str, int], None]


def _batches(collator: SearchCollator) -> Iterator[list]:
    documents = iter(collator.collect())
    while batch := list(islice(documents, index.BATCH)):
        yield batch


def rebuild(types: list[str] | None = None, progress: Progress | None = None) -> dict[str, int]:
    """Rebuild the documents of ``types`` (every registered type by default); return
    how many documents each type has now. Unknown types raise ``ValueError``."""
    collators = {collator.type: collator for collator in search_collators()}
    chosen = types or list(collators)
    unknown = sorted(set(chosen) - set(collators))
    if unknown:
        raise ValueError(f"unknown search type(s) {', '.join(unknown)}; "
                         f"known: {', '.join(collators) or 'none'}")  # fmt: skip
    counts = {}
    with transaction.atomic():
        if not types:
            SearchDocument.objects.exclude(type__in=list(collators)).delete()
            SearchTerm.objects.all().delete()
        for name in chosen:
            SearchDocument.objects.filter(type=name).delete()
            counts[name] = 0
            for batch in _batches(collators[name]):
                counts[name] += index.save(batch)
                if progress:
                    progress(name, counts[name])
    return counts
