"""Uploading a site while it is built: files go out as they are reported, anything
changed afterwards is sent again, the metadata is always last, and a failure is a
storage problem that names the site."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage

from techdocs.generate.problems import DocsProblem, ProblemKind
from techdocs.publish import SitePublisher
from techdocs.references import Triplet

TRIPLET = Triplet("default", "component", "payments")
PREFIX = "default/component/payments/"


class RecordingStorage(FileSystemStorage):
    """Local storage that remembers the order keys were saved in (from any thread)."""

    def __init__(self, location: Path, fail_on: str = "") -> None:
        super().__init__(location=str(location), allow_overwrite=True)
        self.saved: list[str] = []
        self.fail_on = fail_on
        self._lock = threading.Lock()

    def _save(self, name: str, content) -> str:
        if self.fail_on and name.endswith(self.fail_on):
            raise ConnectionError("storage is down")
        saved = super()._save(name, content)
        with self._lock:
            self.saved.append(name)
        return saved


def _built(directory: Path) -> Path:
    (directory / "guide").mkdir(parents=True)
    (directory / "index.html").write_text("<h1>Home</h1>")
    (directory / "guide" / "index.html").write_text("<h1>Guide</h1>")
    (directory / "techdocs_metadata.json").write_text(json.dumps({"site_name": "Payments"}))
    return directory


def test_files_added_during_the_build_are_uploaded_before_finish(tmp_path: Path) -> None:
    storage, site = RecordingStorage(tmp_path / "bucket"), _built(tmp_path / "site")
    with SitePublisher(storage, TRIPLET, site) as publisher:
        publisher.add("index.html")
        publisher._wait()
        assert storage.saved == [PREFIX + "index.html"]
        keys = publisher.finish()
    assert storage.saved[-1] == PREFIX + "techdocs_metadata.json"
    assert sorted(storage.saved) == sorted(keys)
    assert keys == {PREFIX + name for name in
                    ("index.html", "guide/index.html", "techdocs_metadata.json")}  # fmt: skip


def test_a_file_changed_after_it_was_sent_is_sent_again(tmp_path: Path) -> None:
    storage, site = RecordingStorage(tmp_path / "bucket"), _built(tmp_path / "site")
    with SitePublisher(storage, TRIPLET, site) as publisher:
        publisher.add("index.html")
        publisher._wait()
        (site / "index.html").write_text("<h1>Home, post-processed by a plugin</h1>")
        os.utime(site / "index.html", ns=(1, 1))  # a different mtime, whatever the clock
        publisher.add("guide/index.html")
        publisher.finish()
    assert storage.saved.count(PREFIX + "index.html") == 2
    assert storage.saved.count(PREFIX + "guide/index.html") == 1
    assert "post-processed" in (tmp_path / "bucket" / PREFIX / "index.html").read_text()


def test_only_regular_files_inside_the_site_are_uploaded(tmp_path: Path) -> None:
    storage, site = RecordingStorage(tmp_path / "bucket"), _built(tmp_path / "site")
    secret = tmp_path / "secret.txt"
    secret.write_text("token")
    (site / "leak.html").symlink_to(secret)
    with SitePublisher(storage, TRIPLET, site) as publisher:
        for name in ("../secret.txt", "leak.html", "missing.html", "guide",
                     "techdocs_metadata.json"):  # fmt: skip
            publisher.add(name)
        publisher._wait()
        assert storage.saved == []
        keys = publisher.finish()
    assert PREFIX + "leak.html" not in keys and not any("secret" in k for k in storage.saved)
    assert storage.saved[-1] == PREFIX + "techdocs_metadata.json"


def test_an_upload_failure_is_a_storage_problem_and_no_metadata_is_written(
    tmp_path: Path,
) -> None:
    storage = RecordingStorage(tmp_path / "bucket", fail_on="guide/index.html")
    site = _built(tmp_path / "site")
    with SitePublisher(storage, TRIPLET, site) as publisher:
        publisher.add("guide/index.html")
        with pytest.raises(DocsProblem) as raised:
            publisher.finish()
    assert raised.value.kind == ProblemKind.STORAGE
    assert "default/component/payments" in raised.value.message
    assert PREFIX + "techdocs_metadata.json" not in storage.saved


def test_leaving_without_finish_publishes_no_metadata(tmp_path: Path) -> None:
    storage, site = RecordingStorage(tmp_path / "bucket"), _built(tmp_path / "site")
    with pytest.raises(RuntimeError), SitePublisher(storage, TRIPLET, site) as publisher:
        publisher.add("index.html")
        raise RuntimeError("the build failed")
    assert PREFIX + "techdocs_metadata.json" not in storage.saved


def _published_version(storage: RecordingStorage, site: Path) -> None:
    with SitePublisher(storage, TRIPLET, site) as publisher:
        publisher.finish()
    storage.saved.clear()


def test_files_the_published_version_has_wait_for_the_build_to_succeed(tmp_path: Path) -> None:
    storage, site = RecordingStorage(tmp_path / "bucket"), _built(tmp_path / "site")
    _published_version(storage, site)
    (site / "index.html").write_text("<h1>Home, new</h1>")
    (site / "new.html").write_text("<h1>New page</h1>")
    with SitePublisher(storage, TRIPLET, site) as publisher:
        publisher.add("index.html")
        publisher.add("new.html")
        publisher._wait()
        assert storage.saved == [PREFIX + "new.html"]
        assert "new" not in (tmp_path / "bucket" / PREFIX / "index.html").read_text()
        publisher.finish()
    assert "Home, new" in (tmp_path / "bucket" / PREFIX / "index.html").read_text()


def test_a_failed_build_leaves_storage_as_it_was(tmp_path: Path) -> None:
    storage, site = RecordingStorage(tmp_path / "bucket"), _built(tmp_path / "site")
    _published_version(storage, site)
    before = {p: p.read_bytes() for p in (tmp_path / "bucket").rglob("*") if p.is_file()}
    (site / "index.html").write_text("<h1>Half-built</h1>")
    (site / "new.html").write_text("<h1>New page</h1>")
    with pytest.raises(RuntimeError), SitePublisher(storage, TRIPLET, site) as publisher:
        publisher.add("index.html")
        publisher.add("new.html")
        publisher._wait()
        raise RuntimeError("the build failed")
    after = {p: p.read_bytes() for p in (tmp_path / "bucket").rglob("*") if p.is_file()}
    assert after == before
