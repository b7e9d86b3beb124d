"""Bring a skeleton (a directory or one file) named by a step's ``url`` into a run.

A relative ``url`` (``./skeleton``) resolves against the template's own location, as
Backstage resolves it against ``templateInfo.baseUrl``. For a template read from a
local file (``file://…/template.yaml``, also what a dry run uses), the skeleton must
stay inside the template's directory: ``..`` or a symlink out of it is refused.
Symlinks inside a skeleton are copied as symlinks, never followed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

from scaffolder.errors import InputError, NotFoundError, StepError
from scaffolder.workspace import child_path

__all__ = ["fetch_contents", "fetch_file", "template_base_url"]


def template_base_url(location_ref: str) -> str:
    """The base URL of a template read from the catalog location ``location_ref``
    (``file:/abs/template.yaml`` → ``file:///abs/template.yaml``, ``url:https://…`` →
    the URL), as Backstage's getEntityBaseUrl. Other location types are kept as
    ``<type>:<target>``, which fetching refuses with a clear message."""
    kind, _, target = location_ref.partition(":")
    if kind == "file":
        return Path(target).resolve().as_uri()
    return target if kind == "url" else location_ref


def _local_source(url: str, base_url: str) -> Path:
    """The local path ``url`` names relative to the ``file://`` template ``base_url``."""
    if urlsplit(url).scheme:
        raise InputError(f"Fetching {url} is not supported: give a path relative to the "
                         "template (e.g. ./skeleton)")  # fmt: skip
    base = urlsplit(base_url)
    if base.scheme != "file":
        kind = base.scheme or "unknown"
        raise InputError(f"Cannot fetch {url} relative to {base_url}: templates read from "
                         f"{kind} locations cannot fetch skeletons yet")  # fmt: skip
    template_dir = Path(unquote(base.path)).parent
    source = child_path(template_dir, url)
    if not os.path.lexists(source):
        raise NotFoundError(f"{url} does not exist next to the template")
    return source


def fetch_contents(url: str, base_url: str, destination: Path) -> None:
    """Copy the directory (or file) ``url`` into the directory ``destination``."""
    source = _local_source(url, base_url)
    if source.is_dir() and not source.is_symlink():
        shutil.copytree(source, destination, symlinks=True, dirs_exist_ok=True)
    else:
        destination.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination / source.name, follow_symlinks=False)


def fetch_file(url: str, base_url: str, destination: Path) -> None:
    """Copy the single file ``url`` to the path ``destination``, whose directory must
    exist (as in Backstage, where fetch:plain:file does not create it)."""
    source = _local_source(url, base_url)
    if source.is_dir():
        raise InputError(f"{url} is a directory; fetch:plain or fetch:template copy directories")
    if not destination.parent.is_dir():
        raise StepError(f"ENOENT: no such file or directory, copyfile '{source}' -> "
                        f"'{destination}'")  # fmt: skip
    shutil.copy2(source, destination, follow_symlinks=False)
