"""Read one file of a git repository at a branch or tag, with real git.

Target syntax: ``<repository URL>#<ref>:<path>``, for example
``https://git.example.com/acme/shop.git#main:catalog-info.yaml`` or
``file:///srv/git/shop.git#v1.2:services/catalog-info.yaml``.

The repository is fetched shallowly (one commit) into a temporary directory and the
file is read with ``git show``. http(s) repositories go through the same host and
address checks as URL reads; ``file://`` repositories must lie in an allowed
directory; every other transport (``ssh``, ``ext::``, ``git://``) is refused, and git
never prompts for credentials.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from urllib.parse import urlsplit

from catalog.model.errors import ReadError
from catalog.readers.file import confined_path
from catalog.readers.policy import ReadingPolicy, ReadResult
from catalog.readers.url import _checked_address, safe_url

__all__ = ["parse_git_target", "read_git"]

_TARGET = re.compile(r"^(?P<repo>[^#]+)#(?P<ref>[^:]+):(?P<path>.+)$")
_SAFE_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")


def parse_git_target(target: str) -> tuple[str, str, str]:
    """Split ``<repo>#<ref>:<path>``; raises ReadError on anything else."""
    match = _TARGET.match(target)
    if not match:
        raise ReadError(f"git target {target!r} is not of the form <repository URL>#<ref>:<path>")
    repo, ref, path = match["repo"], match["ref"], match["path"].lstrip("/")
    if not _SAFE_REF.match(ref) or ".." in ref:
        raise ReadError(f"git ref {ref!r} is not a branch or tag name")
    if any(part == ".." for part in path.split("/")):
        raise ReadError(f"git path {path!r} leaves the repository")
    return repo, ref, path


def read_git(target: str, policy: ReadingPolicy) -> ReadResult:
    """Read the file named by ``target``."""
    repo, ref, path = parse_git_target(target)
    _check_repository(repo, policy)
    with tempfile.TemporaryDirectory(prefix="greenroom-git-") as workdir:
        _git(["init", "--quiet"], workdir, policy, repo)
        # git finds a branch or a tag of that name on its own.
        _git(["fetch", "--quiet", "--depth", "1", "--no-tags", repo, ref], workdir, policy,
             repo, missing=f"{safe_url(repo)} has no branch or tag {ref}")  # fmt: skip
        data = _git(["show", f"FETCH_HEAD:{path}"], workdir, policy, repo,
                    missing=f"{safe_url(repo)} has no file {path} at {ref}")  # fmt: skip
    if len(data) > policy.max_bytes:
        raise ReadError(f"{path} is larger than {policy.max_bytes:,} bytes")
    return ReadResult(data, target)


def _check_repository(repo: str, policy: ReadingPolicy) -> None:
    parts = urlsplit(repo)
    if parts.scheme == "file":
        confined_path(parts.path, policy.file_roots)
    elif parts.scheme in ("http", "https") and parts.hostname:
        if not policy.host_allowed(parts.hostname, parts.port):
            raise ReadError(f"reading from {parts.hostname} is not allowed; add it to "
                            "backend.reading.allow in app-config")  # fmt: skip
        default_port = 443 if parts.scheme == "https" else 80
        _checked_address(parts.hostname, parts.port or default_port, policy, parts.port)
    else:
        raise ReadError(f"git repositories must be https://, http:// or file:// URLs, "
                        f"not {safe_url(repo) or repo[:40]}")  # fmt: skip


def _git(args: list[str], workdir: str, policy: ReadingPolicy, repo: str,
         missing: str | None = None) -> bytes:  # fmt: skip
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "true",
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_ALLOW_PROTOCOL": "http:https:file"}  # fmt: skip
    try:
        result = subprocess.run(
            ["git", "-c", "protocol.file.allow=always", "-c", "credential.helper=", *args],
            cwd=workdir, env=env, capture_output=True, timeout=max(policy.timeout * 3, 30),
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise ReadError(f"{safe_url(repo)}: git timed out") from None
    if result.returncode != 0:
        if missing:
            raise ReadError(missing, not_found=True)
        reason = result.stderr.decode(errors="replace").strip().splitlines()
        raise ReadError(f"{safe_url(repo)}: git failed: {reason[-1] if reason else 'error'}")
    return result.stdout
