"""Served entity JSON for list responses, through a per-process cache keyed by etag.

A list of 2,000 entities is 3 MB of JSON; reading it from the database and turning it
into a response costs most of the request. An entity's etag is the SHA-1 of its
served form, so JSON cached under an etag can never be stale: each request reads only
the (id, etag) pairs of its rows, which is cheap, and fetches the JSON of the etags
this process has not seen (new or changed entities) in one query. The cache is
bounded in bytes and evicts the least recently used documents.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable

from django.db import connection
from django.db.models import QuerySet

from catalog.ingestion.writer import chunks
from catalog.models import Entity

__all__ = ["CACHE", "ByteCache", "served_by_id", "served_json", "warm", "warm_in_background"]

log = logging.getLogger(__name__)

#: Bytes of served JSON each web process keeps (the whole of a 10,000-entity catalog).
CACHE_BYTES = 32 * 1024 * 1024


class ByteCache:
    """key -> bytes, least recently used first out, at most ``limit`` bytes in all."""

    def __init__(self, limit: int) -> None:
        self.limit, self.size = limit, 0
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            data = self._items.get(key)
            if data is not None:
                self._items.move_to_end(key)
            return data

    def get_many(self, keys: list[str]) -> list[bytes | None]:
        """``get`` for many keys under one lock (thousands per list request)."""
        with self._lock:
            found = [self._items.get(key) for key in keys]
            for key, data in zip(keys, found, strict=True):
                if data is not None:
                    self._items.move_to_end(key)
            return found

    def put(self, key: str, data: bytes) -> None:
        if len(data) > self.limit:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = data
            self.size += len(data)
            while self.size > self.limit:
                _, evicted = self._items.popitem(last=False)
                self.size -= len(evicted)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = 0


CACHE = ByteCache(CACHE_BYTES)


def served_by_id(rows: QuerySet[Entity] | Iterable[tuple[int, str]]) -> dict[int, bytes]:
    """Entity id -> served JSON for ``rows`` of (entity id, etag) pairs, in their order;
    an entity deleted since its etag was read is left out."""
    pairs = list(rows)
    found = dict(zip((pk for pk, _ in pairs), CACHE.get_many([e for _, e in pairs]), strict=True))
    missing = [pk for pk, data in found.items() if data is None]
    for batch in chunks(missing):
        stored = Entity.objects.filter(pk__in=batch).values_list("pk", "etag", "final_json")
        for pk, etag, text in stored:
            # The entity may have changed since its etag was read: serve what is
            # stored now, cached under the etag it has now.
            found[pk] = data = text.encode()
            if etag:
                CACHE.put(etag, data)
    return {pk: data for pk, data in found.items() if data}


def served_json(rows: QuerySet[Entity] | Iterable[tuple[int, str]]) -> list[bytes]:
    """The served JSON of ``rows`` of (entity id, etag) pairs, in their order."""
    return list(served_by_id(rows).values())


def warm() -> int:
    """Fill the cache with served JSON in entity order until it is full; return how many
    entities were loaded. A web worker that just started then answers its first large
    list as fast as its hundredth."""
    loaded = 0
    rows = Entity.objects.served().order_by("pk").values_list("etag", "final_json")
    for etag, text in rows.iterator(chunk_size=1000):
        data = text.encode()
        if CACHE.size + len(data) > CACHE.limit:
            break
        CACHE.put(etag, data)
        loaded += 1
    return loaded


def warm_in_background() -> None:
    """``warm`` in a daemon thread (web workers call this once, at start)."""

    def run() -> None:
        try:
            log.info("served JSON cache warmed with %d entities", warm())
        except Exception:  # a cold cache is only slower: never stop a worker for it
            log.warning("could not warm the served JSON cache", exc_info=True)
        finally:
            connection.close()

    threading.Thread(target=run, name="warm-served-json", daemon=True).start()
