"""Flatten a served entity into lower-cased key/value rows for filtering and facets.

This reproduces the rows Backstage's catalog indexes (its ``search`` table), so the
same ``filter=`` strings select the same entities: scalars under their dotted path;
each array item under the array's path, plus ``<path>.<item> = true`` for string
items (so ``metadata.tags.java`` works as an existence filter); ``relations.<type> =
<targetRef>``; ``relations``, ``status``, ``attachments`` and ``metadata.etag`` are
not indexed. Keys longer than 200 characters are dropped, longer values are kept as
NULL (they only satisfy "key exists").
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["MAX_LENGTH", "search_rows"]

MAX_LENGTH = 200
_SKIPPED = frozenset({"attachments", "relations", "status", "metadata.etag"})


def search_rows(entity: Mapping[str, Any]) -> list[tuple[str, str | None, str | None]]:
    """Return ``(key, value, original_value)`` rows for ``entity``, without duplicates."""
    rows: dict[tuple[str, str | None], str | None] = {}
    for key, original in _leaves(entity):
        if len(key) > MAX_LENGTH:
            continue
        lowered_key = key.lower()
        text = _as_text(original)
        if text is not None and len(text) > MAX_LENGTH:
            text = None
        value = text.lower() if text is not None else None
        rows.setdefault((lowered_key, value), text)
    metadata = entity.get("metadata") or {}
    for extra_key, extra in (
        ("metadata.name", metadata.get("name")),
        ("metadata.namespace", metadata.get("namespace") or "default"),
        ("metadata.uid", metadata.get("uid")),
    ):
        if isinstance(extra, str):
            rows.setdefault((extra_key, extra.lower()), extra)
    for relation in entity.get("relations") or []:
        key = f"relations.{relation['type']}".lower()
        rows.setdefault((key, relation["targetRef"].lower()), relation["targetRef"])
    return [(key, value, original) for (key, value), original in rows.items()]


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if path in _SKIPPED:
        return
    if value is None or isinstance(value, str | int | float | bool):
        yield path, value
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item, path)
            if isinstance(item, str):
                yield f"{path}.{item}", True
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from _leaves(child, f"{path}.{key}" if path else str(key))


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
