"""The docs reader in a real browser: a component's docs site on disk, built and
published to the test S3 server (moto's) by ``manage.py techdocs build`` before the
portal serves it under gunicorn.
Chromium opens the site, sees its image load, follows the navigation to another page,
jumps to a heading from the table of contents, reloads on the anchor, and reaches the
docs from the entity page's Docs tab, whose text wraps like the reader's.
Pages are saved to ``var/screenshots/``."""

from __future__ import annotations

import re
import struct
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.support.browser import browser_portal, chromium, expect, fits, screenshot, sign_in
from tests.support.docs_sites import write_files
from tests.support.servers import S3_CREDENTIALS, s3_client
from tests.techdocs.conftest import catalog_info

pytestmark = pytest.mark.services

NAME = "ledger"
READER = f"/docs/default/component/{NAME}/"
FILES = f"/docs/_files/default/component/{NAME}/"
MKDOCS = """\
site_name: Ledger handbook
site_description: How the ledger keeps its books
nav:
  - Home: index.md
  - Guide:
      - Setup: guide/setup.md
plugins:
  - techdocs-core
"""
INDEX = """\
# Ledger

Welcome to the ledger docs. Start with the [setup guide](guide/setup.md).

![diagram](img/diagram.png)

## Overview

Every posting balances. The ledger takes postings from the payments service, the
invoicing service and the manual adjustments queue, checks that each one balances to the
cent, writes it to the journal and updates the account balances in the same transaction.
"""
FILLER = "The ledger writes each posting twice, once per side, and checks the sums. " * 12
#: Setup's headings: long sections between them, so the last is far below the fold.
HEADINGS = ["Install", "Configure", "Migrate", "Verify"]
SETUP = "# Setup guide\n\n" + "".join(
    f"## {heading}\n\n" + "".join(f"{FILLER}\n\n" for _ in range(6)) for heading in HEADINGS)


def png(width: int, height: int) -> bytes:
    """A solid-colour RGB PNG, big enough to have a visible box on the page."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\x2a\x6f\xb0" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                              0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))  # fmt: skip


def docs_portal_config(root: Path, sites: dict[str, dict[str, str | bytes]],
                       publisher: dict | None = None) -> Path:  # fmt: skip
    """For each site, a repository ``root/repos/<name>`` holding its files (a catalog
    file with a ``dir:.`` techdocs-ref unless they bring their own), and an app-config
    whose catalog is those components, built by the portal and published with
    ``publisher`` (default: under its var directory). Returns the config's path."""
    repos = root / "repos"
    locations = []
    for name, files in sites.items():
        repo = write_files(repos / name, {"catalog-info.yaml": catalog_info(name), **files})
        locations.append({"type": "file", "target": str(repo / "catalog-info.yaml")})
    config = {
        "app": {"title": "Docs reader", "baseUrl": "http://127.0.0.1"},
        "catalog": {"readableDirectories": [str(repos)], "processingInterval": False,
                    "locations": locations},
        "techdocs": {"builder": "local", "generator": {"runIn": "local"},
                     "publisher": publisher or {"type": "local"}},
    }  # fmt: skip
    path = root / "app-config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory, s3_endpoint: str) -> Iterator[str]:
    """The site built by the portal and published to the test S3 server (moto's)."""
    root = tmp_path_factory.mktemp("docs-reader-portal")
    bucket = f"reader-{uuid.uuid4().hex[:12]}"
    s3_client(s3_endpoint).create_bucket(Bucket=bucket)
    publisher = {"type": "awsS3", "awsS3": {
        "bucketName": bucket, "bucketRootPath": "techdocs", "endpoint": s3_endpoint,
        "region": "us-east-1", "s3ForcePathStyle": True,
        "credentials": {"accessKeyId": S3_CREDENTIALS["aws_access_key_id"],
                        "secretAccessKey": S3_CREDENTIALS["aws_secret_access_key"]}}}
    config = docs_portal_config(root, {NAME: {
        "mkdocs.yml": MKDOCS, "docs/index.md": INDEX, "docs/guide/setup.md": SETUP,
        "docs/img/diagram.png": png(120, 60)}}, publisher)  # fmt: skip
    with browser_portal(root / "var", ["techdocs", "build", f"component:default/{NAME}"],
                        GREENROOM_CONFIG=str(config)) as url:  # fmt: skip
        yield url


def heading(words: str) -> re.Pattern[str]:
    """A heading's text: its words, then perhaps its permalink sign."""
    return re.compile(rf"^\s*{re.escape(words)}\s*¶?\s*$")


def in_viewport(page, selector: str) -> bool:
    """Whether the element's top edge is inside the window."""
    box = page.locator(selector).bounding_box()
    height = page.viewport_size["height"]
    return box is not None and 0 <= box["y"] < height


def test_navigation_table_of_contents_image_and_reload(portal: str) -> None:
    with chromium() as browser:
        page = sign_in(browser, portal)
        images: list[tuple[str, int, str]] = []
        page.on("response", lambda r: FILES in r.url and images.append(
            (r.url, r.status, r.headers.get("content-type", ""))))  # fmt: skip
        page.goto(f"{portal}{READER}")
        expect(page.locator("article.docs-content h1")).to_have_text(heading("Ledger"))
        assert page.locator(".docs-header h1").inner_text() == "Ledger handbook"

        # The image: served from the site's files as a PNG, decoded, laid out.
        image = page.locator("article.docs-content img[alt=diagram]")
        expect(image).to_have_attribute("src", re.compile(rf"^{re.escape(FILES)}img/diagram\.png"))
        image.scroll_into_view_if_needed()
        expect(image).to_be_visible()
        page.wait_for_load_state("load")
        assert image.evaluate("img => img.complete && img.naturalWidth") == 120
        assert image.evaluate("img => img.naturalHeight") == 60
        box = image.bounding_box()
        assert box is not None and box["width"] > 0 and box["height"] > 0
        assert [(status, kind) for url, status, kind in images
                if "/img/diagram.png" in url] == [(200, "image/png")], images  # fmt: skip
        screenshot(page, "docs-reader-home")

        # The navigation: Guide > Setup, marked current once there.
        nav = page.locator("nav.docs-nav")
        setup_link = nav.locator("a:text-is('Setup')")
        if not setup_link.is_visible():  # inside the closed Guide section
            nav.locator("summary:has-text('Guide')").first.click()
        setup_link.click()
        page.wait_for_url(f"{portal}{READER}guide/setup/")
        expect(page.locator("article.docs-content h1")).to_have_text(heading("Setup guide"))
        expect(nav.locator("a[aria-current=page]")).to_have_text("Setup")
        assert page.title().startswith("Setup guide")

        # The table of contents: every heading, and its anchor scrolls to it.
        toc = page.locator("nav.docs-toc")
        assert toc.locator("a").all_inner_texts() == HEADINGS
        target = "article.docs-content h2#verify"
        assert not in_viewport(page, target), "the last heading starts below the fold"
        toc.locator("a:text-is('Verify')").click()
        page.wait_for_url(f"{portal}{READER}guide/setup/#verify")
        expect(page.locator(target)).to_be_in_viewport()
        assert in_viewport(page, target)
        screenshot(page, "docs-reader-setup-anchor", full_page=False)

        # A reload keeps the page and the anchor.
        page.reload()
        assert page.url == f"{portal}{READER}guide/setup/#verify"
        expect(page.locator("article.docs-content h1")).to_have_text(heading("Setup guide"))
        expect(page.locator(target)).to_be_in_viewport()
        assert toc.locator("a").all_inner_texts() == HEADINGS

        # The reader's own links: the home page, and back to the image.
        page.locator(".docs-header h1 a").click()
        page.wait_for_url(f"{portal}{READER}")
        expect(page.locator("article.docs-content img[alt=diagram]")).to_be_visible()


def test_the_entity_docs_tab_leads_into_the_docs(portal: str) -> None:
    with chromium() as browser:
        page = sign_in(browser, portal)
        page.goto(f"{portal}/catalog/default/component/{NAME}")
        tab = page.locator("nav.tabs a.tab:text-is('Docs')")
        expect(tab).to_be_visible()
        tab.click()
        page.wait_for_url(re.compile(rf".*/catalog/default/component/{NAME}/docs/?$"))
        panel = page.locator("#tab-panel .docs-tab")
        expect(panel.locator("h2").first).to_have_text("Ledger handbook")
        expect(panel.locator("article.docs-content h1")).to_have_text(heading("Ledger"))
        image = panel.locator("article.docs-content img[alt=diagram]")
        image.scroll_into_view_if_needed()
        assert image.evaluate("img => img.complete && img.naturalWidth") == 120
        screenshot(page, "docs-entity-tab")

        # Its links go into the reader: the nav to a page, the button to the site.
        setup = panel.locator("nav.docs-nav a:text-is('Setup')")
        assert setup.get_attribute("href") == f"{READER}guide/setup/"
        open_docs = panel.locator("a:text-is('Open the docs')")
        assert open_docs.get_attribute("href") == READER
        open_docs.click()
        page.wait_for_url(f"{portal}{READER}")
        expect(page.locator("article.docs-content h1")).to_have_text(heading("Ledger"))
        page.go_back()
        page.wait_for_url(re.compile(r".*/docs/?$"))
        if not setup.is_visible():
            panel.locator("summary:has-text('Guide')").first.click()
        setup.click()
        page.wait_for_url(f"{portal}{READER}guide/setup/")
        expect(page.locator("article.docs-content h1")).to_have_text(heading("Setup guide"))


def test_the_docs_tab_wraps_its_text(portal: str) -> None:
    with chromium() as browser:
        page = sign_in(browser, portal)
        page.goto(f"{portal}/catalog/default/component/{NAME}/docs")
        text = page.locator("#tab-panel article.docs-content p:has-text('Every posting')")
        expect(text).to_be_visible()
        assert text.evaluate("p => getComputedStyle(p).whiteSpace") == "normal"
        fits(page, "laptop")
