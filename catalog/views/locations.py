"""The registered locations: a paged list with each location's health (optionally
only those with errors), a page per location with its full errors and its entities,
and the refresh and unregister actions.

Every signed-in user may refresh and unregister, as in Backstage, except that
locations from app-config cannot be unregistered here: the next config sync would
bring them straight back, so the page says to remove them from app-config.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.vary import vary_on_headers

from catalog import services
from catalog.entity_page import safe_url
from catalog.github_models import RepositoryStatus
from catalog.health import LOCATIONS_WITH_ERRORS, LocationErrors, location_errors, problem_line
from catalog.models import Location, LocationSource
from catalog.views.register import MAX_ROWS
from portal.http_methods import require_GET, require_http_methods, require_POST

__all__ = ["location_detail", "locations", "refresh_location", "unregister_location"]

#: Locations per page on the locations list, and entities per page on a location's page.
PAGE_SIZE = 25
ENTITY_PAGE_SIZE = 50
#: Problems the list shows per location (its own page shows up to MAX_ROWS).
LISTED_PROBLEMS = 50
#: Location types whose target is a web page to link to.
_WEB_TYPES = ("url", "github-org", "github-discovery")


@dataclass
class LocationRow:
    """A location as the list shows it."""

    location: Location
    entity_count: int
    orphan_count: int

    @property
    def href(self) -> str:
        """A link to the target, only for web URLs (a target is untrusted text)."""
        return safe_url(self.location.target) if self.location.type in _WEB_TYPES else ""

    @cached_property
    def errors(self) -> LocationErrors:
        """Its read error and other problems, each once (what ``catalog errors`` lists)."""
        return location_errors(self.location)

    def problem_lines(self, limit: int) -> list[str]:
        return [problem_line(p) for p in self.errors.problems[:limit]]

    @property
    def problems(self) -> list[str]:
        return self.problem_lines(LISTED_PROBLEMS)

    @property
    def from_config(self) -> bool:
        return self.location.source == LocationSource.CONFIG


@require_GET
@vary_on_headers("HX-Request")
def locations(request: HttpRequest) -> HttpResponse:
    """Every registered location with its health (``?status=errors``: only those with
    errors, what the home page counts), paged on the server: one query for the page
    (entity counts are aggregated in it) and one for the total."""
    only_errors = request.GET.get("status") == "errors"
    queryset = (
        Location.objects.defer("file_hashes")
        .annotate(
            entity_count=Count("entities", filter=~Q(entities__parent_ref="")),
            orphan_count=Count("entities", filter=Q(entities__orphan=True)),
        )
        .order_by("created", "id")
    )
    if only_errors:
        queryset = queryset.filter(LOCATIONS_WITH_ERRORS)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [LocationRow(loc, loc.entity_count, loc.orphan_count) for loc in page]
    pager_url = reverse("catalog:locations") + ("?status=errors&page=" if only_errors else "?page=")
    context = {"page": page, "rows": rows, "only_errors": only_errors, "pager_url": pager_url}
    template = "catalog/locations.html#location-list" if request.htmx else "catalog/locations.html"
    return render(request, template, context)


@require_GET
@vary_on_headers("HX-Request")
def location_detail(request: HttpRequest, location_id: UUID) -> HttpResponse:
    """One location: its whole read error, the problems of its last refresh and its
    entities, paged by file and ref (HTMX requests get the entity list only)."""
    location = get_object_or_404(Location.objects.defer("file_hashes"), pk=location_id)
    entities = (location.entities.exclude(parent_ref="").order_by("location_key", "ref")
                .values("ref", "kind", "location_key", "orphan", "errors"))  # fmt: skip
    page = Paginator(entities, ENTITY_PAGE_SIZE).get_page(request.GET.get("page"))
    if request.htmx:
        return render(request, "catalog/location.html#entity-list", {"location": location,
                                                                     "page": page})  # fmt: skip
    orphans = location.entities.filter(orphan=True).count()
    row = LocationRow(location, page.paginator.count, orphans)
    context = {"location": location, "row": row, "problems": row.problem_lines(MAX_ROWS),
               "page": page, "repositories": _repositories(location)}  # fmt: skip
    return render(request, "catalog/location.html", context)


def _repositories(location: Location) -> dict[str, Any] | None:
    """What a discovery location saw: repositories per status, and the first of those
    without a catalog file (what is missing from the catalog)."""
    if location.type != "github-discovery":
        return None
    counts = dict(location.repositories.values_list("status").annotate(n=Count("id")))
    missing = location.repositories.filter(status=RepositoryStatus.NO_CATALOG_FILE)
    return {"counts": {status.label: counts.get(status.value, 0) for status in RepositoryStatus},
            "missing": [{**repo, "href": safe_url(repo["url"])}
                        for repo in missing.values("full_name", "url", "reason")[:MAX_ROWS]],
            "missing_count": counts.get(RepositoryStatus.NO_CATALOG_FILE, 0)}  # fmt: skip


def _back_url(request: HttpRequest, location: Location) -> str:
    """The page the request came from: the location's own page, or the list (only
    its page number is kept)."""
    if request.POST.get("back") == "location":
        return reverse("catalog:location", args=[location.pk])
    page = request.POST.get("page", "")
    url = reverse("catalog:locations")
    return f"{url}?page={page}" if page.isdigit() and page != "1" else url


@require_POST
def refresh_location(request: HttpRequest, location_id: UUID) -> HttpResponse:
    """Queue a refresh of the location; HTMX gets the queued badge in place of the
    button, others go back to the list with a message."""
    location = get_object_or_404(Location, pk=location_id)
    services.schedule_location_refresh(location, user=request.user)
    if request.htmx:
        return render(request, "catalog/locations.html#refresh-queued", {"location": location})
    messages.info(request, f"Refresh of {location.ref} queued; reload this page in a moment to "
                           "see the result.")  # fmt: skip
    return redirect(_back_url(request, location))


@require_http_methods(["GET", "POST"])
def unregister_location(request: HttpRequest, location_id: UUID) -> HttpResponse:
    """GET: what unregistering removes; POST: unregister. Config locations are refused
    (403): they come back from app-config on the next sync."""
    location = get_object_or_404(Location, pk=location_id)
    from_config = location.source == LocationSource.CONFIG
    if request.method == "POST" and not from_config:
        refs = services.unregister_location(location)
        removed = sum(1 for ref in refs if ref != location.entity_ref)
        messages.success(request, f"Unregistered {location.ref}; removed {removed} "
                                  f"entit{'y' if removed == 1 else 'ies'}.")  # fmt: skip
        return redirect("catalog:locations")
    entities = location.entities.exclude(parent_ref="").order_by("kind", "namespace", "name")
    count = entities.count()
    context = {
        "location": location,
        "from_config": from_config,
        "entities": list(entities.values_list("ref", "orphan")[:MAX_ROWS]),
        "entity_count": count,
        "hidden_rows": max(0, count - MAX_ROWS),
    }
    status = 403 if request.method == "POST" else 200
    return render(request, "catalog/location_unregister.html", context, status=status)
