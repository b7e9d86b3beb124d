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
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from techdocs.html.page import page_path_for_file, process_page
from techdocs.models import DocsPage, DocsSite, DocsVersion
from techdocs.references import Triplet

__all__ = ["SEARCH_INDEX", "import_version", "site_urls"]

SEARCH_INDEX = "search/search_index.json"
#: Rows written per INSERT; a 200-page site is two statements.
BATCH = 100
Reader = Callable[[str], bytes]


def site_urls(triplet: Triplet) -> tuple[str, str]:
    """Where the site's pages and its stored files are served in the portal."""
    args = (triplet.namespace, triplet.kind, triplet.name)
    return reverse("techdocs:site", args=args), reverse("techdocs:files_root", args=args)


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


def import_version(site: DocsSite, metadata: dict[str, Any], files: Iterable[str],
                   read: Reader, *, origin: str) -> DocsVersion:  # fmt: skip
    """Store every page of the published site and make it the site's version."""
    files = set(files)
    triplet = Triplet(site.namespace, site.kind, site.name)
    site_root, files_root = site_urls(triplet)
    stamp = str(metadata.get("build_timestamp") or "")
    sections = _sections(read, files)
    pages: list[DocsPage] = []
    nav: list[dict[str, Any]] = []  # the same on every page: read from the home page
    paths = {name: path for name in files if (path := page_path_for_file(name)) is not None}
    nav_from = "index.html" if "index.html" in paths else min(paths, default="")
    for name, path in sorted(paths.items()):
        processed = process_page(read(name), page_url=path, site_root=site_root,
                                 files_root=files_root, asset_version=lambda _p: stamp or None,
                                 with_nav=name == nav_from)  # fmt: skip
        if name == nav_from:
            nav = processed.nav
        pages.append(DocsPage(path=path, title=processed.title[:500], html=processed.html,
                              toc=processed.toc, sections=sections.get(path, [])))  # fmt: skip
    with transaction.atomic():
        version = DocsVersion.objects.create(
            site=site, build_timestamp=int(metadata.get("build_timestamp") or 0),
            etag=str(metadata.get("etag") or "")[:128],
            site_name=str(metadata.get("site_name") or "")[:500],
            site_description=str(metadata.get("site_description") or ""),
            nav=nav, files=len(files), origin=origin)  # fmt: skip
        for page in pages:
            page.version = version
        DocsPage.objects.bulk_create(pages, batch_size=BATCH)
        DocsSite.objects.filter(pk=site.pk).update(published=version, last_built=timezone.now())
        DocsVersion.objects.filter(site=site).exclude(pk=version.pk).delete()
    site.published = version
    return version
