"""How Backstage's catalog flattens an entity into search-index keys.

Scalars sit under their dotted path; each array item under the array's path, and a
string item also gives ``<path>.<item>`` (so ``metadata.tags.java`` can be filtered
on). ``relations``, ``status``, ``attachments`` and ``metadata.etag`` are not
flattened. Both the field index (``catalog.ingestion.search_fields``) and the
validation rule against keys that differ only in casing walk entities this way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["UNINDEXED", "leaves"]

UNINDEXED = frozenset({"attachments", "relations", "status", "metadata.etag"})


def leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any, bool]]:
    """Yield ``(key, value, is_item_key)``; ``is_item_key`` marks ``<path>.<item>`` keys."""
    if path in UNINDEXED:
        return
    if value is None or isinstance(value, str | int | float | bool):
        yield path, value, False
    elif isinstance(value, list):
        for item in value:
            yield from leaves(item, path)
            if isinstance(item, str):
                yield f"{path}.{item}", True, True
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from leaves(child, f"{path}.{key}" if path else str(key))
