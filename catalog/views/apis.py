"""The APIs explorer: every API entity with its type, owner, lifecycle, system, and the
components that provide and consume it (from the API's own relations, so no query per
row), filtered and paged like the catalog index."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from catalog import stars
from catalog.listing import FACETS, PAGE_SIZES, Listing, facet_options, listing_page
from catalog.people import Identity, identity
from catalog.views.index import FILTER_LABELS

__all__ = ["apis"]

COLUMNS = [("name", "Name"), ("system", "System"), ("owner", "Owner"), ("type", "Type"),
           ("lifecycle", "Lifecycle"), ("", "Providers"), ("", "Consumers"),
           ("description", "Description")]  # fmt: skip


@require_GET
def apis(request: HttpRequest) -> HttpResponse:
    """API entities in a filterable table."""
    listing = Listing.from_params(request.GET, default_kind="api")
    listing.kind = "api"
    mine = identity(request.user) if listing.mine else Identity()
    starred = stars.starred_refs(request.user)
    page = listing_page(listing, mine.ownership_refs, starred)
    options = facet_options(listing)
    context = {
        "listing": listing,
        "page": page,
        "starred": set(starred),
        "filters": [(name, FILTER_LABELS[name], options[name]) for name in FACETS],
        "columns": COLUMNS,
        "page_sizes": PAGE_SIZES,
        "no_identity": listing.mine and not mine.ownership_refs,
    }
    template = "catalog/apis.html#browser" if request.htmx else "catalog/apis.html"
    return render(request, template, context)
