"""Keep a task's workspace between attempts, so a retry resumes at the failed step.

After each completed step the workspace is saved as one tar file in Django storage
(local disk in the embedded default, S3 in production, so a retry may run on another
worker). A retry restores it before running the remaining steps; a task that
completes drops it. Workspaces larger than ``MAX_SNAPSHOT_BYTES`` are not kept: their
retry starts from the first step, with checkpoints still preventing repeated side
effects. Restoring goes through the same containment rule as every other path: no
member may leave the workspace, links are recreated as links, nothing special.
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from scaffolder.workspace import child_path, files_below

__all__ = ["MAX_SNAPSHOT_BYTES", "drop_snapshot", "restore_snapshot", "save_snapshot"]

MAX_SNAPSHOT_BYTES = 100 * 1024 * 1024


def _name(task_id: str) -> str:
    return f"scaffolder/workspaces/{task_id}.tar"


def save_snapshot(task_id: str, workspace: Path) -> bool:
    """Save ``workspace`` for ``task_id``; False (nothing kept) if it is too large."""
    entries = files_below(workspace)
    size = sum(path.lstat().st_size for path in entries)
    if size > MAX_SNAPSHOT_BYTES:
        drop_snapshot(task_id)
        return False
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for path in entries:
            archive.add(path, arcname=path.relative_to(workspace).as_posix(), recursive=False)
    drop_snapshot(task_id)
    default_storage.save(_name(task_id), ContentFile(buffer.getvalue()))
    return True


def restore_snapshot(task_id: str, workspace: Path) -> bool:
    """Unpack the saved workspace of ``task_id`` into ``workspace``; False if none."""
    if not default_storage.exists(_name(task_id)):
        return False
    with default_storage.open(_name(task_id), "rb") as stored, \
            tarfile.open(fileobj=stored, mode="r:") as archive:  # fmt: skip
        for member in archive.getmembers():
            target = child_path(workspace, member.name)
            target.parent.mkdir(parents=True, exist_ok=True)
            if member.issym():
                target.symlink_to(member.linkname)
            elif member.isfile():
                with archive.extractfile(member) as data:
                    target.write_bytes(data.read())
                target.chmod(member.mode & 0o755)
    return True


def drop_snapshot(task_id: str) -> None:
    """Forget the saved workspace of ``task_id``, if any."""
    if default_storage.exists(_name(task_id)):
        default_storage.delete(_name(task_id))
