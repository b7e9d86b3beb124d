"""The parts of a built page the portal shows, read with lxml (never executed):
the article, its table of contents and the site navigation.

Material for MkDocs (techdocs-core's theme) marks them clearly: the article
``.md-content__inner``, the navigation ``nav.md-nav--primary``, the table of contents
in ``.md-sidebar--secondary``. Pages from mkdocs' own themes or plain HTML fall back to
``[role=main]``, ``<main>`` or ``<body>``, with a table of contents from the headings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

import lxml.html
from lxml.etree import ParserError, _Element

__all__ = ["RawPage", "extract_page"]


@dataclass
class RawPage:
    """Unsanitised parts: ``content`` is HTML; ``toc`` and ``nav`` are plain data with
    hrefs as written in the page."""

    title: str
    content: str
    toc: list[dict[str, Any]] = field(default_factory=list)
    nav: list[dict[str, Any]] = field(default_factory=list)


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _first(root: _Element, xpath: str) -> _Element | None:
    found = root.xpath(xpath)
    return found[0] if found else None


def _text(element: _Element | None) -> str:
    if element is None:
        return ""
    ellipsis = _first(element, f".//span[{_has_class('md-ellipsis')}]")
    return " ".join((ellipsis if ellipsis is not None else element).text_content().split())


def _toc(ul: _Element | None) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for li in ul.xpath("./li") if ul is not None else []:
        link = _first(li, "./a")
        if link is None:
            continue
        anchor = (link.get("href") or "").partition("#")[2]
        entries.append({"title": _text(link), "anchor": anchor,
                        "children": _toc(_first(li, "./nav/ul"))})  # fmt: skip
    return entries


def _nav(ul: _Element | None) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for li in ul.xpath("./li") if ul is not None else []:
        link = _first(li, f"./a | ./div[{_has_class('md-nav__link')}]/a")
        label = _first(li, "./label")
        nested = _first(li, f"./nav[not({_has_class('md-nav--secondary')})]/ul")
        title = _text(link if link is not None else label)
        href = link.get("href") if link is not None else None
        entries.append({"title": title, "href": href, "children": _nav(nested),
                        "section": nested is not None})  # fmt: skip
    return entries


def _heading_text(heading: _Element | None) -> str:
    """A heading's words without its permalink sign."""
    if heading is None:
        return ""
    words = [heading.text or ""] + [
        ("" if _has_class_of(child, "headerlink") else child.text_content()) + (child.tail or "")
        for child in heading]  # fmt: skip
    return " ".join("".join(words).split())


def _has_class_of(element: _Element, name: str) -> bool:
    return name in (element.get("class") or "").split()


def _headings_toc(content: _Element) -> list[dict[str, Any]]:
    return [{"title": _heading_text(h), "anchor": h.get("id"), "children": []}
            for h in content.xpath(".//h2[@id] | .//h3[@id]")]  # fmt: skip


def _fallback_content(root: _Element) -> _Element:
    """mkdocs' own themes mark the article ``role=main``; plain HTML has ``<main>``."""
    for xpath in ("//*[@role='main']", "//main", "//body"):
        found = _first(root, xpath)
        if found is not None:
            return found
    return root


def extract_page(html: bytes | str, *, with_nav: bool = True) -> RawPage:
    """The parts of one built page (tolerates broken markup; empty input is empty).
    The navigation is the same on every page of a site: read it from one."""
    try:
        root = lxml.html.fromstring(html or b"<html></html>")
    except (ParserError, ValueError):
        return RawPage(title="", content="")
    article = _first(root, f"//article[{_has_class('md-content__inner')}]")
    content = article if article is not None else _fallback_content(root)
    for button in content.xpath(f".//a[{_has_class('md-content__button')}]"):
        button.drop_tree()
    for control in content.xpath(".//input[not(@type='checkbox')]"):
        control.drop_tree()
    title = _heading_text(_first(content, ".//h1")) or _text(_first(root, "//title"))
    inner = escape(content.text or "") + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in content)  # fmt: skip
    toc_list = _first(root, f"//div[{_has_class('md-sidebar--secondary')}]//nav"
                            f"[{_has_class('md-nav--secondary')}]/ul")  # fmt: skip
    toc = _toc(toc_list) if toc_list is not None else _headings_toc(content)
    nav = _nav(_first(root, f"//nav[{_has_class('md-nav--primary')}]/ul")) if with_nav else []
    return RawPage(title=title, content=inner, toc=toc, nav=nav)
