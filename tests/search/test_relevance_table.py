"""The search relevance table (relevance.yaml) checked against the demo content itself.

No search engine is involved: these tests make sure every case names a result that
exists (an entity of the demo catalog, a template, or a section of a built TechDocs
site), that each case's category holds (a typo is a typo, a tag synonym is only a tag,
a minus word really is absent, ...), and that the claims a case makes about the whole
result set (a ``top3`` shorter than three, "nothing matches literally") hold under a
plain word matcher. The search engine's tests are to run the same table on SQLite and
on PostgreSQL.

The demo catalog is read the way app-config.yaml lists it, following Location entities'
``spec.target``/``spec.targets``; the handbook is built with ``manage.py techdocs
generate`` in a child process, and its ``search/search_index.json`` gives the sections.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.search.demo_corpus import (
    Demo,
    Document,
    Term,
    edit_distance,
    load_demo,
    matching,
    name_words,
    parse_query,
    squash,
    term_matches,
    tokens,
)

TABLE = Path(__file__).with_name("relevance.yaml")

CATEGORIES = {
    "exact-name", "prefix", "typo", "synonym-by-tag", "multi-word", "docs-only", "template",
    "quoted-phrase", "minus", "owner-or-system", "description-words",
}  # fmt: skip
MINIMUM_PER_CATEGORY = {
    "typo": 3, "synonym-by-tag": 3, "multi-word": 3, "docs-only": 3, "template": 3,
    "quoted-phrase": 3, "minus": 3,
}  # fmt: skip
MINIMUM_CASES = 30
REQUIRED_KEYS = {"query", "expect", "category", "why"}
OPTIONAL_KEYS = {"top3"}
ENTITY_REF = re.compile(r"^[a-z0-9]+:[a-z0-9._-]+/[a-z0-9._-]+$")
DOCS_REF = re.compile(r"^docs:[a-z0-9._-]+/[a-z0-9._-]+/[a-z0-9._-]+/[^\s#]*(#[^\s#]+)?$")
MINUS_TERM = re.compile(r'(?:^|\s)-(?:"[^"]+"|\w)')


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return load_demo(tmp_path_factory.mktemp("docs"))


def problems(case: dict[str, Any], demo: Demo) -> list[str]:
    """Everything wrong with one case of the table (empty when it is sound)."""
    found: list[str] = []
    query, expect, category = case.get("query"), case.get("expect"), case.get("category")
    keys = set(case)
    if REQUIRED_KEYS - keys:
        return [f"missing {sorted(REQUIRED_KEYS - keys)}"]
    if keys - REQUIRED_KEYS - OPTIONAL_KEYS:
        found.append(f"unknown keys {sorted(keys - REQUIRED_KEYS - OPTIONAL_KEYS)}")
    if not isinstance(query, str) or not query.strip():
        return [*found, "the query is empty"]
    if category not in CATEGORIES:
        found.append(f"unknown category {category!r}")
    why = case.get("why")
    if not isinstance(why, str) or not why.strip() or "\n" in why.strip():
        found.append("why must be one non-empty line")

    top3 = case.get("top3")
    refs = [expect] + (list(top3) if isinstance(top3, list) else [])
    for ref in refs:
        found += _ref_problems(ref, demo)
    if top3 is not None:
        if not isinstance(top3, list) or not 1 <= len(top3) <= 3:
            found.append("top3 must list one to three refs")
        elif top3[0] != expect:
            found.append(f"top3 starts with {top3[0]}, not the expected {expect}")
        elif len(set(top3)) != len(top3):
            found.append("top3 repeats a ref")
    if found:
        return found

    document = demo.documents[expect]
    hits = matching(query, demo.documents.values())
    if category == "typo":
        if hits:
            found.append(f"a typo query must match nothing literally, but matches {hits}")
    elif expect not in hits:
        found.append(f"{expect} does not contain the query's words: {query!r}")
    if top3 is not None and category != "typo":
        if not set(top3) <= set(hits):
            found.append(f"top3 names refs the query does not match: {set(top3) - set(hits)}")
        elif len(top3) < 3 and set(hits) != set(top3):
            found.append(f"top3 lists {len(top3)} results but {len(hits)} match: {hits}")
        elif len(top3) == 3 and len(hits) < 3:
            found.append(f"only {len(hits)} documents match")
    check = _CATEGORY_CHECKS.get(category)
    if check is not None:
        found += check(query, document, demo)
    return found


def _ref_problems(ref: Any, demo: Demo) -> list[str]:
    if not isinstance(ref, str):
        return [f"{ref!r} is not a ref"]
    if ref.startswith("docs:"):
        if not DOCS_REF.match(ref):
            return [f"{ref} is not docs:<namespace>/<kind>/<name>/<page path>#<anchor>"]
        if ref not in demo.docs_locations:
            return [f"{ref} is not a location in any built site's search index"]
        if ref not in demo.documents:
            return [f"{ref} is a whole page; name its section"]
        return []
    if not ENTITY_REF.match(ref):
        return [f"{ref} is not a lower-case kind:namespace/name ref"]
    if ref not in demo.documents:
        return [f"{ref} is not an entity of the demo catalog"]
    return []


def _positive(query: str) -> list[Term]:
    return [term for term in parse_query(query) if not term.negated]


def _check_exact_name(query: str, document: Document, demo: Demo) -> list[str]:
    if document.entity is None or tokens(query) != tokens(document.entity["metadata"]["name"]):
        return [f"{query!r} is not the name of {document.ref}"]
    return []


def _check_prefix(query: str, document: Document, demo: Demo) -> list[str]:
    last = _positive(query)[-1].words[-1]
    words = document.words("name", "title", "tags")
    if last in words or not any(word.startswith(last) for word in words):
        where = f"{document.ref}'s name, title or tags"
        return [f"{last!r} is not a proper prefix of a word of {where}"]
    return []


def _check_typo(query: str, document: Document, demo: Demo) -> list[str]:
    found = []
    own = name_words(document)
    if document.entity is not None:
        literal = [document.fields["name"].lower(), document.fields["title"].lower()]
        if any(squash(query) in text for text in literal):
            found.append(f"{query!r} occurs literally in {document.ref}'s name or title")
    misspelt = [word for word in tokens(query) if word not in own]
    if not misspelt:
        found.append(f"{query!r} has no misspelt word")
    for word in misspelt:
        distance = min(edit_distance(word, candidate) for candidate in own)
        if distance > 2:
            found.append(f"{word!r} is {distance} edits from every word of {document.ref}'s name")
            continue
        for other in demo.documents.values():
            rival = [edit_distance(word, c) for c in name_words(other)]
            if other.ref != document.ref and rival and min(rival) <= distance:
                found.append(f"{word!r} is as close to {other.ref} ({min(rival)} edits)")
    return found


def _check_synonym_by_tag(query: str, document: Document, demo: Demo) -> list[str]:
    found = []
    tags = {tag.lower() for tag in (document.entity or {}).get("metadata", {}).get("tags") or []}
    for word in tokens(query):
        if word not in tags:
            found.append(f"{word!r} is not a tag of {document.ref}")
        if word in name_words(document):
            found.append(f"{word!r} is in {document.ref}'s name or title, not only a tag")
    hits = matching(query, demo.documents.values())
    if hits != [document.ref]:
        found.append(f"a tag synonym must be in no other document, but {hits} match")
    return found


def _check_multi_word(query: str, document: Document, demo: Demo) -> list[str]:
    if len(tokens(" ".join(term.raw for term in _positive(query)))) < 2:
        return [f"{query!r} has fewer than two words"]
    return []


def _check_docs_only(query: str, document: Document, demo: Demo) -> list[str]:
    found = []
    if not document.ref.startswith("docs:"):
        found.append(f"{document.ref} is not a docs section")
    entity_hits = matching(query, demo.entities)
    if entity_hits:
        found.append(f"entities contain all of {query!r} too: {entity_hits}")
    return found


def _check_template(query: str, document: Document, demo: Demo) -> list[str]:
    if document.entity is None or document.entity["kind"] != "Template":
        return [f"{document.ref} is not a Template"]
    return []


def _check_quoted_phrase(query: str, document: Document, demo: Demo) -> list[str]:
    phrases = [term.raw for term in parse_query(query) if term.quoted and not term.negated]
    if not phrases:
        return [f'{query!r} has no "..." phrase']
    texts = [squash(text) for text in document.fields.values()]
    return [
        f"{phrase!r} is not verbatim in {document.ref}"
        for phrase in phrases
        if not any(squash(phrase) in text for text in texts)
    ]


def _check_minus(query: str, document: Document, demo: Demo) -> list[str]:
    negated = [term for term in parse_query(query) if term.negated]
    if not MINUS_TERM.search(query) or not negated:
        return [f"{query!r} has no ' -word'"]
    return [
        f"{document.ref} contains {term.raw!r}, which the query excludes"
        for term in negated
        if term_matches(term, document)
    ]


def _check_owner_or_system(query: str, document: Document, demo: Demo) -> list[str]:
    if not any(term_matches(term, document, "owner", "system") for term in _positive(query)):
        return [f"no word of {query!r} is {document.ref}'s owner or system"]
    return []


def _check_description_words(query: str, document: Document, demo: Demo) -> list[str]:
    found = []
    words = set(tokens(" ".join(term.raw for term in _positive(query))))
    if not words <= document.words("description"):
        found.append(f"{sorted(words - document.words('description'))} not in the description")
    if words <= name_words(document):
        found.append(f"{query!r} is all in {document.ref}'s name or title")
    return found


_CATEGORY_CHECKS = {
    "exact-name": _check_exact_name,
    "prefix": _check_prefix,
    "typo": _check_typo,
    "synonym-by-tag": _check_synonym_by_tag,
    "multi-word": _check_multi_word,
    "docs-only": _check_docs_only,
    "template": _check_template,
    "quoted-phrase": _check_quoted_phrase,
    "minus": _check_minus,
    "owner-or-system": _check_owner_or_system,
    "description-words": _check_description_words,
}


# --- the tests --------------------------------------------------------------------------


def load_table() -> list[dict[str, Any]]:
    table = yaml.safe_load(TABLE.read_text())
    assert isinstance(table, list), "relevance.yaml must be a list of cases"
    assert all(isinstance(case, dict) for case in table), "every case must be a mapping"
    return table


CASES = load_table()


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= MINIMUM_CASES


def test_every_category_has_its_minimum() -> None:
    counts = Counter(case.get("category") for case in CASES)
    short = {c: counts[c] for c, least in MINIMUM_PER_CATEGORY.items() if counts[c] < least}
    assert not short, f"categories below their minimum: {short}"


def test_no_query_is_listed_twice() -> None:
    counts = Counter(squash(str(case.get("query"))) for case in CASES)
    assert not [query for query, n in counts.items() if n > 1]


@pytest.mark.parametrize("case", CASES, ids=[str(case.get("query")) for case in CASES])
def test_case_is_sound(case: dict[str, Any], demo: Demo) -> None:
    assert problems(case, demo) == []


HANDBOOK = "docs:default/component/developer-handbook/"

#: Deliberately wrong cases, each with a fragment of the problem it must be reported as.
BROKEN_CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "unknown entity": ("not an entity of the demo catalog",
                       {"query": "spotify", "expect": "api:default/spotifi",
                        "category": "exact-name"}),
    "upper-case ref": ("not a lower-case",
                       {"query": "spotify", "expect": "API:default/spotify",
                        "category": "exact-name"}),
    "missing why": ("missing ['why']",
                    {"query": "spotify", "expect": "api:default/spotify",
                     "category": "exact-name", "why": None}),
    "two-line why": ("one non-empty line",
                     {"query": "spotify", "expect": "api:default/spotify",
                      "category": "exact-name", "why": "first\nsecond"}),
    "unknown key": ("unknown keys",
                    {"query": "spotify", "expect": "api:default/spotify",
                     "category": "exact-name", "top": ["api:default/spotify"]}),
    "unknown category": ("unknown category",
                         {"query": "spotify", "expect": "api:default/spotify",
                          "category": "fuzzy"}),
    "expect lacks the words": ("does not contain the query's words",
                               {"query": "podcast", "expect": "api:default/spotify",
                                "category": "exact-name"}),
    "not the exact name": ("is not the name of",
                           {"query": "podcast", "expect": "component:default/podcast-api",
                            "category": "exact-name"}),
    "not a proper prefix": ("not a proper prefix",
                            {"query": "spotify", "expect": "api:default/spotify",
                             "category": "prefix"}),
    "typo is literal": ("occurs literally",
                        {"query": "spotify", "expect": "api:default/spotify",
                         "category": "typo"}),
    "typo matches a word": ("must match nothing literally",
                            {"query": "searc", "expect": "component:default/searcher",
                             "category": "typo"}),
    "typo too far off": ("3 edits from every word",
                         {"query": "spootiffyy", "expect": "api:default/spotify",
                          "category": "typo"}),
    "typo as close to another": ("is as close to component:default/podcast-api",
                                 {"query": "podcsat", "expect": "system:default/podcast",
                                  "category": "typo"}),
    "tag also in the name": ("not only a tag",
                             {"query": "spotify", "expect": "api:default/spotify",
                              "category": "synonym-by-tag"}),
    "not a tag": ("is not a tag of",
                  {"query": "podcast", "expect": "system:default/podcast",
                   "category": "synonym-by-tag"}),
    "tag shared": ("must be in no other document",
                   {"query": "java", "expect": "component:default/artist-lookup",
                    "category": "synonym-by-tag"}),
    "one word": ("fewer than two words",
                 {"query": "streetlights", "expect": "api:default/streetlights",
                  "category": "multi-word"}),
    "unknown anchor": ("not a location in any built site's search index",
                       {"query": "who owns it",
                        "expect": HANDBOOK + "getting-started/find-a-service/#who-own-it",
                        "category": "docs-only"}),
    "whole page": ("is a whole page",
                   {"query": "who owns it",
                    "expect": HANDBOOK + "getting-started/find-a-service/",
                    "category": "docs-only"}),
    "entities match too": ("entities contain all of",
                           {"query": "graphql",
                            "expect": HANDBOOK + "getting-started/find-a-service/#its-apis",
                            "category": "docs-only"}),
    "docs-only but an entity": ("is not a docs section",
                                {"query": "streetlights", "expect": "api:default/streetlights",
                                 "category": "docs-only"}),
    "not a template": ("is not a Template",
                       {"query": "onboarding", "expect": "component:default/developer-handbook",
                        "category": "template"}),
    "no phrase": ('has no "..." phrase',
                  {"query": "audio playback", "expect": "system:default/audio-playback",
                   "category": "quoted-phrase"}),
    "phrase not verbatim": ("is not verbatim in",
                            {"query": '"wayback search"',
                             "expect": "component:default/wayback-search",
                             "category": "quoted-phrase"}),
    "no minus": ("has no ' -word'",
                 {"query": "hello world trpc", "expect": "api:default/hello-world-trpc",
                  "category": "minus"}),
    "minus word in expect": ("which the query excludes",
                             {"query": "hello world -trpc",
                              "expect": "api:default/hello-world-trpc", "category": "minus"}),
    "not owner or system": ("owner or system",
                            {"query": "streetlights", "expect": "api:default/streetlights",
                             "category": "owner-or-system"}),
    "words not in description": ("not in the description",
                                 {"query": "team-d service",
                                  "expect": "component:default/wayback-archive-ingestion",
                                  "category": "description-words"}),
    "description words all in the name": ("all in",
                                          {"query": "shuffle api",
                                           "expect": "component:default/shuffle-api",
                                           "category": "description-words"}),
    "top3 first differs": ("top3 starts with",
                           {"query": "podcast", "expect": "system:default/podcast",
                            "category": "exact-name",
                            "top3": ["component:default/podcast-api", "system:default/podcast"]}),
    "top3 incomplete": ("top3 lists 1 results but 2 match",
                        {"query": "playback -audio", "expect": "component:default/playback-order",
                         "category": "minus", "top3": ["component:default/playback-order"]}),
    "top3 not matching": ("the query does not match",
                          {"query": "podcast", "expect": "system:default/podcast",
                           "category": "exact-name",
                           "top3": ["system:default/podcast", "api:default/spotify"]}),
    "top3 unknown ref": ("not an entity of the demo catalog",
                         {"query": "podcast", "expect": "system:default/podcast",
                          "category": "exact-name",
                          "top3": ["system:default/podcast", "component:default/podcasts"]}),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(BROKEN_CASES))
def test_checks_catch_a_broken_case(name: str, demo: Demo) -> None:
    fragment, broken = BROKEN_CASES[name]
    case = {"why": "a deliberately wrong case", **broken}
    case = {key: value for key, value in case.items() if value is not None}
    found = problems(case, demo)
    assert any(fragment in problem for problem in found), (fragment, found)
