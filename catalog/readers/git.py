"""Read one file of a git repository at a branch, tag or commit, with real git.

Target syntax: ``<repository URL>#<ref>:<path>``, for example
``https://git.example.com/acme/shop.git#main:catalog-info.yaml`` or
``file:///srv/git/shop.git#v1.2:services/catalog-info.yaml``. ``<ref>`` is a branch or
tag name (or a commit the server lets clients fetch); ``<path>`` is relative to the
repository root and may not leave it.

The commit is fetched shallowly (``git fetch --depth 1``) into a fresh temporary
repository and the file read with ``git cat-file``, so nothing is checked out and no
hook or filter of the fetched repository ever runs. Hardening:

- only ``https``, ``http`` and ``file`` repository URLs (``GIT_ALLOW_PROTOCOL``), so
  ``ext::``, ``ssh`` and ``git://`` are refused; no credentials in the URL;
- http(s) hosts go through the URL reader's checks (allow-list, public addresses
  only) and git connects to the checked address (``http.curloptResolve``), never
  follows redirects and never prompts for credentials;
- ``file://`` repositories must be inside the policy's ``file_roots`` (resolved, with
  symlinks) and only then is ``protocol.file.allow=always`` set; git would still read
  objects wherever the repository says they are, so a repository that borrows them
  (``objects/info/alternates``), one whose ``.git`` is a file naming another (linked
  worktrees, submodules) or whose object store links outside is refused;
- git runs with a minimal environment (no proxies, no user or system config that
  could rewrite URLs) and the whole read, every git command included, must finish
  within three times the policy's timeout (and by its deadline, when it has one);
  a command that overruns is killed with its children. Limitation: the fetch itself
  is bounded by that time, not by size.
"""

from __future__ import annotations

import os
import posixpath
import re
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import SplitResult, unquote

from catalog.model.errors import ReadError
from catalog.readers.file import confined_path
from catalog.readers.http import check_url_allowed, checked_address, safe_url
from catalog.readers.policy import ReadingPolicy, ReadResult, redact_urls, split_url

__all__ = [
    "GitRunner",
    "check_git_allowed",
    "fetched",
    "git_connection_settings",
    "object_info",
    "parse_git_target",
    "read_git",
]

_REF = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._/-]*")
_NOT_FOUND = (
    "couldn't find remote ref",
    "does not appear to be a git repository",
    "not found",
    "does not exist",
)
_PASSED_ENV = ("PATH", "SSL_CERT_FILE", "SSL_CERT_DIR", "GIT_SSL_CAINFO", "GIT_EXEC_PATH")


def parse_git_target(target: str) -> tuple[str, str, str]:
    """Split ``<repository URL>#<ref>:<path>`` into its parts (path normalised)."""
    repo, _, rest = target.partition("#")
    ref, _, path = rest.partition(":")
    if not repo or not ref or not path:
        raise ReadError(f"git target {target!r} is not <repository URL>#<ref>:<path>")
    if not _REF.fullmatch(ref) or ".." in ref or "//" in ref or ref.endswith(("/", ".")):
        raise ReadError(f"{ref!r} is not a valid git branch or tag name")
    if any(ord(char) < 32 for char in path):
        raise ReadError("the git path contains control characters")
    if ".." in path.split("/"):
        raise ReadError(f"the git path {path!r} may not contain '..'")
    normalised = posixpath.normpath("/" + path).lstrip("/")
    if not normalised:
        raise ReadError(f"git target {target!r} names no file")
    return repo, ref, normalised


def read_git(target: str, policy: ReadingPolicy) -> ReadResult:
    """Read the file named by ``target`` under ``policy``."""
    repo, ref, path = parse_git_target(target)
    with fetched(repo, ref, policy) as run:
        kind, size = object_info(run, f"FETCH_HEAD:{path}")
        if kind == "tree":
            raise ReadError(f"{path} is a directory in {safe_url(repo)} at {ref}")
        if kind != "blob":
            raise ReadError(f"{safe_url(repo)} has no file {path} at {ref}", not_found=True)
        if size > policy.max_bytes:
            raise ReadError(f"{path} is larger than {policy.max_bytes:,} bytes")
        data = run(["cat-file", "blob", f"FETCH_HEAD:{path}"])
    return ReadResult(data, target)


@contextmanager
def fetched(repo: str, ref: str, policy: ReadingPolicy) -> Iterator[GitRunner]:
    """A fresh temporary repository with ``ref`` of ``repo`` fetched shallowly as
    ``FETCH_HEAD``, and the runner for further git commands in it under the same
    hardening and deadline. Shared by the file reader and the tree reader so both
    fetch the same way."""
    config = git_connection_settings(repo, policy)
    deadline = policy.read_deadline(3)
    with tempfile.TemporaryDirectory(prefix="catalog-git-") as workdir:
        run = GitRunner(workdir, config, split_url(repo).scheme, deadline, safe_url(repo))
        run(["init", "--quiet"])
        run(
            ["fetch", "--quiet", "--depth", "1", "--no-tags", "--end-of-options", repo, ref],
            missing=f"{safe_url(repo)} does not exist or has no branch or tag {ref}",
        )
        yield run


def object_info(run: GitRunner, name: str) -> tuple[str, int]:
    """Type and size of the object ``name``; git answers ``<name> missing`` if there is
    none, which is neither ``blob`` nor ``tree``."""
    answer = run(
        ["cat-file", "--batch-check=%(objecttype) %(objectsize)"], stdin=f"{name}\n".encode()
    )
    kind, _, size = answer.decode().strip().partition(" ")
    return kind, int(size) if size.isdigit() else 0


def check_git_allowed(target: str, policy: ReadingPolicy) -> None:
    """Check that the policy lets ``target``'s repository be read, without any git or
    network use: what a location must pass before it is stored."""
    repo, _, _ = parse_git_target(target)
    _check_repository(repo, policy)


def _check_repository(repo: str, policy: ReadingPolicy) -> SplitResult:
    """Scheme, host allow-list or readable directory of ``repo``; the split URL."""
    parts = split_url(repo)
    if parts.scheme == "file":
        if parts.netloc:
            raise ReadError("file:// repository URLs must not name a host")
        confined_path(unquote(parts.path), policy.file_roots + policy.git_roots)
        return parts
    if parts.scheme not in ("http", "https"):
        raise ReadError(
            f"git repositories must be https://, http:// or file:// URLs, "
            f"not {parts.scheme or 'a local path'}:"
        )
    return check_url_allowed(repo, policy)


def git_connection_settings(repo: str, policy: ReadingPolicy) -> list[str]:
    """Check that ``repo`` may be reached; return the git ``-c`` settings to reach it
    with: for http(s), the host pinned to the address just checked (so a DNS answer
    that changes afterwards cannot send git elsewhere) and no redirects."""
    parts = _check_repository(repo, policy)
    if parts.scheme == "file":
        _check_self_contained(unquote(parts.path), policy.file_roots + policy.git_roots)
        return ["protocol.file.allow=always"]
    address = checked_address(repo, policy)  # public-address checks
    port = parts.port or (443 if parts.scheme == "https" else 80)
    literal = f"[{address}]" if ":" in address else address
    return [f"http.curloptResolve={parts.hostname}:{port}:{literal}", "http.followRedirects=false"]


def _check_self_contained(path: str, roots: tuple[Path, ...]) -> None:
    """Refuse the local repository ``path`` unless git would find all its objects
    inside ``roots``. Checked when it is read, not registered (it may change)."""
    shown = f"the git repository {path}"
    dot_git = Path(path) / ".git"
    if dot_git.is_file():
        raise ReadError(f"{shown} has a .git file pointing at another repository (a linked "
                        "worktree or submodule); use that repository's own path")  # fmt: skip
    git_dir = dot_git if dot_git.is_dir() else Path(path)
    if (git_dir / "commondir").exists():
        raise ReadError(f"{shown} is a linked worktree; use its main repository's path")
    objects = git_dir / "objects"
    if (objects / "info" / "alternates").exists():
        raise ReadError(f"{shown} borrows objects from another repository "
                        "(objects/info/alternates); use a full clone")  # fmt: skip
    for linked in [git_dir, objects, *_links_in(objects)]:
        try:
            confined_path(str(linked), roots)
        except ReadError:
            raise ReadError(f"{shown} keeps objects outside the allowed directories "
                            "(a symbolic link); use a full clone") from None  # fmt: skip


def _links_in(objects: Path) -> Iterator[Path]:
    """Symbolic links among the object store's folders and files (loose objects,
    packs), which git would follow."""
    if not objects.is_dir():
        return
    for folder in objects.iterdir():
        if folder.is_symlink():
            yield folder
        elif folder.is_dir():
            yield from (entry for entry in folder.iterdir() if entry.is_symlink())


class GitRunner:
    """Runs git commands in one work directory under one deadline."""

    def __init__(
        self, workdir: str, config: list[str], scheme: str, deadline: float, shown: str
    ) -> None:
        self.workdir = workdir
        self.deadline = deadline
        self.shown = shown
        self.options = [
            item
            for setting in ("credential.helper=", "core.hooksPath=/dev/null", *config)
            for item in ("-c", setting)
        ]
        self.env = {name: os.environ[name] for name in _PASSED_ENV if name in os.environ}
        self.env.update(
            HOME=workdir,
            LC_ALL="C",
            GIT_TERMINAL_PROMPT="0",
            GIT_CONFIG_NOSYSTEM="1",
            GIT_CONFIG_GLOBAL=os.devnull,
            GIT_ALLOW_PROTOCOL=scheme,
        )

    def __call__(
        self, args: list[str], *, stdin: bytes | None = None, missing: str | None = None
    ) -> bytes:
        process = subprocess.Popen(
            ["git", *self.options, *args],
            cwd=self.workdir,
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            out, err = process.communicate(stdin, timeout=max(self.deadline - time.monotonic(), 0))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise ReadError(f"{self.shown}: git timed out") from None
        if process.returncode != 0:
            lines = err.decode(errors="replace").strip().splitlines() or ["(no message)"]
            if missing and any(text in line.lower() for line in lines for text in _NOT_FOUND):
                raise ReadError(missing, not_found=True)
            # git quotes URLs whole: their query strings may hold tokens.
            reason = redact_urls(lines[0], queries=True)[:200]
            raise ReadError(f"{self.shown}: git failed: {reason}")
        return out
