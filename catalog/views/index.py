"""The catalog index: every entity of a kind (or of all kinds) in one table."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from catalog.listing import Listing, kind_options
from catalog.views.listing import render_listing
from portal.http_methods import require_GET

__all__ = ["api_docs", "index"]

COLUMNS = [
    ("name", "Name"), ("system", "System"), ("owner", "Owner"), ("type", "Type"),
    ("lifecycle", "Lifecycle"), ("description", "Description"), ("tags", "Tags"),
]  # fmt: skip
#: The table of every kind also says what each entity is.
ALL_KINDS_COLUMNS = [COLUMNS[0], ("kind", "Kind"), *COLUMNS[1:]]


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The catalog table with its filters and kind selector."""
    listing = Listing.from_params(request.GET)
    return render_listing(request, listing, {
        "heading": "Catalog",
        "lead": "Every service, API, resource, system and team of your organisation.",
        "kinds": kind_options(),
        "columns": COLUMNS if listing.kind else ALL_KINDS_COLUMNS,
        "rows_template": "catalog/listing/entity_rows.html",
        "actions_template": "catalog/listing/entity_actions.html",
        "empty_template": "catalog/listing/entity_empty.html",
    })  # fmt: skip


@require_GET
def api_docs(request: HttpRequest) -> HttpResponse:
    """The catalog REST API, browsable and callable with the visitor's session (Swagger
    UI over /api/catalog/openapi.json, vendored so it works without internet access)."""
    return render(request, "portal/api_docs.html", {
        "title": "Catalog API", "openapi_url": reverse("catalog_api:openapi"),
        "summary": "The catalog's REST API, compatible with Backstage's.",
    })  # fmt: skip
