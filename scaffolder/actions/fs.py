"""``fs:delete``, ``fs:rename`` and ``fs:readdir``: change or list the workspace.

Every path goes through ``child_path``; globs never follow symlinks, and a symlink
is removed or renamed itself, never what it points to."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from wcmatch import glob

from scaffolder.actions.base import ActionContext, backstage_action
from scaffolder.errors import StepError
from scaffolder.workspace import child_path

__all__ = ["ACTIONS", "GLOB_FLAGS", "matching_files", "remove"]

#: globby's defaults as Backstage calls it: ``**``, braces, dotfiles, ``!`` negation.
GLOB_FLAGS = glob.GLOBSTAR | glob.BRACE | glob.DOTGLOB | glob.NEGATE


def remove(path: Path) -> None:
    """Delete a file, a symlink (not its target) or a directory tree."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def matching_files(root: Path, pattern: str) -> list[Path]:
    """The files (and symlinks) below ``root`` that ``pattern`` matches, as globby
    finds them by default: files only (a pattern naming a directory matches nothing)."""
    child_path(root, pattern)  # a pattern may not point outside either
    found = glob.glob(pattern, root_dir=root, flags=GLOB_FLAGS | glob.NODIR)
    ordered = sorted(found, key=lambda match: (match.count("/"), match))  # shallow first
    return [child_path(root, match) for match in ordered]


def _delete(ctx: ActionContext) -> None:
    for pattern in ctx.input["files"]:
        for path in matching_files(ctx.workspace, pattern):
            remove(path)
            ctx.log(f"File {path} deleted successfully")


def _rename(ctx: ActionContext) -> None:
    for item in ctx.input["files"]:
        source = child_path(ctx.workspace, item["from"])
        target = child_path(ctx.workspace, item["to"])
        if not os.path.lexists(source):
            raise StepError(f"ENOENT: no such file or directory, lstat '{source}'")
        if os.path.lexists(target):
            if not item.get("overwrite"):
                raise StepError("dest already exists.")
            remove(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(source, target)
        ctx.log(f"File {source} renamed to {target} successfully")


def _entry(path: Path, workspace: Path) -> dict[str, str]:
    return {"name": path.name, "path": path.relative_to(workspace).as_posix(),
            "fullPath": str(path)}  # fmt: skip


def _readdir(ctx: ActionContext) -> None:
    """Files and folders of each path (``path`` relative to the workspace), in the
    order Node's recursive readdir finds them: a directory's entries sorted, then the
    subdirectories found so far expanded last first."""
    files, folders = [], []
    for requested in ctx.input["paths"]:
        pending = [child_path(ctx.workspace, requested)]
        if not pending[0].is_dir():
            raise StepError(f"ENOENT: no such file or directory, scandir '{pending[0]}'")
        while pending:
            for entry in sorted(pending.pop().iterdir(), key=lambda p: p.name):
                if entry.is_dir() and not entry.is_symlink():
                    folders.append(_entry(entry, ctx.workspace))
                    if ctx.input.get("recursive"):
                        pending.append(entry)
                else:
                    files.append(_entry(entry, ctx.workspace))
    ctx.output("files", files)
    ctx.output("folders", folders)


ACTIONS = [
    backstage_action("fs:delete", _delete),
    backstage_action("fs:rename", _rename),
    backstage_action("fs:readdir", _readdir),
]
