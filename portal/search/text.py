"""Words and queries, the same on every engine.

Both engines index the words this module produces, never raw text: PostgreSQL's
parser keeps ``hello-world`` or ``mkdocs.yml`` as one compound token and FTS5's
splits them, so Greenroom splits first (at everything that is not a letter or digit,
lower-cased) and hands each engine plain words. Queries follow PostgreSQL's
``websearch_to_tsquery`` syntax: words are ANDed, ``"..."`` is a phrase, ``OR``
between two terms offers either, ``-term`` excludes; a term written as one token
(``hello-world``) is a phrase of its words, and the last word typed also matches as a
prefix (the user is still typing it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["Query", "Term", "contains", "parse", "words"]

WORD = re.compile(r"[^\W_]+")
TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
#: Longest word indexed or searched (longer ones are ids and hashes, not words).
MAX_WORD = 60
#: A last word shorter than this matches only as a whole word (one letter is no prefix).
MIN_PREFIX = 2
#: Terms a query may have; the rest are ignored rather than sent to the engine.
MAX_TERMS = 16


def words(text: str) -> list[str]:
    """The words of ``text``: lower-case runs of letters and digits."""
    return [word for word in WORD.findall(text.lower()) if len(word) <= MAX_WORD]


def joined(text: str) -> str:
    """``text`` as the space-separated words the engines index."""
    return " ".join(words(text))


@dataclass(frozen=True)
class Term:
    """A sequence of adjacent words; ``prefix``: the last word may be a prefix."""

    words: tuple[str, ...]
    prefix: bool = False
    quoted: bool = False


@dataclass(frozen=True)
class Query:
    """A parsed query: every clause must match (a clause is one term or several
    ``OR``-ed ones); no excluded term may."""

    clauses: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.clauses

    @property
    def name_key(self) -> str:
        """The query as a name, for the exact and prefix name boosts ("" with OR)."""
        if any(len(clause) > 1 for clause in self.clauses):
            return ""
        return " ".join(word for (term,) in self.clauses for word in term.words)

    @property
    def positive_words(self) -> list[str]:
        return [word for clause in self.clauses for term in clause for word in term.words]

    def replaced(self, corrections: dict[str, str]) -> Query:
        """The same query with words replaced (typo corrections); a corrected word is
        whole, not a prefix."""

        def fix(term: Term) -> Term:
            fixed = tuple(corrections.get(word, word) for word in term.words)
            changed = fixed[-1] != term.words[-1]
            return Term(fixed, term.prefix and not changed, term.quoted)

        return Query(tuple(tuple(map(fix, clause)) for clause in self.clauses), self.excluded)

    def __str__(self) -> str:
        def show(term: Term) -> str:
            text = " ".join(term.words)
            return f'"{text}"' if term.quoted or len(term.words) > 1 else text

        parts = [" OR ".join(map(show, clause)) for clause in self.clauses]
        return " ".join(parts + [f"-{show(term)}" for term in self.excluded])


def parse(text: str) -> Query:
    """Parse ``text`` in websearch syntax (see the module docstring)."""
    clauses: list[list[Term]] = []
    excluded: list[Term] = []
    pending_or = False
    for match in TOKEN.finditer(text):
        if match.group(2) is not None:
            negated, raw, quoted = bool(match.group(1)), match.group(2), True
        else:
            raw, quoted = match.group(3), False
            if raw == "OR":
                pending_or = bool(clauses)
                continue
            negated = raw.startswith("-") and not raw.startswith("--")
            raw = raw.lstrip("-")
        found = tuple(words(raw))
        if not found:
            continue
        term = Term(found, quoted=quoted)
        if negated:
            excluded.append(term)
        elif pending_or:
            clauses[-1].append(term)
        else:
            clauses.append([term])
        pending_or = False
    clauses, excluded = clauses[:MAX_TERMS], excluded[:MAX_TERMS]
    if clauses and not clauses[-1][-1].quoted:
        last = clauses[-1][-1]
        clauses[-1][-1] = Term(last.words, prefix=len(last.words[-1]) >= MIN_PREFIX)
    return Query(tuple(map(tuple, clauses)), tuple(excluded))


def contains(field: Sequence[str], term: Term) -> bool:
    """Whether the words of one field hold ``term`` (adjacent, the last as a prefix
    when the term allows it): the match rule both engines implement."""
    size = len(term.words)
    head, last = list(term.words[:-1]), term.words[-1]
    for start in range(len(field) - size + 1):
        if list(field[start : start + size - 1]) != head:
            continue
        word = field[start + size - 1]
        if word == last or (term.prefix and word.startswith(last)):
            return True
    return False


def matches(fields: Iterable[Sequence[str]], query: Query) -> bool:
    """Whether a document with these fields' words matches ``query``."""
    fields = list(fields)

    def found(term: Term) -> bool:
        return any(contains(field, term) for field in fields)

    return all(any(map(found, clause)) for clause in query.clauses) and not any(
        map(found, query.excluded)
    )
