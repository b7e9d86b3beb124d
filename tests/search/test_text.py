"""Query parsing and its translation for each engine: the same words and operators
reach PostgreSQL's to_tsquery and SQLite's FTS5."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.search.engines import PostgresEngine, SqliteEngine
from portal.search.text import Query, Term, contains, matches, parse, words


def test_words_split_at_everything_but_letters_and_digits() -> None:
    assert words("Hello-World mkdocs.yml snake_case Ünïcode 42x") == [
        "hello", "world", "mkdocs", "yml", "snake", "case", "ünïcode", "42x"]  # fmt: skip


def test_terms_phrases_or_and_minus() -> None:
    query = parse('hello-world "audio playback" grpc OR trpc -archive -"old stuff" pay')
    assert query.clauses == (
        (Term(("hello", "world")),),
        (Term(("audio", "playback"), quoted=True),),
        (Term(("grpc",)), Term(("trpc",))),
        (Term(("pay",), prefix=True),),
    )
    assert query.excluded == (Term(("archive",)), Term(("old", "stuff"), quoted=True))


def test_only_the_last_unquoted_word_is_a_prefix_and_only_from_two_letters() -> None:
    assert parse("wayback stor").clauses[-1] == (Term(("stor",), prefix=True),)
    assert parse('"wayback stor"').clauses[-1][-1].prefix is False
    assert parse("wayback s").clauses[-1][-1].prefix is False


@pytest.mark.parametrize("text", ["", "   ", "-only -negative", '""', "- -- ---", "OR", "!!!"])
def test_queries_without_a_positive_word_are_empty(text: str) -> None:
    assert parse(text).empty


def test_a_double_dash_is_a_word_not_an_exclusion() -> None:
    assert parse("--verbose").clauses == ((Term(("verbose",), prefix=True),),)


def test_engine_translations() -> None:
    query = parse('hello-world "audio playback" grpc OR trpc -archive pay')
    assert PostgresEngine.tsquery(query) == (
        "((hello <-> world)) & ((audio <-> playback)) & ((grpc) | (trpc)) & ((pay:*)) & !(archive)")
    assert SqliteEngine.fts_query(query) == (
        '(("hello world") AND ("audio playback") AND ("grpc" OR "trpc") AND ("pay"*)) '
        'NOT "archive"')  # fmt: skip


def test_name_key_is_the_query_as_a_name_unless_it_has_or() -> None:
    assert parse("Hello-World").name_key == "hello world"
    assert parse("a OR b").name_key == ""


def test_a_corrected_word_is_whole_not_a_prefix() -> None:
    query = parse("spotfy").replaced({"spotfy": "spotify"})
    assert query.clauses == ((Term(("spotify",)),),)
    assert str(query) == "spotify"


def test_contains_needs_adjacent_words_in_one_field() -> None:
    assert contains(["hello", "world", "api"], Term(("hello", "world")))
    assert not contains(["hello", "big", "world"], Term(("hello", "world")))
    assert contains(["shuffle"], Term(("shuf",), prefix=True))
    assert not contains(["shuffle"], Term(("shuf",)))
    assert matches([["hello"], ["world"]], parse("hello world"))
    assert not matches([["hello", "world"]], parse("hello -world"))


@given(st.text(max_size=80))
def test_any_text_parses_into_engine_safe_queries(text: str) -> None:
    """Whatever is typed, the translated queries hold only words and operators."""
    query = parse(text)
    if query.empty:
        return
    allowed = set("()&|!<->:* \"") | {"A", "N", "D", "O", "R", "T"}
    for translated in (PostgresEngine.tsquery(query), SqliteEngine.fts_query(query)):
        leftovers = {char for char in translated if not (char.isalnum() or char in allowed)}
        assert not leftovers, translated
    assert all(word.isalnum() for word in query.positive_words)


def test_query_text_round_trip() -> None:
    assert str(Query(((Term(("a", "b")),), (Term(("c",)), Term(("d",)))), (Term(("e",)),))) == (
        '"a b" c OR d -e')
