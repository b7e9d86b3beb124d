"""Real docs sites through the whole pipeline to a real S3 server (moto's, started by
the tests): the docs skeletons of Backstage's templates and of the guide's golden path
as the scaffolder renders them, Greenroom's own ``docs/``, a generated 200-page site
and the demo catalog's handbook. Each is fetched, built, published in Backstage's
layout and rendered in the portal from what the bucket holds."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import Client

from catalog import services as catalog
from portal.models import JobStatus
from scaffolder.dry_run import dry_run
from techdocs.models import DocsPage
from tests.support.docs_sites import PNG, write_site
from tests.support.golden_paths import GOLDEN
from tests.support.portal_process import PROJECT_DIR
from tests.support.servers import s3_client
from tests.techdocs.conftest import S3_ROOT, DocsRepos, build, catalog_info, s3_objects, site

pytestmark = [pytest.mark.django_db, pytest.mark.services]

PREFIX = f"{S3_ROOT}/default/component/"
#: Values for each vendored template with a docs skeleton, as its form would send.
TEMPLATES = {
    "backstage-templates/docs-template": {
        "name": "team-handbook", "description": "How the team works",
        "owner": "group:default/platform-team", "repoUrl": "github.com?owner=acme&repo=handbook"},
    "backstage-templates/springboot-grpc-template": {
        "component_id": "ledger", "java_package_name": "com.acme.ledger",
        "description": "Keeps the books", "owner": "group:default/platform-team",
        "repoUrl": "github.com?owner=acme&repo=ledger"},
    "seed-golden-path": {
        "serviceName": "order-service", "description": "Takes orders",
        "owner": "group:default/platform-team", "system": "system:default/commerce",
        "javaVersion": "21", "database": "postgresql", "enableKafka": True,
        "namespace": "orders", "cluster": "dev"},
}  # fmt: skip



def _scaffold(template_dir: Path, values: dict[str, Any], target: Path) -> None:
    """What the scaffolder renders from the template for ``values`` (a dry run: every
    step that writes the workspace runs, the publishing ones are skipped)."""
    files = [{"path": p.relative_to(template_dir).as_posix(),
              "base64Content": base64.b64encode(p.read_bytes()).decode()}
             for p in sorted(template_dir.rglob("*")) if p.is_file()]  # fmt: skip
    template = yaml.safe_load((template_dir / "template.yaml").read_text())
    answer = dry_run({"template": template, "values": values, "secrets": {},
                      "directoryContents": files})  # fmt: skip
    for item in answer["directoryContents"]:
        path = target / item["path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(item["base64Content"]))


def _register(repo: Path) -> str:
    """Register the repo's catalog file; returns the name of its component (the file
    may also describe APIs and resources)."""
    catalog.register_location("file", str(repo / "catalog-info.yaml"))
    entities = yaml.safe_load_all((repo / "catalog-info.yaml").read_text())
    return next(e["metadata"]["name"] for e in entities if e and e["kind"] == "Component")


def _published_and_rendered(repos: DocsRepos, reader: Client, name: str) -> dict[str, Any]:
    """Build ``name``; check its objects in the bucket, its metadata, and that every
    page renders in the portal. Returns the metadata."""
    job = build(name)
    assert job.status == JobStatus.COMPLETED, job.error
    objects = s3_objects(repos, f"{PREFIX}{name}/")
    metadata = json.loads(objects["techdocs_metadata.json"])
    assert set(metadata["files"]) == set(objects)
    assert {"index.html", "search/search_index.json"} <= set(objects)
    assert isinstance(metadata["build_timestamp"], int) and metadata["etag"]
    pages = DocsPage.objects.filter(version=site(name).published)
    assert pages.exists()
    for page in pages:
        response = reader.get(f"/docs/default/component/{name}/{page.path}")
        assert response.status_code == 200, page.path
        assert page.title in response.content.decode()
    return metadata


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_template_docs_after_a_scaffolder_run(s3_repos: DocsRepos, reader: Client,
                                              template: str) -> None:  # fmt: skip
    repo = s3_repos.root / template.replace("/", "-")
    _scaffold(GOLDEN / template, TEMPLATES[template], repo)
    name = _register(repo)
    metadata = _published_and_rendered(s3_repos, reader, name)
    assert metadata["site_name"] in (name, TEMPLATES[template].get("name"))
    tab = reader.get(f"/catalog/default/component/{name}/docs").content.decode()
    assert metadata["site_name"] in tab


def test_greenroom_s_own_docs(s3_repos: DocsRepos, reader: Client) -> None:
    repo = s3_repos.root / "greenroom"
    shutil.copytree(PROJECT_DIR / "docs", repo / "docs")
    shutil.copy2(PROJECT_DIR / "mkdocs.yml", repo / "mkdocs.yml")
    (repo / "catalog-info.yaml").write_text(catalog_info("greenroom"))
    _register(repo)
    metadata = _published_and_rendered(s3_repos, reader, "greenroom")
    assert metadata["site_name"] == "Greenroom"
    status = reader.get("/docs/default/component/greenroom/development/status/")
    assert "Development status" in status.content.decode()


def test_the_demo_catalog_s_handbook(s3_repos: DocsRepos, reader: Client) -> None:
    """What a new user opens first after ``make run``."""
    repo = s3_repos.root / "handbook"
    shutil.copytree(PROJECT_DIR / "catalog" / "demo" / "greenroom" / "handbook", repo)
    name = _register(repo)
    metadata = _published_and_rendered(s3_repos, reader, name)
    assert metadata["site_name"]
    tab = reader.get(f"/catalog/default/component/{name}/docs").content.decode()
    assert "Developer handbook" in tab


def test_a_generated_200_page_site(s3_repos: DocsRepos, reader: Client) -> None:
    repo = write_site(s3_repos.root / "handbook", pages=200)
    (repo / "catalog-info.yaml").write_text(catalog_info("handbook"))
    _register(repo)
    _published_and_rendered(s3_repos, reader, "handbook")
    assert DocsPage.objects.filter(version=site("handbook").published).count() == 200
    image = reader.get("/docs/_files/default/component/handbook/img/diagram.png?v=1")
    assert image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content) == PNG


def test_a_changed_site_replaces_its_objects_and_removes_stale_ones(
    s3_repos: DocsRepos, reader: Client
) -> None:
    repo = s3_repos.service()
    assert build().status == JobStatus.COMPLETED
    before = s3_objects(s3_repos, f"{PREFIX}payments/")
    assert "guide/setup/index.html" in before and "img/diagram.png" in before
    (repo / "docs" / "guide" / "setup.md").unlink()
    mkdocs = repo / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text().replace("  - Guide:\n      - Setup: guide/setup.md\n", ""))
    assert build().status == JobStatus.COMPLETED
    after = s3_objects(s3_repos, f"{PREFIX}payments/")
    assert "guide/setup/index.html" not in after and "index.html" in after
    assert set(json.loads(after["techdocs_metadata.json"])["files"]) == set(after)
    gone = reader.get("/docs/default/component/payments/guide/setup/")
    assert gone.status_code == 404


def test_objects_are_stored_with_their_own_type_and_no_encoding(s3_repos: DocsRepos) -> None:
    """A CDN in front of the bucket serves what S3 stored: ``sitemap.xml.gz`` must stay a
    gzip file, not XML with ``Content-Encoding: gzip`` (unzipped on the way out)."""
    s3_repos.service()
    assert build().status == JobStatus.COMPLETED
    client = s3_client(s3_repos.endpoint)
    expected = {"sitemap.xml.gz": "application/gzip", "index.html": "text/html",
                "img/diagram.png": "image/png", "techdocs_metadata.json": "application/json"}
    for name, content_type in expected.items():
        head = client.head_object(Bucket=s3_repos.bucket, Key=f"{PREFIX}payments/{name}")
        assert head["ContentType"] == content_type, name
        assert "ContentEncoding" not in head, name


def test_a_rebuild_sends_only_the_files_that_changed(s3_repos: DocsRepos, monkeypatch) -> None:
    """Objects whose ETag is the MD5 of the built file are not uploaded again (the
    sitemap carries the build's date, so it may change when midnight passes)."""
    from techdocs.storage import docs_storage

    repo = s3_repos.service()
    assert build().status == JobStatus.COMPLETED
    (repo / "docs" / "guide" / "setup.md").write_text("# Setup\n\nChanged.\n")
    storage, sent = docs_storage(), []
    original = storage._save
    monkeypatch.setattr(storage, "_save", lambda name, content: (sent.append(name),
                                                                  original(name, content))[1])
    assert build().status == JobStatus.COMPLETED
    objects = s3_objects(s3_repos, f"{PREFIX}payments/")
    dated = {f"default/component/payments/{name}" for name in ("sitemap.xml", "sitemap.xml.gz")}
    assert sorted(set(sent) - dated) == [f"default/component/payments/{name}" for name in
                            ("guide/setup/index.html", "search/search_index.json",
                             "techdocs_metadata.json")]  # fmt: skip
    assert len(objects) > 40
    assert b"Changed." in objects["guide/setup/index.html"]
