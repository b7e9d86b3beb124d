"""Read a directory tree (or one file) of a ``file``, ``git`` or ``url`` location.

What a scaffolder template names as its skeleton is a directory next to the template,
so it has to be read as a tree, but under exactly the policy every other read obeys:

- ``file``: the path must be inside the policy's readable directories
  (``confined_path``); the tree is copied with symlinks kept as symlinks, never
  followed; FIFOs and devices are refused (opening one could block).
- ``git`` (``<repository>#<ref>:<path>``): fetched like ``read_git`` (same runner,
  hardening and deadline), then listed with ``ls-tree`` and read with
  ``cat-file --batch``, so nothing is checked out and no hook, filter or attribute of
  the repository applies. ``<path>`` may be a tree, a blob or ``.`` (the root).
- ``url``: only GitHub can serve trees, as in Backstage. A
  ``https://<host>/<owner>/<repo>/tree|blob/<ref>/<path>`` URL of a GitHub
  integration (or public github.com) is read as the repository's tarball from the
  API, through the URL reader's hops (allow-list, public addresses, redirects
  checked); the archive's download host (``codeload.<host>``) is allowed for that
  read only. Any other URL is read as one file with ``read_url``, unless it ends in
  ``/`` (a directory it cannot list).

Every entry is checked before it is written: no absolute names, no ``..``, nothing
written through a symlink of the tree, no hard links or special files; and the whole
tree is capped (``TreeLimits``: 50 MB and 5,000 files by default; the tarball
download itself at the same byte limit).
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import stat
import tarfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal
from urllib.parse import quote, unquote

from catalog.model.errors import ReadError
from catalog.readers.file import confined_path
from catalog.readers.git import GitRunner, fetched, object_info, parse_git_target
from catalog.readers.github.auth import credentials
from catalog.readers.http import check_url_allowed, request, safe_url
from catalog.readers.policy import GitHubIntegration, ReadingPolicy, split_url, url_host
from catalog.readers.url import read_url

__all__ = ["TreeKind", "TreeLimits", "read_tree"]

TreeKind = Literal["directory", "file"]
_GITHUB_TREE = re.compile(r"/([^/]+)/([^/]+)/(?:tree|blob)/([^/]+)(?:/(.*))?")


@dataclass(frozen=True)
class TreeLimits:
    """How much one tree may hold: files (symlinks included) and bytes in total."""

    max_bytes: int = 50 * 1024 * 1024
    max_files: int = 5000


def read_tree(location_type: str, target: str, policy: ReadingPolicy, destination: Path,
              limits: TreeLimits = TreeLimits()) -> TreeKind:  # fmt: skip
    """Write the directory (its contents) or the single file (as
    ``destination/<its name>``) that ``<location_type>:<target>`` names into the new
    or empty directory ``destination``; say which it was. Raises ReadError."""
    destination.mkdir(parents=True, exist_ok=True)
    if any(destination.iterdir()):
        raise ReadError(f"{destination} is not empty")
    writer = _Writer(destination, limits, target)
    if location_type == "file":
        return _file_tree(target, policy, writer)
    if location_type == "git":
        return _git_tree(target, policy, writer)
    if location_type == "url":
        writer.shown = safe_url(target)
        return _url_tree(target, policy, writer, limits)
    raise ReadError(f"unknown location type {location_type!r}; expected one of file, url, git")


class _Writer:
    """Writes checked entries below ``destination`` and counts them against limits."""

    def __init__(self, destination: Path, limits: TreeLimits, shown: str) -> None:
        self.destination, self.limits, self.shown = destination, limits, shown
        self.files = self.bytes = self.archive_bytes = 0

    def check_totals(self, files: int, size: int) -> None:
        if files > self.limits.max_files:
            raise ReadError(f"{self.shown} has more than {self.limits.max_files:,} files")
        if size > self.limits.max_bytes:
            raise ReadError(f"{self.shown} is larger than {self.limits.max_bytes:,} bytes")

    def directory(self, name: str) -> None:
        self._path(name, exists_ok=True).mkdir(parents=True, exist_ok=True)

    def file(self, name: str, size: int, read: Callable[[], bytes], mode: int) -> None:
        path = self._counted(name, size)
        data = read()
        self.check_totals(self.files, self.bytes - size + len(data))
        path.write_bytes(data)
        path.chmod(mode)

    def symlink(self, name: str, link: str) -> None:
        if not link or "\0" in link:
            raise ReadError(f"{self.shown}: the symlink {name!r} has an unusable target")
        os.symlink(link, self._counted(name, len(link)))

    def _counted(self, name: str, size: int) -> Path:
        self.files, self.bytes = self.files + 1, self.bytes + size
        self.check_totals(self.files, self.bytes)
        return self._path(name)

    def parts(self, name: str) -> list[str]:
        """The components of the entry ``name``, refused if absolute, empty or ``..``."""
        parts = [part for part in name.split("/") if part not in ("", ".")]
        if name.startswith("/") or "\0" in name or ".." in parts or not parts:
            raise ReadError(f"{self.shown}: refusing the entry {name!r} (absolute, empty "
                            "or with '..')")  # fmt: skip
        return parts

    def _path(self, name: str, exists_ok: bool = False) -> Path:
        """``destination/name`` once ``name`` is relative, has no ``..`` and no earlier
        entry (a symlink, a file) is in its way."""
        parts = self.parts(name)
        path = self.destination
        for part in parts[:-1]:
            path = path / part
            if path.is_symlink() or (path.exists() and not path.is_dir()):
                raise ReadError(f"{self.shown}: the entry {name!r} lies below a file or symlink")
            path.mkdir(exist_ok=True)
        path = path / parts[-1]
        if os.path.lexists(path) and not (exists_ok and path.is_dir() and not path.is_symlink()):
            raise ReadError(f"{self.shown}: the entry {name!r} appears twice")
        return path


def _mode(executable: bool) -> int:
    return 0o755 if executable else 0o644


# --- file ---------------------------------------------------------------------------


def _file_tree(target: str, policy: ReadingPolicy, writer: _Writer) -> TreeKind:
    source = confined_path(target, policy.file_roots)
    if source.is_file():
        _copy_local(writer, source, source.name)
        return "file"
    if not source.is_dir():
        if source.exists():
            raise ReadError(f"{target} is not a regular file or directory")
        raise ReadError(f"{target} does not exist", not_found=True)
    for directory, dirs, files in os.walk(source, followlinks=False, onerror=_walk_error):
        for name in sorted(dirs + files):
            path = Path(directory, name)
            relative = path.relative_to(source).as_posix()
            if path.is_symlink():
                writer.symlink(relative, os.readlink(path))
            elif path.is_dir():
                writer.directory(relative)
            else:
                _copy_local(writer, path, relative)
    return "directory"


def _walk_error(error: OSError) -> None:
    # os.walk skips a directory it cannot list; a skeleton with a hole is not a copy.
    raise ReadError(f"cannot read {error.filename}: {error.strerror or 'error'}")


def _copy_local(writer: _Writer, path: Path, name: str) -> None:
    info = path.lstat()
    if not stat.S_ISREG(info.st_mode):
        raise ReadError(f"{path} is not a regular file")
    limit = writer.limits.max_bytes - writer.bytes
    writer.file(name, info.st_size, lambda: _read_local(path, limit),
                _mode(bool(info.st_mode & 0o111)))  # fmt: skip


def _read_local(path: Path, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of the regular file ``path``, opened without
    following a symlink or blocking on a FIFO swapped in since it was checked."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        raise ReadError(f"cannot read {path}: {exc.strerror or 'error'}") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise ReadError(f"{path} is not a regular file")
        return handle.read(max(limit, 0) + 1)


# --- git ----------------------------------------------------------------------------


def _git_tree(target: str, policy: ReadingPolicy, writer: _Writer) -> TreeKind:
    repo, ref, path = _tree_target(target)
    with fetched(repo, ref, policy) as run:
        kind, _ = object_info(run, f"FETCH_HEAD:{path}")
        if kind not in ("tree", "blob"):
            raise ReadError(f"{safe_url(repo)} has no {path} at {ref}", not_found=True)
        if kind == "tree":
            listing = run(["ls-tree", "-r", "-z", "--long", f"FETCH_HEAD:{path}"])
        else:
            listing = run(["--literal-pathspecs", "ls-tree", "-z", "--long", "FETCH_HEAD",
                           "--", path])  # fmt: skip
        entries = _listed(listing, writer)
        if kind == "blob":
            entries = [(mode, oid, size, posixpath.basename(path)) for mode, oid, size, _ in
                       entries]  # fmt: skip
        contents = _blobs(run, [oid for _, oid, _, _ in entries])
    for mode, oid, size, name in entries:
        if mode == "120000":
            writer.symlink(name, contents[oid].decode(errors="surrogateescape"))
        else:
            writer.file(name, size, lambda oid=oid: contents[oid], _mode(mode == "100755"))
    return "directory" if kind == "tree" else "file"


def _tree_target(target: str) -> tuple[str, str, str]:
    """``parse_git_target``, also accepting the root (``.``, ``/`` or nothing after
    the colon) as the path ``""``."""
    repo, _, rest = target.partition("#")
    ref, colon, path = rest.partition(":")
    if colon and all(part in ("", ".") for part in path.split("/")):
        repo, ref, _ = parse_git_target(f"{repo}#{ref}:_")  # checks repository and ref
        return repo, ref, ""
    return parse_git_target(target)


def _listed(listing: bytes, writer: _Writer) -> list[tuple[str, str, int, str]]:
    """``(mode, object, size, name)`` of every blob in an ``ls-tree -z --long`` answer,
    checked against the limits before anything is read; submodules are skipped."""
    entries = []
    for line in filter(None, listing.split(b"\0")):
        meta, _, name = line.decode(errors="surrogateescape").partition("\t")
        mode, kind, oid, size = meta.split()
        if kind == "blob":
            entries.append((mode, oid, int(size), name))
    writer.check_totals(len(entries), sum(size for _, _, size, _ in entries))
    return entries


def _blobs(run: GitRunner, oids: list[str]) -> dict[str, bytes]:
    """The contents of ``oids``, read with one ``cat-file --batch``."""
    if not oids:
        return {}
    answer = run(["cat-file", "--batch"], stdin="".join(f"{oid}\n" for oid in oids).encode())
    contents, offset = {}, 0
    for oid in oids:
        header_end = answer.index(b"\n", offset)
        _, _, size = answer[offset:header_end].decode().split()
        start = header_end + 1
        contents[oid] = answer[start : start + int(size)]
        offset = start + int(size) + 1
    return contents


# --- url ----------------------------------------------------------------------------


def _url_tree(url: str, policy: ReadingPolicy, writer: _Writer, limits: TreeLimits) -> TreeKind:
    check_url_allowed(url, policy)
    integration = policy.github_for(url)
    if integration is None and url_host(url) == "github.com":
        integration = GitHubIntegration("github.com")
    path = split_url(url).path
    match = _GITHUB_TREE.fullmatch(path) if integration else None
    if integration is None or match is None:
        if integration is not None or path.endswith("/"):
            raise ReadError(f"cannot read a directory from {url_host(url)}: only GitHub tree "
                            "URLs (https://<host>/<owner>/<repo>/tree/<ref>/<path>) can be "
                            "read as directories")  # fmt: skip
        name = unquote(posixpath.basename(path))
        if name in ("", ".", "..") or "/" in name or "\\" in name or "\0" in name:
            raise ReadError(f"{writer.shown} names no file")
        data = read_url(url, policy).data
        writer.file(name, len(data), lambda: data, _mode(False))
        return "file"
    owner, repo, ref, rest = (unquote(part or "") for part in match.groups())
    segments = [owner, repo, ref, *filter(None, rest.split("/"))]
    if any(s in (".", "..") or "/" in s or "\\" in s for s in segments):
        raise ReadError(f"{writer.shown}: the path has '.' or '..' segments")
    data = _tarball(integration, owner, repo, ref, url, policy, limits)
    return _extract(data, "/".join(segments[3:]), writer, f"{owner}/{repo}", ref)


def _tarball(integration: GitHubIntegration, owner: str, repo: str, ref: str, url: str,
             policy: ReadingPolicy, limits: TreeLimits) -> bytes:  # fmt: skip
    """The repository's tarball at ``ref`` from the integration's API, hop by hop as
    the URL reader reads (the token only to the API origin)."""
    api = integration.api_base_url.rstrip("/")
    tarball = f"{api}/repos/{quote(owner, safe='')}/{quote(repo, safe='')}/tarball/"
    auth = credentials(integration, policy, owner).header
    download = replace(
        policy,
        max_bytes=limits.max_bytes,
        allowed_hosts=(*policy.allowed_hosts, url_host(api), f"codeload.{integration.host}"),
    )
    answer = request(tarball + quote(ref, safe=""), download, shown=url,
                     headers={"Authorization": auth} if auth else {})  # fmt: skip
    return answer.data()


def _extract(data: bytes, path: str, writer: _Writer, repo: str, ref: str) -> TreeKind:
    """Write ``path`` (below the archive's single top directory) from a GitHub tarball.
    Every member name is checked, even outside ``path``: a crafted archive is refused
    as a whole."""
    found: TreeKind | None = None
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
            for count, member in enumerate(archive, start=1):
                writer.parts(member.name)
                _check_archive_size(writer, count, member)
                rest = member.name.partition("/")[2].strip("/")
                if path and rest != path and not rest.startswith(path + "/"):
                    continue
                name = rest[len(path) :].strip("/") if path else rest
                if not name and (member.isdir() or not path):
                    found = "directory"
                    continue
                single = not name
                found = found or ("file" if single else "directory")
                _write_member(archive, member, posixpath.basename(path) if single else name,
                              writer)  # fmt: skip
    except (tarfile.TarError, EOFError, zlib.error):
        raise ReadError(f"{writer.shown}: the archive from GitHub is not a readable tar file"
                        ) from None  # fmt: skip
    if found is None:
        raise ReadError(f"{repo} has no {path} at {ref}", not_found=True)
    return found


#: How much larger than the tree's own limits the whole archive may be: the rest of the
#: repository is walked (not written) to reach the requested path, and a crafted or huge
#: archive must not cost unbounded time.
_ARCHIVE_FACTOR = 20


def _check_archive_size(writer: _Writer, count: int, member: tarfile.TarInfo) -> None:
    writer.archive_bytes += max(member.size, 0)
    limits = writer.limits
    if count > _ARCHIVE_FACTOR * limits.max_files or (
            writer.archive_bytes > _ARCHIVE_FACTOR * limits.max_bytes):  # fmt: skip
        raise ReadError(f"{writer.shown}: the repository's archive is too large to read a "
                        "directory from; use a git location for this template instead")


def _write_member(archive: tarfile.TarFile, member: tarfile.TarInfo, name: str,
                  writer: _Writer) -> None:  # fmt: skip
    if member.isdir():
        writer.directory(name)
    elif member.issym():
        writer.symlink(name, member.linkname)
    elif member.isreg():
        read = archive.extractfile(member).read  # type: ignore[union-attr]  # a regular file
        writer.file(name, member.size, read, _mode(bool(member.mode & 0o111)))
    else:
        raise ReadError(f"{writer.shown}: refusing {member.name!r}: hard links and special "
                        "files are not allowed")  # fmt: skip
