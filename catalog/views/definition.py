"""An API entity's definition as a plain file: shown in the browser or downloaded.

The definition is author text (it may well contain HTML), so it is only ever served as
``text/plain`` with ``nosniff`` and a sandboxing Content-Security-Policy: no browser
renders it as a page, and Swagger UI fetches the same address from the entity page.
"""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header

from catalog.definitions import definition_text, download_filename
from catalog.models import Entity
from portal.http_methods import require_safe

__all__ = ["raw_definition"]

_YES = ("1", "true", "yes")


@require_safe
def raw_definition(request: HttpRequest, namespace: str, kind: str, name: str) -> HttpResponse:
    """``spec.definition`` of ``api:<namespace>/<name>``; ``?download=1`` makes it an
    attachment named ``<name>.<ext>``. 404 for other kinds, unknown APIs and APIs
    without a definition."""
    if kind.lower() != "api":
        raise Http404("Only API entities have definitions")
    ref = f"api:{namespace}/{name}".lower()
    final_json = (
        Entity.objects.served().filter(ref=ref).values_list("final_json", flat=True).first()
    )
    if not final_json:
        raise Http404(f"No API {ref} in the catalog")
    entity = json.loads(final_json)
    text = definition_text(entity)
    if text is None:
        raise Http404(f"{ref} has no definition")
    download = request.GET.get("download", "").lower() in _YES
    response = HttpResponse(text.encode("utf-8"), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        download, download_filename(entity, text)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-cache"
    return response
