"""The catalog API's OpenAPI document: served openly, and true to the URL patterns.

The routes and the document are kept in step by tests, not by care: every route
(but the document's own) is documented, every documented path resolves to a route,
every documented method reaches its view, and every undocumented method is refused.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import URLPattern, resolve, reverse

from catalog.api import urls as api_urls
from catalog.api.openapi import document

pytestmark = pytest.mark.django_db

BASE = "/api/catalog"
METHODS = ("get", "post", "put", "delete", "patch")
SPEC = document("http://testserver/api/catalog")


def _route_as_openapi(pattern: URLPattern) -> str:
    """``entities/by-uid/<str:uid>`` -> ``/entities/by-uid/{}`` (names may differ)."""
    return "/" + re.sub(r"<(?:\w+:)?\w+>", "{}", str(pattern.pattern))


def _unnamed(path: str) -> str:
    return re.sub(r"\{\w+\}", "{}", path)


def _example(path: str) -> str:
    """A concrete URL for a documented path (every parameter is one segment)."""
    return BASE + re.sub(r"\{\w+\}", "x", path)


DOCUMENTED = [(path, method) for path, item in SPEC["paths"].items() for method in item
              if method in METHODS]  # fmt: skip
UNDOCUMENTED = [(path, method) for path, item in SPEC["paths"].items() for method in METHODS
                if method not in item]  # fmt: skip


def test_served_as_json_without_signing_in(client) -> None:
    response = client.get(reverse("catalog_api:openapi"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["openapi"].startswith("3.")
    assert body["servers"] == [
        {"url": "http://testserver/api/catalog", "description": "This Greenroom"}
    ]
    assert set(body["components"]["securitySchemes"]) == {"BearerToken", "SessionCookie"}


def test_servers_follow_the_requesting_host(client, settings) -> None:
    settings.ALLOWED_HOSTS = ["portal.example.com"]
    response = client.get(reverse("catalog_api:openapi"), HTTP_HOST="portal.example.com")
    assert response.json()["servers"][0]["url"] == "http://portal.example.com/api/catalog"


def test_twenty_operations_with_unique_ids() -> None:
    ids = [SPEC["paths"][path][method]["operationId"] for path, method in DOCUMENTED]
    assert len(ids) == 20 and len(set(ids)) == 20


def test_every_route_is_documented() -> None:
    documented = {_unnamed(path) for path in SPEC["paths"]}
    routes = [p for p in api_urls.urlpatterns if p.name not in ("openapi", "not_found")]
    missing = [str(p.pattern) for p in routes if _route_as_openapi(p) not in documented]
    assert not missing, f"routes missing from openapi.yaml: {missing}"


@pytest.mark.parametrize("path", list(SPEC["paths"]))
def test_every_documented_path_resolves(path: str) -> None:
    match = resolve(_example(path))
    assert match.namespace == "catalog_api" and match.url_name not in ("openapi", "not_found")


@pytest.mark.parametrize(("path", "method"), DOCUMENTED)
def test_every_documented_method_reaches_its_view(client, path: str, method: str) -> None:
    """Without credentials a supported method is refused for that (401), not 405."""
    response = getattr(client, method)(_example(path))
    assert response.status_code == 401, response.content
    assert response.json()["error"]["name"] == "AuthenticationError"


@pytest.mark.parametrize(("path", "method"), UNDOCUMENTED)
def test_every_undocumented_method_is_refused(client, path: str, method: str) -> None:
    assert getattr(client, method)(_example(path)).status_code == 405


def test_api_docs_page_renders_swagger_ui_from_vendored_files(signed_in) -> None:
    response = signed_in.get(reverse("catalog:api_docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-openapi-url="{reverse("catalog_api:openapi")}"' in html
    assets = re.findall(r'(?:src|href)="/static/([^"]+)"', html)
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "js/api-docs.js"):
        used = [a for a in assets if a.endswith(asset)]
        assert used and all(finders.find(a) for a in used), asset
    assert "://cdn" not in html and "unpkg" not in html  # works offline


def test_api_docs_page_needs_sign_in_and_is_linked_from_the_catalog(client, user) -> None:
    url = reverse("catalog:api_docs")
    assert client.get(url).status_code == 302
    client.force_login(user)
    assert f'href="{url}"' in client.get(reverse("catalog:index")).content.decode()
