"""The order of results, the same on both engines.

The engines pick the candidates (:meth:`Engine.summary`); this module orders them
by rules that do not depend on the engine, so PostgreSQL and SQLite show the same
results in the same order:

1. an exact name match (the query's words are the name's words), then a prefix name
   match (the name starts with them), then everything else;
2. healthy documents before demoted ones (orphaned entities, entities with errors);
3. the text score: each query term counts the weight of the best field holding it
   (:data:`~portal.search.documents.FIELDS`), less for a long field (a word in a
   three-word title says more than the same word in a page of text), and half for a
   word matched only as a prefix (``templat`` is more likely ``template`` than
   ``templates``);
4. a shorter title, then the key, so equal scores have one order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from portal.search.documents import FIELDS
from portal.search.models import SearchDocument
from portal.search.text import Query, Term, contains

__all__ = ["order", "text_score"]

#: Words of a field before its length starts to lower a match's weight.
SHORT_FIELD = 8
#: A word matched only as a prefix counts this much of a whole word.
PREFIX_SHARE = 0.5


def text_score(fields: Mapping[str, Sequence[str]], query: Query) -> float:
    """The text score of a document with these fields' words (rule 3)."""
    total = 0.0
    for clause in query.clauses:
        best = 0.0
        for term in clause:
            whole = Term(term.words) if term.prefix else term
            for name, field_words in fields.items():
                if contains(field_words, whole):
                    share = 1.0
                elif term.prefix and contains(field_words, term):
                    share = PREFIX_SHARE
                else:
                    continue
                weight = FIELDS[name][0] / (1 + math.log1p(len(field_words) / SHORT_FIELD))
                best = max(best, weight * share)
        total += best
    return total


def _tier(name_key: str, query: Query) -> int:
    key = query.name_key
    if not key or not name_key:
        return 0
    if name_key == key:
        return 2
    last = query.clauses[-1][-1]
    return 1 if name_key.startswith(key if last.prefix else key + " ") else 0


def order(documents: Iterable[SearchDocument], query: Query) -> list[SearchDocument]:
    """``documents`` (with their bodies) best first (rules 1-4)."""

    def key(document: SearchDocument) -> tuple:
        fields = {name: text.split() for name, text in document.body.fields.items()}
        return (-_tier(document.name_key, query), document.demoted,
                -round(text_score(fields, query), 9), len(document.title), document.type,
                document.key)  # fmt: skip

    return sorted(documents, key=key)
