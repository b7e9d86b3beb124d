"""Docs sources on disk, registered in the catalog, and the config to build them with
local storage: what most TechDocs tests start from."""

from __future__ import annotations

import textwrap
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client

from catalog import services as catalog
from portal.jobs import run_now
from portal.models import Job
from techdocs.models import DocsSite
from techdocs.references import Triplet
from techdocs.sites import BUILD_JOB, site_of
from tests.support.docs_sites import PNG, write_files
from tests.support.servers import S3_CREDENTIALS, s3_client

MKDOCS = """\
site_name: Payments
site_description: How the payments service works
nav:
  - Home: index.md
  - Guide:
      - Setup: guide/setup.md
plugins:
  - techdocs-core
"""
INDEX = """\
# Payments

Welcome to the payments docs. See [setup](guide/setup.md#install).

![diagram](img/diagram.png)

## Overview

Money moves here.
"""
SETUP = """\
# Setup

## Install

Run `make install`.

## Configure

Set `PAYMENTS_URL`.
"""


def catalog_info(name: str, ref: str = "dir:.", extra: str = "") -> str:
    return textwrap.dedent(f"""\
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: {name}
          annotations:
            backstage.io/techdocs-ref: {ref}
        {extra}spec:
          type: service
          lifecycle: production
          owner: team-a
        """)  # fmt: skip


@dataclass
class DocsRepos:
    """Where the tests' repositories live and where their sites are published: a
    directory (``published``) or a bucket on the test S3 server (``bucket``)."""

    root: Path
    published: Path | None = None
    bucket: str = ""
    endpoint: str = ""

    def write(self, name: str, files: dict[str, str | bytes]) -> Path:
        return write_files(self.root / name, files)

    def service(self, name: str = "payments", **overrides: str | bytes | None) -> Path:
        """A repository with a catalog file and a small docs site, registered."""
        files: dict[str, str | bytes | None] = {
            "catalog-info.yaml": catalog_info(name), "mkdocs.yml": MKDOCS,
            "docs/index.md": INDEX, "docs/guide/setup.md": SETUP, "docs/img/diagram.png": PNG,
            **overrides}  # fmt: skip
        repo = self.write(name, {k: v for k, v in files.items() if v is not None})
        catalog.register_location("file", str(repo / "catalog-info.yaml"))
        return repo


def _configure(settings, root: Path, publisher: dict) -> None:
    settings.APP_CONFIG = {
        **settings.APP_CONFIG,
        "catalog": {"readableDirectories": [str(root)]},
        "techdocs": {"builder": "local", "publisher": publisher},
    }


@pytest.fixture
def reader(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def repos(tmp_path: Path, settings) -> DocsRepos:
    root, published = tmp_path / "repos", tmp_path / "published"
    root.mkdir()
    _configure(settings, root, {"type": "local", "local": {"publishDirectory": str(published)}})
    return DocsRepos(root, published=published)


#: The folder of the bucket the S3 tests publish under (Backstage's bucketRootPath).
S3_ROOT = "techdocs"


@pytest.fixture
def s3_repos(tmp_path: Path, settings, s3_endpoint: str) -> DocsRepos:
    """As :func:`repos`, publishing to a new bucket on the test S3 server."""
    root, bucket = tmp_path / "repos", f"docs-{uuid.uuid4().hex[:12]}"
    root.mkdir()
    s3_client(s3_endpoint).create_bucket(Bucket=bucket)
    _configure(settings, root, {"type": "awsS3", "awsS3": {
        "bucketName": bucket, "bucketRootPath": S3_ROOT, "endpoint": s3_endpoint,
        "region": "us-east-1", "s3ForcePathStyle": True,
        "credentials": {"accessKeyId": S3_CREDENTIALS["aws_access_key_id"],
                        "secretAccessKey": S3_CREDENTIALS["aws_secret_access_key"]}}})  # fmt: skip
    return DocsRepos(root, bucket=bucket, endpoint=s3_endpoint)


def s3_objects(repos: DocsRepos, prefix: str) -> dict[str, bytes]:
    """Every object under ``prefix`` in the repos' bucket, key (without ``prefix``) to
    bytes, read with boto3 (not through the code under test)."""
    client = s3_client(repos.endpoint)
    found: dict[str, bytes] = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=repos.bucket,
                                                                  Prefix=prefix):  # fmt: skip
        for item in page.get("Contents", []):
            body = client.get_object(Bucket=repos.bucket, Key=item["Key"])["Body"].read()
            found[item["Key"].removeprefix(prefix)] = body
    return found


def site(name: str = "payments") -> DocsSite:
    found = site_of(Triplet("default", "component", name))
    assert found is not None
    return found


def build(name: str = "payments", *, force: bool = False) -> Job:
    return run_now(BUILD_JOB, params={"site": site(name).pk, "force": force})
