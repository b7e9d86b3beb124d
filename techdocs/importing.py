"""Turn a published site's files into a stored version: one processed row per page
(sanitised HTML, table of contents, search sections) and the site's navigation, then
switch the site to it in one transaction.

The same code takes a site Greenroom just built (its files read from the build
directory) and one CI published with ``techdocs-cli`` (read from storage), so both are
shown, sanitised and indexed alike.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from techdocs.built_files import SeenFiles
from techdocs.html.page import page_path_for_file, process_page
from techdocs.models import DocsPage, DocsSite, DocsVersion
from techdocs.references import Triplet, site_urls
from techdocs.search import index_site

__all__ = ["SEARCH_INDEX", "ReadVersion", "VersionReader", "import_version", "read_version",
           "store_version"]  # fmt: skip

SEARCH_INDEX = "search/search_index.json"
#: Rows written per INSERT; a 200-page site is two statements.
BATCH = 100
Reader = Callable[[str], bytes]


def _sections(read: Reader, files: set[str]) -> dict[str, list[dict[str, str]]]:
    """The mkdocs search index grouped by page path (``guide/#install`` → ``guide/``)."""
    if SEARCH_INDEX not in files:
        return {}
    try:
        index = json.loads(read(SEARCH_INDEX))
    except ValueError:
        return {}
    grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
    for doc in index.get("docs") or [] if isinstance(index, dict) else []:
        if not isinstance(doc, dict):
            continue
        location = str(doc.get("location") or "")
        grouped[location.partition("#")[0]].append(
            {"location": location, "title": str(doc.get("title") or ""),
             "text": str(doc.get("text") or "")})  # fmt: skip
    return grouped


@dataclass
class ReadVersion:
    """A published site's pages, processed and ready to store (not stored yet)."""

    metadata: dict[str, Any]
    files: int
    nav: list[dict[str, Any]]
    pages: list[DocsPage]


class VersionReader:
    """Processes a site's pages into a :class:`ReadVersion`. During a build each page
    is processed as soon as the build reports it written (:meth:`add`, given the build
    directory), so little is left for :meth:`finish`; a page changed after it was
    processed is processed again."""

    def __init__(self, site: DocsSite, build_timestamp: int | str | None,
                 directory: Path | None = None) -> None:  # fmt: skip
        self.site_root, self.files_root = site_urls(Triplet(site.namespace, site.kind, site.name))
        self.stamp = str(build_timestamp or "")
        self._files = SeenFiles(directory) if directory is not None else None
        self._pages: dict[str, DocsPage] = {}
        self._nav: tuple[str, list[dict[str, Any]]] | None = None  # (file name, nav)

    def add(self, name: str) -> None:
        """Process the built page ``name`` now, if it is a page that changed."""
        path = self._files.take(name) if self._files and page_path_for_file(name) else None
        if path is not None:
            self._process(name, path.read_bytes(), with_nav=name == "index.html")

    def finish(self, metadata: dict[str, Any], files: Iterable[str],
               read: Reader) -> ReadVersion:  # fmt: skip
        """Every page of ``files`` processed (the rest read with ``read``), with the
        search sections and the navigation (the same on every page: read from the
        home page)."""
        files = set(files)
        paths = {name: path for name in files if (path := page_path_for_file(name)) is not None}
        nav_from = "index.html" if "index.html" in paths else min(paths, default="")
        for name in sorted(paths):
            changed = self._files.take(name) if self._files else None
            if changed is not None or name not in self._pages:
                self._process(name, changed.read_bytes() if changed else read(name),
                              with_nav=name == nav_from)  # fmt: skip
        if nav_from and (self._nav is None or self._nav[0] != nav_from):
            self._process(nav_from, read(nav_from), with_nav=True)
        sections = _sections(read, files)
        pages = [self._pages[name] for name in sorted(paths)]
        for page in pages:
            page.sections = sections.get(page.path, [])
        return ReadVersion(metadata, len(files), self._nav[1] if self._nav else [], pages)

    def _process(self, name: str, html: bytes, *, with_nav: bool) -> None:
        path = page_path_for_file(name) or ""
        processed = process_page(html, page_url=path, site_root=self.site_root,
                                 files_root=self.files_root, with_nav=with_nav,
                                 asset_version=lambda _p: self.stamp or None)  # fmt: skip
        if with_nav:
            self._nav = (name, processed.nav)
        self._pages[name] = DocsPage(path=path, title=processed.title[:500], html=processed.html,
                                     toc=processed.toc)  # fmt: skip


def read_version(site: DocsSite, metadata: dict[str, Any], files: Iterable[str],
                 read: Reader) -> ReadVersion:  # fmt: skip
    """Process every page of a site already published (read with ``read``)."""
    reader = VersionReader(site, metadata.get("build_timestamp"))
    return reader.finish(metadata, files, read)


def store_version(site: DocsSite, version: ReadVersion, *, origin: str) -> DocsVersion:
    """Store the pages and make them the site's version, in one transaction: readers
    see the old version or the new one, never a mix."""
    metadata = version.metadata
    with transaction.atomic():
        stored = DocsVersion.objects.create(
            site=site, build_timestamp=int(metadata.get("build_timestamp") or 0),
            etag=str(metadata.get("etag") or "")[:128],
            site_name=str(metadata.get("site_name") or "")[:500],
            site_description=str(metadata.get("site_description") or ""),
            nav=version.nav, files=version.files, origin=origin)  # fmt: skip
        for page in version.pages:
            page.version = stored
        DocsPage.objects.bulk_create(version.pages, batch_size=BATCH)
        DocsSite.objects.filter(pk=site.pk).update(published=stored, last_built=timezone.now())
        DocsVersion.objects.filter(site=site).exclude(pk=stored.pk).delete()
        index_site(site, version.pages)
    site.published = stored
    return stored


def import_version(site: DocsSite, metadata: dict[str, Any], files: Iterable[str],
                   read: Reader, *, origin: str) -> DocsVersion:  # fmt: skip
    """Store every page of the published site and make it the site's version."""
    return store_version(site, read_version(site, metadata, files, read), origin=origin)
