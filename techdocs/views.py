"""TechDocs pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The documentation sites of the catalog's entities."""
    return render(request, "techdocs/index.html")
