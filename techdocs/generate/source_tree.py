"""Checks on a fetched docs source before anything builds it: where mkdocs.yml is,
that the home page exists, and that the tree holds only regular files and folders
that stay inside it, within size limits (``security.md`` G5, G16, G17)."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml

from techdocs.generate.problems import DocsProblem, ProblemKind

__all__ = ["TreeStats", "check_index", "check_tree", "default_mkdocs_yaml", "find_mkdocs_file"]


@dataclass(frozen=True)
class TreeStats:
    files: int
    bytes: int


def find_mkdocs_file(root: Path) -> Path:
    """``mkdocs.yml`` (preferred, as Backstage does) or ``mkdocs.yaml``."""
    for name in ("mkdocs.yml", "mkdocs.yaml"):
        path = root / name
        if path.is_file() and not path.is_symlink():
            return path
    raise DocsProblem(ProblemKind.NO_MKDOCS_YML,
                      "there is no mkdocs.yml next to catalog-info.yaml: add one with a "
                      "site_name and 'plugins: [techdocs-core]', and the pages in docs/",
                      key="mkdocs.yml")  # fmt: skip


def default_mkdocs_yaml(site_name: str) -> str:
    """Backstage's default configuration for a repository with docs/ but no mkdocs.yml."""
    return yaml.safe_dump({"site_name": site_name, "docs_dir": "docs",
                           "plugins": ["techdocs-core"]}, sort_keys=False)  # fmt: skip


def _refused(root: Path, path: Path, why: str) -> DocsProblem:
    relative = path.relative_to(root).as_posix()
    return DocsProblem(ProblemKind.REFUSED_FILE, f"{relative} {why}", key=relative)


def check_tree(root: Path, *, max_files: int, max_bytes: int) -> TreeStats:
    """Walk the tree without following links; refuse links that leave it (or dangle),
    special files, and more than the limits allow."""
    root = root.resolve()
    files = size = 0
    for directory, folders, names in os.walk(root, followlinks=False):
        for name in [*folders, *names]:
            path = Path(directory, name)
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                target = path.resolve()
                if not target.exists():
                    raise _refused(root, path, "is a symbolic link to nothing")
                if target != root and root not in target.parents:
                    raise _refused(root, path, "is a symbolic link that leads outside the "
                                   "repository; docs may only link to files inside it")
                continue
            if stat.S_ISDIR(info.st_mode):
                continue
            if not stat.S_ISREG(info.st_mode):
                raise _refused(root, path, "is not a regular file")
            files, size = files + 1, size + info.st_size
            if files > max_files:
                raise DocsProblem(ProblemKind.TOO_LARGE,
                                  f"the docs source has more than {max_files} files")
            if size > max_bytes:
                raise DocsProblem(ProblemKind.TOO_LARGE,
                                  f"the docs source is larger than {max_bytes // 2**20} MiB")
    return TreeStats(files=files, bytes=size)


def check_index(docs_dir: Path) -> None:
    """The site needs a home page: ``index.md`` (or ``README.md``, which mkdocs also
    takes as the index)."""
    if not docs_dir.is_dir():
        raise DocsProblem(ProblemKind.NO_INDEX,
                          f"the docs folder {docs_dir.name}/ is missing: add it with an "
                          "index.md (the site's home page)", key=docs_dir.name)  # fmt: skip
    if not any((docs_dir / name).is_file() for name in ("index.md", "README.md")):
        raise DocsProblem(ProblemKind.NO_INDEX,
                          f"{docs_dir.name}/index.md is missing: add it (it is the site's home "
                          "page)", key=f"{docs_dir.name}/index.md")  # fmt: skip
