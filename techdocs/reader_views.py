"""The docs reader: ``/docs/<namespace>/<kind>/<name>/<page>`` inside the portal's
layout, and the entity page's Docs tab."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from portal.http_methods import require_GET
from techdocs.models import DocsPage
from techdocs.reader import find_page, read_site
from techdocs.references import Triplet
from techdocs.sites import site_for_entity, site_of

__all__ = ["page", "tab_context"]


def _site_url(triplet: Triplet, path: str) -> str:
    root = reverse("techdocs:site", args=(triplet.namespace, triplet.kind, triplet.name))
    return root + path


def _nearby(site: Any, path: str) -> DocsPage | None:
    """A page the address most likely meant: with a trailing slash, or without
    ``index.html`` (links written for a static server)."""
    candidates = [path.removesuffix("index.html"), path + "/"] if path else []
    for candidate in candidates:
        if candidate != path and (found := find_page(site, candidate)) is not None:
            return found
    return None


@require_GET
def page(request: HttpRequest, namespace: str, kind: str, name: str,
         page: str = "") -> HttpResponse:  # fmt: skip
    """A page of a docs site; the site's state instead while it has none to show."""
    triplet = Triplet.of(namespace, kind, name)
    site = site_of(triplet)
    if site is None:
        raise Http404(f"No docs for {triplet.ref}")
    if (namespace, kind, name) != (triplet.namespace, triplet.kind, triplet.name):
        return redirect(_site_url(triplet, page), permanent=True)
    reading = read_site(site, page, _site_url(triplet, page), request.user)
    if reading.page is None and site.published_id:
        nearby = _nearby(site, page)
        if nearby is not None:
            return redirect(_site_url(triplet, nearby.path))
        return render(request, "techdocs/page_missing.html",
                      {"site": site, "path": page, "home": _site_url(triplet, "")},
                      status=404)  # fmt: skip
    context = {"reading": reading, "site": site, "triplet": triplet,
               "version": reading.page.version if reading.page else None}  # fmt: skip
    return render(request, "techdocs/page.html", context)


def tab_context(entity: Mapping[str, Any], request: Any) -> dict[str, Any]:
    """The Docs tab: the site's state and its home page (or the page
    ``techdocs-entity-path`` names), read like any visit."""
    site, path = site_for_entity(entity)
    if site is None:
        return {"site": None}
    triplet = Triplet(site.namespace, site.kind, site.name)
    reading = read_site(site, path, _site_url(triplet, path), request.user if request else None)
    return {"site": site, "reading": reading, "triplet": triplet,
            "reader_url": _site_url(triplet, path)}  # fmt: skip
