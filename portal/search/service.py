"""Answering a search: matching, permissions, facets, ranking, typos and snippets.

Everything a user is not allowed to find is removed first (the registered search
filters, as one ``WHERE``), so no result, count or suggestion can reveal it. When
nothing matches, each word no document has is corrected to the nearest vocabulary
word and the corrected query is answered instead ("showing results for").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import and_
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.safestring import SafeString

from portal.plugins import search_collators, search_filters
from portal.search.engines import Engine, engine
from portal.search.highlight import snippet
from portal.search.models import SearchDocument
from portal.search.ranking import order
from portal.search.text import Query, Term, parse
from portal.search.typos import nearest

__all__ = ["FACETS", "Filters", "Hit", "Results", "search", "visible_documents"]

#: Candidates ordered by the shared ranking rules; deeper pages follow engine order.
RERANKED = 100
PER_PAGE = 20
#: Facet name -> the document column (tags have their own table).
FACETS: Mapping[str, str] = {"type": "type", "kind": "kind", "owner": "owner",
                             "lifecycle": "lifecycle", "tag": "tag_rows__tag"}  # fmt: skip
#: Values listed per facet (the most frequent).
FACET_VALUES = 12


@dataclass(frozen=True)
class Filters:
    """The search page's (and API's) filters: facet name -> values, any of which."""

    chosen: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def q(self, without: str = "") -> Q:
        parts = [Q(**{f"{FACETS[name]}__in": list(values)})
                 for name, values in self.chosen.items() if values and name != without]  # fmt: skip
        return reduce(and_, parts, Q())


@dataclass
class Hit:
    document: SearchDocument
    snippet: SafeString
    rank: int
    type_title: str


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool


@dataclass
class Results:
    query: str
    parsed: Query
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = PER_PAGE
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    #: The corrected query the results are for, when the typed one matched nothing.
    corrected: str = ""
    #: Nearest words for a query that matched nothing even corrected.
    suggestions: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def visible_documents(user: Any) -> QuerySet:
    """Every document ``user`` may find."""
    documents = SearchDocument.objects.all()
    for limit in search_filters():
        condition = limit(user)
        if condition is not None:
            documents = documents.filter(condition)
    return documents


def search(text: str, user: Any, filters: Filters | None = None, *, page: int = 1,
           per_page: int = PER_PAGE, facets: bool = True) -> Results:  # fmt: skip
    """Answer ``text`` for ``user``: one page of hits, the total, and facet counts."""
    filters = filters or Filters()
    query, backend = parse(text), engine()
    results = Results(query=text, parsed=query, page=max(1, page), per_page=per_page)
    if query.empty:
        return results
    visible = visible_documents(user)
    total = backend.matching(visible.filter(filters.q()), query).count()
    if total == 0:
        corrected = _corrected(backend, visible, query)
        if corrected is not None:
            query, results.corrected = corrected, str(corrected)
            total = backend.matching(visible.filter(filters.q()), query).count()
        else:
            results.suggestions = _suggestions(backend, visible, query)
    results.parsed, results.total = query, total
    if total:
        results.hits = _page(backend, visible.filter(filters.q()), query, results)
    if facets:
        results.facets = _facets(backend, visible, query, filters) if total else {}
    return results


def _page(backend: Engine, documents: QuerySet, query: Query, results: Results) -> list[Hit]:
    """One page of hits: the first RERANKED candidates in the shared order, any
    deeper ones in the engine's."""
    start = (results.page - 1) * results.per_page
    end = start + results.per_page
    ids = backend.ranked_ids(documents, query, limit=max(RERANKED, end))
    head = ids[:RERANKED] if start < RERANKED else []
    tail = ids[max(start, RERANKED) : end]
    rows = SearchDocument.objects.in_bulk(head + tail)
    chosen = order([rows[pk] for pk in head], query)[start:] + [rows[pk] for pk in tail]
    titles = {collator.type: collator.title for collator in search_collators()}
    return [Hit(row, snippet(row.text or row.title, query), start + number + 1,
                titles.get(row.type, row.type))
            for number, row in enumerate(chosen[: results.per_page])]  # fmt: skip


def _facets(backend: Engine, visible: QuerySet, query: Query,
            filters: Filters) -> dict[str, list[FacetValue]]:  # fmt: skip
    """Counts per facet value among the matches, each facet counted under every other
    facet's filter (so choosing a kind still shows the other kinds' counts)."""
    facets = {}
    for name, column in FACETS.items():
        matching = backend.matching(visible.filter(filters.q(without=name)), query)
        chosen = set(filters.chosen.get(name) or ())
        rows = (matching.exclude(**{column: ""}).exclude(**{f"{column}__isnull": True})
                .values(column).annotate(count=Count("pk", distinct=name == "tag"))
                .order_by("-count", column)[:FACET_VALUES])  # fmt: skip
        values = [FacetValue(row[column], row["count"], row[column] in chosen) for row in rows]
        listed = {value.value for value in values}
        values += [FacetValue(value, 0, True) for value in sorted(chosen - listed)]
        if values:
            facets[name] = values
    return facets


def _known(backend: Engine, visible: QuerySet, word: str, prefix: bool) -> bool:
    single = Query(((Term((word,), prefix=prefix),),))
    return backend.matching(visible, single).exists()


def _nearest_visible(backend: Engine, visible: QuerySet, word: str, limit: int) -> list[str]:
    """Vocabulary words near ``word`` that a visible document has (the vocabulary is
    shared by everyone, so a word only hidden documents have is never offered)."""
    found = nearest(backend, word, limit=limit + 3)
    return [candidate for candidate in found if _known(backend, visible, candidate, False)][:limit]


def _corrected(backend: Engine, visible: QuerySet, query: Query) -> Query | None:
    """``query`` with each word no visible document has replaced by its nearest
    vocabulary word (None when no word could be corrected)."""
    corrections = {}
    for clause in query.clauses:
        for term in clause:
            for position, word in enumerate(term.words):
                prefix = term.prefix and position == len(term.words) - 1
                if word in corrections or _known(backend, visible, word, prefix):
                    continue
                found = _nearest_visible(backend, visible, word, limit=1)
                if found:
                    corrections[word] = found[0]
    return query.replaced(corrections) if corrections else None


def _suggestions(backend: Engine, visible: QuerySet, query: Query) -> list[str]:
    """Nearest words to the query's words (for "did you mean")."""
    found: list[str] = []
    for word in query.positive_words:
        found += [candidate for candidate in _nearest_visible(backend, visible, word, limit=3)
                  if candidate not in found]  # fmt: skip
    return found[:5]
