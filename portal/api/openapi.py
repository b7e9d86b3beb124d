"""Serve an API's OpenAPI document as JSON (catalog, scaffolder, plugins' APIs).

Each document lives next to its views as YAML, where reviewers can read and diff it;
it is parsed once per process, since it only changes with the code. It is readable
without signing in: it describes the API and reveals no data, and tools (Swagger UI,
client generators, schemathesis) fetch it before they have credentials. ``servers``
names the deployment that answered, so the same document works behind any host,
port or proxy.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse

from portal.http_methods import require_safe

__all__ = ["OpenApiDocument"]


class OpenApiDocument:
    """The YAML document at ``path``, for the API mounted at ``mount`` (``/api/x``)."""

    def __init__(self, path: Path, mount: str) -> None:
        self.path, self.mount = path, mount

    @functools.cached_property
    def _loaded(self) -> dict[str, Any]:
        with self.path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)

    def document(self, base_url: str) -> dict[str, Any]:
        """The document with ``base_url`` as its only server. A copy, so callers may
        change it without touching the cached one."""
        spec = copy.deepcopy(self._loaded)
        spec["servers"] = [{"url": base_url, "description": "This Greenroom"}]
        return spec

    def view(self) -> Callable[[HttpRequest], JsonResponse]:
        """A view answering ``GET <mount>/openapi.json``."""

        @login_not_required
        @require_safe
        def openapi(request: HttpRequest) -> JsonResponse:
            return JsonResponse(self.document(request.build_absolute_uri(self.mount)))

        return openapi
