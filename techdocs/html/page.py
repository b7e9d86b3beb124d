"""One built page, ready to store and show: `extract` → `sanitize` → rewritten URLs."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from techdocs.html.extract import extract_page
from techdocs.html.rewrite import UrlRewriter
from techdocs.html.sanitize import sanitize

__all__ = ["ProcessedPage", "page_path_for_file", "process_page"]

#: Generated pages that are not part of the site's content.
_NOT_PAGES = {"404.html"}


@dataclass(frozen=True)
class ProcessedPage:
    title: str
    html: str
    toc: list[dict[str, Any]]
    nav: list[dict[str, Any]]


def page_path_for_file(relative_file: str) -> str | None:
    """The page path of a built file (``guide/index.html`` → ``guide/``,
    ``index.html`` → ``""``, ``notes.html`` → ``notes.html``), None if not a page."""
    if not relative_file.endswith(".html") or relative_file in _NOT_PAGES:
        return None
    if relative_file.startswith(("assets/", "search/")):
        return None
    if posixpath.basename(relative_file) == "index.html":
        folder = posixpath.dirname(relative_file)
        return f"{folder}/" if folder else ""
    return relative_file


def _toc(entries: list[dict[str, Any]], level: int = 1) -> list[dict[str, Any]]:
    return [{"title": e["title"], "anchor": e["anchor"], "level": level,
             "children": _toc(e["children"], level + 1)}
            for e in entries if e.get("anchor")]  # fmt: skip


def _nav(entries: list[dict[str, Any]], rewriter: UrlRewriter) -> list[dict[str, Any]]:
    out = []
    for entry in entries:
        href = entry.get("href")
        url = rewriter.rewrite("a", "href", href) if href else None
        out.append({"title": entry["title"], "url": url, "section": entry["section"],
                    "children": _nav(entry["children"], rewriter)})  # fmt: skip
    return out


def process_page(html: bytes | str, *, page_url: str, site_root: str, files_root: str,
                 asset_version: Callable[[str], str | None] | None = None,
                 with_nav: bool = True) -> ProcessedPage:  # fmt: skip
    """The page at ``page_url`` (its path in the site) as the portal stores it."""
    raw = extract_page(html, with_nav=with_nav)
    rewriter = UrlRewriter(page_url, site_root, files_root, asset_version)
    return ProcessedPage(title=raw.title, html=sanitize(raw.content, rewrite=rewriter),
                         toc=_toc(raw.toc), nav=_nav(raw.nav, rewriter))  # fmt: skip
