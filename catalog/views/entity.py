"""Entity pages: the header, the Overview / Dependencies / API tabs and plugin tabs,
the Inspect page, and the actions on an entity (star, refresh, unregister an orphan).

An HTMX request for a tab (``HX-Target: tab-panel``) gets the tab's content only; any
other request gets the whole page, so every tab has its own linkable address. A page
of an entity that is not in the catalog (a dangling relation followed) is a 404 that
says so, names who refers to it, and how it could be added.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from catalog import services, stars
from catalog.definitions import definition_context
from catalog.entity_page import (
    BUILTIN_TABS,
    POINTING_ROWS,
    EntityPage,
    ancestry_steps,
    find_entity,
    load_entity_page,
    pointing_at,
)
from catalog.graph import dependencies_context
from catalog.models import Entity
from catalog.summaries import entity_path
from portal.http_methods import require_GET, require_POST
from portal.plugins import entity_cards, entity_tabs

__all__ = ["inspect", "overview", "refresh", "star", "tab", "unregister"]

#: The Inspect page: shown like a tab, but reached from the entity's menu.
INSPECT = {"slug": "inspect", "title": "Inspect entity", "content": None}


def _row(namespace: str, kind: str, name: str) -> Entity:
    row = find_entity(namespace, kind, name)
    if row is None:
        raise Http404(f"No entity {kind}:{namespace}/{name} in the catalog")
    return row


def entity_missing(request: HttpRequest, namespace: str, kind: str, name: str,
                   **_: Any) -> HttpResponse:  # fmt: skip
    """The 404 page of a ref with no entity (or one the visitor may not see), with the
    entities that refer to it."""
    ref = f"{kind}:{namespace}/{name}".lower()
    context = {"ref": ref, "kind": kind, "name": name, "pointing": pointing_at(ref),
               "pointing_rows": POINTING_ROWS}  # fmt: skip
    return render(request, "catalog/entity_missing.html", context, status=404)


def _tabs(page: EntityPage) -> list[dict[str, Any]]:
    """Overview, the built-in tabs that apply to this kind, then plugin tabs."""
    kind = page.summary.kind.lower()
    tabs = [{"slug": "", "title": "Overview", "content": None}]
    tabs += [{"slug": slug, "title": title, "content": None}
             for slug, title, kinds in BUILTIN_TABS if not kinds or kind in kinds]  # fmt: skip
    tabs += [{"slug": c.key, "title": c.title, "content": c} for c in entity_tabs(page.entity)]
    return tabs


def _tab_context(request: HttpRequest, page: EntityPage, slug: str) -> dict[str, Any]:
    if slug == "inspect":
        return {"ancestry": ancestry_steps(page.summary.ref)}
    if slug == "dependencies":
        return dependencies_context(request, page.entity)
    if slug == "api" and page.summary.kind.lower() == "api":
        return definition_context(page.entity)
    if slug == "":
        return {"plugin_cards": entity_cards(page.entity)}
    return {}


def _render(request: HttpRequest, row: Entity, slug: str) -> HttpResponse:
    page = load_entity_page(row, with_cards=slug in ("", "api"))
    tabs = _tabs(page)
    current = next((t for t in tabs if t["slug"] == slug), INSPECT if slug == "inspect" else None)
    if current is None:
        raise Http404(f"{page.summary.ref} has no tab {slug!r}")
    context = {
        "page": page,
        "entity": page.entity,
        "entity_ref": page.summary.ref,
        "tabs": tabs,
        "current_tab": current,
        "tab_template": f"catalog/entity/{slug or 'overview'}.html",
        **_tab_context(request, page, slug),
    }
    if request.htmx and request.htmx.target == "tab-panel":
        return render(request, "catalog/entity.html#tab-panel", context)
    stars.record_visit(request.user, page.summary.ref)
    context["starred"] = stars.is_starred(request.user, page.summary.ref)
    context["star_url"] = page.summary.path + "/star"
    return render(request, "catalog/entity.html", context)


def _page(request: HttpRequest, namespace: str, kind: str, name: str, slug: str) -> HttpResponse:
    """A page of the entity at this address; a missing entity gets the page that says
    so, as relation links lead to refs that may dangle."""
    row = find_entity(namespace, kind, name)
    if row is None:
        return entity_missing(request, namespace, kind, name)
    return _render(request, row, slug)


@require_GET
def overview(request: HttpRequest, namespace: str, kind: str, name: str) -> HttpResponse:
    """The entity's page, Overview tab."""
    return _page(request, namespace, kind, name, "")


@require_GET
def tab(request: HttpRequest, namespace: str, kind: str, name: str, tab: str) -> HttpResponse:
    """Another tab of the entity's page."""
    return _page(request, namespace, kind, name, tab)


@require_GET
def inspect(request: HttpRequest, namespace: str, kind: str, name: str) -> HttpResponse:
    """What Backstage's "Inspect entity" dialog shows, at its own address: the served
    entity as YAML and JSON, its ancestry up to the registered location, its errors."""
    return _page(request, namespace, kind, name, "inspect")


@require_POST
def star(request: HttpRequest, namespace: str, kind: str, name: str) -> HttpResponse:
    """Star the entity or remove the star; HTMX swaps the button, others go back."""
    ref = _row(namespace, kind, name).ref
    starred = stars.toggle_star(request.user, ref)
    if request.htmx:
        context = {"starred": starred, "entity_ref": ref, "star_url": request.path}
        return render(request, "catalog/entity.html#star", context)
    return redirect(entity_path(ref))


@require_POST
def refresh(request: HttpRequest, namespace: str, kind: str, name: str) -> HttpResponse:
    """Queue a refresh of the location the entity comes from."""
    ref = _row(namespace, kind, name).ref
    try:
        location = services.request_refresh(ref)
    except services.LocationError as exc:
        messages.error(request, str(exc))
    else:
        messages.info(request, f"Refresh of {location.ref} scheduled; reload in a moment.")
    return redirect(entity_path(ref))


@require_POST
def unregister(request: HttpRequest, namespace: str, kind: str, name: str) -> HttpResponse:
    """Remove an orphaned entity (its location no longer lists it). Entities that still
    come from a location are removed by unregistering that location instead."""
    row = _row(namespace, kind, name)
    if not row.orphan:
        messages.error(request, f"{row.ref} still comes from {row.location_key}; unregister its "
                                "location to remove it.")  # fmt: skip
        return redirect(entity_path(row.ref))
    services.delete_entity(str(row.uid))
    messages.info(request, f"Removed {row.ref} from the catalog.")
    return redirect(reverse("catalog:index"))
