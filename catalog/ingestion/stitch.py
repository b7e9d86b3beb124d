"""Stitching: the served form of an entity, and its etag.

Final entity = processed entity + ``metadata.uid`` + every relation whose source is
this entity, whoever emitted it (sorted by type then target, without duplicates) +
``status.items`` for processing errors + ``backstage.io/orphan`` when its location no
longer lists it. The etag is the SHA-1 of the stable serialisation, so it changes
exactly when the served entity changes (as in Backstage).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

__all__ = ["PROCESSING_STATUS_TYPE", "dumps", "stitch"]

PROCESSING_STATUS_TYPE = "backstage.io/catalog-processing"
ORPHAN_ANNOTATION = "backstage.io/orphan"


def dumps(value: Any) -> str:
    """Compact JSON in the value's own key order: stable bytes for hashing and storage
    (the same input always builds the same order). Keys are not sorted: an entity is
    served as authored, as Backstage serves it, and a Template's form lists its
    properties in the order its author wrote them."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def stitch(
    processed: dict[str, Any],
    *,
    uid: str,
    relations: Iterable[tuple[str, str]],
    errors: list[dict[str, Any]],
    orphan: bool,
) -> tuple[dict[str, Any], str]:
    """Return ``(final entity, etag)``. ``processed`` is not modified."""
    final = json.loads(dumps(processed))
    metadata = final["metadata"]
    metadata["uid"] = uid
    metadata.pop("etag", None)
    if orphan:
        metadata.setdefault("annotations", {})[ORPHAN_ANNOTATION] = "true"
    final["relations"] = [
        {"type": kind, "targetRef": target} for kind, target in sorted(set(relations))
    ]
    if errors:
        final["status"] = {"items": [_status_item(error) for error in errors]}
    etag = hashlib.sha1(dumps(final).encode(), usedforsecurity=False).hexdigest()
    metadata["etag"] = etag
    return final, etag


def _status_item(error: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": PROCESSING_STATUS_TYPE,
        "level": "error",
        "message": f"{error['name']}: {error['message']}",
        "error": {"name": error["name"], "message": error["message"]},
    }
