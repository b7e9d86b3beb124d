"""The APIs explorer: every API entity with its type, owner, lifecycle, system, and the
components that provide and consume it (from the API's own relations, so no query per
row), filtered and paged like the catalog index."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from catalog.listing import Listing
from catalog.views.listing import render_listing
from portal.http_methods import require_GET

__all__ = ["apis"]

COLUMNS = [
    ("name", "Name"), ("system", "System"), ("owner", "Owner"), ("type", "Type"),
    ("lifecycle", "Lifecycle"), ("", "Providers"), ("", "Consumers"),
    ("description", "Description"),
]  # fmt: skip


@require_GET
def apis(request: HttpRequest) -> HttpResponse:
    """API entities in a filterable table."""
    listing = Listing.from_params(request.GET, default_kind="api")
    listing.kind = "api"
    return render_listing(request, listing, {
        "heading": "APIs",
        "lead": "The APIs your services provide and consume, with their definitions.",
        "columns": COLUMNS,
        "rows_template": "catalog/listing/api_rows.html",
        "actions_template": "catalog/listing/api_actions.html",
        "empty_template": "catalog/listing/api_empty.html",
    })  # fmt: skip
