"""Catalog pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Every entity of the organisation."""
    return render(request, "catalog/index.html")


@require_GET
def apis(request: HttpRequest) -> HttpResponse:
    """Every API entity."""
    return render(request, "catalog/apis.html")
