"""The catalog index: every entity of a kind, filtered, sorted and paged on the server.

Filters, sort order and page live in the URL. HTMX requests (the filter form, sort
headers and pager) get the ``browser`` partial, the filters and table without the
page around them, and push the new URL.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from catalog import stars
from catalog.listing import (
    FACETS,
    PAGE_SIZES,
    SORTS,
    Listing,
    facet_options,
    kind_options,
    listing_page,
)
from catalog.people import Identity, identity

__all__ = ["api_docs", "index"]

#: Filter labels, in the order shown.
FILTER_LABELS = {"type": "Type", "owner": "Owner", "lifecycle": "Lifecycle", "tag": "Tags",
                 "namespace": "Namespace", "system": "System"}  # fmt: skip
COLUMNS = [
    ("name", "Name"), ("system", "System"), ("owner", "Owner"), ("type", "Type"),
    ("lifecycle", "Lifecycle"), ("description", "Description"), ("tags", "Tags"),
]  # fmt: skip


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The catalog table with its filters."""
    listing = Listing.from_params(request.GET)
    mine = identity(request.user) if listing.mine else Identity()
    starred = stars.starred_refs(request.user)
    page = listing_page(listing, mine.ownership_refs, starred)
    options = facet_options(listing)
    context = {
        "listing": listing,
        "page": page,
        "starred": set(starred),
        "kinds": kind_options(),
        "filters": [(name, FILTER_LABELS[name], options[name]) for name in FACETS],
        "columns": COLUMNS,
        "sortable": SORTS,
        "page_sizes": PAGE_SIZES,
        "no_identity": listing.mine and not mine.ownership_refs,
    }
    template = "catalog/index.html#browser" if request.htmx else "catalog/index.html"
    return render(request, template, context)


@require_GET
def api_docs(request: HttpRequest) -> HttpResponse:
    """The catalog REST API, browsable and callable with the visitor's session (Swagger
    UI over /api/catalog/openapi.json, vendored so it works without internet access)."""
    return render(request, "catalog/api_docs.html")
