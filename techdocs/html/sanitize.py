"""Built docs HTML made safe for the portal's pages, with nh3 (a parse-and-serialise
sanitiser, so mXSS tricks that fool regular expressions end up as inert text).

Kept: the elements Material docs content uses, ids and classes (anchors, highlighting),
task-list checkboxes (disabled) and a small inline-SVG subset for emoji and icons.
Dropped with their content: scripts and styles. Dropped: frames, objects, embeds,
forms and their controls, ``<base>``, ``<meta>``, ``<link>``, MathML, ``foreignObject``,
SVG animation, every ``on*`` attribute and every ``style`` attribute (the portal's CSP
allows no inline styles, so none may rely on them). URLs go through `UrlRewriter`.
"""

from __future__ import annotations

import nh3

from techdocs.html.rewrite import URL_ATTRIBUTES, UrlRewriter

__all__ = ["ALLOWED_TAGS", "sanitize"]

_TEXT = {"a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col",
         "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption",
         "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd",
         "label", "li", "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "small",
         "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
         "thead", "time", "tr", "u", "ul", "var", "wbr", "picture", "source", "video", "audio",
         "track"}  # fmt: skip
_SVG = {"svg", "g", "path", "circle", "ellipse", "line", "polyline", "polygon", "rect", "title",
        "desc", "defs", "symbol", "text", "tspan", "lineargradient", "radialgradient", "stop",
        "clippath", "mask"}  # fmt: skip
ALLOWED_TAGS = frozenset(_TEXT | _SVG)
_SVG_ATTRIBUTES = {"viewbox", "d", "fill", "fill-rule", "clip-rule", "stroke", "stroke-width",
                   "stroke-linecap", "stroke-linejoin", "width", "height", "xmlns", "transform",
                   "points", "cx", "cy", "r", "rx", "ry", "x", "y", "x1", "y1", "x2", "y2",
                   "opacity", "fill-opacity", "stroke-opacity", "offset", "stop-color",
                   "gradientunits", "gradienttransform", "clip-path", "mask", "aria-hidden",
                   "role", "focusable", "version", "preserveaspectratio", "text-anchor",
                   "font-size", "font-family", "font-weight", "dominant-baseline"}  # fmt: skip
_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "id", "title", "lang", "dir", "aria-label", "aria-hidden", "role"},
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height", "loading"},
    "input": {"type", "checked", "disabled"},
    "td": {"colspan", "rowspan", "align"}, "th": {"colspan", "rowspan", "align", "scope"},
    "col": {"span"}, "colgroup": {"span"}, "ol": {"start", "reversed", "type"},
    "details": {"open"}, "label": {"for"}, "time": {"datetime"},
    "source": {"src", "type", "media"}, "track": {"src", "kind", "srclang", "label"},
    "video": {"src", "poster", "controls", "width", "height", "loop", "muted"},
    "audio": {"src", "controls", "loop", "muted"},
    **{tag: set(_SVG_ATTRIBUTES) for tag in _SVG},
}  # fmt: skip


def _filter(rewriter: UrlRewriter | None):  # type: ignore[no-untyped-def]
    """nh3's attribute filter; without ``rewriter`` URLs are kept as they are (they
    were rewritten by an earlier pass)."""

    def keep(element: str, attribute: str, value: str) -> str | None:
        if attribute in URL_ATTRIBUTES:
            return rewriter.rewrite(element, attribute, value) if rewriter else value
        if element == "input":
            if attribute == "type":
                return value if value.lower() == "checkbox" else None
            if attribute == "disabled":
                return "disabled"
        return value

    return keep


#: Clean passes after the first, at most, until the markup reads back as written.
SETTLING_PASSES = 3


def sanitize(fragment: str, *, rewrite: UrlRewriter) -> str:
    """``fragment`` with only safe markup left and every URL a portal URL.

    nh3 writes out the tree it built, and from misnested input that can be a tree
    the HTML parser would not build itself (a ``<p>`` or an ``<a>`` inside another),
    which reads back differently. So the result is cleaned again, without rewriting
    URLs twice, until it reads back as written: what is stored is what a browser
    parses."""
    cleaned = _clean(fragment, _filter(rewrite))
    for _ in range(SETTLING_PASSES):
        settled = _clean(cleaned, _filter(None))
        if settled == cleaned:
            break
        cleaned = settled
    return cleaned


def _clean(fragment: str, attribute_filter) -> str:  # type: ignore[no-untyped-def]
    return nh3.clean(fragment, tags=set(ALLOWED_TAGS), attributes=_ATTRIBUTES,
                     clean_content_tags={"script", "style", "noscript", "template",
                                         "textarea", "xmp", "iframe", "noembed",
                                         "noframes", "math", "select"},
                     url_schemes={"http", "https", "mailto", "tel"},
                     attribute_filter=attribute_filter, link_rel="noopener noreferrer",
                     strip_comments=True, set_tag_attribute_values={
                         "input": {"disabled": "disabled"}})  # fmt: skip
