"""Where a catalog template's skeletons are fetched from: its location as a base URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.errors import InputError
from scaffolder.fetching import fetch_contents, template_base_url


def test_base_urls_follow_backstage_get_entity_base_url() -> None:
    assert template_base_url("file:/srv/templates/t/template.yaml") == (
        "file:///srv/templates/t/template.yaml")
    assert template_base_url("url:https://example.com/t/template.yaml") == (
        "https://example.com/t/template.yaml")
    git = "git:https://git.example.com/t.git#main:template.yaml"
    assert template_base_url(git) == git


def test_a_skeleton_of_a_git_template_is_refused_clearly(tmp_path: Path) -> None:
    base = template_base_url("git:https://git.example.com/t.git#main:template.yaml")
    with pytest.raises(InputError, match="templates read from git locations cannot fetch"):
        fetch_contents("./skeleton", base, tmp_path)
