"""The register page (analyze, review, import): stored nothing on a failed analyze,
clear errors, bounded queries, CSRF (with the locations actions) and every untrusted
string escaped. The locations pages are tested in test_locations_pages.py."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import Client

from catalog.models import Entity, Location, LocationSource
from portal.models import Job
from tests.catalog.conftest import ORG, SERVICE, register

pytestmark = pytest.mark.django_db

REGISTER = "/catalog/register/"
LOCATIONS = "/catalog/locations/"
SCRIPT = "<script>alert(1)</script>"
HTMX = {"HTTP_HX_REQUEST": "true"}

EVIL = f"""\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: evil
  title: "{SCRIPT}"
  description: "<img src=x onerror=alert(2)>"
  links: [{{url: "javascript:alert(3)", title: x}}]
spec: {{type: service, lifecycle: production, owner: team-a}}
"""

BAD_SECOND_DOCUMENT = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: good-one, title: The Good One, description: Works fine}
spec: {type: service, lifecycle: production, owner: team-a}
---
kind: Component
metadata: {name: no-api-version}
spec: {type: service, lifecycle: production, owner: team-a}
"""


def analyze(client: Client, location: str, **extra: Any):
    return client.post(REGISTER, {"step": "analyze", "target": location}, **extra)


def import_(client: Client, location_type: str, target: str, **extra: Any):
    return client.post(
        REGISTER, {"step": "import", "type": location_type, "target": target}, **extra
    )


def test_anonymous_visitors_are_sent_to_sign_in(client) -> None:
    for url in (REGISTER, LOCATIONS):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_register_page_shows_step_one(signed_in) -> None:
    response = signed_in.get(REGISTER)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="target"' in body and "csrfmiddlewaretoken" in body
    assert 'hx-post="/catalog/register/"' in body and "htmx-indicator" in body
    assert "css/register.css" in body


def test_analyze_a_file_previews_entities_and_stores_nothing(signed_in, files) -> None:
    path = files.write("catalog-info.yaml", SERVICE)
    response = analyze(signed_in, str(path))
    body = response.content.decode()
    assert response.status_code == 200 and "<html" in body  # works without JavaScript
    for text in ("checkout", "Takes the money", "checkout-api", "orders-db", "Importing adds 4"):
        assert text in body
    assert 'name="step" value="import"' in body and f'value="{path}"' in body
    assert not Location.objects.exists() and not Entity.objects.exists()


def test_analyze_with_htmx_returns_only_the_result(signed_in, files) -> None:
    path = files.write("catalog-info.yaml", SERVICE)
    response = analyze(signed_in, str(path), **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith('<section id="register-result"')
    assert "Takes the money" in body and "HX-Request" in response["Vary"]


def test_analyze_a_folder_reads_its_catalog_info_file(signed_in, files) -> None:
    files.write("catalog-info.yaml", SERVICE)
    body = analyze(signed_in, f"file://{files.root}").content.decode()
    assert f"file:{files.root}/catalog-info.yaml" in body and "checkout-api" in body
    empty = files.root / "empty"
    empty.mkdir()
    body = analyze(signed_in, str(empty)).content.decode()
    assert "No entities found" in body and 'value="import"' not in body


def test_a_bad_document_is_shown_with_its_file_and_index(signed_in, files) -> None:
    path = files.write("mixed.yaml", BAD_SECOND_DOCUMENT)
    body = analyze(signed_in, str(path)).content.decode()
    assert "The Good One" in body and "1 problem found" in body
    problem_row = body.split('class="summary register-table register-problems"')[1]
    assert f"file:{path}" in problem_row and "<td>1</td>" in problem_row  # 0-based, as the CLI
    assert "apiVersion" in problem_row
    assert 'value="import"' in body  # the good document can still be imported
    assert not Location.objects.exists()


def test_a_file_that_is_not_yaml_cannot_be_imported(signed_in, files) -> None:
    path = files.write("broken.yaml", "kind: [oops\n")
    body = analyze(signed_in, str(path)).content.decode()
    assert "YAML" in body and "Nothing in this location can be imported" in body
    assert 'value="import"' not in body and not Location.objects.exists()


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("", "Enter the URL of a catalog-info.yaml file"),
        ("   ", "Enter the URL of a catalog-info.yaml file"),
        ("not a url", "Enter an http(s) URL"),
        ("ftp://example.com/x.yaml", "Enter an http(s) URL"),
        ("url:nope", "The given location.target is not a URL"),
        ("/etc/passwd", "outside the allowed directories"),
        ("file:///etc/", "outside the allowed directories"),
        ("file://elsewhere/x.yaml", "Only local file:// paths"),
        ("~/catalog-info.yaml", "absolute path"),
        ("https://exa\nmple.com/x", "control characters"),
        ("x" * 2001, "at most 2000 characters"),
    ],
)
def test_bad_input_gets_a_clear_error_and_nothing_is_stored(
    signed_in, files, location, message
) -> None:
    response = analyze(signed_in, location, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and 'role="alert"' in body
    assert message in body.replace("&#x27;", "'") and "Nothing was stored" in body
    assert not Location.objects.exists()


def test_a_missing_file_is_a_read_error(signed_in, files) -> None:
    body = analyze(signed_in, str(files.root / "nope.yaml")).content.decode()
    assert "does not exist" in body and 'value="import"' not in body
    assert not Location.objects.exists()


def test_local_files_are_refused_when_the_portal_reads_none(signed_in, settings) -> None:
    settings.APP_CONFIG = {**settings.APP_CONFIG, "catalog": {}}
    body = analyze(signed_in, "/srv/catalog-info.yaml").content.decode()
    assert "reads no local files" in body and not Location.objects.exists()


class _Repository(BaseHTTPRequestHandler):
    """Serves ``files`` (path -> text); everything else is 404."""

    files: dict[str, str] = {}

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        text = self.files.get(self.path)
        data = (text or "not found").encode()
        self.send_response(200 if text is not None else 404)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def repository(settings, files) -> Iterator[tuple[str, dict[str, str]]]:
    """A loopback web server the URL reader may read: (base URL, files it serves)."""
    served: dict[str, str] = {}
    handler = type("Handler", (_Repository,), {"files": served})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    host = f"127.0.0.1:{server.server_address[1]}"
    settings.APP_CONFIG = {
        **settings.APP_CONFIG,
        "backend": {"reading": {"allow": [{"host": host}], "allowPrivateHosts": [host]}},
    }
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{host}", served
    server.shutdown()
    server.server_close()


def test_a_repository_without_a_catalog_file_gets_a_proposal(signed_in, repository) -> None:
    base, _ = repository
    body = analyze(signed_in, f"{base}/acme/pay-service").content.decode()
    assert "No catalog file in this repository" in body
    assert "name: pay-service" in body and "kind: Component" in body
    assert f"{base}/acme/pay-service/blob/HEAD/catalog-info.yaml" in body
    assert "nothing to import yet" in body and 'value="import"' not in body
    assert not Location.objects.exists()


def test_a_repository_url_reads_its_catalog_file(signed_in, repository) -> None:
    base, served = repository
    served["/acme/shop/blob/main/catalog-info.yaml"] = SERVICE
    body = analyze(signed_in, f"{base}/acme/shop/tree/main").content.decode()
    assert "checkout-api" in body and 'value="import"' in body
    target = f"{base}/acme/shop/blob/main/catalog-info.yaml"
    response = import_(signed_in, "url", target)
    assert "Registered" in response.content.decode()
    assert Location.objects.get().target == target
    assert Entity.objects.filter(ref="component:default/checkout").exists()


def test_import_registers_and_links_to_every_added_entity(signed_in, files) -> None:
    path = files.write("catalog-info.yaml", ORG + "---\n" + SERVICE)
    response = import_(signed_in, "file", str(path), **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    location = Location.objects.get()
    assert location.source == LocationSource.API and location.target == str(path)
    assert "Added 7 entities" in body
    for path_ in ("/catalog/default/component/checkout", "/catalog/default/group/team-a",
                  "/catalog/default/api/checkout-api"):  # fmt: skip
        assert f'href="{path_}"' in body
        assert signed_in.get(path_).status_code == 200


def test_import_without_javascript_shows_the_whole_page(signed_in, files) -> None:
    path = files.write("catalog-info.yaml", SERVICE)
    body = import_(signed_in, "file", str(path)).content.decode()
    assert "<html" in body and "Imported" in body and "Added 4 entities" in body


def test_importing_twice_is_a_clear_conflict(signed_in, files) -> None:
    path = files.write("catalog-info.yaml", SERVICE)
    import_(signed_in, "file", str(path))
    again = import_(signed_in, "file", str(path)).content.decode()
    assert f"file:{path} is already registered" in again and "Nothing was stored" in again
    assert Location.objects.count() == 1
    reviewed = analyze(signed_in, str(path)).content.decode()
    assert "already registered" in reviewed and 'value="import"' not in reviewed


def test_entities_another_location_provides_are_flagged(signed_in, files) -> None:
    register(files.write("first.yaml", SERVICE))
    path = files.write("second.yaml", SERVICE.split("---")[0])
    body = analyze(signed_in, str(path)).content.decode()
    assert "In the catalog" in body and f"file:{files.root}/first.yaml" in body
    assert "Importing adds 0 entities" in body and "importing would add nothing" in body
    assert 'value="import"' not in body


def test_import_of_an_unreadable_target_stores_nothing(signed_in, files) -> None:
    body = import_(signed_in, "file", str(files.root / "gone.yaml")).content.decode()
    assert "Could not read" in body and "does not exist" in body and "Nothing was stored" in body
    outside = import_(signed_in, "file", "/etc/passwd").content.decode()
    assert "outside the allowed directories" in outside
    bad_type = import_(signed_in, "ftp", "x").content.decode()
    assert "not one of the available choices" in bad_type
    url = import_(signed_in, "url", "javascript:alert(1)").content.decode()
    assert "Cannot register this url location" in url and "only http and https" in url
    assert not Location.objects.exists() and not Entity.objects.exists()


def test_untrusted_text_is_escaped_everywhere(signed_in, files) -> None:
    path = files.write("evil.yaml", EVIL)
    for body in (
        analyze(signed_in, str(path)).content.decode(),
        import_(signed_in, "file", str(path)).content.decode(),
        analyze(signed_in, SCRIPT).content.decode(),
    ):
        assert SCRIPT not in body and "<img src=x" not in body
        assert 'href="javascript:' not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in analyze(signed_in, str(path)).content.decode()


def test_writes_need_the_csrf_token(files, user) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    location = register(files.write("catalog-info.yaml", SERVICE))
    other = files.write("other.yaml", ORG)
    assert import_(browser, "file", str(other)).status_code == 403
    assert browser.post(f"/catalog/locations/{location.pk}/refresh").status_code == 403
    assert browser.post(f"/catalog/locations/{location.pk}/unregister").status_code == 403
    assert Location.objects.count() == 1 and not Job.objects.exists()
