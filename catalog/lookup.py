"""Served entities for pages, read in batches through the API's served-JSON cache."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from catalog.api.served import served_by_id
from catalog.ingestion.writer import chunks
from catalog.models import Entity
from catalog.summaries import EntitySummary, summarize

__all__ = ["entities_by_ids", "summaries_by_ref"]


def entities_by_ids(rows: Iterable[tuple[int, str]]) -> list[dict[str, Any]]:
    """The served entities of (id, etag) pairs, in their order."""
    return [json.loads(data) for data in served_by_id(rows).values()]


def summaries_by_ref(refs: Iterable[str]) -> dict[str, EntitySummary]:
    """Summaries of the entities named by ``refs`` (any casing) that exist, by canonical
    ref: one query per thousand refs plus cache misses, whatever the page shows."""
    wanted = sorted({ref.lower() for ref in refs})
    rows: list[tuple[int, str]] = []
    for batch in chunks(wanted):
        rows += Entity.objects.served().filter(ref__in=batch).values_list("pk", "etag")
    return {summary.ref: summary for summary in map(summarize, entities_by_ids(rows))}
