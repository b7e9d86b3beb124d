"""Backstage's own ``@techdocs/cli``, unmodified, against Greenroom's TechDocs on one S3
server (moto's, started by the tests).

Two directions, both on the bucket layout Backstage's publishers and reader share
(``<bucketRootPath>/<namespace>/<kind>/<name>/<site files>``, the triplet lower-cased,
``techdocs_metadata.json`` beside the site):

- CI → Greenroom: ``techdocs-cli generate --no-docker`` builds a docs repo with the
  venv's mkdocs and mkdocs-techdocs-core, ``techdocs-cli publish --publisher-type
  awsS3`` uploads it, and Greenroom with ``techdocs.builder: external`` takes it in
  (the import job a first visit queues) and renders it: pages, navigation, anchors,
  and the image through the portal's file URL.
- Greenroom → Backstage: the same source tree is built and published by Greenroom and
  by techdocs-cli under two entities of one bucket; both prefixes hold the same keys
  and equivalent ``techdocs_metadata.json``, and Backstage's reader code
  (``backstage_reader.cjs``: the techdocs-node that techdocs-cli ships) finds, reads and
  serves Greenroom's site exactly as it serves techdocs-cli's.

The package is installed from ``techdocs/package-lock.json`` into the pytest cache (per
lockfile hash; see tests/support/npm.py). Without node/npm or the registry the tests are
skipped, or fail when ``GREENROOM_REQUIRE_SERVICES=1``.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from catalog import services as catalog
from portal.models import Job, JobStatus
from portal.tasks import run_job
from techdocs.models import DocsPage
from techdocs.sites import IMPORT_JOB
from tests.support.docs_sites import PNG
from tests.support.npm import installed, node_tools, skip_or_fail
from tests.support.servers import S3_CREDENTIALS
from tests.techdocs.conftest import S3_ROOT, DocsRepos, build, catalog_info, s3_objects, site
from tests.techdocs.conftest import reader as reader  # the fixtures, used by name
from tests.techdocs.conftest import s3_repos as s3_repos

PACKAGE_DIR = Path(__file__).resolve().parent / "techdocs"
READER = PACKAGE_DIR / "backstage_reader.cjs"
CLI_TIMEOUT = 300

pytestmark = [pytest.mark.django_db, pytest.mark.services]

MKDOCS = """\
site_name: Ledger handbook
site_description: How the ledger keeps the books
nav:
  - Home: index.md
  - Guide:
      - Reconciliation: guide/reconcile.md
plugins:
  - techdocs-core
"""
INDEX = """\
# Ledger handbook

The ledger keeps the books. Start with [the nightly run](guide/reconcile.md#nightly-run).

![Ledger diagram](img/ledger.png)
"""
RECONCILE = """\
# Reconciliation

## Nightly run

Every night the ledger balances each account against the bank's statement.

## Manual run

Run `ledger reconcile --now`.
"""
#: Fields Backstage's reader, builder and cache read from techdocs_metadata.json.
METADATA_FIELDS = {"site_name", "site_description", "build_timestamp", "files", "etag"}
#: What Greenroom's metadata may hold beyond techdocs-cli 1.8.15's: ``engine``, which
#: techdocs-node writes since 2.1.0 (the CLI still bundles 1.x) and nothing reads as
#: required.
GREENROOM_EXTRA_FIELDS = {"engine"}


@pytest.fixture(scope="session")
def cli_modules(request: pytest.FixtureRequest) -> Path:
    """``@techdocs/cli`` as ``techdocs/package-lock.json`` pins it, reused while the
    lockfile is unchanged."""
    return installed(request, PACKAGE_DIR, "@techdocs/cli")



def write_docs(root: Path) -> Path:
    """A docs repo as CI checks it out: mkdocs.yml, two pages (the first links to a
    heading of the second) and an image."""
    files: dict[str, str | bytes] = {
        "mkdocs.yml": MKDOCS, "docs/index.md": INDEX, "docs/guide/reconcile.md": RECONCILE,
        "docs/img/ledger.png": PNG}  # fmt: skip
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return root


def cli_env(home: Path) -> dict[str, str]:
    """The CLI's environment: the project's venv first on PATH (its ``mkdocs`` has
    mkdocs-techdocs-core), moto's credentials, and nothing from the host's AWS setup."""
    venv_bin = Path(sys.executable).parent  # not resolved: the venv's bin, not the base's
    if not (venv_bin / "mkdocs").exists():
        skip_or_fail(f"no mkdocs next to {sys.executable}; install the project's venv")
    home.mkdir(parents=True, exist_ok=True)
    return {"PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}", "HOME": str(home),
            "AWS_ACCESS_KEY_ID": S3_CREDENTIALS["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": S3_CREDENTIALS["aws_secret_access_key"],
            "AWS_REGION": "us-east-1", "AWS_CONFIG_FILE": str(home / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-aws-credentials"),
            "NO_MKDOCS_2_WARNING": "1"}  # fmt: skip


def techdocs_cli(modules: Path, tmp_path: Path, *args: str) -> str:
    """Run ``techdocs-cli`` with ``args``; returns its output, fails with it."""
    node, _ = node_tools()
    command = [node, str(modules / ".bin" / "techdocs-cli"), *args]
    result = subprocess.run(command, cwd=tmp_path, env=cli_env(tmp_path / "home"),
                            capture_output=True, text=True, timeout=CLI_TIMEOUT)  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"techdocs-cli {' '.join(args)} exited {result.returncode}:\n" \
        f"{output[-4000:]}"  # fmt: skip
    return output


def cli_generate(modules: Path, tmp_path: Path, source: Path, *, etag: str) -> Path:
    out = tmp_path / f"{source.name}-site"
    techdocs_cli(modules, tmp_path, "generate", "--no-docker", "--source-dir", str(source),
                 "--output-dir", str(out), "--etag", etag, "--verbose")  # fmt: skip
    assert (out / "index.html").is_file() and (out / "techdocs_metadata.json").is_file()
    return out


def cli_publish(modules: Path, tmp_path: Path, repos: DocsRepos, entity: str, site_dir: Path):
    output = techdocs_cli(
        modules, tmp_path, "publish", "--publisher-type", "awsS3", "--storage-name", repos.bucket,
        "--entity", entity, "--directory", str(site_dir), "--awsEndpoint", repos.endpoint,
        "--awsS3ForcePathStyle", "--awsBucketRootPath", S3_ROOT)  # fmt: skip
    assert "Successfully published" in output, output[-4000:]


def backstage_read(modules: Path, tmp_path: Path, repos: DocsRepos,
                   entities: list[str]) -> dict[str, Any]:  # fmt: skip
    """What Backstage's reader code sees of each entity's site (see backstage_reader.cjs)."""
    node, _ = node_tools()
    workdir = tmp_path / "backstage-reader"
    workdir.mkdir()
    shutil.copy2(READER, workdir / READER.name)
    (workdir / "node_modules").symlink_to(modules, target_is_directory=True)
    env = {**cli_env(tmp_path / "home"), "COMPAT_S3_ENDPOINT": repos.endpoint,
           "COMPAT_S3_BUCKET": repos.bucket, "COMPAT_S3_ROOT": S3_ROOT,
           "COMPAT_ENTITIES": json.dumps(entities)}  # fmt: skip
    result = subprocess.run([node, READER.name], cwd=workdir, env=env, capture_output=True,
                            text=True, timeout=CLI_TIMEOUT)  # fmt: skip
    assert result.returncode == 0, f"backstage_reader.cjs:\n{result.stdout}\n{result.stderr}"
    return json.loads(result.stdout)


def use_external_builder(settings) -> None:
    """The s3_repos settings with ``techdocs.builder: external``: CI publishes."""
    techdocs = {**settings.APP_CONFIG["techdocs"], "builder": "external"}
    settings.APP_CONFIG = {**settings.APP_CONFIG, "techdocs": techdocs}


def register(repos: DocsRepos, name: str) -> Path:
    """A repo holding only the entity's catalog file (``techdocs-ref: dir:.``), registered."""
    repo = repos.write(name.lower(), {"catalog-info.yaml": catalog_info(name)})
    catalog.register_location("file", str(repo / "catalog-info.yaml"))
    return repo


def page_html(reader: Client, url: str) -> str:
    response = reader.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_a_site_techdocs_cli_published_renders_in_greenroom(
    cli_modules: Path, s3_repos: DocsRepos, settings, reader: Client, tmp_path: Path
) -> None:
    began = time.monotonic()
    source = write_docs(tmp_path / "ledger-docs")
    built = cli_generate(cli_modules, tmp_path, source, etag="ci-commit-1")
    cli_publish(cli_modules, tmp_path, s3_repos, "default/Component/Ledger", built)
    published = s3_objects(s3_repos, f"{S3_ROOT}/default/component/ledger/")
    assert {"index.html", "guide/reconcile/index.html", "img/ledger.png"} <= set(published)
    use_external_builder(settings)
    register(s3_repos, "Ledger")
    home = "/docs/default/component/ledger/"

    # The first visit finds nothing to show and queues the import (never a build).
    assert reader.get(home).status_code == 200
    job = site("ledger").last_job
    assert job is not None
    assert job.runner == IMPORT_JOB and job.status == JobStatus.PENDING
    assert run_job(job.pk) == JobStatus.COMPLETED, Job.objects.get(pk=job.pk).error

    version = site("ledger").published
    assert version is not None and version.origin == "external"
    cli_metadata = json.loads(published["techdocs_metadata.json"])
    assert version.build_timestamp == cli_metadata["build_timestamp"]
    assert version.etag == "ci-commit-1" and version.site_name == "Ledger handbook"
    assert version.site_description == "How the ledger keeps the books"
    assert set(DocsPage.objects.filter(version=version).values_list("path", flat=True)) \
        >= {"", "guide/reconcile/"}  # fmt: skip
    assert [(e["title"], [c["title"] for c in e.get("children") or []]) for e in version.nav] \
        == [("Home", []), ("Guide", ["Reconciliation"])]  # fmt: skip

    index = page_html(reader, home)
    assert re.search(r'<h1 id="ledger-handbook"[^>]*>\s*Ledger handbook', index), "heading"
    assert "The ledger keeps the books." in index
    second = f"{home}guide/reconcile/"
    assert f'href="{second}#nightly-run"' in index  # the link to the anchor, rewritten
    assert f'href="{second}"' in index and ">Reconciliation<" in index  # the nav
    images = re.findall(r'<img[^>]*\bsrc="([^"]*ledger\.png[^"]*)"', index)
    assert images, "the image is missing from the page"
    image_url = html.unescape(images[0])
    assert image_url.startswith("/docs/_files/default/component/ledger/img/ledger.png"), image_url
    image = reader.get(image_url)
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content) == PNG

    reconcile = page_html(reader, second)
    assert re.search(r'<h2 id="nightly-run"[^>]*>\s*Nightly run', reconcile), "anchor lost"
    assert "balances each account" in reconcile and "ledger reconcile --now" in reconcile
    assert f'href="{home}"' in reconcile  # the nav's Home entry
    print(f"techdocs-cli → Greenroom: {len(published)} objects in "
          f"{time.monotonic() - began:.1f}s")  # fmt: skip


def _headings(page: bytes) -> list[tuple[str, str]]:
    """Each heading's level and id: what anchors (``page/#id``) resolve against."""
    return re.findall(r'<h([1-6]) id="([^"]+)"', page.decode())


def test_a_site_greenroom_published_matches_techdocs_cli_s_layout(
    cli_modules: Path, s3_repos: DocsRepos, tmp_path: Path
) -> None:
    began = time.monotonic()
    repo = register(s3_repos, "alpha")
    write_docs(repo)
    job = build("alpha")
    assert job.status == JobStatus.COMPLETED, job.error
    source = tmp_path / "bravo-docs"
    shutil.copytree(repo, source)  # the same tree; the CLI may patch mkdocs.yml in place
    cli_publish(cli_modules, tmp_path, s3_repos, "default/Component/Bravo",
                cli_generate(cli_modules, tmp_path, source, etag="ci-commit-1"))  # fmt: skip
    ours = s3_objects(s3_repos, f"{S3_ROOT}/default/component/alpha/")
    theirs = s3_objects(s3_repos, f"{S3_ROOT}/default/component/bravo/")

    # The same keys: both run the venv's mkdocs and Material, so even the hashed asset
    # names (assets/javascripts/bundle.<hash>.min.js, …) agree; no allowance is needed.
    assert set(ours) == set(theirs), (
        f"only Greenroom: {sorted(set(ours) - set(theirs))}; "
        f"only techdocs-cli: {sorted(set(theirs) - set(ours))}"
    )
    for key in ("img/ledger.png", "search/search_index.json"):
        assert ours[key] == theirs[key], key
    pages = sorted(key for key in ours if key.endswith(".html"))
    assert pages == ["404.html", "guide/reconcile/index.html", "index.html"]
    # The page bytes may differ where Greenroom's build hardens them (no web fonts by
    # default); what the reader relies on, the headings and their ids, may not.
    for key in pages:
        assert _headings(ours[key]) == _headings(theirs[key]), key

    ours_meta = json.loads(ours["techdocs_metadata.json"])
    theirs_meta = json.loads(theirs["techdocs_metadata.json"])
    assert set(theirs_meta) == METADATA_FIELDS
    assert set(ours_meta) - set(theirs_meta) <= GREENROOM_EXTRA_FIELDS
    assert set(theirs_meta) <= set(ours_meta)
    for field in ("site_name", "site_description"):
        assert ours_meta[field] == theirs_meta[field], field
    for metadata, objects in ((ours_meta, ours), (theirs_meta, theirs)):
        assert isinstance(metadata["build_timestamp"], int)
        assert abs(metadata["build_timestamp"] - time.time() * 1000) < 3_600_000  # ms
        assert isinstance(metadata["etag"], str) and metadata["etag"]
        assert sorted(metadata["files"]) == sorted(objects)

    # Backstage's reader code finds, reads and serves Greenroom's site like the CLI's.
    seen = backstage_read(cli_modules, tmp_path, s3_repos,
                          ["default/Component/alpha", "default/Component/Bravo"])  # fmt: skip
    for ref, objects in (("default/Component/alpha", ours), ("default/Component/Bravo", theirs)):
        report = seen[ref]
        assert report["generated"] and report["error"] is None, (ref, report["error"])
        assert sorted(report["files"]) == sorted(objects), ref
        for key, served in report["files"].items():
            assert served["status"] == 200, (ref, key, served)
            assert served["sha256"] == hashlib.sha256(objects[key]).hexdigest(), (ref, key)
    types = {ref: {key: served["contentType"] for key, served in seen[ref]["files"].items()}
             for ref in seen}  # fmt: skip
    assert types["default/Component/alpha"] == types["default/Component/Bravo"]
    assert seen["default/Component/alpha"]["metadata"]["site_name"] == "Ledger handbook"
    print(f"Greenroom ↔ techdocs-cli: {len(ours)} keys alike in "
          f"{time.monotonic() - began:.1f}s")  # fmt: skip
