"""Docs sources on disk, registered in the catalog, and the config to build them with
local storage: what most TechDocs tests start from."""

from __future__ import annotations

import base64
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from catalog import services as catalog
from portal.jobs import run_now
from portal.models import Job
from techdocs.models import DocsSite
from techdocs.references import Triplet
from techdocs.sites import BUILD_JOB, site_of

#: A 1x1 PNG, for image tests.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
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
    root: Path
    published: Path

    def write(self, name: str, files: dict[str, str | bytes]) -> Path:
        repo = self.root / name
        for relative, content in files.items():
            path = repo / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content)
        return repo

    def service(self, name: str = "payments", **overrides: str | bytes | None) -> Path:
        """A repository with a catalog file and a small docs site, registered."""
        files: dict[str, str | bytes | None] = {
            "catalog-info.yaml": catalog_info(name), "mkdocs.yml": MKDOCS,
            "docs/index.md": INDEX, "docs/guide/setup.md": SETUP, "docs/img/diagram.png": PNG,
            **overrides}  # fmt: skip
        repo = self.write(name, {k: v for k, v in files.items() if v is not None})
        catalog.register_location("file", str(repo / "catalog-info.yaml"))
        return repo


@pytest.fixture
def repos(tmp_path: Path, settings) -> DocsRepos:
    root, published = tmp_path / "repos", tmp_path / "published"
    root.mkdir()
    settings.APP_CONFIG = {
        **settings.APP_CONFIG,
        "catalog": {"readableDirectories": [str(root)]},
        "techdocs": {"builder": "local",
                     "publisher": {"type": "local", "local": {"publishDirectory": str(published)}}},
    }  # fmt: skip
    return DocsRepos(root, published)


def site(name: str = "payments") -> DocsSite:
    found = site_of(Triplet("default", "component", name))
    assert found is not None
    return found


def build(name: str = "payments", *, force: bool = False) -> Job:
    return run_now(BUILD_JOB, params={"site": site(name).pk, "force": force})
