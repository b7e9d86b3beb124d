"""A ``file://`` git repository inside the readable directories cannot make git read
objects from outside them: a repository that borrows objects from another one
(``objects/info/alternates``, as ``git clone --shared`` makes), a ``.git`` file
pointing at another repository (a linked worktree, a submodule) or object files
linked from elsewhere is refused before git runs, for catalog reads and skeleton
fetches alike."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from catalog.model.errors import ReadError
from catalog.readers import ReadingPolicy, read, read_tree
from tests.support.tree_fixtures import git

SECRET = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: secret}\n"


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path]:
    """(allowed directory, a repository outside it whose main branch holds a secret)."""
    work = tmp_path / "outside" / "work"
    work.mkdir(parents=True)
    (work / "catalog-info.yaml").write_text(SECRET)
    git(work, "init", "-q", "-b", "main")
    git(work, "add", ".")
    git(work, "commit", "-q", "-m", "secret")
    git(work, "gc", "-q")  # packed, so pack files can be linked
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    return allowed, work


def _target(repo: Path) -> str:
    return f"file://{repo}#main:catalog-info.yaml"


def _policy(allowed: Path) -> ReadingPolicy:
    return ReadingPolicy(file_roots=(allowed,))


def _borrowing(allowed: Path, work: Path) -> Path:
    git(allowed, "clone", "-q", "--bare", "--shared", str(work), "borrowed.git")
    return allowed / "borrowed.git"


def _gitfile(allowed: Path, work: Path) -> Path:
    (allowed / "linked").mkdir()
    (allowed / "linked" / ".git").write_text(f"gitdir: {work / '.git'}\n")
    return allowed / "linked"


def _linked_objects(allowed: Path, work: Path) -> Path:
    git(allowed, "init", "-q", "--bare", "objects.git")
    repo = allowed / "objects.git"
    shutil.rmtree(repo / "objects")
    (repo / "objects").symlink_to(work / ".git" / "objects")
    shutil.copy(work / ".git" / "packed-refs", repo / "packed-refs")
    return repo


def _linked_pack(allowed: Path, work: Path) -> Path:
    git(allowed, "init", "-q", "--bare", "pack.git")
    repo = allowed / "pack.git"
    for pack in (work / ".git" / "objects" / "pack").iterdir():
        (repo / "objects" / "pack" / pack.name).symlink_to(pack)
    shutil.copy(work / ".git" / "packed-refs", repo / "packed-refs")
    return repo


CASES = {"alternates": _borrowing, "gitfile": _gitfile, "linked objects": _linked_objects,
         "linked pack": _linked_pack}  # fmt: skip


@pytest.mark.parametrize("make", CASES.values(), ids=CASES.keys())
def test_repositories_reaching_outside_are_refused(layout, make) -> None:
    allowed, work = layout
    repo = make(allowed, work)
    with pytest.raises(ReadError) as caught:
        read("git", _target(repo), _policy(allowed))
    assert str(repo) in str(caught.value) and str(work) not in str(caught.value)


@pytest.mark.parametrize("make", CASES.values(), ids=CASES.keys())
def test_skeleton_fetches_refuse_them_too(layout, make, tmp_path) -> None:
    allowed, work = layout
    repo = make(allowed, work)
    with pytest.raises(ReadError):
        read_tree("git", f"file://{repo}#main:.", _policy(allowed), tmp_path / "out")
    assert not any((tmp_path / "out").rglob("catalog-info.yaml"))


def test_a_self_contained_repository_is_read(layout) -> None:
    allowed, work = layout
    git(allowed, "clone", "-q", "--bare", "--no-local", str(work), "copy.git")
    assert read("git", _target(allowed / "copy.git"), _policy(allowed)).data == SECRET.encode()
