"""A task's private workspace, and the one rule for every path a template names.

Template authors are untrusted: every path an action is given goes through
``child_path``, which resolves symlinks (chains and dangling links included) before it
checks containment, so neither ``..``, an absolute path nor a symlink planted by a
skeleton can make an action read, write or delete outside the workspace. Backstage
needed three advisories to get here (CVE-2024-26150, CVE-2026-24046, CVE-2026-24047).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scaffolder.errors import InputError, NotAllowedError

__all__ = ["child_path", "files_below", "is_inside", "workspace"]

OUTSIDE = "Relative path is not allowed to refer to a directory outside its parent"


def is_inside(path: str | Path, base: str | Path) -> bool:
    """Whether ``path``, with every symlink resolved, lies in ``base`` (or is it)."""
    real, root = os.path.realpath(path), os.path.realpath(base)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def child_path(base: Path, relative: str) -> Path:
    """``base / relative`` if it stays inside ``base`` once resolved; else
    NotAllowedError (403, as Backstage answers a path escape).

    The returned path is lexical (``base`` joined with the normalised relative path),
    so callers can still see and remove a symlink itself rather than its target."""
    if "\0" in relative:
        raise InputError("Paths must not contain NUL characters")
    joined = Path(os.path.normpath(os.path.join(base, relative)))
    if not is_inside(joined, base):
        raise NotAllowedError(OUTSIDE)
    return joined


def files_below(root: Path) -> list[Path]:
    """Every regular file and symlink below ``root``, sorted by path, never following
    links."""
    found = []
    for directory, dirs, files in os.walk(root, followlinks=False):
        here = Path(directory)
        found += [here / name for name in files + [d for d in dirs if (here / d).is_symlink()]]
    return sorted(found, key=lambda path: path.relative_to(root).parts)


@contextmanager
def workspace(parent: str | None, prefix: str) -> Iterator[Path]:
    """A fresh private directory under ``parent`` (the system's temporary directory if
    None), removed with everything in it when the block ends, however it ends."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
