"""Every API's OpenAPI document agrees with its routes, by test rather than by care:
every route (but the document's own) is documented, every documented path resolves
to a route of that API, every documented method reaches its view, and every
undocumented method is refused."""

from __future__ import annotations

import re
from types import ModuleType

import pytest
from django.urls import URLPattern, resolve

from catalog.api import urls as catalog_urls
from catalog.api.openapi import CATALOG_API
from portal.api.openapi import OpenApiDocument
from scaffolder.api import urls as scaffolder_urls
from scaffolder.api.openapi import SCAFFOLDER_API

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "delete", "patch")
APIS: dict[str, tuple[OpenApiDocument, ModuleType]] = {
    "catalog": (CATALOG_API, catalog_urls),
    "scaffolder": (SCAFFOLDER_API, scaffolder_urls),
}
SPECS = {name: api.document("http://testserver" + api.mount) for name, (api, _) in APIS.items()}


def _route_as_openapi(pattern: URLPattern) -> str:
    """``entities/by-uid/<str:uid>`` -> ``/entities/by-uid/{}`` (names may differ)."""
    return "/" + re.sub(r"<(?:\w+:)?\w+>", "{}", str(pattern.pattern))


def _unnamed(path: str) -> str:
    return re.sub(r"\{\w+\}", "{}", path)


def _example(api: str, path: str) -> str:
    """A concrete URL for a documented path (every parameter is one segment)."""
    return APIS[api][0].mount + re.sub(r"\{\w+\}", "x", path)


PATHS = [(api, path) for api, spec in SPECS.items() for path in spec["paths"]]
DOCUMENTED = [(api, path, method) for api, path in PATHS
              for method in SPECS[api]["paths"][path] if method in METHODS]  # fmt: skip
UNDOCUMENTED = [(api, path, method) for api, path in PATHS for method in METHODS
                if method not in SPECS[api]["paths"][path]]  # fmt: skip


@pytest.mark.parametrize("api", list(APIS))
def test_every_route_is_documented(api: str) -> None:
    documented = {_unnamed(path) for path in SPECS[api]["paths"]}
    routes = [p for p in APIS[api][1].urlpatterns if p.name not in ("openapi", "not_found")]
    missing = [str(p.pattern) for p in routes if _route_as_openapi(p) not in documented]
    assert not missing, f"routes missing from the {api} openapi.yaml: {missing}"


@pytest.mark.parametrize("api", list(APIS))
def test_operation_ids_are_unique(api: str) -> None:
    ids = [SPECS[api]["paths"][path][method]["operationId"]
           for name, path, method in DOCUMENTED if name == api]  # fmt: skip
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(("api", "path"), PATHS)
def test_every_documented_path_resolves(api: str, path: str) -> None:
    match = resolve(_example(api, path))
    assert match.namespace == APIS[api][1].app_name
    assert match.url_name not in ("openapi", "not_found")


@pytest.mark.parametrize(("api", "path", "method"), DOCUMENTED)
def test_every_documented_method_reaches_its_view(client, api: str, path: str,
                                                  method: str) -> None:  # fmt: skip
    """Without credentials a supported method is refused for that (401), not 405."""
    response = getattr(client, method)(_example(api, path))
    assert response.status_code == 401, response.content
    assert response.json()["error"]["name"] == "AuthenticationError"


@pytest.mark.parametrize(("api", "path", "method"), UNDOCUMENTED)
def test_every_undocumented_method_is_refused(client, api: str, path: str, method: str) -> None:
    assert getattr(client, method)(_example(api, path)).status_code == 405


@pytest.mark.parametrize("api", list(APIS))
def test_served_as_json_for_the_requesting_host(client, api: str) -> None:
    response = client.get(APIS[api][0].mount + "/openapi.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json()["servers"] == [
        {"url": "http://testserver" + APIS[api][0].mount, "description": "This Greenroom"}]
