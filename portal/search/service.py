"""Answering a search: matching, permissions, facets, ranking, typos and snippets.

Everything a user is not allowed to find is removed first (the registered search
filters, as one ``WHERE``), so no result, count or suggestion can reveal it. When
nothing matches, each word no document has is corrected to the nearest vocabulary
word and the corrected query is answered instead ("showing results for").
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import and_
from typing import Any

from django.db.models import Q, QuerySet

from portal.plugins import search_collators, search_filters
from portal.search.engines import COLUMNS, Engine, engine
from portal.search.highlight import Piece, pieces
from portal.search.models import SearchDocument, SearchTag
from portal.search.ranking import order
from portal.search.text import Query, Term, parse
from portal.search.typos import nearest

__all__ = ["FACETS", "Filters", "Hit", "Results", "search", "suggest", "visible_documents"]

#: Candidates ordered by the shared ranking rules; deeper pages follow engine order.
RERANKED = 100
#: Name and title matches the type-ahead orders by the shared rules.
SUGGESTION_CANDIDATES = 30
PER_PAGE = 20
#: Facet name -> the document column (tags have their own table).
FACETS: Mapping[str, str] = {"type": "type", "kind": "kind", "owner": "owner",
                             "lifecycle": "lifecycle", "tag": "tag_rows__tag"}  # fmt: skip
#: What can be filtered by: the facets, and the namespace (the API's filter).
FILTERS: Mapping[str, str] = {**FACETS, "namespace": "namespace"}
#: Values listed per facet (the most frequent).
FACET_VALUES = 12


@dataclass(frozen=True)
class Filters:
    """The search page's (and API's) filters: facet name -> values, any of which."""

    chosen: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def q(self, without: Collection[str] = ()) -> Q:
        """The condition of every chosen facet but those ``without``."""
        parts = [self._condition(name, list(values)) for name, values in self.chosen.items()
                 if values and name not in without]  # fmt: skip
        return reduce(and_, parts, Q())

    @staticmethod
    def _condition(name: str, values: list[str]) -> Q:
        if name == "tag":  # a subquery: a join would count a document once per tag
            tagged = SearchTag.objects.filter(tag__in=[value.lower() for value in values])
            return Q(pk__in=tagged.values("document"))
        return Q(**{f"{FILTERS[name]}__in": values})


@dataclass
class Hit:
    document: SearchDocument
    #: The text around the query's words, the words marked (empty: no snippet).
    snippet: list[Piece]
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
    found = visible.filter(filters.q(without=FACETS))  # permissions and the namespace
    limit = max(RERANKED, results.page * per_page)
    total, counts, ids = _summary(backend, found, query, filters, limit)
    corrected = _corrected(backend, visible, query) if total == 0 else None
    if corrected is not None:
        answer = _summary(backend, found, corrected, filters, limit)
        if answer[0]:
            query, results.corrected = corrected, str(corrected)
            total, counts, ids = answer
    if total == 0:
        results.suggestions = _suggestions(backend, visible, query)
    results.parsed, results.total = query, total
    results.facets = counts if facets else {}
    results.hits = _page(ids, query, results)
    return results


def _page(ids: list[int], query: Query, results: Results) -> list[Hit]:
    """One page of hits from the ranked ids: the first RERANKED in the shared order,
    any deeper ones in the engine's."""
    start = (results.page - 1) * results.per_page
    end = start + results.per_page
    head = ids[:RERANKED] if start < RERANKED else []
    tail = ids[max(start, RERANKED) : end]
    rows = _with_bodies(head + tail)
    chosen = order([rows[pk] for pk in head], query)[start:] + [rows[pk] for pk in tail]
    return _hits(chosen[: results.per_page], query, first_rank=start + 1)


def _with_bodies(ids: list[int]) -> dict[int, SearchDocument]:
    """The documents with these ids, each with its body, in one query."""
    return SearchDocument.objects.select_related("body").in_bulk(ids)


def _hits(rows: list[SearchDocument], query: Query, *, first_rank: int,
          snippets: bool = True) -> list[Hit]:  # fmt: skip
    titles = {collator.type: collator.title for collator in search_collators()}
    return [Hit(row, pieces(row.body.text or row.title, query) if snippets else [],
                first_rank + number, titles.get(row.type, row.type))
            for number, row in enumerate(rows)]  # fmt: skip


def suggest(text: str, user: Any, *, limit: int = 8) -> Results:
    """The type-ahead's answer: the best ``limit`` documents whose name or title
    matches (a typo corrected as on the page), without a total, facets or snippets,
    so it stays fast on any index size. ``total`` is the number of candidates."""
    query, backend = parse(text), engine()
    results = Results(query=text, parsed=query, per_page=limit)
    if query.empty:
        return results
    visible = visible_documents(user)
    ids = backend.title_ids(visible, query, SUGGESTION_CANDIDATES)
    corrected = _corrected(backend, visible, query) if not ids else None
    if corrected is not None and (ids := backend.title_ids(visible, corrected,
                                                          SUGGESTION_CANDIDATES)):  # fmt: skip
        query, results.corrected = corrected, str(corrected)
    if not ids:
        results.suggestions = _suggestions(backend, visible, query)
    rows = _with_bodies(ids)
    results.parsed, results.total = query, len(ids)
    results.hits = _hits(order(rows.values(), query)[:limit], query, first_rank=1, snippets=False)
    return results


def _summary(backend: Engine, found: QuerySet, query: Query, filters: Filters,
             limit: int) -> tuple[int, dict[str, list[FacetValue]], list[int]]:  # fmt: skip
    """The number of matches under the filters, the counts per facet value (each facet
    counted under every other facet's filter, so choosing a kind still shows the other
    kinds' counts) and the best ``limit`` ids, from one engine statement."""
    chosen = {name: {value.lower() if name == "tag" else value  # tags are stored lower-case
                     for value in filters.chosen.get(name) or ()} for name in FACETS}
    columns = {name: sorted(chosen[name]) for name in COLUMNS if chosen[name]}
    answer = backend.summary(found, query, columns=columns, tags=sorted(chosen["tag"]),
                             limit=limit)  # fmt: skip
    # Every document has a type, and the type counts ignore only the type filter.
    total = sum(count for value, count in answer.facets.get("type", ())
                if not chosen["type"] or value in chosen["type"])  # fmt: skip
    if not total:
        return 0, {}, []
    facets = {name: values for name in FACETS
              if (values := _facet_values(dict(answer.facets.get(name, ())), chosen[name]))}
    return total, facets, answer.ids


def _facet_values(counter: Mapping[str, int], chosen: set[str]) -> list[FacetValue]:
    """The most frequent values, then the chosen values that are not among them."""
    best = sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:FACET_VALUES]
    values = [FacetValue(value, count, value in chosen) for value, count in best]
    listed = {value.value for value in values}
    return values + [FacetValue(value, counter.get(value, 0), True)
                     for value in sorted(chosen - listed)]


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
