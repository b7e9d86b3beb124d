"""A full rebuild of the index from every registered collator.

Each type is rebuilt in one transaction (searches keep seeing the old documents until
it commits), written in batches of :data:`~portal.search.index.BATCH`, with progress
reported per batch. Only what changed is written (see :func:`portal.search.index.save`),
then the documents no collator produced any more are deleted. The vocabulary is then
recomputed from the engine's own index in one statement (words no document has any
more stop being offered as corrections), which is much cheaper than learning each
batch's words.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from portal.plugins import search_collators
from portal.search import index
from portal.search.engines import engine
from portal.search.models import SearchDocument

__all__ = ["rebuild"]

Progress = Callable[[str, int], None]


def rebuild(types: list[str] | None = None, progress: Progress | None = None, *,
            force: bool = False) -> dict[str, int]:  # fmt: skip
    """Rebuild the documents of ``types`` (every registered type by default); return
    how many documents each type has now. ``force``: rewrite unchanged documents too.
    Unknown types raise ``ValueError``."""
    collators = {collator.type: collator for collator in search_collators()}
    chosen = types or list(collators)
    unknown = sorted(set(chosen) - set(collators))
    if unknown:
        raise ValueError(f"unknown search type(s) {', '.join(unknown)}; "
                         f"known: {', '.join(collators) or 'none'}")  # fmt: skip
    counts = {}
    with transaction.atomic():
        if not types:
            index.delete(SearchDocument.objects.exclude(type__in=list(collators)))
        for name in chosen:
            gone = dict(SearchDocument.objects.filter(type=name).values_list("key", "pk"))
            counts[name] = 0
            for batch in index.batches(collators[name].collect()):
                counts[name] += index.save(batch, learn=False, force=force)
                for document in batch:
                    gone.pop(document.key, None)
                if progress:
                    progress(name, counts[name])
            for pks in index.batches(gone.values()):
                index.delete(SearchDocument.objects.filter(pk__in=pks))
        engine().refresh_vocabulary()
    return counts
