"""The ``file`` and ``git`` readers: allowed directories (symlinks and ``..``
resolved), real git repositories read over ``file://``, refused transports."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from catalog.model.errors import ReadError
from catalog.readers import ReadingPolicy, read
from catalog.readers.git import parse_git_target


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """An allowed directory with a catalog file; a secret lives next to it, outside."""
    allowed = tmp_path / "allowed"
    (allowed / "sub").mkdir(parents=True)
    (allowed / "catalog-info.yaml").write_text("kind: Component\n")
    (allowed / "sub" / "api.yaml").write_text("openapi: 3.0.0\n")
    (tmp_path / "secret.txt").write_text("password\n")
    return allowed


def policy_for(*roots: Path, **kwargs) -> ReadingPolicy:
    return ReadingPolicy(file_roots=roots, **kwargs)


# --- file ---------------------------------------------------------------------------


def test_reads_a_file_inside_an_allowed_directory(root):
    result = read("file", str(root / "sub" / "api.yaml"), policy_for(root))
    assert result.data == b"openapi: 3.0.0\n"
    assert result.url_or_path == str((root / "sub" / "api.yaml").resolve())


def test_missing_file_inside_the_directory_is_not_found(root):
    with pytest.raises(ReadError, match="does not exist") as caught:
        read("file", str(root / "nope.yaml"), policy_for(root))
    assert caught.value.not_found


@pytest.mark.parametrize("name", ["secret.txt", "no-such-file"])
def test_files_outside_are_refused_whether_or_not_they_exist(root, name):
    with pytest.raises(ReadError, match="is outside the allowed directories") as caught:
        read("file", str(root.parent / name), policy_for(root))
    assert not caught.value.not_found


def test_dot_dot_cannot_leave_the_directory(root):
    target = f"{root}/sub/../../secret.txt"
    with pytest.raises(ReadError, match="is outside the allowed directories"):
        read("file", target, policy_for(root))


def test_a_symlink_pointing_outside_is_refused(root):
    (root / "link.yaml").symlink_to(root.parent / "secret.txt")
    with pytest.raises(ReadError, match="is outside the allowed directories"):
        read("file", str(root / "link.yaml"), policy_for(root))


def test_a_symlinked_directory_pointing_outside_is_refused(root):
    (root / "escape").symlink_to(root.parent)
    with pytest.raises(ReadError, match="is outside the allowed directories"):
        read("file", str(root / "escape" / "secret.txt"), policy_for(root))


def test_a_symlink_that_stays_inside_is_fine(root):
    (root / "alias.yaml").symlink_to(root / "catalog-info.yaml")
    assert read("file", str(root / "alias.yaml"), policy_for(root)).data == b"kind: Component\n"


def test_no_roots_means_no_files(root):
    with pytest.raises(ReadError, match="reads no local files"):
        read("file", str(root / "catalog-info.yaml"), ReadingPolicy())


@pytest.mark.parametrize("target", ["catalog-info.yaml", "./catalog-info.yaml", "/tmp/a\0b"])
def test_paths_must_be_absolute(root, target):
    with pytest.raises(ReadError, match="must be an absolute path"):
        read("file", target, policy_for(root))


def test_directories_and_special_files_are_refused(root):
    with pytest.raises(ReadError, match="not a regular file"):
        read("file", str(root / "sub"), policy_for(root))
    os.mkfifo(root / "pipe")
    with pytest.raises(ReadError, match="not a regular file"):
        read("file", str(root / "pipe"), policy_for(root))


def test_file_size_limit(root):
    (root / "big.yaml").write_bytes(b"x" * 2000)
    with pytest.raises(ReadError, match="larger than 1,000 bytes"):
        read("file", str(root / "big.yaml"), policy_for(root, max_bytes=1000))


# --- git ----------------------------------------------------------------------------


def git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args],
        cwd=cwd,
        env=env,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repos(tmp_path: Path) -> Path:
    """``repos/shop.git``: branch ``main`` (v2 content) and tag ``v1`` (v1 content)."""
    work = tmp_path / "work"
    (work / "services").mkdir(parents=True)
    (work / "catalog-info.yaml").write_text("version: 1\n")
    (work / "services" / "api.yaml").write_text("openapi: 3.0.0\n")
    git(work, "init", "-q", "-b", "main")
    git(work, "add", ".")
    git(work, "commit", "-q", "-m", "v1")
    git(work, "tag", "v1")
    (work / "catalog-info.yaml").write_text("version: 2\n")
    git(work, "commit", "-q", "-am", "v2")
    repos = tmp_path / "repos"
    repos.mkdir()
    git(tmp_path, "clone", "-q", "--bare", str(work), str(repos / "shop.git"))
    return repos


def test_reads_a_file_at_a_branch_and_at_a_tag(repos):
    policy = policy_for(repos)
    url = f"file://{repos}/shop.git"
    assert read("git", f"{url}#main:catalog-info.yaml", policy).data == b"version: 2\n"
    assert read("git", f"{url}#v1:catalog-info.yaml", policy).data == b"version: 1\n"
    assert read("git", f"{url}#main:services/api.yaml", policy).data == b"openapi: 3.0.0\n"


@pytest.mark.parametrize(
    "target",
    ["shop.git#main:nope.yaml", "shop.git#no-such-branch:x.yaml", "missing.git#main:x.yaml"],
)
def test_missing_path_ref_or_repository_is_not_found(repos, target):
    with pytest.raises(ReadError) as caught:
        read("git", f"file://{repos}/{target}", policy_for(repos))
    assert caught.value.not_found, str(caught.value)


def test_a_directory_is_not_a_file(repos):
    with pytest.raises(ReadError, match="is a directory") as caught:
        read("git", f"file://{repos}/shop.git#main:services", policy_for(repos))
    assert not caught.value.not_found


def test_size_limit_applies_to_git_files(repos):
    policy = policy_for(repos, max_bytes=5)
    with pytest.raises(ReadError, match="larger than 5 bytes"):
        read("git", f"file://{repos}/shop.git#main:services/api.yaml", policy)


def test_repositories_outside_the_file_roots_are_refused(repos, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with pytest.raises(ReadError, match="outside the allowed directories"):
        read("git", f"file://{repos}/shop.git#main:catalog-info.yaml", policy_for(elsewhere))


@pytest.mark.parametrize(
    ("repository", "match"),
    [
        ("ext::sh -c touch% /tmp/pwned", "not ext:"),
        ("ssh://git@example.com/shop.git", "not ssh:"),
        ("git://example.com/shop.git", "not git:"),
        ("/srv/git/shop.git", "not a local path:"),
        ("file://otherhost/srv/shop.git", "must not name a host"),
        ("https://user:pw@example.com/shop.git", "credentials are not allowed"),
        ("https://example.com/shop.git", "example.com is not allowed"),
        ("http://127.0.0.1:9/shop.git", "127.0.0.1:9 is not allowed"),
    ],
)
def test_refused_repositories(repos, repository, match, tmp_path):
    with pytest.raises(ReadError, match=match):
        read("git", f"{repository}#main:catalog-info.yaml", policy_for(repos))
    assert not (Path("/tmp") / "pwned").exists()


def test_loopback_git_servers_need_an_explicit_allowance(repos):
    policy = policy_for(repos, allowed_hosts=("127.0.0.1:9",))
    with pytest.raises(ReadError, match=r"non-public address 127\.0\.0\.1"):
        read("git", "http://127.0.0.1:9/shop.git#main:catalog-info.yaml", policy)


@pytest.fixture
def empty_http_server() -> Iterator[tuple[int, list[str]]]:
    """A loopback HTTP server that answers 404 to everything; yields (port, paths)."""
    paths: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            paths.append(self.path)
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1], paths
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_git_connects_to_the_address_that_was_checked(monkeypatch, empty_http_server):
    """``git.test`` resolves (for the check) to loopback only inside this process; git
    reaches the server anyway, so it used the checked address, not its own lookup."""
    port, paths = empty_http_server

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        assert host == "git.test"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    host = f"git.test:{port}"
    policy = ReadingPolicy(allowed_hosts=(host,), allow_private_hosts=(host,), timeout=5)
    with pytest.raises(ReadError) as caught:
        read("git", f"http://{host}/shop.git#main:catalog-info.yaml", policy)
    assert caught.value.not_found, str(caught.value)
    assert paths == ["/shop.git/info/refs?service=git-upload-pack"]


@pytest.mark.parametrize(
    ("target", "match"),
    [
        ("https://h/r.git", "is not <repository URL>#<ref>:<path>"),
        ("https://h/r.git#main", "is not <repository URL>#<ref>:<path>"),
        ("https://h/r.git#-upload-pack=x:a", "not a valid git branch or tag name"),
        ("https://h/r.git#a..b:a", "not a valid git branch or tag name"),
        ("https://h/r.git#main:../x", "may not contain '..'"),
        ("https://h/r.git#main:a\nb", "control characters"),
        ("https://h/r.git#main:/", "names no file"),
    ],
)
def test_git_target_syntax(target, match):
    with pytest.raises(ReadError, match=match):
        parse_git_target(target)


def test_git_target_parts():
    assert parse_git_target("file:///srv/git/repo.git#v1.2:/services/./catalog-info.yaml") == (
        "file:///srv/git/repo.git",
        "v1.2",
        "services/catalog-info.yaml",
    )
