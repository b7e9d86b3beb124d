"""The scaffolder API's reference page: Swagger UI over its OpenAPI document, linked
from the Create page."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_page_shows_the_scaffolder_document_and_is_linked(signed_in) -> None:
    page = signed_in.get(reverse("scaffolder:api_docs")).content.decode()
    assert "<h1>Scaffolder API</h1>" in page
    assert f'data-openapi-url="{reverse("scaffolder-api:openapi")}"' in page
    assert f'href="{reverse("scaffolder:api_docs")}"' in signed_in.get("/create/").content.decode()


def test_the_page_needs_sign_in(client) -> None:
    assert client.get(reverse("scaffolder:api_docs")).status_code == 302
