"""Bring a skeleton (a directory or one file) named by a step's ``url`` into a run.

A relative ``url`` (``./skeleton``) resolves against the template's own location, as
Backstage resolves it against ``templateInfo.baseUrl``. The base is one of:

- ``file:///abs/template.yaml``: a template read from a local file, and what a dry
  run uses for the files it was sent. The skeleton must stay inside the template's
  directory (``child_path``: ``..`` or a symlink out of it is refused) and absolute
  ``url``s are refused, so a dry run reads nothing but what it was sent.
- ``https://…/template.yaml`` (a ``url`` location) and
  ``git:<repository>#<ref>:<path>/template.yaml`` (a ``git`` location): the skeleton
  is read through the catalog (``fetch_tree``) under its reading policy (allow-list,
  public addresses, readable directories, size limits), never around it. A relative
  ``url`` may not leave the template's repository; an absolute ``https`` one is
  read like any catalog URL; ``file:`` and other schemes are always refused.

Symlinks inside a skeleton are copied as symlinks, never followed; the actions'
``child_path`` refuses to follow one out of the workspace later.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from catalog import services
from catalog.model.errors import CatalogError
from scaffolder.errors import InputError, NotAllowedError, NotFoundError, StepError
from scaffolder.workspace import child_path

__all__ = ["fetch_contents", "fetch_file", "template_base_url"]

# ``/<owner>/<repo>/tree|blob/<ref>/``: the repository a SCM URL's relative urls stay in.
_SCM_ROOT = re.compile(r"^/[^/]+/[^/]+/(?:-/)?(?:blob|tree|src)/[^/]+/")


def template_base_url(location_ref: str) -> str:
    """The base relative ``url``s resolve against, from a template's
    ``backstage.io/managed-by-location`` (``file:/abs/template.yaml``,
    ``url:https://…``, ``git:<repository>#<ref>:<path>``); ``""`` for other location
    types, whose templates cannot fetch skeletons."""
    kind, _, target = location_ref.partition(":")
    if kind == "file":
        return Path(target).resolve().as_uri()
    if kind == "url":
        return target
    if kind == "git":
        return location_ref
    return ""


def _local_source(url: str, base_url: str) -> Path:
    """The local path ``url`` names relative to the ``file://`` template ``base_url``."""
    if urlsplit(url).scheme:
        raise InputError(f"Fetching {url} is not supported: give a path relative to the "
                         "template (e.g. ./skeleton)")  # fmt: skip
    template_dir = Path(unquote(urlsplit(base_url).path)).parent
    source = child_path(template_dir, url)
    if not os.path.lexists(source):
        raise NotFoundError(f"{url} does not exist next to the template")
    return source


def _remote_target(url: str, base_url: str) -> tuple[str, str]:
    """``(location type, target)`` the catalog reads for ``url`` relative to a ``git:``
    or ``http(s)`` template ``base_url``."""
    if "\0" in url:
        raise InputError("Paths must not contain NUL characters")
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("http", "https"):
        return "url", url
    if scheme:
        raise InputError(f"Fetching {url} is not supported: give an https URL or a path "
                         "relative to the template (e.g. ./skeleton)")  # fmt: skip
    if base_url.startswith("git:"):
        repo, _, rest = base_url.removeprefix("git:").partition("#")
        ref, _, template = rest.partition(":")
        path = posixpath.normpath(posixpath.join(posixpath.dirname(template), url))
        if path == ".." or path.startswith("../"):  # not "..name", a name like any other
            raise NotAllowedError(f"{url} leaves the repository of the template")
        return "git", f"{repo}#{ref}:{path.lstrip('/') or '.'}"
    joined = urljoin(base_url, url)
    base = urlsplit(base_url)
    root = _SCM_ROOT.match(base.path)
    if root and not joined.startswith(f"{base.scheme}://{base.netloc}{root.group(0)}"):
        raise NotAllowedError(f"{url} leaves the repository of the template")
    return "url", joined


@contextmanager
def _fetched(url: str, base_url: str) -> Iterator[tuple[Path, str]]:
    """The skeleton read through the catalog into a scratch directory, and whether it
    is a ``directory`` or a ``file``; catalog errors become the scaffolder's."""
    base = urlsplit(base_url).scheme.lower()
    if base not in ("git", "http", "https"):
        raise InputError(f"Cannot fetch {url} relative to {base_url}: templates read from "
                         f"{base or 'unknown'} locations cannot fetch skeletons")  # fmt: skip
    location_type, target = _remote_target(url, base_url)
    with tempfile.TemporaryDirectory(prefix="scaffolder-fetch-") as scratch:
        tree = Path(scratch) / "tree"
        try:
            kind = services.fetch_tree(location_type, target, tree)
        except CatalogError as exc:
            error = NotFoundError if getattr(exc, "not_found", False) else InputError
            raise error(f"Cannot fetch {url}: {exc}") from None
        yield tree, kind


def fetch_contents(url: str, base_url: str, destination: Path) -> None:
    """Copy the directory (or file) ``url`` into the directory ``destination``."""
    if urlsplit(base_url).scheme == "file":
        source = _local_source(url, base_url)
        if source.is_dir() and not source.is_symlink():
            shutil.copytree(source, destination, symlinks=True, dirs_exist_ok=True)
        else:
            destination.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / source.name, follow_symlinks=False)
        return
    with _fetched(url, base_url) as (tree, _):
        shutil.copytree(tree, destination, symlinks=True, dirs_exist_ok=True)


def fetch_file(url: str, base_url: str, destination: Path) -> None:
    """Copy the single file ``url`` to the path ``destination``, whose directory must
    exist (as in Backstage, where fetch:plain:file does not create it)."""
    if urlsplit(base_url).scheme == "file":
        _copy_file(_local_source(url, base_url), url, destination, shown=None)
        return
    with _fetched(url, base_url) as (tree, kind):
        source = tree if kind == "directory" else next(tree.iterdir())
        _copy_file(source, url, destination, shown=url)


def _copy_file(source: Path, url: str, destination: Path, shown: str | None) -> None:
    if source.is_dir() and not source.is_symlink():
        raise InputError(f"{url} is a directory; fetch:plain or fetch:template copy directories")
    if not destination.parent.is_dir():
        raise StepError(f"ENOENT: no such file or directory, copyfile '{shown or source}' -> "
                        f"'{destination}'")  # fmt: skip
    shutil.copy2(source, destination, follow_symlinks=False)
