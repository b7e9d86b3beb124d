"""The two full-text engines behind one interface.

Each engine answers these questions over the ``SearchDocument`` rows of a queryset:
which match a :class:`~portal.search.text.Query` (:meth:`matching`); how many match
per facet value and which come first, in one statement (:meth:`summary`: the
exact-name boost, then the prefix-name boost, then healthy before demoted, then a
name or title match before others, then the engine's own text rank;
:mod:`portal.search.ranking` orders these candidates by rules shared by both
engines); which names and titles match, for the type-ahead
(:meth:`title_ids`); which vocabulary words look like a typo'd word
(:meth:`similar_words`); and how to recompute the vocabulary from the engine's own
index (:meth:`refresh_vocabulary`).

PostgreSQL matches the weighted ``words`` column with ``to_tsquery`` (GIN
index) and ranks with ``ts_rank_cd`` (only the name and title matches, when they
alone fill the candidates); SQLite matches its FTS5 table and ranks with
``bm25`` over the same field weights. Queries reach both as words only (see
:mod:`portal.search.text`), so the two match exactly the same documents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

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
#: Engine.summary's statement: the matches found once, then counted per value of each
#: facet (under every other facet's filter) and the best of them chosen. The best are
#: picked by an ORDER BY ... LIMIT straight over the matches (a bounded top-N sort) and
#: numbered afterwards, among themselves only. Every value is a parameter; the names
#: filled in are our own constants.
FOUND = "WITH found AS MATERIALIZED ({found}) "
FACET = ("SELECT '{name}', found.{name}, COUNT(*) FROM found "
         "WHERE found.{name} <> '' AND {tagged} AND {others} GROUP BY found.{name} ")
#: Tags are counted per distinct set of tags first (a few hundred sets, where the
#: matches are tens of thousands), then per tag of each set.
TAG_SETS = "SELECT found.tags, COUNT(*) AS n FROM found WHERE {columns} GROUP BY found.tags"
TAG_FACET = "SELECT 'tag', value, CAST(SUM(n) AS BIGINT) FROM ({tag_rows}) AS tag GROUP BY value "
#: The candidates' order: exact, then prefix name matches; healthy before demoted; a
#: match in the name or title before one elsewhere; then the engine's text rank.
ORDER = "found.tier DESC, found.demoted, found.titled DESC, found.engine_rank DESC, found.pk"
BEST = ("SELECT '', CAST(ROW_NUMBER() OVER (ORDER BY {best}) AS TEXT), found.pk FROM ("
        "SELECT found.pk, found.tier, found.demoted, found.titled, found.engine_rank FROM found "
        "WHERE {tagged} AND {columns} ORDER BY {best} LIMIT {limit}) AS found"
        ).replace("{best}", ORDER)  # fmt: skip


def _within(column: str, values: Sequence[str]) -> str:
    """``column IN (%s, ...)`` for ``values`` (never empty: callers check)."""
    return f"{column} IN ({', '.join(['%s'] * len(values))})"


@dataclass
class Summary:
    """What :meth:`Engine.summary` found."""

    #: Facet name (a column of COLUMNS, or ``tag``) -> (value, number of matches).
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    #: The best matches, best first.
    ids: list[int] = field(default_factory=list)


#: SQLite's bm25 weights, in the FTS5 table's column order (FIELDS' order).
BM25_WEIGHTS = ", ".join(str(weight) for weight, _ in FIELDS.values())
#: Vocabulary candidates fetched for a typo'd word.
CANDIDATES = 40


class Engine:
    """What both engines share: the name boosts and the ranked candidate query."""

    vendor = ""
    #: A row per tag of each set of tags ``{sets}`` (TAG_SETS), as ``value`` and ``n``.
    tag_rows = ""
    #: Statements run before Engine.summary's, in its transaction.
    summary_settings: tuple[str, ...] = ()
    #: Whether ranking only the name and title matches saves work (see _titles_suffice).
    rank_titles_alone = False

    def matching(self, documents: QuerySet, query: Query, *, titles: bool = False) -> QuerySet:
        """``documents`` that match ``query`` (``titles``: in a name or title)."""
        raise NotImplementedError

    def _ranked(self, documents: QuerySet, query: Query, *, titles_only: bool) -> QuerySet:
        """``documents`` matching ``query``, annotated with ``engine_rank`` (higher
        is better; ``titles_only``: of the name and title matches, 0 elsewhere)."""
        raise NotImplementedError

    def _titled(self, query: Query) -> RawSQL:
        """Whether a document's name or title matches ``query``."""
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
        over the table costs as much again): the number of matches per value of each
        facet of ``COLUMNS`` and per tag, each under every other facet's filter, and
        the ids of the best ``limit`` under every filter, best first. ``columns`` maps
        a column of COLUMNS to the values it may have; ``tags``: any of these."""
        filtered = documents.filter(**{f"{name}__in": values for name, values in columns.items()})
        if tags:
            filtered = filtered.filter(pk__in=SearchTag.objects.filter(tag__in=tags)
                                       .values("document"))  # fmt: skip
        ranked = self._ranked(documents, query,
                              titles_only=self._titles_suffice(filtered, query, limit))
        ranked = ranked.annotate(tier=self._tier(query), titled=self._titled(query)).order_by()
        found = ranked.values("pk", *COLUMNS, "tags", "demoted", "tier", "titled", "engine_rank")
        sql, values = self._statement(found, columns=columns, tags=tags, limit=limit)
        summary, best_ids = Summary(), []
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            for setting in self.summary_settings:
                cursor.execute(setting)
            cursor.execute(sql, values)
            for facet, value, number in cursor.fetchall():
                if facet:
                    summary.facets.setdefault(facet, []).append((value, number))
                else:
                    best_ids.append((int(value), number))
        summary.ids = [pk for _, pk in sorted(best_ids)]
        return summary

    def _statement(self, found: QuerySet, *, columns: Mapping[str, Sequence[str]],
                   tags: Sequence[str], limit: int) -> tuple[str, list[Any]]:  # fmt: skip
        """Engine.summary's statement over the matches ``found``, and its parameters."""
        matches, values = found.query.sql_with_params()
        tagged, tag_params = "1 = 1", list(tags)
        if tags:  # our table name and placeholders only
            tagged = f"found.pk IN (SELECT document_id FROM {TAGS} WHERE {_within('tag', tags)})"  # noqa: S608

        def where(skip: str = "") -> tuple[str, list[str]]:
            chosen = {name: allowed for name, allowed in columns.items() if name != skip}
            sql = " AND ".join(_within(f"found.{name}", vals) for name, vals in chosen.items())
            return sql or "1 = 1", [value for allowed in chosen.values() for value in allowed]

        parts, values = [], list(values)
        for name in COLUMNS:
            others, others_params = where(skip=name)
            parts.append(FACET.format(name=name, tagged=tagged, others=others))
            values += [*tag_params, *others_params]
        every, every_params = where()
        sets = TAG_SETS.format(columns=every)
        parts.append(TAG_FACET.format(tag_rows=self.tag_rows.format(sets=sets)))
        parts.append(BEST.format(tagged=tagged, columns=every, limit=int(limit)))
        values += [*every_params, *tag_params, *every_params]
        return FOUND.format(found=matches) + "UNION ALL ".join(parts), values

    def _titles_suffice(self, filtered: QuerySet, query: Query, limit: int) -> bool:
        """Whether the best ``limit`` are all healthy name or title matches (there are
        that many), so the text rank of the other matches is never needed."""
        if not self.rank_titles_alone:
            return False
        titled = self.matching(filtered.filter(demoted=False), query, titles=True)
        return titled.values("pk")[:limit].count() >= limit

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


#: PostgreSQL's text rank (cover density, normalised by the document's length) and
#: name-or-title match, each with the to_tsquery text as its parameter.
RANK = "ts_rank_cd(words, to_tsquery('simple'::regconfig, %s), 1)"
TITLED = "title_vector @@ to_tsquery('simple'::regconfig, %s)"


class PostgresEngine(Engine):
    vendor = "postgresql"
    tag_rows = "SELECT jsonb_array_elements_text(sets.tags) AS value, sets.n FROM ({sets}) AS sets"
    rank_titles_alone = True
    #: A broad query's matches (tens of thousands of rows) fit in memory instead of
    #: spilling to disk at the default 4 MB; JIT compilation, which the planner's cost
    #: estimate turns on for such a statement, costs more than it saves.
    summary_settings = ("SET LOCAL work_mem = '32MB'", "SET LOCAL jit = off")

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
        column = "title_vector" if titles else "words"
        match = RawSQL(f"{column} @@ to_tsquery('simple'::regconfig, %s)",  # noqa: S611
                       [self.tsquery(query)], output_field=BooleanField())  # fmt: skip
        return documents.filter(match)

    def _ranked(self, documents: QuerySet, query: Query, *, titles_only: bool) -> QuerySet:
        tsquery = self.tsquery(query)
        rank, params = RANK, [tsquery]
        if titles_only:
            rank, params = f"CASE WHEN {TITLED} THEN {RANK} ELSE 0 END", [tsquery, tsquery]
        ranked = RawSQL(rank, params, output_field=FloatField())  # noqa: S611 (our constants)
        return self.matching(documents, query).annotate(engine_rank=ranked)

    def _titled(self, query: Query) -> RawSQL:
        return RawSQL(TITLED, [self.tsquery(query)], output_field=BooleanField())  # noqa: S611

    def _vocabulary_statements(self) -> list[str]:
        return [
            # Dropped at commit; a second rebuild in one transaction starts afresh.
            "DROP TABLE IF EXISTS search_fresh_words",
            "CREATE TEMPORARY TABLE search_fresh_words ON COMMIT DROP AS SELECT word FROM "
            "ts_stat('SELECT words FROM portal_searchdocument') WHERE length(word) <= 60",
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
    tag_rows = ("SELECT tag.value AS value, sets.n FROM ({sets}) AS sets, "
                "json_each(sets.tags) AS tag")

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

    def _ranked(self, documents: QuerySet, query: Query, *, titles_only: bool) -> QuerySet:
        # bm25() needs the FTS table joined in the same query as its MATCH, which only
        # extra() can express; every value is a parameter or one of our constants.
        table = SearchDocument._meta.db_table
        return documents.extra(  # noqa: S610
            tables=["portal_search_fts"],
            where=[f"portal_search_fts.rowid = {table}.id", "portal_search_fts MATCH %s"],
            params=[self.fts_query(query)],
            select={"engine_rank": f"-bm25(portal_search_fts, {BM25_WEIGHTS})"},
        )

    def _titled(self, query: Query) -> RawSQL:
        return RawSQL("portal_searchdocument.id IN (SELECT rowid FROM portal_search_fts "
                      "WHERE portal_search_fts MATCH %s)", [self.fts_query(query, titles=True)],
                      output_field=BooleanField())  # fmt: skip

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
