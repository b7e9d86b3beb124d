"""The scaffolder API's OpenAPI document (``openapi.yaml`` here), served as JSON at
``/api/scaffolder/openapi.json``."""

from __future__ import annotations

from pathlib import Path

from portal.api.openapi import OpenApiDocument

__all__ = ["SCAFFOLDER_API", "openapi"]

SCAFFOLDER_API = OpenApiDocument(Path(__file__).with_name("openapi.yaml"), "/api/scaffolder")
openapi = SCAFFOLDER_API.view()
