"""Every response carries a Content-Security-Policy: scripts, styles, fonts and
connections only from the portal itself, no plugins or framing. Swagger UI (the API
reference and the API tab of entities) then cannot resolve an OpenAPI document's
external ``$ref`` or send "Try it out" requests to another host from a viewer's
browser, and an injected script would not run. The pages keep working because
they hold no inline script, style or handler: this is checked over every template."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loaders.app_directories import get_app_template_dirs

from portal.conf import ConfigError, content_security_policy
from portal.conf.schema import validate_app_config
from tests.catalog.conftest import SERVICE, api_with_definition, register

pytestmark = pytest.mark.django_db


def _directives(header: str) -> dict[str, list[str]]:
    parts = [part.split() for part in header.split(";") if part.strip()]
    return {name: sources for name, *sources in parts}


@pytest.fixture
def catalog(files):
    register(files.write("catalog-info.yaml", SERVICE + "---\n" + api_with_definition(
        "orders-api", '"openapi: 3.0.0\\ninfo: {title: x, version: \'1\'}\\npaths: {}"')))
    return files


PAGES = ["/", "/catalog/", "/catalog/api-docs/", "/catalog/default/component/checkout/",
         "/catalog/default/api/orders-api/?tab=api", "/catalog/register/", "/admin/",
         "/admin/catalog/location/", "/no-such-page/", "/api/catalog/entities",
         "/api/catalog/openapi.json"]  # fmt: skip


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_policy(client, staff_user, catalog, path) -> None:
    client.force_login(staff_user)
    response = client.get(path)
    assert response.status_code in (200, 404), (path, response.status_code)
    policy = _directives(response["Content-Security-Policy"])
    assert policy["connect-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]


def test_the_sign_in_page_carries_it_too(client, db) -> None:
    assert "connect-src 'self'" in client.get("/login/")["Content-Security-Policy"]


def test_pages_keep_htmx_from_injecting_inline_styles(signed_in, catalog) -> None:
    body = signed_in.get("/catalog/").content.decode()
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in body


#: What a policy without 'unsafe-inline' blocks, in a template.
_INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I),
    "event handler attribute": re.compile(r"<[^>]+\son[a-z]+\s*=", re.I),
    "style attribute": re.compile(r"<[^>]+\sstyle\s*=", re.I),
    "style element": re.compile(r"<style[\s>]", re.I),
    "javascript: URL": re.compile(r"""=\s*["']?\s*javascript:""", re.I),
    "htmx code attribute": re.compile(r"\shx-on[:-]|hx-vals\s*=\s*['\"]\s*js:", re.I),
}


def _templates() -> list[Path]:
    folders = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]] + list(get_app_template_dirs(
        "templates"))  # fmt: skip
    project = Path(settings.BASE_DIR)  # the portal's own templates, not Django's admin
    return [path for folder in folders
            if folder.is_relative_to(project) and ".venv" not in folder.parts
            for path in sorted(folder.rglob("*.html"))]  # fmt: skip


def test_no_template_needs_unsafe_inline() -> None:
    found = [f"{path}: {what}" for path in _templates() for what, pattern in _INLINE.items()
             if pattern.search(path.read_text())]  # fmt: skip
    assert len(_templates()) > 20 and found == []


def test_the_policy_follows_app_config() -> None:
    default = _directives(content_security_policy({}))
    assert default["img-src"] == ["'self'", "data:", "https:", "http:"]
    offline = _directives(content_security_policy({"app": {"externalImages": False}}))
    assert offline["img-src"] == ["'self'", "data:"]
    custom = _directives(content_security_policy({"backend": {"csp": {
        "img-src": ["'self'", "https://avatars.example.com"], "frame-ancestors": False,
        "form-action": ["'self'"]}}}))  # fmt: skip
    assert custom["img-src"] == ["'self'", "https://avatars.example.com"]
    assert "frame-ancestors" not in custom and custom["form-action"] == ["'self'"]
    assert custom["connect-src"] == ["'self'"]
    validate_app_config({"backend": {"csp": {"img-src": ["'self'"], "frame-src": False}}})
    with pytest.raises(ConfigError, match=r"backend\.csp\.img-src"):
        validate_app_config({"backend": {"csp": {"img-src": "'self'"}}})
