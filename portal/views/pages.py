"""The portal's own pages: home and search."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.plugins import home_cards
from portal.plugins import search as run_search

__all__ = ["home", "search"]

MAX_QUERY_LENGTH = 200


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: search, then the cards apps and plugins contribute."""
    return render(request, "portal/home.html", {"cards": home_cards()})


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Search every registered source; the query lives in the URL so results link."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = run_search(query, request.user) if query else []
    return render(request, "portal/search.html", {"query": query, "results": results})
