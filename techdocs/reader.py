"""What a docs page shows, for the reader and the entity Docs tab alike: the stored
page of the published version, the site's navigation with the current page marked,
and the site's build state with advice when something is wrong."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from techdocs.advice import Advice, advice_for
from techdocs.models import BuildState, DocsPage, DocsSite
from techdocs.sites import CHECK_EVERY, check_due

__all__ = ["Reading", "Status", "find_page", "read_site", "status_of"]


@dataclass
class Status:
    """The notice above a page: ``polling`` while a check or build is under way (the
    notice then updates itself), ``building`` when there is a build to announce,
    ``fresh_version`` once a newer version than the one on screen is live."""

    polling: bool
    building: bool
    advice: Advice | None
    fresh_version: bool = False


def status_of(site: DocsSite, shown: int | None = None) -> Status:
    active = site.state in (BuildState.QUEUED, BuildState.BUILDING)
    stamp = site.published.build_timestamp if site.published_id else None
    return Status(polling=active,
                  building=active and (site.state == BuildState.BUILDING or stamp is None),
                  advice=None if site.state == BuildState.BUILDING
                  else advice_for(site.problem_kind),
                  fresh_version=bool(shown and stamp and stamp != shown))  # fmt: skip


@dataclass
class Reading:
    site: DocsSite
    page: DocsPage | None
    nav: list[dict[str, Any]]
    status: Status


def find_page(site: DocsSite, path: str) -> DocsPage | None:
    """The published page at ``path``, in one query. Old versions are deleted in the
    transaction that switches to a new one, so the site has one version at any time
    and this never mixes two. A path no page can have (a NUL, which PostgreSQL text
    cannot hold) is simply not found."""
    if "\x00" in path:
        return None
    return (DocsPage.objects.select_related("version").filter(version__site_id=site.pk, path=path)
            .first())  # fmt: skip


def _marked(nav: list[dict[str, Any]], url: str) -> tuple[list[dict[str, Any]], bool]:
    """The navigation with ``active`` on the current page and ``open`` on its sections."""
    marked, found = [], False
    for entry in nav:
        children, inside = _marked(entry.get("children") or [], url)
        active = entry.get("url") == url
        marked.append({**entry, "children": children, "active": active, "open": inside})
        found = found or inside or active
    return marked, found


def _due(site: DocsSite) -> bool:
    return site.last_checked is None or timezone.now() - site.last_checked > CHECK_EVERY


def read_site(site: DocsSite, path: str, url: str, user: Any) -> Reading:
    """The page and state for a visit; a visit is also what asks a ``local`` builder to
    check the source (at most once a minute) and an ``external`` one to look for what
    CI published."""
    if _due(site) and site.state not in (BuildState.QUEUED, BuildState.BUILDING):
        check_due(site, user)
    page = find_page(site, path) if site.published_id else None
    nav = _marked(page.version.nav, url)[0] if page else []
    return Reading(site=site, page=page, nav=nav, status=status_of(site))
