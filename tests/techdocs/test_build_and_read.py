"""A docs source in the catalog, built by the job, published in Backstage's layout and
read in the portal: pages with the site's navigation and table of contents, links and
images rewritten to portal addresses, files served with safe types."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.test import Client

from portal.models import JobLogEntry, JobStatus
from techdocs.models import BuildState, DocsPage
from tests.techdocs.conftest import PNG, DocsRepos, build, site

pytestmark = pytest.mark.django_db

READER = "/docs/default/component/payments/"



def test_a_build_publishes_backstages_layout(repos: DocsRepos) -> None:
    repos.service()
    job = build()
    assert job.status == JobStatus.COMPLETED, job.error
    root = repos.published / "default" / "component" / "payments"
    metadata = json.loads((root / "techdocs_metadata.json").read_text())
    assert metadata["site_name"] == "Payments"
    assert metadata["site_description"] == "How the payments service works"
    assert metadata["engine"] == "mkdocs" and len(metadata["etag"]) == 64
    assert isinstance(metadata["build_timestamp"], int)
    assert "index.html" in metadata["files"] and "guide/setup/index.html" in metadata["files"]
    for name in metadata["files"]:
        assert (root / name).is_file(), name
    assert (root / "search" / "search_index.json").is_file()
    log = " ".join(JobLogEntry.objects.filter(job=job).values_list("message", flat=True))
    assert "published" in log


def test_pages_render_inside_the_portal(repos: DocsRepos, reader: Client) -> None:
    repos.service()
    build()
    page = reader.get(READER)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Welcome to the payments docs" in html
    assert f'href="{READER}guide/setup/#install"' in html  # page links → portal pages
    image = re.search(r'src="(/docs/_files/default/component/payments/img/diagram\.png[^"]*)"',
                      html)  # fmt: skip
    assert image, html
    assert 'aria-current="page"' in html  # the navigation marks the current page
    setup = reader.get(f"{READER}guide/setup/").content.decode()
    assert 'href="#install"' in setup and 'id="install"' in setup  # table of contents
    served = reader.get(image.group(1).replace("&amp;", "&"))
    assert served.status_code == 200 and b"".join(served.streaming_content) == PNG
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in served["Cache-Control"]


def test_search_sections_are_stored_per_page(repos: DocsRepos) -> None:
    repos.service()
    build()
    setup = DocsPage.objects.get(path="guide/setup/")
    locations = [section["location"] for section in setup.sections]
    assert "guide/setup/" in locations and "guide/setup/#install" in locations
    assert any("make install" in section["text"] for section in setup.sections)


def test_an_unchanged_source_is_not_built_again(repos: DocsRepos) -> None:
    repos.service()
    build()
    version = site().published_id
    again = build()
    assert again.status == JobStatus.COMPLETED and again.result["skipped"] is True
    assert site().published_id == version


def test_a_change_to_the_docs_builds_a_new_version(repos: DocsRepos, reader: Client) -> None:
    repo = repos.service()
    build()
    first = site().published
    (repo / "docs" / "guide" / "setup.md").write_text("# Setup\n\nNow with a wizard.\n")
    (repo / "docs" / "extra.md").write_text("# Extra\n")
    build()
    current = site()
    assert current.published_id != first.pk and current.state == BuildState.SUCCEEDED
    assert current.source_changed is not None
    assert "Now with a wizard" in reader.get(f"{READER}guide/setup/").content.decode()
    assert DocsPage.objects.filter(version_id=first.pk).count() == 0  # old version gone


def test_a_code_change_outside_the_docs_does_not_rebuild(repos: DocsRepos) -> None:
    repo = repos.service()
    build()
    (repo / "main.py").write_text("print('new feature')\n")
    assert build().result.get("skipped") is True


def test_removed_pages_leave_storage_after_the_switch(repos: DocsRepos) -> None:
    repo = repos.service()
    build()
    root = repos.published / "default" / "component" / "payments"
    assert (root / "guide" / "setup" / "index.html").is_file()
    (repo / "mkdocs.yml").write_text("site_name: Payments\nplugins: [techdocs-core]\n")
    (repo / "docs" / "guide" / "setup.md").unlink()
    build()
    assert not (root / "guide" / "setup" / "index.html").exists()
    assert (root / "index.html").is_file()


def test_docs_list_shows_every_site(repos: DocsRepos, reader: Client) -> None:
    repos.service()
    repos.service("billing")
    build()
    from techdocs.sites import sync_sites

    sync_sites()
    listing = reader.get("/docs/").content.decode()
    assert "Payments" in listing and "billing" in listing and "Not built yet" in listing
    filtered = reader.get("/docs/?state=never").content.decode()
    assert "billing" in filtered and READER not in filtered


def test_an_unknown_page_is_a_404_inside_the_docs(repos: DocsRepos, reader: Client) -> None:
    repos.service()
    build()
    missing = reader.get(f"{READER}no/such/page/")
    assert missing.status_code == 404
    assert "no page" in missing.content.decode()
    assert reader.get(f"{READER}guide/setup").status_code == 302  # trailing slash added


def test_a_link_planted_in_the_publish_directory_serves_nothing(
    repos: DocsRepos, reader: Client, tmp_path: Path
) -> None:
    repos.service()
    assert build().status == JobStatus.COMPLETED
    secret = tmp_path / "secret.txt"
    secret.write_text("planted-secret-token")
    site_dir = repos.published / "default/component/payments"
    (site_dir / "leak.txt").symlink_to(secret)
    (site_dir / "img" / "diagram.png").unlink()
    (site_dir / "img" / "diagram.png").symlink_to(secret)
    for name in ("leak.txt", "img/diagram.png"):
        response = reader.get(f"/docs/_files/default/component/payments/{name}")
        assert response.status_code == 404, name


@pytest.mark.parametrize("url", [
    "/docs/default/component/pay%00ments/", "/docs/default/comp%00onent/payments/",
    "/docs/default/component/payments/gu%00ide/", "/docs/_files/default/component/pay%00/x.png",
    "/docs/_files/default/component/payments/img/x%00.png",
    "/docs/_build/default/component/pay%00ments/",
])  # fmt: skip
def test_a_nul_in_a_docs_address_names_nothing(repos: DocsRepos, reader: Client, url) -> None:
    """PostgreSQL text cannot hold a NUL: asking it for one was a 500."""
    repos.service()
    assert build().status == JobStatus.COMPLETED
    assert reader.get(url).status_code == 404, url


def test_a_nul_in_the_docs_list_filters_matches_nothing_else(repos: DocsRepos,
                                                             reader: Client) -> None:  # fmt: skip
    repos.service()
    for query in ("?q=pay%00ments", "?owner=team%00-a", "?state=fail%00ed"):
        assert reader.get("/docs/" + query).status_code == 200, query


def test_the_rebuild_button_is_in_the_audit_log(repos: DocsRepos, reader: Client) -> None:
    from portal.models import AuditEvent

    repos.service()
    reader.post("/docs/_build/default/component/payments/")
    before = AuditEvent.objects.count()
    event = AuditEvent.objects.get(action="techdocs.site.rebuild")
    assert (event.target, event.actor, event.via) == ("component:default/payments", "admin",
                                                      "page")  # fmt: skip
    reader.get("/docs/_build/default/component/payments/")  # reads are not logged
    assert AuditEvent.objects.count() == before
