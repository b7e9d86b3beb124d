"""The annotations the catalog adds to every entity it reads.

``backstage.io/managed-by-location`` (the file the entity was read from) and
``backstage.io/managed-by-origin-location`` (the registered root location) are always
set, overriding anything written in the file, because conflict detection and
unregistering rely on them. For URL locations the source, view and edit links are
added unless the author set their own; ``javascript:`` links are replaced, as
Backstage does, so a page can never render an executable link from catalog data.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["REJECTED_URL", "annotate"]

MANAGED_BY = "backstage.io/managed-by-location"
MANAGED_BY_ORIGIN = "backstage.io/managed-by-origin-location"
REJECTED_URL = "https://backstage.io/annotation-rejected-for-security-reasons"
_COMMIT_SHA = re.compile(r"/[0-9a-f]{40,}/")
_GITHUB_BLOB = re.compile(r"^(https://[^/]+/[^/]+/[^/]+)/blob/")


def annotate(entity: dict[str, Any], location_key: str, origin_key: str) -> dict[str, Any]:
    """Return ``entity`` with the catalog's location annotations (``entity`` itself is
    not modified; only the containers on the way to the annotations are copied)."""
    annotations = dict(entity["metadata"].get("annotations") or {})
    result = {**entity, "metadata": {**entity["metadata"], "annotations": annotations}}
    location_type, _, target = location_key.partition(":")
    if location_type == "url":
        defaults = {
            "backstage.io/view-url": target,
            "backstage.io/source-location": f"url:{target.rsplit('/', 1)[0]}/",
        }
        if not _COMMIT_SHA.search(target):
            defaults["backstage.io/edit-url"] = _GITHUB_BLOB.sub(r"\1/edit/", target)
        for key, value in defaults.items():
            annotations.setdefault(key, value)
    for key in ("backstage.io/view-url", "backstage.io/edit-url"):
        value = annotations.get(key)
        if isinstance(value, str) and value.strip().lower().startswith("javascript:"):
            annotations[key] = REJECTED_URL
    annotations[MANAGED_BY] = location_key
    annotations[MANAGED_BY_ORIGIN] = origin_key
    return result
