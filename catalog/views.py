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
