"""The catalog as a source for the portal's search box: entities whose name, title,
description or tags contain every word of the query (in any order, as the catalog
page's text filter), names matching best."""

from __future__ import annotations

from typing import Any

from catalog.api.query import full_text_hits
from catalog.listing import TEXT_FIELDS, text_words
from catalog.lookup import entities_by_ids
from catalog.models import Entity
from catalog.summaries import summarize
from portal.plugins import SearchResult

__all__ = ["MAX_RESULTS", "search_entities"]

MAX_RESULTS = 50


def search_entities(query: str, user: Any) -> list[SearchResult]:
    """Up to MAX_RESULTS entities matching ``query``; an exact name scores highest."""
    term, words = query.strip().lower(), text_words(query)
    if not words:
        return []
    matching = Entity.objects.served().filter(full_text_hits(words, TEXT_FIELDS))
    rows = matching.order_by("name").values_list("pk", "etag")[:MAX_RESULTS]
    results = []
    for summary in map(summarize, entities_by_ids(rows)):
        name = summary.name.lower()
        score = 3.0 if name == term else 2.0 if name.startswith(term) else 1.0
        results.append(SearchResult(title=summary.label, url=summary.path, kind=summary.kind,
                                    snippet=summary.description[:200], score=score))  # fmt: skip
    return results
