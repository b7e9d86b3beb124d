"""Where a catalog template's skeletons are fetched from: its location as a base URL;
skeletons of ``git:`` templates read through the catalog's policy, relative urls kept
inside the template's repository."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scaffolder.errors import InputError, NotAllowedError
from scaffolder.fetching import fetch_contents, fetch_file, template_base_url
from tests.support.tree_fixtures import skeleton_repository


def test_base_urls_follow_backstage_get_entity_base_url() -> None:
    assert template_base_url("file:/srv/templates/t/template.yaml") == (
        "file:///srv/templates/t/template.yaml"
    )
    assert template_base_url("url:https://example.com/t/template.yaml") == (
        "https://example.com/t/template.yaml"
    )
    git = "git:https://git.example.com/t.git#main:template.yaml"
    assert template_base_url(git) == git


@pytest.fixture
def base(tmp_path: Path, settings) -> str:
    repo = skeleton_repository(tmp_path)
    settings.SCAFFOLDER_GIT_ROOT = repo.parent
    return f"git:file://{repo}#main:templates/t/template.yaml"


def test_git_template_skeletons_are_fetched(base: str, tmp_path: Path) -> None:
    fetch_contents("./skeleton", base, tmp_path / "out")
    assert (tmp_path / "out" / "catalog-info.yaml").exists()
    assert os.readlink(tmp_path / "out" / "link") == "src/app.py"
    fetch_contents("../other", base, tmp_path / "other")
    assert (tmp_path / "other" / "extra.yaml").read_text() == "extra: true\n"
    fetch_file("./skeleton/run.sh", base, tmp_path / "run.sh")
    assert (tmp_path / "run.sh").read_text() == "#!/bin/sh\necho hi\n"


@pytest.mark.parametrize("url", ["../../../x", "../../.."])
def test_relative_urls_may_not_leave_the_repository(base: str, tmp_path: Path, url) -> None:
    with pytest.raises(NotAllowedError):
        fetch_contents(url, base, tmp_path / "out")


def test_file_urls_are_refused(base: str, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not supported"):
        fetch_contents("file:///etc", base, tmp_path / "out")
