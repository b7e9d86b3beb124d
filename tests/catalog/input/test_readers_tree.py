"""``read_tree``: file trees (symlinks kept, special files and limits refused), git
trees read without a checkout (attributes not applied, submodules skipped) and GitHub
tree URLs read as tarballs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from catalog.model.errors import ReadError
from catalog.readers import GitHubIntegration, ReadingPolicy, TreeLimits, read_tree
from tests.support.tree_fixtures import (
    IDENT_TEXT,
    TOKEN,
    TOP,
    Member,
    fake_dns,
    skeleton_repository,
    skeleton_tarball,
    tarball,
    tarball_server,
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return skeleton_repository(tmp_path)


def test_file_tree_keeps_contents_exec_bits_and_symlinks(tmp_path: Path) -> None:
    src = tmp_path / "allowed" / "skel"
    (src / "sub").mkdir(parents=True)
    (src / "run.sh").write_text("#!/bin/sh\n")
    (src / "run.sh").chmod(0o4755)
    (src / "sub" / "a.txt").write_text("a\n")
    (src / "out").symlink_to("/etc/passwd")
    dest = tmp_path / "dest"
    policy = ReadingPolicy(file_roots=(tmp_path / "allowed",))
    assert read_tree("file", str(src), policy, dest) == "directory"
    assert (dest / "sub" / "a.txt").read_text() == "a\n"
    assert (dest / "run.sh").stat().st_mode & 0o7777 == 0o755  # no setuid carried over
    assert os.readlink(dest / "out") == "/etc/passwd"
    with pytest.raises(ReadError, match="not empty"):
        read_tree("file", str(src), policy, dest)
    with pytest.raises(ReadError, match="outside the allowed"):
        read_tree("file", "/etc", policy, tmp_path / "d2")
    with pytest.raises(ReadError) as caught:
        read_tree("file", str(src / "nope"), policy, tmp_path / "d3")
    assert caught.value.not_found
    with pytest.raises(ReadError, match="more than 1 files"):
        read_tree("file", str(src), policy, tmp_path / "d4", TreeLimits(max_files=1))
    os.mkfifo(src / "pipe")
    with pytest.raises(ReadError, match="not a regular file"):
        read_tree("file", str(src), policy, tmp_path / "d5")


def test_git_tree_subdirectory_without_checkout(repo: Path, tmp_path: Path) -> None:
    policy = ReadingPolicy(file_roots=(repo.parent,))
    dest = tmp_path / "dest"
    target = f"file://{repo}#main:templates/t/skeleton"
    assert read_tree("git", target, policy, dest) == "directory"
    assert (dest / "notes.txt").read_text() == IDENT_TEXT  # no eol/ident attribute applied
    assert os.readlink(dest / "link") == "src/app.py"
    assert (dest / "run.sh").stat().st_mode & 0o777 == 0o755
    assert not (dest / "vendor").exists()  # the gitlink is skipped
    assert read_tree("git", f"file://{repo}#main:.", policy, tmp_path / "root") == "directory"
    assert (tmp_path / "root" / "templates" / "other" / "extra.yaml").exists()
    blob = f"file://{repo}#main:README.md"
    assert read_tree("git", blob, policy, tmp_path / "b") == "file"
    with pytest.raises(ReadError) as caught:
        read_tree("git", f"file://{repo}#main:nope", policy, tmp_path / "n")
    assert caught.value.not_found
    with pytest.raises(ReadError, match="more than 2 files"):
        read_tree("git", target, policy, tmp_path / "l", TreeLimits(max_files=2))


def _github(server) -> ReadingPolicy:
    integration = GitHubIntegration(server.host, TOKEN, api_base_url=server.url("/api/v3"))
    return ReadingPolicy(github=(integration,), allow_private_hosts=(server.host,))


def test_github_tree_urls_read_the_tarball(tmp_path: Path) -> None:
    with tarball_server() as server:
        server.archives["main"] = skeleton_tarball()
        url = server.url("/o/r/tree/main/templates/t/skeleton")
        assert read_tree("url", url, _github(server), tmp_path / "d") == "directory"
        assert os.readlink(tmp_path / "d" / "link") == "src/app.py"
        blob = server.url("/o/r/blob/main/README.md")
        assert read_tree("url", blob, _github(server), tmp_path / "f") == "file"
        assert server.requests[0][1]["Authorization"] == f"token {TOKEN}"


@pytest.mark.parametrize(
    "member",
    [
        Member(TOP + "skel/../../x", b"x"),
        Member("/abs/x", b"x"),
        Member(TOP + "skel/h", kind="lnk", link=TOP + "README.md"),
        Member(TOP + "skel/dev", kind="chr"),
    ],
)
def test_crafted_archives_are_refused(tmp_path: Path, member: Member) -> None:
    with tarball_server() as server:
        server.archives["main"] = tarball(Member(TOP + "skel/a", b"a"), member)
        with pytest.raises(ReadError, match="refusing"):
            read_tree("url", server.url("/o/r/tree/main/skel"), _github(server), tmp_path / "d")


def test_codeload_redirect_gets_no_token(tmp_path: Path, monkeypatch) -> None:
    """``ghe.test`` and ``codeload.ghe.test`` are two servers (127.0.0.1 and 127.0.0.2)
    on one port, so the download host the reader allows is a real second origin."""
    with tarball_server(name="ghe.test") as api:
        port = int(api.host.rpartition(":")[2])
        with tarball_server("127.0.0.2", port, name="codeload.ghe.test") as codeload:
            fake_dns(monkeypatch, {"ghe.test": "127.0.0.1", "codeload.ghe.test": "127.0.0.2"})
            api.redirect_to = codeload.base
            codeload.archives["main"] = skeleton_tarball()
            integration = GitHubIntegration(api.host, TOKEN, api_base_url=api.url("/api/v3"))
            policy = ReadingPolicy(github=(integration,),
                                   allow_private_hosts=(api.host, codeload.host))  # fmt: skip
            url = api.url("/o/r/tree/main/templates/t/skeleton")
            assert read_tree("url", url, policy, tmp_path / "d") == "directory"
            assert api.requests[0][1]["Authorization"] == f"token {TOKEN}"
            ((_, headers),) = codeload.requests
            assert "Authorization" not in headers


def test_a_link_then_a_file_beneath_it_is_refused(tmp_path: Path) -> None:
    archive = tarball(Member(TOP + "skel/out", kind="sym", link="/etc"),
                      Member(TOP + "skel/out/passwd", b"x"))  # fmt: skip
    with tarball_server() as server:
        server.archives["main"] = archive
        with pytest.raises(ReadError, match="lies below a file or symlink"):
            read_tree("url", server.url("/o/r/tree/main/skel"), _github(server), tmp_path / "d")


def test_an_archive_far_beyond_the_limits_is_refused_as_a_whole(tmp_path: Path) -> None:
    """The rest of the repository is walked to find the path: it is capped too."""
    others = [Member(TOP + f"other/{n}", b"x") for n in range(45)]
    with tarball_server() as server:
        server.archives["main"] = tarball(Member(TOP + "skel/a", b"a"), *others)
        with pytest.raises(ReadError, match="archive is too large"):
            read_tree("url", server.url("/o/r/tree/main/skel"), _github(server), tmp_path / "d",
                      TreeLimits(max_files=2))  # fmt: skip
