"""The search page and the header box's suggestions.

Everything a search shows is in its URL (``q``, one parameter per chosen facet value:
``type``, ``kind``, ``owner``, ``lifecycle``, ``tag``, and ``page``), so a result
list can be linked and reloaded. Values that name nothing simply match nothing.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from portal.http_methods import require_GET
from portal.search.service import FACETS, Filters, Results, search, suggest

__all__ = ["search_page", "suggestions"]

MAX_QUERY_LENGTH = 200
MAX_VALUES = 20
MAX_PAGE = 500
SUGGESTIONS = 8


def query_text(params: QueryDict, name: str = "q") -> str:
    return params.get(name, "").replace("\x00", "").strip()[:MAX_QUERY_LENGTH]


def chosen_filters(params: QueryDict) -> Filters:
    """The facet values in the URL (NUL-free, at most MAX_VALUES per facet). Tags are
    indexed and counted lower-case, so a chosen tag is too (``tag=Python`` is the
    ``python`` facet value, marked as chosen, not a second one counting nothing)."""
    chosen = {}
    for name in FACETS:
        values = [value.replace("\x00", "")[:300] for value in params.getlist(name) if value]
        if name == "tag":
            values = [value.lower() for value in values]
        if values:
            chosen[name] = list(dict.fromkeys(values))[:MAX_VALUES]
    return Filters(chosen)


def _page_number(params: QueryDict) -> int:
    try:
        return min(MAX_PAGE, max(1, int(params.get("page", "1"))))
    except ValueError:
        return 1


def _link(params: QueryDict, **changes: list[str]) -> str:
    """The query string of this search with ``changes`` (and back on page 1)."""
    linked = params.copy()
    linked.pop("page", None)
    for name, values in changes.items():
        linked.setlist(name, values)
    return "?" + linked.urlencode()


def _facet_links(params: QueryDict, filters: Filters, results: Results) -> list:
    """Per facet, its values with the link that chooses (or, when chosen, drops) each."""
    facets = []
    for name, values in results.facets.items():
        selected = list(filters.chosen.get(name, ()))
        facets.append((name, [
            (value, _link(params, **{name: [v for v in selected if v != value.value]
                                     if value.selected else [*selected, value.value]}))
            for value in values]))  # fmt: skip
    return facets


def _page_links(params: QueryDict, results: Results) -> dict[str, str]:
    pages = {}
    for label, number in (("previous", results.page - 1), ("next", results.page + 1)):
        if 1 <= number <= min(results.pages, MAX_PAGE):
            linked = params.copy()
            linked["page"] = str(number)
            pages[label] = "?" + linked.urlencode()
    return pages


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    """The full results page."""
    text, filters = query_text(request.GET), chosen_filters(request.GET)
    context = {"query": text, "results": None, "facets": [], "pages": {},
               "clear": _link(request.GET, **{name: [] for name in FACETS}),
               "filtered": bool(filters.chosen)}  # fmt: skip
    if text:
        results = search(text, request.user, filters, page=_page_number(request.GET))
        if results.total and results.page > results.pages:
            # Past the last page (a link from before documents went): show the last one,
            # not "No results" beside facets that count the matches.
            results = search(text, request.user, filters, page=results.pages)
        context.update(results=results, facets=_facet_links(request.GET, filters, results),
                       pages=_page_links(request.GET, results))  # fmt: skip
    return render(request, "portal/search.html", context)


@require_GET
def suggestions(request: HttpRequest) -> HttpResponse:
    """The header box's type-ahead: the best few name and title matches, grouped by
    type."""
    text = query_text(request.GET)
    results = suggest(text, request.user, limit=SUGGESTIONS) if text else None
    groups: dict[str, list] = {}
    for hit in results.hits if results else []:
        groups.setdefault(hit.type_title, []).append(hit)
    # Pairs, not the dict: a template's ``groups.items`` looks up a type titled "items"
    # before the method.
    return render(request, "portal/search_suggestions.html",
                  {"query": text, "groups": list(groups.items()), "results": results})  # fmt: skip
