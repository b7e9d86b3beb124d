"""The catalog API's OpenAPI document (``openapi.yaml`` here), served as JSON at
``/api/catalog/openapi.json``."""

from __future__ import annotations

from pathlib import Path

from portal.api.openapi import OpenApiDocument

__all__ = ["CATALOG_API", "document", "openapi"]

CATALOG_API = OpenApiDocument(Path(__file__).with_name("openapi.yaml"), "/api/catalog")
document = CATALOG_API.document
openapi = CATALOG_API.view()
