"""The catalog API's OpenAPI document, served as JSON at ``/api/catalog/openapi.json``.

The document lives next to the views as YAML (``openapi.yaml``), where reviewers can
read and diff it; it is parsed once per process, since it only changes with the code.
It is readable without signing in: it describes the API and reveals no catalog data,
and tools (Swagger UI, client generators, schemathesis) fetch it before they have
credentials. ``servers`` names the deployment that answered, so the same document
works against any host, port or proxy.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

__all__ = ["DOCUMENT_PATH", "document", "openapi"]

DOCUMENT_PATH = Path(__file__).with_name("openapi.yaml")


@functools.cache
def _loaded() -> dict[str, Any]:
    with DOCUMENT_PATH.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def document(base_url: str) -> dict[str, Any]:
    """The OpenAPI document with ``base_url`` as its only server. A copy, so callers
    may change it without touching the cached one."""
    spec = copy.deepcopy(_loaded())
    spec["servers"] = [{"url": base_url, "description": "This Greenroom"}]
    return spec


@login_not_required
@require_safe
def openapi(request: HttpRequest) -> JsonResponse:
    """GET /api/catalog/openapi.json."""
    return JsonResponse(document(request.build_absolute_uri("/api/catalog")))
