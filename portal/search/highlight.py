"""Snippets: the part of a document's text around the query's words, with the words
marked. Computed for the page of results shown, the same on both engines; the page's
template renders the pieces as HTML, the API joins them with its own tags."""

from __future__ import annotations

import re
from dataclasses import dataclass

from portal.search.text import WORD, Query

__all__ = ["Piece", "highlight", "pieces"]

#: Characters of text a snippet shows.
LENGTH = 220


def _hits(text: str, query: Query) -> list[tuple[int, int]]:
    """Spans of ``text`` that are query words (the last as a prefix)."""
    wanted = {word for word in query.positive_words}
    prefixes = tuple(term.words[-1] for clause in query.clauses for term in clause if term.prefix)
    spans = []
    for match in WORD.finditer(text):
        word = match.group().lower()
        if word in wanted or (prefixes and word.startswith(prefixes)):
            spans.append(match.span())
    return spans


def _window(text: str, spans: list[tuple[int, int]]) -> tuple[int, int]:
    if not spans or len(text) <= LENGTH:
        return 0, min(len(text), LENGTH)
    start = max(0, spans[0][0] - LENGTH // 4)
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return start, min(len(text), start + LENGTH)


@dataclass(frozen=True)
class Piece:
    """A run of a snippet's text; ``marked``: a query word."""

    text: str
    marked: bool = False


def pieces(text: str, query: Query) -> list[Piece]:
    """The snippet of ``text`` for ``query``: its runs of text, the query's words
    marked (templates render them, escaped, with ``<mark>``)."""
    text = re.sub(r"\s+", " ", text).strip()
    spans = _hits(text, query)
    start, end = _window(text, spans)
    found, cursor = [Piece("… ")] if start > 0 else [], start
    for span_start, span_end in spans:
        if span_start < cursor or span_end > end:
            continue
        found += [Piece(text[cursor:span_start]), Piece(text[span_start:span_end], marked=True)]
        cursor = span_end
    found.append(Piece(text[cursor:end]))
    if end < len(text):
        found.append(Piece(" …"))
    return [piece for piece in found if piece.text]


def highlight(text: str, query: Query, *, pre: str, post: str) -> str:
    """The snippet of ``text`` as plain text, each query word between ``pre`` and
    ``post`` (the API's highlight, in Backstage's shape)."""
    return "".join(pre + piece.text + post if piece.marked else piece.text
                   for piece in pieces(text, query))  # fmt: skip
