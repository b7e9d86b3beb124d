"""What the catalog index and the APIs explorer share: one table page, filtered,
sorted and paged on the server (``catalog/listing.html``).

Filters, sort order and page live in the URL. HTMX requests (the filter form, sort
headers and pager) get the ``browser`` partial, the filters and table without the
page around them, and push the new URL.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from catalog import stars
from catalog.listing import (
    FACETS,
    PAGE_SIZES,
    Listing,
    facet_options,
    listing_page,
    status_options,
)
from catalog.people import Identity, identity

__all__ = ["render_listing"]

#: Filter labels, in the order shown.
FILTER_LABELS = {"type": "Type", "owner": "Owner", "lifecycle": "Lifecycle", "tag": "Tags",
                 "namespace": "Namespace", "system": "System"}  # fmt: skip


def render_listing(request: HttpRequest, listing: Listing, page_context: dict[str, Any]
                   ) -> HttpResponse:  # fmt: skip
    """The table page for ``listing``; ``page_context`` names its heading, columns and
    the templates of its rows, actions and empty state."""
    mine = identity(request.user) if listing.mine else Identity()
    starred = stars.starred_refs(request.user)
    options = facet_options(listing)
    context = {
        **page_context,
        "listing": listing,
        "page": listing_page(listing, mine.ownership_refs, starred),
        "starred": set(starred),
        "filters": [(name, FILTER_LABELS[name], options[name]) for name in FACETS],
        "statuses": status_options(listing),
        "page_sizes": PAGE_SIZES,
        "no_identity": listing.mine and not mine.ownership_refs,
    }
    template = "catalog/listing.html#browser" if request.htmx else "catalog/listing.html"
    return render(request, template, context)
