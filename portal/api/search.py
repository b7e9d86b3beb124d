"""Backstage's search API: ``GET /api/search/query``.

Parameters as Backstage's search clients send them (``qs`` style): ``term``,
``types[]`` (or ``types[0]``, ``types``), ``filters[<field>]`` (one value, or several
as ``filters[<field>][]``), ``pageCursor`` (an opaque cursor from a previous answer)
and ``pageLimit`` (at most :data:`MAX_PAGE_LIMIT`). The answer is Backstage's
``SearchResultSet``: ``results`` of ``{type, document: {title, text, location, ...},
highlight: {preTag, postTag, fields}, rank}``, ``numberOfResults`` and the next and
previous page cursors. A filter on a field no document has matches nothing, as in
Backstage; an unknown type is refused.
"""

from __future__ import annotations

import base64
import re
import secrets
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict

from portal.api.auth import api_view
from portal.api.errors import ApiError
from portal.plugins import search_collators
from portal.search.highlight import highlight
from portal.search.service import Filters, Hit, Results, search

__all__ = ["query"]

DEFAULT_PAGE_LIMIT = 25
MAX_PAGE_LIMIT = 100
MAX_TERM_LENGTH = 100
#: Backstage filter fields -> the search page's facets.
FILTER_FIELDS = {"kind": "kind", "owner": "owner", "lifecycle": "lifecycle", "tags": "tag",
                 "namespace": "namespace"}  # fmt: skip
_FILTER = re.compile(r"^filters\[([^\]]+)\](?:\[\d*\])?$")
_TYPES = re.compile(r"^types(?:\[\d*\])?$")
_NUMBER = re.compile(r"[0-9]+")


def _types(params: QueryDict) -> list[str]:
    types = [value for key in params if _TYPES.match(key) for value in params.getlist(key)]
    known = {collator.type for collator in search_collators()}
    unknown = sorted(set(types) - known)
    if unknown:
        raise ApiError("InputError", f"Unrecognized search type(s) {', '.join(unknown)}; "
                                     f"known types are {', '.join(sorted(known))}")  # fmt: skip
    return list(dict.fromkeys(types))


def _filters(params: QueryDict, types: list[str]) -> tuple[Filters, bool]:
    """The filters, and whether one names a field no document has (matches nothing)."""
    chosen: dict[str, list[str]] = {"type": types} if types else {}
    impossible = False
    for key in params:
        match = _FILTER.match(key)
        if not match:
            continue
        field = FILTER_FIELDS.get(match.group(1))
        if field is None:
            impossible = True
            continue
        chosen.setdefault(field, []).extend(v for v in params.getlist(key) if v != "")
    return Filters(chosen), impossible


def _int(text: str | None, name: str, default: int, maximum: int) -> int:
    if text is None or text == "":
        return default
    # ASCII digits only: str.isdigit() also takes "²" and other digits int() refuses,
    # and int() refuses more than 4300 digits (both were a 500).
    if not _NUMBER.fullmatch(text) or not text.strip("0"):
        raise ApiError("InputError", f"{name} must be a positive whole number, "
                                     f"not {text[:40]!r}")  # fmt: skip
    digits = text.lstrip("0")
    if len(digits) > len(str(maximum)) or int(digits) > maximum:
        raise ApiError("InputError", f"The {name} {digits[:40]} is greater than {maximum}")
    return int(digits)


def _page(cursor: str | None) -> int:
    """The page a cursor stands for (Backstage's: the base64 of the page number)."""
    if not cursor:
        return 1
    try:
        page = int(base64.b64decode(cursor, validate=True).decode())
    except ValueError:
        raise ApiError("InputError", f"Invalid pageCursor {cursor!r}") from None
    if page < 0 or page > 10_000:
        raise ApiError("InputError", f"Invalid pageCursor {cursor!r}")
    return page + 1


def _cursor(page: int) -> str:
    return base64.b64encode(str(page - 1).encode()).decode()


def _result(hit: Hit, results: Results, tags: tuple[str, str]) -> dict[str, Any]:
    row = hit.document
    document = {"title": row.title, "text": row.body.text, "location": row.location}
    for name in ("kind", "namespace", "owner", "lifecycle"):
        if getattr(row, name):
            document[name] = getattr(row, name)
    pre, post = tags
    fields = {"title": highlight(row.title, results.parsed, pre=pre, post=post),
              "text": highlight(row.body.text, results.parsed, pre=pre, post=post)}  # fmt: skip
    return {"type": row.type, "document": document, "rank": hit.rank,
            "highlight": {"preTag": pre, "postTag": post, "fields": fields}}  # fmt: skip


@api_view("GET")
def query(request: HttpRequest) -> HttpResponse:
    """GET /api/search/query (see the module docstring)."""
    params = request.GET
    term = params.get("term", "")
    if len(term) > MAX_TERM_LENGTH:
        raise ApiError("InputError", f"The term is longer than {MAX_TERM_LENGTH} characters")
    limit = _int(params.get("pageLimit"), "pageLimit", DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT)
    page = _page(params.get("pageCursor"))
    filters, impossible = _filters(params, _types(params))
    if impossible or not term.strip():
        return JsonResponse({"results": [], "numberOfResults": 0})
    results = search(term, request.api_user, filters, page=page, per_page=limit, facets=False)
    name = f"gr-{secrets.token_hex(4)}"  # a tag no document text contains
    tags = (f"<{name}>", f"</{name}>")
    body: dict[str, Any] = {"results": [_result(hit, results, tags) for hit in results.hits],
                            "numberOfResults": results.total}  # fmt: skip
    if page * limit < results.total:
        body["nextPageCursor"] = _cursor(page + 1)
    if page > 1:
        body["previousPageCursor"] = _cursor(page - 1)
    return JsonResponse(body)
