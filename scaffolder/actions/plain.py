"""``fetch:plain`` and ``fetch:plain:file``: copy a skeleton without rendering it.

The skeleton is fetched into a step directory first and then copied into the
workspace entry by entry, each destination through ``child_path``: a directory the
workspace already has as a symlink out of it (planted by an earlier step) is refused
as a parent, never written through."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from scaffolder.actions.base import ActionContext, backstage_action
from scaffolder.fetching import fetch_contents, fetch_file
from scaffolder.workspace import child_path

__all__ = ["ACTIONS"]


def _copy_into(source_root: Path, target: Path) -> None:
    """Copy everything below ``source_root`` into ``target`` (merging with what is
    there, as ``copytree(dirs_exist_ok=True)``), symlinks as symlinks."""
    for directory, dirs, files in os.walk(source_root, followlinks=False):
        dirs.sort()
        here = Path(directory)
        for name in sorted(dirs) + sorted(files):
            source = here / name
            destination = child_path(target, source.relative_to(source_root).as_posix())
            if source.is_dir() and not source.is_symlink():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            if destination.is_symlink() or (source.is_symlink() and destination.is_file()):
                destination.unlink()  # replaced, never written through
            shutil.copy2(source, destination, follow_symlinks=False)


def _plain(ctx: ActionContext) -> None:
    ctx.log("Fetching plain content from remote URL")
    target = child_path(ctx.workspace, ctx.input.get("targetPath") or "./")
    staging = ctx.temporary_directory() / "content"
    fetch_contents(ctx.input["url"], ctx.template.base_url, staging)
    target.mkdir(parents=True, exist_ok=True)
    _copy_into(staging, target)


def _plain_file(ctx: ActionContext) -> None:
    ctx.log("Fetching plain content from remote URL")
    target = child_path(ctx.workspace, ctx.input["targetPath"])
    fetch_file(ctx.input["url"], ctx.template.base_url, target)


ACTIONS = [
    backstage_action("fetch:plain", _plain),
    backstage_action("fetch:plain:file", _plain_file),
]
