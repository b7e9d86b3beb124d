"""Every path a template names stays in the workspace: ``..``, absolute paths,
symlinks (chains and dangling ones) and NUL are refused (CVE-2024-26150,
CVE-2026-24046, CVE-2026-24047 in Backstage)."""

from __future__ import annotations

import os

import pytest

from scaffolder.errors import InputError, NotAllowedError
from scaffolder.workspace import OUTSIDE, child_path, files_below, workspace


@pytest.fixture
def root(tmp_path):
    base = tmp_path / "work"
    base.mkdir()
    (tmp_path / "secret.txt").write_text("outside")
    return base


@pytest.mark.parametrize("relative", ["ok.txt", "./a/b.txt", "a/../b", ".", "./"])
def test_paths_inside_are_joined(root, relative) -> None:
    assert child_path(root, relative) == root.joinpath(relative).resolve()


@pytest.mark.parametrize("relative", ["../secret.txt", "a/../../secret.txt", "/etc/passwd", ".."])
def test_paths_that_leave_are_refused(root, relative) -> None:
    with pytest.raises(NotAllowedError, match=OUTSIDE):
        child_path(root, relative)


def test_symlinks_out_of_the_workspace_are_refused_even_in_chains_or_dangling(root) -> None:
    os.symlink(root.parent / "secret.txt", root / "direct")
    os.symlink(root / "direct", root / "chain")
    os.symlink(root.parent / "nothing-yet", root / "dangling")
    os.symlink(root.parent, root / "parent-dir")
    for name in ("direct", "chain", "dangling", "parent-dir/secret.txt", "parent-dir/x/y"):
        with pytest.raises(NotAllowedError):
            child_path(root, name)


def test_a_symlink_that_stays_inside_is_allowed(root) -> None:
    (root / "real").mkdir()
    os.symlink("real", root / "alias")
    assert child_path(root, "alias/file.txt") == root / "alias" / "file.txt"


def test_nul_is_refused(root) -> None:
    with pytest.raises(InputError, match="NUL"):
        child_path(root, "a\0b")


def test_files_below_lists_files_and_links_without_following_them(root) -> None:
    (root / "d").mkdir()
    (root / "d" / "f.txt").write_text("x")
    os.symlink(root.parent, root / "loop")
    listed = [p.relative_to(root).as_posix() for p in files_below(root)]
    assert listed == ["d/f.txt", "loop"]


def test_the_workspace_is_removed_however_the_block_ends(tmp_path) -> None:
    with pytest.raises(RuntimeError), workspace(str(tmp_path), "t-") as path:
        (path / "f").write_text("x")
        raise RuntimeError("boom")
    assert not path.exists()
