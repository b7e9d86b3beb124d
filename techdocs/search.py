"""The docs' search documents: one per section of each site's search index.

mkdocs writes a search index entry per page and per heading; a page's entry repeats
its sections' text at greater length, so a page is indexed by its sections (``#``
locations) and only a page without any by its own entry. A site's documents are
replaced when a version goes live (:func:`index_site`, called in the transaction that
publishes it), so the results always point at pages that exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from catalog.summaries import short_ref
from portal.plugins import IndexDocument, index_search_documents, remove_search_documents
from techdocs.models import DocsPage, DocsSite
from techdocs.references import Triplet, site_urls

__all__ = ["TYPE", "collect", "index_site", "remove_site", "site_documents"]

TYPE = "techdocs"


def _group(site: DocsSite) -> str:
    return f"{site.namespace}/{site.kind}/{site.name}"


def _entries(page: DocsPage) -> list[dict[str, str]]:
    sections = [entry for entry in page.sections if "#" in entry.get("location", "")]
    return sections or list(page.sections)


def site_documents(site: DocsSite, pages: Iterable[DocsPage]) -> Iterator[IndexDocument]:
    """The documents of ``pages``, the published pages of ``site``."""
    root = site_urls(Triplet(site.namespace, site.kind, site.name))[0]
    group = _group(site)
    for page in pages:
        for entry in _entries(page):
            location = entry.get("location", "")
            key = f"{group}/{location}"
            if len(key) > 1000:  # a heading no one links to by a kilobyte of slug
                continue
            yield IndexDocument(
                type=TYPE, key=key, group=group, title=entry.get("title") or page.title,
                location=root + location, text=entry.get("text", ""),
                fields={"title": entry.get("title", ""), "text": entry.get("text", "")},
                owner=short_ref(site.owner, default_kind="group") if site.owner else "",
                namespace=site.namespace)  # fmt: skip


def index_site(site: DocsSite, pages: Iterable[DocsPage]) -> int:
    """Replace the site's documents with those of ``pages`` (its new version)."""
    remove_site(site)
    return index_search_documents(site_documents(site, pages))


def remove_site(site: DocsSite) -> int:
    return remove_search_documents(TYPE, groups=[_group(site)])


def collect() -> Iterator[IndexDocument]:
    """The documents of every published site."""
    for site in DocsSite.objects.exclude(published=None).iterator():
        pages = DocsPage.objects.filter(version_id=site.published_id).only("path", "title",
                                                                           "sections")
        yield from site_documents(site, pages.iterator())
