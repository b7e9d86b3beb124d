"""Flatten a served entity into lower-cased key/value rows for filtering and facets.

This reproduces the rows Backstage's catalog indexes (its ``search`` table), so the
same ``filter=`` strings select the same entities: the keys of
``catalog.model.search_keys`` plus ``metadata.name``/``namespace``/``uid`` and
``relations.<type> = <targetRef>``. Keys longer than 200 characters are dropped,
longer values are kept as NULL (they only satisfy "key exists").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from catalog.model.search_keys import leaves

__all__ = ["MAX_LENGTH", "search_rows"]

MAX_LENGTH = 200


def search_rows(entity: Mapping[str, Any]) -> list[tuple[str, str | None, str | None]]:
    """Return ``(key, value, original_value)`` rows for ``entity``, without duplicates."""
    rows: dict[tuple[str, str | None], str | None] = {}
    for key, original, _ in leaves(entity):
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


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
