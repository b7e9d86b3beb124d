"""Snippets: the part of a document's text around the query's words, with the words
marked. Computed for the page of results shown, the same on both engines."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from portal.search.text import WORD, Query

__all__ = ["highlight", "snippet"]

#: Characters of text a snippet shows.
LENGTH = 220
PRE, POST = "<mark>", "</mark>"


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


def highlight(text: str, query: Query, *, pre: str, post: str,
              quote: Callable[[str], str] = str) -> str:  # fmt: skip
    """The snippet of ``text`` with each query word between ``pre`` and ``post``;
    ``quote`` escapes the text around them (HTML escaping for pages)."""
    text = re.sub(r"\s+", " ", text).strip()
    spans = _hits(text, query)
    start, end = _window(text, spans)
    pieces, cursor = ["… "] if start > 0 else [], start
    for span_start, span_end in spans:
        if span_start < cursor or span_end > end:
            continue
        pieces += [quote(text[cursor:span_start]), pre, quote(text[span_start:span_end]), post]
        cursor = span_end
    pieces.append(quote(text[cursor:end]))
    if end < len(text):
        pieces.append(" …")
    return "".join(pieces)


def snippet(text: str, query: Query) -> SafeString:
    """The snippet of ``text`` for ``query`` as HTML, words in ``<mark>``."""
    return mark_safe(highlight(text, query, pre=PRE, post=POST, quote=escape))  # noqa: S308
