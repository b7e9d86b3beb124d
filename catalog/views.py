"""Catalog pages."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from catalog.models import Entity, Location


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The catalog at a glance: entities per kind and locations with problems."""
    kinds = Entity.objects.values("kind").annotate(count=Count("id")).order_by("kind")
    troubled = Location.objects.exclude(last_error="", problems=[]).count()
    return render(request, "catalog/index.html", {"kinds": kinds, "troubled": troubled})


@require_GET
def apis(request: HttpRequest) -> HttpResponse:
    """Every API entity."""
    count = Entity.objects.filter(kind="api").count()
    return render(request, "catalog/apis.html", {"count": count})


@require_GET
def api_docs(request: HttpRequest) -> HttpResponse:
    """The catalog REST API, browsable and callable with the visitor's session (Swagger
    UI over /api/catalog/openapi.json, vendored so it works without internet access)."""
    return render(request, "catalog/api_docs.html")
