"""Keep a task's workspace between attempts, so a retry resumes at the failed step.

After each completed step the workspace is saved as one tar file in Django storage
(local disk in the embedded default, S3 in production, so a retry may run on another
worker). A retry restores it before running the remaining steps; a task that
completes drops it. Workspaces larger than ``MAX_SNAPSHOT_BYTES`` are not kept: their
retry starts from the first step, with checkpoints still preventing repeated side
effects. Restoring treats the stored tar as untrusted: a snapshot with more than
``MAX_SNAPSHOT_ENTRIES`` members or ``MAX_SNAPSHOT_BYTES`` of contents is not used
(the retry starts over); a member that would leave the workspace (``..``, an absolute
name, a path through a symlink out of it), a symlink pointing out of it, hard links
and special files (devices, FIFOs) are skipped; file modes keep only permission bits.
"""

from __future__ import annotations

import io
import os
import tarfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from scaffolder.errors import StepError
from scaffolder.workspace import child_path, files_below, is_inside

__all__ = ["MAX_SNAPSHOT_BYTES", "MAX_SNAPSHOT_ENTRIES", "drop_snapshot", "restore_snapshot",
           "save_snapshot"]  # fmt: skip

MAX_SNAPSHOT_BYTES = 100 * 1024 * 1024
MAX_SNAPSHOT_ENTRIES = 100_000


def _name(task_id: str) -> str:
    return f"scaffolder/workspaces/{task_id}.tar"


def save_snapshot(task_id: str, workspace: Path) -> bool:
    """Save ``workspace`` for ``task_id``; False (nothing kept) if it is too large."""
    entries = files_below(workspace)
    size = sum(path.lstat().st_size for path in entries)
    if size > MAX_SNAPSHOT_BYTES or len(entries) > MAX_SNAPSHOT_ENTRIES:
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
    """Unpack the saved workspace of ``task_id`` into ``workspace``; False if there is
    none or it is too large to be used."""
    if not default_storage.exists(_name(task_id)):
        return False
    with default_storage.open(_name(task_id), "rb") as stored, \
            tarfile.open(fileobj=stored, mode="r:") as archive:  # fmt: skip
        members = []
        for member in archive:
            members.append(member)
            if len(members) > MAX_SNAPSHOT_ENTRIES:
                return False
        if sum(member.size for member in members if member.isfile()) > MAX_SNAPSHOT_BYTES:
            return False
        skipped: set[Path] = set()
        for member in members:
            _restore(archive, member, workspace, skipped)
    return True


def _restore(archive: tarfile.TarFile, member: tarfile.TarInfo, workspace: Path,
             skipped: set[Path]) -> None:  # fmt: skip
    """Recreate one member inside ``workspace``, or skip it (see the module's rules);
    nothing is restored below a symlink that was skipped."""
    if not (member.isfile() or member.issym()) or os.path.isabs(member.name):
        return
    try:
        target = child_path(workspace, member.name)
    except StepError:
        return
    if target == workspace or os.path.lexists(target) or skipped & {target, *target.parents}:
        return
    if member.issym():
        pointed = os.path.join(os.path.dirname(target), member.linkname)
        if os.path.isabs(member.linkname) or not is_inside(pointed, workspace):
            skipped.add(target)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(member.linkname)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    with archive.extractfile(member) as data, open(target, "xb") as written:
        written.write(data.read())
    target.chmod(member.mode & 0o755)


def drop_snapshot(task_id: str) -> None:
    """Forget the saved workspace of ``task_id``, if any."""
    if default_storage.exists(_name(task_id)):
        default_storage.delete(_name(task_id))
