"""Markdown from catalog data (AsyncAPI descriptions are CommonMark) as HTML a page
may show.

The text is untrusted. markdown-it renders it with raw HTML switched off (so ``<script>``
comes out as text), and nh3 then keeps only the tags and attributes of ordinary
formatted text and links to http(s) and mailto addresses. Images are left out: a
description must not make the page fetch from other hosts.
"""

from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

__all__ = ["markdown_html"]

_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}


def markdown_html(text: str) -> SafeString:
    """``text`` rendered as Markdown and sanitised; the one place catalog Markdown
    becomes markup, so every description is cleaned the same way."""
    html = nh3.clean(
        _MARKDOWN.render(text),
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(html)  # noqa: S308  (sanitised by nh3 just above)
