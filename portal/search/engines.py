"""The two full-text engines behind one interface.

Each engine answers these questions over the ``SearchDocument`` rows of a queryset:
which match a :class:`~portal.search.text.Query` (:meth:`matching`); how many match
per facet value and which come first, in one statement (:meth:`summary`: the
exact-name boost, then the prefix-name boost, then healthy before demoted, then the
engine's own text rank; :mod:`portal.search.ranking` orders these candidates by rules
shared by both engines); which names and titles match, for the type-ahead
(:meth:`title_ids`); which vocabulary words look like a typo'd word
(:meth:`similar_words`); and how to recompute the vocabulary from the engine's own
index (:meth:`refresh_vocabulary`).

PostgreSQL matches the generated weighted ``vector`` column with ``to_tsquery`` (GIN
index) and ranks with ``ts_rank_cd``; SQLite matches its FTS5 table and ranks with
``bm25`` over the same field weights. Queries reach both as words only (see
:mod:`portal.search.text`), so the two match exactly the same documents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from django.db import connection, transaction
from django.db.models import BooleanField, Case, FloatField, IntegerField, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length

from portal.search.documents import FIELDS
from portal.search.models import SearchDocument, SearchTag
from portal.search.text import Query, Term

__all__ = ["COLUMNS", "Engine", "Summary", "engine"]

#: The facets that are columns of the document row (counted together).
COLUMNS = ("type", "kind", "owner", "lifecycle")
TAGS = SearchTag._meta.db_table
#: Engine.summary's statement: the matches found once, then counted by the combination
#: of COLUMNS (0), by tag (1), and the best of them ranked (2). Every value is a
#: parameter; the names filled in are our own constants and placeholders.
SUMMARY = (
    "WITH found AS MATERIALIZED ({found}) "
    "SELECT 0, {listed}, COUNT(*) FROM found WHERE {tagged} GROUP BY {listed} "
    "UNION ALL SELECT 1, tag.value, NULL, NULL, NULL, COUNT(*) FROM found, {each_tag} "
    "WHERE {columns} GROUP BY tag.value "
    "UNION ALL SELECT 2, NULL, NULL, NULL, CAST(position AS TEXT), pk FROM ("
    "SELECT found.pk, ROW_NUMBER() OVER (ORDER BY {best}) AS position FROM found "
    "WHERE {tagged} AND {columns} ORDER BY {best} LIMIT {limit}) AS best"
).replace("{best}", "found.tier DESC, found.demoted, found.engine_rank DESC, found.pk")


def _within(column: str, values: Sequence[str]) -> str:
    """``column IN (%s, ...)`` for ``values`` (never empty: callers check)."""
    return f"{column} IN ({', '.join(['%s'] * len(values))})"


@dataclass
class Summary:
    """What :meth:`Engine.summary` found."""

    #: ((type, kind, owner, lifecycle), number of matches)
    combinations: list[tuple[tuple[str, ...], int]] = field(default_factory=list)
    tags: list[tuple[str, int]] = field(default_factory=list)
    #: The best matches, best first.
    ids: list[int] = field(default_factory=list)

#: SQLite's bm25 weights, in the FTS5 table's column order (FIELDS' order).
BM25_WEIGHTS = ", ".join(str(weight) for weight, _ in FIELDS.values())
#: Vocabulary candidates fetched for a typo'd word.
CANDIDATES = 40


class Engine:
    """What both engines share: the name boosts and the ranked candidate query."""

    vendor = ""
    #: A row per tag of a found document, as ``tag.value`` (in Engine.summary).
    each_tag = ""

    def matching(self, documents: QuerySet, query: Query, *, titles: bool = False) -> QuerySet:
        """``documents`` that match ``query`` (``titles``: in a name or title)."""
        raise NotImplementedError

    def _ranked(self, documents: QuerySet, query: Query) -> QuerySet:
        """``documents`` matching ``query``, annotated with ``engine_rank`` (higher
        is better)."""
        raise NotImplementedError

    def similar_words(self, word: str) -> list[str]:
        raise NotImplementedError

    def refresh_vocabulary(self) -> None:
        """Make the vocabulary exactly the words the full-text index has (after a
        rebuild), with set-based statements."""
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in self._vocabulary_statements():
                cursor.execute(statement)

    def _vocabulary_statements(self) -> list[str]:
        raise NotImplementedError

    def summary(self, documents: QuerySet, query: Query, *, columns: Mapping[str, Sequence[str]],
                tags: Sequence[str], limit: int) -> Summary:  # fmt: skip
        """Everything a results page needs from the matches of ``query`` among
        ``documents``, in one statement that finds them once (every further pass
        over the table costs as much again): their number per combination of the
        ``COLUMNS`` (under the ``tags`` filter), per tag (under the ``columns``
        filters), and the ids of the best ``limit`` under every filter, best first.
        ``columns`` maps a column of COLUMNS to the values it may have."""
        ranked = self._ranked(documents, query).annotate(tier=self._tier(query)).order_by()
        found, params = ranked.values("pk", *COLUMNS, "tags", "demoted", "tier",
                                      "engine_rank").query.sql_with_params()  # fmt: skip
        tagged = "1 = 1"
        if tags:  # our table name and placeholders only
            chosen = _within("tag", tags)
            tagged = f"found.pk IN (SELECT document_id FROM {TAGS} WHERE {chosen})"  # noqa: S608
        column_sql = " AND ".join(_within(f"found.{name}", values)
                                  for name, values in columns.items()) or "1 = 1"  # fmt: skip
        column_params = [value for values in columns.values() for value in values]
        sql = SUMMARY.format(found=found, tagged=tagged,
                             columns=column_sql, limit=int(limit), each_tag=self.each_tag,
                             listed=", ".join(f"found.{name}" for name in COLUMNS))  # fmt: skip
        summary, best_ids = Summary(), []
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *tags, *column_params, *tags, *column_params])
            for part, *values, number in cursor.fetchall():
                if part == 0:
                    summary.combinations.append((tuple(values), number))
                elif part == 1:
                    summary.tags.append((values[0], number))
                else:
                    best_ids.append((int(values[-1]), number))
        summary.ids = [pk for _, pk in sorted(best_ids)]
        return summary

    def title_ids(self, documents: QuerySet, query: Query, limit: int) -> list[int]:
        """The ids of the first ``limit`` documents whose name or title matches, by the
        name boosts, health and the shortest title: the type-ahead's candidates, which
        need no text rank (computing one for every match is what a full search
        spends most of its time on)."""
        matches = self.matching(documents, query, titles=True).annotate(tier=self._tier(query))
        ordered = matches.order_by("-tier", "demoted", Length("title"), "pk")
        return list(ordered.values_list("pk", flat=True)[:limit])

    def _tier(self, query: Query) -> Case | Value:
        """2 for an exact name match, 1 for a name that starts with the query."""
        key = query.name_key
        if not key:
            return Value(0)
        return Case(When(name_key=key, then=Value(2)),
                    When(name_key__startswith=key + " " if not self._last_prefix(query) else key,
                         then=Value(1)),
                    default=Value(0), output_field=IntegerField())  # fmt: skip

    @staticmethod
    def _last_prefix(query: Query) -> bool:
        return bool(query.clauses) and query.clauses[-1][-1].prefix


class PostgresEngine(Engine):
    vendor = "postgresql"
    each_tag = "jsonb_array_elements_text(found.tags) AS tag(value)"

    @staticmethod
    def tsquery(query: Query) -> str:
        """``query`` in ``to_tsquery`` syntax (words only, so nothing to escape)."""

        def term(value: Term) -> str:
            words = list(value.words)
            if value.prefix:
                words[-1] += ":*"
            return "(" + " <-> ".join(words) + ")"

        positive = ["(" + " | ".join(map(term, clause)) + ")" for clause in query.clauses]
        return " & ".join(positive + [f"!{term(value)}" for value in query.excluded])

    def matching(self, documents: QuerySet, query: Query, *, titles: bool = False) -> QuerySet:
        # title_vector: names and titles alone; the column name is one of our two.
        column = "title_vector" if titles else "vector"
        match = RawSQL(f"{column} @@ to_tsquery('simple'::regconfig, %s)",  # noqa: S611
                       [self.tsquery(query)], output_field=BooleanField())  # fmt: skip
        return documents.filter(match)

    def _ranked(self, documents: QuerySet, query: Query) -> QuerySet:
        rank = RawSQL("ts_rank_cd(vector, to_tsquery('simple'::regconfig, %s), 1)",
                      [self.tsquery(query)], output_field=FloatField())  # fmt: skip
        return self.matching(documents, query).annotate(engine_rank=rank)

    def _vocabulary_statements(self) -> list[str]:
        return [
            "CREATE TEMPORARY TABLE search_fresh_words ON COMMIT DROP AS SELECT word FROM "
            "ts_stat('SELECT vector FROM portal_searchdocument') WHERE length(word) <= 60",
            "DELETE FROM portal_searchterm AS term WHERE NOT EXISTS "
            "(SELECT 1 FROM search_fresh_words AS fresh WHERE fresh.word = term.word)",
            "INSERT INTO portal_searchterm (word) SELECT word FROM search_fresh_words "
            "ON CONFLICT (word) DO NOTHING",
        ]

    def similar_words(self, word: str) -> list[str]:
        if not trigrams_available():
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT word FROM portal_searchterm WHERE word %% %s "
                "ORDER BY similarity(word, %s) DESC, word LIMIT %s",
                [word, word, CANDIDATES],
            )
            return [row[0] for row in cursor.fetchall()]


@cache
def trigrams_available() -> bool:
    """Whether pg_trgm's index exists (the migration skips it where the extension
    cannot be created)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'search_term_trigrams'")
        return cursor.fetchone() is not None


class SqliteEngine(Engine):
    vendor = "sqlite"
    each_tag = "json_each(found.tags) AS tag"

    @staticmethod
    def fts_query(query: Query, *, titles: bool = False) -> str:
        """``query`` in FTS5 query syntax: each term a quoted phrase of words;
        ``titles``: the positive terms only in the name and title columns."""

        def term(value: Term) -> str:
            return '"' + " ".join(value.words) + '"' + ("*" if value.prefix else "")

        positive = " AND ".join("(" + " OR ".join(map(term, clause)) + ")"
                                for clause in query.clauses)  # fmt: skip
        scope = "{name title} : " if titles else ""
        return "".join([f"{scope}({positive})",
                        *(f" NOT {term(value)}" for value in query.excluded)])

    def matching(self, documents: QuerySet, query: Query, *, titles: bool = False) -> QuerySet:
        ids = RawSQL("SELECT rowid FROM portal_search_fts WHERE portal_search_fts MATCH %s",
                     [self.fts_query(query, titles=titles)])  # fmt: skip
        return documents.filter(pk__in=ids)

    def _ranked(self, documents: QuerySet, query: Query) -> QuerySet:
        # bm25() needs the FTS table joined in the same query as its MATCH, which only
        # extra() can express; every value is a parameter or one of our constants.
        table = SearchDocument._meta.db_table
        return documents.extra(  # noqa: S610
            tables=["portal_search_fts"],
            where=[f"portal_search_fts.rowid = {table}.id", "portal_search_fts MATCH %s"],
            params=[self.fts_query(query)],
            select={"engine_rank": f"-bm25(portal_search_fts, {BM25_WEIGHTS})"},
        )

    def _vocabulary_statements(self) -> list[str]:
        return [
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocabulary "
            "USING fts5vocab(main, portal_search_fts, row)",
            "DELETE FROM portal_searchterm WHERE word NOT IN "
            "(SELECT term FROM temp.search_vocabulary)",
            "INSERT OR IGNORE INTO portal_searchterm (word) "
            "SELECT term FROM temp.search_vocabulary WHERE length(term) <= 60",
        ]

    def similar_words(self, word: str) -> list[str]:
        grams = {word[i : i + 3] for i in range(len(word) - 2)}
        if not grams:
            return []
        match = " OR ".join(f'"{gram}"' for gram in sorted(grams))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT word FROM portal_search_term_trgm WHERE portal_search_term_trgm "
                "MATCH %s ORDER BY rank LIMIT %s",
                [match, CANDIDATES],
            )
            return [row[0] for row in cursor.fetchall()]


def engine() -> Engine:
    """The engine of the default database."""
    if connection.vendor == PostgresEngine.vendor:
        return PostgresEngine()
    if connection.vendor == SqliteEngine.vendor:
        return SqliteEngine()
    raise RuntimeError(f"search supports PostgreSQL and SQLite, not {connection.vendor}")
