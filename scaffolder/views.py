"""Scaffolder pages: the template gallery, the installed actions and the API browser.

The gallery and the actions page keep their filters in the URL; an HTMX request (a
filter changed, a page turned) gets the page's named partial and pushes the URL, so
every view is a link that reproduces it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.vary import vary_on_headers

from catalog import services as catalog
from portal.access.checks import may_read
from portal.http_methods import require_GET
from scaffolder.actions import Action, all_actions
from scaffolder.gallery import FACETS, GalleryQuery, build_gallery
from scaffolder.schema_rows import schema_rows

#: The URL name of a template's form page (issue 12); cards show "Choose" once it exists.
TEMPLATE_FORM = "scaffolder:template_form"


def _launcher() -> Callable[[str, str], str] | None:
    """``(namespace, name) -> URL`` of a template's form, or None while there is none."""
    try:
        reverse(TEMPLATE_FORM, kwargs={"namespace": "default", "name": "x"})
    except NoReverseMatch:
        return None

    def launch(namespace: str, name: str) -> str:
        return reverse(TEMPLATE_FORM, kwargs={"namespace": namespace, "name": name})

    return launch


@require_GET
@vary_on_headers("HX-Request")
def index(request: HttpRequest) -> HttpResponse:
    """The templates a developer can start from, as cards, with filters (category,
    owner, tags, text, starred) and pages, all in the URL: two queries in all, one for
    the templates and one for the visitor's stars. Templates a rule hides from the
    visitor are left out (their pages answer 404)."""
    query = GalleryQuery.from_params(request.GET)
    starred = set(catalog.starred_refs(request.user))
    templates = [t for t in catalog.entities_of_kind("template")
                 if may_read(request.user, "scaffolder.template.read", t)]  # fmt: skip
    gallery = build_gallery(templates, starred, query, _launcher())
    context = {
        "gallery": gallery,
        "filter": query,
        "filters": [(name, label, gallery.options[name]) for name, label in FACETS.items()],
        "prev_url": query.url(page=gallery.page - 1) if gallery.page > 1 else "",
        "next_url": query.url(page=gallery.page + 1) if gallery.page < gallery.pages else "",
        "clear_url": request.path,
    }
    template = "scaffolder/index.html#gallery" if request.htmx else "scaffolder/index.html"
    return render(request, template, context)


def _example(example: Any) -> dict[str, str]:
    """An action example as a description and YAML text (Backstage's examples carry
    YAML already; a mapping is dumped as YAML, never shown as JSON)."""
    if not isinstance(example, dict):
        return {"description": "", "yaml": str(example)}
    body = example.get("example", "")
    if not isinstance(body, str):
        body = yaml.safe_dump(body, sort_keys=False, allow_unicode=True)
    description = example.get("description")
    return {"description": description if isinstance(description, str) else "",
            "yaml": body.rstrip() + "\n"}  # fmt: skip


def _entry(action: Action) -> dict[str, Any]:
    return {
        "id": action.id,
        "group": action.id.split(":", 1)[0],
        "description": action.description,
        "supports_dry_run": action.supports_dry_run,
        "input_rows": schema_rows(action.input_schema),
        "output_rows": schema_rows(action.output_schema or {}),
        "examples": [_example(example) for example in action.examples],
    }


def _matches(action: Action, words: list[str]) -> bool:
    haystack = f"{action.id} {action.description}".lower()
    return all(word in haystack for word in words)


@require_GET
@vary_on_headers("HX-Request")
def actions(request: HttpRequest) -> HttpResponse:
    """Every installed action (built-in and from plugins) with its description, input
    and output as tables, examples as YAML and whether it runs in a dry run; ``?q=``
    narrows the list by id and description words."""
    text = request.GET.get("q", "").strip()[:200]
    words = text.lower().split()[:10]
    installed = all_actions()
    shown = [_entry(action) for action in installed if _matches(action, words)]
    groups: dict[str, list[dict[str, Any]]] = {}
    for entry in shown:
        groups.setdefault(entry["group"], []).append(entry)
    context = {"actions": shown, "groups": groups, "text": text, "installed": len(installed)}
    template = "scaffolder/actions.html#actions" if request.htmx else "scaffolder/actions.html"
    return render(request, template, context)


@require_GET
def api_docs(request: HttpRequest) -> HttpResponse:
    """The scaffolder REST API (tasks, dry runs, actions), browsable and callable with
    the visitor's session."""
    return render(request, "portal/api_docs.html", {
        "title": "Scaffolder API", "openapi_url": reverse("scaffolder-api:openapi"),
        "summary": "Templates and tasks, compatible with Backstage's scaffolder API.",
    })  # fmt: skip
