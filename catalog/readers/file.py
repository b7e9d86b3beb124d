"""Read local files, only from the directories the policy allows.

The path is resolved with symlinks before the check, so a symlink inside an allowed
directory cannot point outside it.
"""

from __future__ import annotations

from pathlib import Path

from catalog.model.errors import ReadError
from catalog.readers.policy import ReadingPolicy, ReadResult

__all__ = ["confined_path", "read_file"]


def confined_path(target: str, roots: tuple[Path, ...]) -> Path:
    """Resolve ``target`` and make sure it lies inside one of ``roots``."""
    path = Path(target)
    if not path.is_absolute():
        raise ReadError(f"file location {target} must be an absolute path")
    resolved = path.resolve()
    if not any(resolved == root.resolve() or root.resolve() in resolved.parents
               for root in roots):  # fmt: skip
        raise ReadError(f"{target} is outside the directories the catalog may read")
    return resolved


def read_file(target: str, policy: ReadingPolicy) -> ReadResult:
    """Read a local catalog file."""
    path = confined_path(target, policy.file_roots)
    try:
        size = path.stat().st_size
        if size > policy.max_bytes:
            raise ReadError(f"{target} is {size:,} bytes; the limit is {policy.max_bytes:,}")
        return ReadResult(path.read_bytes(), str(path))
    except FileNotFoundError:
        raise ReadError(f"{target} does not exist", not_found=True) from None
    except IsADirectoryError:
        raise ReadError(f"{target} is a directory, not a file") from None
    except OSError as exc:
        raise ReadError(f"cannot read {target}: {exc.strerror}") from None
