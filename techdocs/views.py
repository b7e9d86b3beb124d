"""The Docs page: every docs site, with its owner, last build, freshness and build
state, filtered and paged in the URL."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from catalog import services as catalog
from portal.access.checks import entity_condition
from portal.http_methods import require_GET
from techdocs.models import BuildState, DocsSite

__all__ = ["index"]

PAGE_SIZE = 50


def _readable(request: HttpRequest) -> QuerySet[DocsSite]:
    """The sites of the entities the visitor may see and whose docs they may read."""
    sites = DocsSite.objects.select_related("published").order_by("namespace", "kind", "name")
    refs = catalog.visible_refs(entity_condition(request.user, "techdocs.read"))
    return sites if refs is None else sites.filter(entity_ref__in=refs)


def _filtered(request: HttpRequest) -> tuple[QuerySet[DocsSite], dict[str, str]]:
    # A NUL matches nothing stored (and PostgreSQL refuses it in a query): dropped.
    filters = {key: request.GET.get(key, "").replace("\x00", "").strip()
               for key in ("q", "owner", "state", "fresh")}  # fmt: skip
    sites = _readable(request)
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
    owners = _readable(request).exclude(owner="").order_by("owner").values_list("owner", flat=True)
    context = {"page": page, "filters": filters, "owners": list(owners.distinct()),
               "states": BuildState.choices, "total": page.paginator.count}  # fmt: skip
    if request.htmx and request.htmx.target == "docs-list":
        return render(request, "techdocs/index.html#docs-list", context)
    return render(request, "techdocs/index.html", context)
