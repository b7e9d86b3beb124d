"""Type-ahead over the catalog: the entities and tags a form field offers as someone
types, and whether chosen refs are among those a field allows.

Filters are the API's ``filter=`` sets (``catalog.api.filters``): key -> allowed
values, an empty set meaning "the key exists"; sets are OR-ed. Text is matched
against the indexed, lower-cased field rows: entities whose name, title or
``spec.profile.displayName`` starts with the text come first, then (from three
characters on) those that merely contain it, each group in the byte order of the
text that matched. The entity queries walk an index in order and stop after the
suggestions shown; the tag queries count the rows of the tags that may be shown.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Collate

from catalog.api.filters import FilterSet, filter_condition
from catalog.ingestion.writer import chunks
from catalog.lookup import entities_by_ids
from catalog.models import Entity, EntityField
from catalog.summaries import EntitySummary, summarize

__all__ = ["MAX_SUGGESTIONS", "SUGGESTED_FIELDS", "Filters", "TagCount", "refs_matching",
           "suggest_entities", "suggest_tags"]  # fmt: skip

#: The fields the entity type-ahead matches (the keys of migration 0011's index).
SUGGESTED_FIELDS = ("metadata.name", "metadata.title", "spec.profile.displayname")
TAGS = "metadata.tags"
#: The most suggestions any one request returns.
MAX_SUGGESTIONS = 50
#: Typed text beyond this many characters is ignored (no name is longer).
MAX_TEXT = 200
#: Texts shorter than this match at the start only: one or two letters occur inside
#: nearly every name, so matches anywhere would be noise (and a walk of everything).
MIN_CONTAINS = 3

TagCount = tuple[str, int]
#: Filter sets as callers give them: key -> values (none: the key exists), OR-ed.
Filters = Iterable[Mapping[str, Collection[str]]]


def _sets(filters: Filters) -> list[FilterSet]:
    """Filter sets with keys and values lower-cased, as the field index stores them."""
    return [{key.lower(): {value.lower() for value in values} for key, values in f.items()}
            for f in filters]  # fmt: skip


def _matching(filters: Filters) -> QuerySet[Entity]:
    return Entity.objects.served().filter(filter_condition(_sets(filters)))


def _term(text: str) -> str:
    return text.strip().lower()[:MAX_TEXT]


class ByteOrder(Collate):
    """A text column compared byte by byte (code point order for UTF-8): the "C"
    collation on PostgreSQL, which migration 0011's partial indexes are built in, so
    ``LIKE 'x%'`` is an index range and the order that index's; SQLite compares text
    that way already."""

    def __init__(self, expression: str) -> None:
        super().__init__(F(expression), "C")

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return compiler.compile(self.get_source_expressions()[0])


def _first_entities(rows: QuerySet[EntityField], matching: QuerySet[Entity],
                    limit: int) -> list[tuple[int, str]]:  # fmt: skip
    """(id, etag) of the first ``limit`` distinct entities that ``matching`` selects
    among field ``rows``, in the byte order of the matched text.

    The database walks the text index in order and asks, row by row, whether the
    row's entity passes the filters (a correlated subquery, which it never turns into
    a join), and stops once it has enough: the work follows what is shown. Left to
    join the two, it misjudges how many walked entities pass (often tenfold, since
    names and kinds go together) and reads and sorts every entity of the filter's
    kinds instead: 60 ms at 100,000 entities where the walk takes 5. An entity has
    one row per suggested field at most, so that many times ``limit`` rows always
    hold ``limit`` entities."""
    passing = matching.filter(pk=OuterRef("entity_id")).values("etag")[:1]
    walked = (rows.annotate(etag=Subquery(passing)).filter(etag__isnull=False)
              .order_by("text", "entity_id").values_list("entity_id", "etag"))  # fmt: skip
    found: dict[int, str] = {}
    for pk, etag in walked[: limit * len(SUGGESTED_FIELDS)]:
        found.setdefault(pk, etag)
        if len(found) == limit:
            break
    return list(found.items())


@contextmanager
def _without_jit() -> Iterator[None]:
    """A transaction in which PostgreSQL compiles no query to machine code. The walks
    stop after a screenful of rows, but the planner cannot know how soon, prices a
    walk for a rare text as reading the whole index, and above its JIT threshold
    spends 280 ms compiling a query that runs in 2."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield


def suggest_entities(text: str, filters: Filters, limit: int = 20) -> list[EntitySummary]:
    """Up to ``limit`` served entities matching ``filters`` whose name, title or display
    name starts with ``text`` (first) or, from MIN_CONTAINS characters on, contains
    it (after), each group in the order of the text that matched (with no text:
    every entity, in that order). Each group reads an index in order and stops once
    it has ``limit`` entities."""
    limit = max(0, min(limit, MAX_SUGGESTIONS))
    matching, term = _matching(filters), _term(text)
    fields = EntityField.objects.filter(key__in=SUGGESTED_FIELDS).annotate(text=ByteOrder("value"))
    with _without_jit():
        rows = _first_entities(fields.filter(text__startswith=term), matching, limit)
        if len(term) >= MIN_CONTAINS and len(rows) < limit:
            found = [pk for pk, _ in rows]
            inside = fields.filter(text__contains=term).exclude(entity_id__in=found)
            rows += _first_entities(inside, matching, limit - len(rows))
    return [summarize(e) for e in entities_by_ids(rows)]


def refs_matching(refs: Iterable[str], filters: Filters) -> set[str]:
    """The refs among ``refs`` (any casing) that name a served entity matching
    ``filters``, canonical: one query per thousand refs."""
    matching, wanted = _matching(filters), sorted({ref.lower() for ref in refs})
    found: set[str] = set()
    for batch in chunks(wanted):
        found.update(matching.filter(ref__in=batch).values_list("ref", flat=True))
    return found


#: Every distinct tag, in byte order: one index probe per tag (a loose index scan;
#: neither database skips repeated values in an index on its own).
_DISTINCT_TAGS = """
WITH RECURSIVE tags (value) AS (
    SELECT (SELECT {text} FROM {table} WHERE key = %s AND value IS NOT NULL ORDER BY 1 LIMIT 1)
    UNION ALL
    SELECT (SELECT {text} FROM {table} WHERE key = %s AND {text} > tags.value ORDER BY 1 LIMIT 1)
    FROM tags WHERE tags.value IS NOT NULL
)
SELECT value FROM tags WHERE value IS NOT NULL
"""


def _distinct_tags() -> list[str]:
    """Every tag some served entity has, in byte order, as migration 0011's tag index
    holds them on PostgreSQL (the field index on SQLite)."""
    text = 'value COLLATE "C"' if connection.vendor == "postgresql" else "value"
    sql = _DISTINCT_TAGS.format(text=text, table=EntityField._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, [TAGS, TAGS])
        return [row[0] for row in cursor.fetchall()]


def _tag_counts(tags: list[str], kinds: Collection[str]) -> dict[str, int]:
    """How many served entities (of ``kinds``, if given) have each of ``tags``; tags
    none has are left out. Reads the field index rows of these tags only."""
    rows = EntityField.objects.filter(key=TAGS)
    if kinds:
        rows = rows.filter(entity__kind__in=[kind.lower() for kind in kinds])
    counts: dict[str, int] = {}
    for batch in chunks(tags):
        counted = rows.filter(value__in=batch).values("value").annotate(count=Count("*"))
        counts.update((row["value"], row["count"]) for row in counted)
    return counts


def _ranked(tags: list[str], kinds: Collection[str], limit: int,
            by_count: bool) -> list[TagCount]:  # fmt: skip
    """The first ``limit`` of ``tags`` (in byte order) that entities of ``kinds`` have,
    or the ``limit`` most common of them (``by_count``), with their counts. In byte
    order only as many are counted as are shown, a screenful at a time."""
    if by_count:
        counts = _tag_counts(tags, kinds)
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    ranked: list[TagCount] = []
    for batch in chunks(tags, max(limit, 1)):
        counts = _tag_counts(batch, kinds)
        ranked += [(tag, counts[tag]) for tag in batch if tag in counts]
        if len(ranked) >= limit:
            break
    return ranked[:limit]


def suggest_tags(text: str, kinds: Collection[str] = (), limit: int = 20,
                 by_count: bool = False) -> list[TagCount]:  # fmt: skip
    """Up to ``limit`` ``(tag, entities with it)`` among served entities (of ``kinds``,
    if given) for the ``metadata.tags`` facet: tags that start with ``text`` first,
    then (from MIN_CONTAINS characters on) tags that contain it; each group by count
    (``by_count``) or alphabetically. The text is matched against the distinct tags,
    so only the rows of tags that may be shown are counted."""
    limit, term = max(0, min(limit, MAX_SUGGESTIONS)), _term(text)
    tags = _distinct_tags()
    starting = [tag for tag in tags if tag.startswith(term)]
    inside = [tag for tag in tags if len(term) >= MIN_CONTAINS and term in tag
              and not tag.startswith(term)]  # fmt: skip
    shown: list[TagCount] = []
    for group in (starting, inside):
        if len(shown) < limit and group:
            shown += _ranked(group, kinds, limit - len(shown), by_count)
    return shown
