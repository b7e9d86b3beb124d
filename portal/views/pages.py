"""The portal's home page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal.http_methods import require_GET
from portal.plugins import home_cards

__all__ = ["home"]


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: search, then the cards apps and plugins contribute."""
    return render(request, "portal/home.html", {"cards": home_cards()})
