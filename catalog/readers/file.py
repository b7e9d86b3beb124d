"""Read local files, only from the directories the policy allows.

A ``file`` target is an absolute path. It is resolved with every symlink followed
before the check, so neither ``..`` nor a symlink inside an allowed directory can
reach a file outside it. A file that is outside the directories is reported as
outside whether or not it exists, so the error reveals nothing about the host:
messages name the path as it was given, never where it resolves to (a symlink's
target, ``/proc/<pid>``, the working or home directory), and a path that cannot be
resolved at all is simply outside. ``confined_path`` is the one check of every file
location, whoever registers it (API, Register page, command line) and at every read.
"""

from __future__ import annotations

import os
from pathlib import Path

from catalog.model.errors import ReadError
from catalog.readers.policy import ReadingPolicy, ReadResult

__all__ = ["confined_path", "read_file"]


def confined_path(target: str, roots: tuple[Path, ...]) -> Path:
    """Resolve the absolute path ``target`` and check it lies inside one of ``roots``;
    return the resolved path (what is opened)."""
    if not roots:
        raise ReadError("This portal reads no local files (catalog.readableDirectories in "
                        "app-config is empty); register a URL instead")  # fmt: skip
    if "\0" in target or not os.path.isabs(target):
        raise ReadError(f"the file location {target!r} must be an absolute path")
    try:
        resolved = Path(target).resolve()
    except (OSError, RuntimeError):  # unreadable /proc entries, symlink loops
        resolved = None
    for root in roots:
        if resolved is not None and resolved.is_relative_to(Path(root).resolve()):
            return resolved
    allowed = ", ".join(str(root) for root in roots)
    raise ReadError(f"{target} is outside the allowed directories ({allowed}); add its "
                    "directory to catalog.readableDirectories in app-config")  # fmt: skip


def read_file(target: str, policy: ReadingPolicy) -> ReadResult:
    """Read the local file ``target`` (at most ``policy.max_bytes``)."""
    path = confined_path(target, policy.file_roots)
    # Checked before opening: opening a FIFO or a device could block or never end.
    if not path.is_file():
        if path.exists():
            raise ReadError(f"{target} is not a regular file")
        raise ReadError(f"{target} does not exist", not_found=True)
    try:
        with path.open("rb") as handle:
            data = handle.read(policy.max_bytes + 1)
    except FileNotFoundError:
        raise ReadError(f"{target} does not exist", not_found=True) from None
    except OSError as exc:
        raise ReadError(f"cannot read {target}: {exc.strerror or 'error'}") from None
    if len(data) > policy.max_bytes:
        raise ReadError(f"{target} is larger than {policy.max_bytes:,} bytes")
    return ReadResult(data, str(path))
