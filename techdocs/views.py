"""The Docs page: every docs site, with its owner, last build, freshness and build
state, filtered and paged in the URL."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal.http_methods import require_GET
from techdocs.models import BuildState, DocsSite

__all__ = ["index"]

PAGE_SIZE = 50


def _filtered(request: HttpRequest) -> tuple[object, dict[str, str]]:
    # A NUL matches nothing stored (and PostgreSQL refuses it in a query): dropped.
    filters = {key: request.GET.get(key, "").replace("\x00", "").strip()
               for key in ("q", "owner", "state", "fresh")}  # fmt: skip
    sites = DocsSite.objects.select_related("published").order_by("namespace", "kind", "name")
    if filters["q"]:
        term = filters["q"]
        sites = sites.filter(Q(name__icontains=term) | Q(title__icontains=term)
                             | Q(published__site_name__icontains=term))  # fmt: skip
    if filters["owner"]:
        sites = sites.filter(owner=filters["owner"].lower())
    if filters["state"] in BuildState.values:
        sites = sites.filter(state=filters["state"])
    if filters["fresh"] == "stale":
        sites = sites.filter(Q(last_built__isnull=True) | Q(source_changed__gt=F("last_built")))
    return sites, filters


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The documentation sites of the catalog's entities."""
    sites, filters = _filtered(request)
    page = Paginator(sites, PAGE_SIZE).get_page(request.GET.get("page"))
    owners = DocsSite.objects.exclude(owner="").order_by("owner").values_list("owner", flat=True)
    context = {"page": page, "filters": filters, "owners": list(owners.distinct()),
               "states": BuildState.choices, "total": page.paginator.count}  # fmt: skip
    if request.htmx and request.htmx.target == "docs-list":
        return render(request, "techdocs/index.html#docs-list", context)
    return render(request, "techdocs/index.html", context)
