"""What a location reads and how it fails never leaks secrets or local files:
credentials in URLs are never repeated in problems, errors or API answers; URLs with
their query strings (tokens) stay out of the HTTP client's log and of git's messages;
and content read from a remote location cannot name local files for the catalog to
read (a Location entity with a ``file`` target, or a ``file://`` git repository)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from catalog import services
from catalog.model.errors import ReadError
from catalog.models import Entity, Location
from catalog.readers import ReadingPolicy, read
from tests.catalog.conftest import component, register
from tests.catalog.conftest import post_json as post
from tests.support.standin_http import JsonHandler, serving
from tests.support.tree_fixtures import git

pytestmark = pytest.mark.django_db

SECRET = "s3cretPa55"
CREDENTIALED = f"https://robot:{SECRET}@example.com/org/repo/x.yaml"


def _no_secret(*texts: str) -> None:
    for text in texts:
        assert SECRET not in text, text


def test_credentials_in_targets_are_not_repeated_in_problems(files) -> None:
    text = (component("uses-text") + f"  notes: {{$text: '{CREDENTIALED}'}}\n---\n"
            + _location("remote", "url", CREDENTIALED))
    location = register(files.write("catalog-info.yaml", text))
    assert len(location.problems) == 2
    _no_secret(json.dumps(location.problems))
    assert "robot" not in json.dumps(location.problems)
    served = Entity.objects.get(ref="location:default/remote").final
    _no_secret(json.dumps(served["status"]))


def test_credentials_are_not_repeated_in_api_errors(token_api, files) -> None:
    in_git = f"{CREDENTIALED}#main:x.yaml"
    for body, params in (({"type": "url", "target": CREDENTIALED}, {}),
                         ({"type": "url", "target": CREDENTIALED}, {"dryRun": "true"}),
                         ({"type": "git", "target": in_git}, {})):  # fmt: skip
        response = post(token_api, "/locations", body, **params)
        assert response.status_code == 400
        _no_secret(response.content.decode())
    analyzed = post(token_api, "/analyze-location", {"location": {"type": "url",
                                                                  "target": CREDENTIALED}})
    _no_secret(analyzed.content.decode())
    checked = post(token_api, "/validate-entity", {"entity": {}, "location": f"ftp:{CREDENTIALED}"})
    _no_secret(checked.content.decode())
    assert not Location.objects.exists()


class _Answers(JsonHandler):
    """``/ok...`` answers a catalog file; anything else is a server error."""

    def do_GET(self) -> None:
        if self.path.startswith("/ok"):
            self._answer(200, raw=component("remote").encode())
        else:
            self._answer(500, {"error": "broken"})


@pytest.fixture
def server() -> Iterator[tuple[str, ReadingPolicy]]:
    with serving(_Answers) as base:
        host = base.removeprefix("http://")
        yield base, ReadingPolicy(allowed_hosts=(host,), allow_private_hosts=(host,))


def test_query_strings_stay_out_of_the_http_client_log(server, caplog) -> None:
    base, policy = server
    caplog.set_level(logging.DEBUG)
    assert read("url", f"{base}/ok?token={SECRET}", policy).data
    _no_secret(caplog.text)


def test_git_errors_do_not_repeat_the_url_query(server) -> None:
    base, policy = server
    with pytest.raises(ReadError) as caught:
        read("git", f"{base}/repo.git?token={SECRET}#main:catalog-info.yaml", policy)
    assert "git" in str(caught.value)
    _no_secret(str(caught.value))


@pytest.fixture
def remote_catalog(settings, files, tmp_path) -> Iterator[tuple[str, dict[str, str]]]:
    """A loopback web server the catalog may read: (base URL, files it serves). The
    catalog may also read ``tmp_path`` (where local git repositories are made)."""
    served: dict[str, str] = {}

    class Files(JsonHandler):
        def do_GET(self) -> None:
            text = served.get(self.path)
            self._answer(200 if text else 404, raw=(text or "").encode())

    with serving(Files) as base:
        host = base.removeprefix("http://")
        reading = {"allow": [{"host": host}], "allowPrivateHosts": [host]}
        settings.APP_CONFIG = {**settings.APP_CONFIG, "backend": {"reading": reading},
                               "catalog": {"readableDirectories": [str(tmp_path)]}}  # fmt: skip
        yield base, served


def _location(name: str, target_type: str, target: str) -> str:
    return ("apiVersion: backstage.io/v1alpha1\nkind: Location\n"
            f"metadata: {{name: {name}}}\n"
            f"spec: {{type: {target_type}, target: '{target}'}}\n")  # fmt: skip


def _repository(path: Path, **files: str) -> str:
    """A local git repository at ``path`` holding ``files``; its ``file://`` URL."""
    path.mkdir()
    for name, text in files.items():
        (path / name).write_text(text)
    git(path, "init", "-q", "-b", "main")
    git(path, "add", ".")
    git(path, "commit", "-q", "-m", "x")
    return f"file://{path}"


def _registered(location_type: str, target: str) -> Location:
    location, _ = services.register_location(location_type, target)
    location.refresh_from_db()
    return location


def test_remote_content_cannot_name_local_files(remote_catalog, files, tmp_path) -> None:
    base, served = remote_catalog
    local = files.write("private/catalog-info.yaml", component("private"))
    repo = _repository(tmp_path / "repo", **{"catalog-info.yaml": component("in-local-repo")})
    served["/a.yaml"] = _location("a", "file", str(local))
    served["/b.yaml"] = _location("b", "git", f"{repo}#main:catalog-info.yaml")
    served["/c.yaml"] = _location("c", "url", "./d.yaml")
    served["/d.yaml"] = component("remote-neighbour")
    for name in ("a", "b"):
        (problem,) = _registered("url", f"{base}/{name}.yaml").problems
        assert "must not name local files" in problem["message"]
    assert _registered("url", f"{base}/c.yaml").problems == []
    assert not Entity.objects.filter(ref__in=["component:default/private",
                                              "component:default/in-local-repo"]).exists()
    assert Entity.objects.filter(ref="component:default/remote-neighbour").exists()


def test_a_git_repository_may_name_its_own_files_only(remote_catalog, tmp_path) -> None:
    secret = _repository(tmp_path / "secret", **{"token.txt": SECRET})
    pushed = _repository(tmp_path / "pushed", **{
        "catalog-info.yaml": component("pushed") + "  notes: {$text: ./notes.txt}\n"
        + component("greedy") + f"  notes: {{$text: '{secret}#main:token.txt'}}\n"
        + "---\n" + _location("sibling", "git", f"{secret}#main:token.txt"),
        "notes.txt": "fine"})  # fmt: skip
    location = _registered("git", f"{pushed}#main:catalog-info.yaml")
    assert Entity.objects.get(ref="component:default/pushed").final["spec"]["notes"] == "fine"
    assert not Entity.objects.filter(ref="component:default/greedy").exists()
    assert sorted(p["entity"] for p in location.problems) == ["component:default/greedy",
                                                              "location:default/sibling"]
    assert all("must not name local files" in p["message"] for p in location.problems)
    _no_secret(json.dumps(location.problems))
