"""The files of a site as a build writes them: which are real files of the site, and
whether one changed since it was last looked at (a plugin may rewrite a file after
mkdocs reported it), for the uploads and the page processing that run during a build."""

from __future__ import annotations

from pathlib import Path
from stat import S_ISREG

__all__ = ["SeenFiles"]

Version = tuple[int, int]


class SeenFiles:
    """Remembers the version (size, modification time) of each file taken from
    ``directory``; :meth:`take` answers whether a file is new or changed since."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._root = directory.resolve()
        self._seen: dict[str, Version] = {}

    def take(self, name: str) -> Path | None:
        """The path of ``name`` if it is a regular file inside the directory (not a
        link) that was not taken as it is now, and remember it; else None."""
        path = self.directory / name
        if not path.resolve().is_relative_to(self._root):
            return None
        try:
            stat = path.lstat()
        except OSError:
            return None
        version = (stat.st_size, stat.st_mtime_ns)
        if not S_ISREG(stat.st_mode) or self._seen.get(name) == version:
            return None
        self._seen[name] = version
        return path
