"""The files a docs site's pages use (images, stylesheets, downloads), streamed from
storage under the portal's login, with a content type chosen here from the file's
extension, never from storage or the bytes.

Anything that could run in the portal's origin is defused, as Backstage's backend
does: HTML, XML and scripts are sent as ``text/plain``; SVG is sent as an image but
with a sandboxing CSP, so opened on its own its scripts cannot run; and every answer
says ``nosniff``.
"""

from __future__ import annotations

import posixpath

from django.http import FileResponse, Http404, HttpRequest, HttpResponse

from portal.http_methods import require_GET
from techdocs.generate.problems import DocsProblem
from techdocs.references import Triplet
from techdocs.sites import site_of
from techdocs.storage import docs_storage, file_key, open_site_file, storage_problem

__all__ = ["CONTENT_TYPES", "no_file", "site_file"]

CONTENT_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".webp": "image/webp", ".avif": "image/avif", ".ico": "image/x-icon", ".bmp": "image/bmp",
    ".svg": "image/svg+xml",
    ".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf",
    ".pdf": "application/pdf", ".json": "application/json",
    ".mp4": "video/mp4", ".webm": "video/webm", ".mp3": "audio/mpeg",
    ".zip": "application/zip", ".gz": "application/gzip",
}  # fmt: skip
PLAIN = "text/plain; charset=utf-8"
#: Nothing in a served file may run, load or submit anything.
SANDBOX = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"
#: Versioned addresses (``?v=<build timestamp>``) never change content.
IMMUTABLE = "private, max-age=31536000, immutable"
REVALIDATE = "private, max-age=300"


@require_GET
def no_file(request: HttpRequest, namespace: str, kind: str, name: str) -> HttpResponse:
    raise Http404("No file named")


@require_GET
def site_file(request: HttpRequest, namespace: str, kind: str, name: str,
              path: str) -> HttpResponse:  # fmt: skip
    """One stored file of the site at ``namespace/kind/name``."""
    triplet = Triplet.of(namespace, kind, name)
    key = file_key(triplet, path)
    site = site_of(triplet) if key else None
    if key is None or site is None:
        raise Http404("No such docs file")
    storage = docs_storage()
    try:
        handle = open_site_file(storage, key)
    except FileNotFoundError:
        raise Http404("No such docs file") from None
    except Exception as exc:
        if getattr(exc, "response", {}).get("Error", {}).get("Code") in ("404", "NoSuchKey"):
            raise Http404("No such docs file") from None
        problem: DocsProblem = storage_problem(exc, f"reading {key}")
        return HttpResponse(problem.message, status=503, content_type=PLAIN)
    extension = posixpath.splitext(key)[1].lower()
    response = FileResponse(handle, content_type=CONTENT_TYPES.get(extension, PLAIN))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    stamp = str(site.published.build_timestamp) if site.published_id else None
    response["Cache-Control"] = IMMUTABLE if stamp and request.GET.get("v") == stamp \
        else REVALIDATE  # fmt: skip
    return response
