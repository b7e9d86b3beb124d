"""The seed's failure case: docs missing or broken. For each failure the Docs tab says
which it is and what to do, the last good version stays readable, and the next change
to the source builds again."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.test import Client

from portal.models import JobStatus
from techdocs.models import BuildState
from tests.techdocs.conftest import MKDOCS, DocsRepos, build, site

pytestmark = pytest.mark.django_db

TAB = "/catalog/default/component/payments/docs"



def _break_and_check(repos: DocsRepos, reader: Client, breaks, headline: str) -> Path:
    """Build a good version, break the source, build: the tab explains, keeps the
    good version; then return the repo for the caller to fix."""
    repo = repos.service()
    assert build().status == JobStatus.COMPLETED
    good = site().published_id
    breaks(repo)
    failed = build()
    assert failed.status == JobStatus.FAILED
    assert site().state == BuildState.FAILED and site().published_id == good
    tab = reader.get(TAB).content.decode()
    assert headline in tab, tab
    assert "You are reading the last version that built" in tab
    assert "Welcome to the payments docs" in tab  # the last good version is shown
    assert build().result.get("skipped") is True  # the same broken source is not retried
    return repo


def _fixed_builds_again(repo: Path, fix) -> None:
    fix(repo)
    job = build()
    assert job.status == JobStatus.COMPLETED, job.error
    assert site().state == BuildState.SUCCEEDED and not site().problem_kind


def test_no_mkdocs_yml(repos: DocsRepos, reader: Client) -> None:
    def breaks(repo: Path) -> None:
        (repo / "mkdocs.yml").unlink()
        (repo / "docs" / "index.md").rename(repo / "index.md")
        for path in sorted((repo / "docs").rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        (repo / "docs").rmdir()

    repo = _break_and_check(repos, reader, breaks, "No mkdocs.yml")

    def fix(repo: Path) -> None:
        (repo / "mkdocs.yml").write_text("site_name: Payments\nplugins: [techdocs-core]\n")
        (repo / "docs").mkdir()
        (repo / "index.md").rename(repo / "docs" / "index.md")

    _fixed_builds_again(repo, fix)


def test_no_docs_index(repos: DocsRepos, reader: Client) -> None:
    repo = _break_and_check(repos, reader, lambda r: (r / "docs" / "index.md").rename(
        r / "docs" / "home.md"), "No docs/index.md")  # fmt: skip
    _fixed_builds_again(repo, lambda r: (r / "docs" / "home.md").rename(r / "docs" / "index.md"))


def test_a_plugin_that_is_not_installed(repos: DocsRepos, reader: Client, settings) -> None:
    techdocs = settings.APP_CONFIG["techdocs"]
    settings.APP_CONFIG = {**settings.APP_CONFIG, "techdocs": {**techdocs, "generator": {
        "mkdocs": {"dangerouslyAllowAdditionalPlugins": ["no-such-plugin"]}}}}  # fmt: skip
    repo = _break_and_check(repos, reader, lambda r: (r / "mkdocs.yml").write_text(
        MKDOCS.replace("  - techdocs-core\n", "  - techdocs-core\n  - no-such-plugin\n")),
        "A plugin that is not installed")  # fmt: skip
    assert "no-such-plugin" in site().problem_message
    _fixed_builds_again(repo, lambda r: (r / "mkdocs.yml").write_text(MKDOCS))


class _Denied(BaseHTTPRequestHandler):
    """Answers every S3 request as a bucket whose policy denies Greenroom does."""

    def _deny(self) -> None:
        body = (b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code>'
                b"<Message>Access Denied</Message></Error>")  # fmt: skip
        self.send_response(403)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_PUT = do_HEAD = do_POST = do_DELETE = _deny

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def denying_s3() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Denied)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_s3_access_denied_keeps_the_published_site(
    repos: DocsRepos, reader: Client, settings, denying_s3: str, monkeypatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "greenroom")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-allowed")
    local = settings.APP_CONFIG["techdocs"]
    s3 = {**local, "publisher": {"type": "awsS3", "awsS3": {
        "bucketName": "docs", "endpoint": denying_s3, "region": "us-east-1",
        "s3ForcePathStyle": True}}}  # fmt: skip

    def breaks(repo: Path) -> None:
        (repo / "docs" / "guide" / "setup.md").write_text("# Setup\n\nChanged.\n")
        settings.APP_CONFIG = {**settings.APP_CONFIG, "techdocs": s3}

    repo = repos.service()
    assert build().status == JobStatus.COMPLETED
    good = site().published_id
    breaks(repo)
    assert build().status == JobStatus.FAILED
    assert site().published_id == good and site().problem_kind == "storage"
    assert "AccessDenied" in site().problem_message
    assert "s3:PutObject" in site().problem_message
    settings.APP_CONFIG = {**settings.APP_CONFIG, "techdocs": local}
    assert (repos.published / "default/component/payments/index.html").is_file()
    tab = reader.get(TAB).content.decode()
    assert "The docs storage failed" in tab and "Welcome to the payments docs" in tab
    # A storage failure is retried with the same source once storage is back.
    job = build()
    assert job.status == JobStatus.COMPLETED and not job.result.get("skipped")
    setup = reader.get("/docs/default/component/payments/guide/setup/")
    assert "Changed." in setup.content.decode()
