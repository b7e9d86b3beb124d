"""The catalog API's OpenAPI document: served openly, with its API page. That the
document and the routes agree is checked for every API in tests/portal/test_openapi_routes.py."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from catalog.api.openapi import document

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "delete", "patch")
SPEC = document("http://testserver/api/catalog")


DOCUMENTED = [(path, method) for path, item in SPEC["paths"].items() for method in item
              if method in METHODS]  # fmt: skip


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
