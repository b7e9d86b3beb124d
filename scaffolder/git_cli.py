"""Run git for the scaffolder without letting a template's files steer it.

A workspace is built from skeletons that template authors control, so it may hold a
``.git`` directory (config with ``hooksPath``, ``fsmonitor``, credential helpers,
``insteadOf`` rewrites), hooks or ``.gitattributes`` filter drivers (CVE-2024-53983).
``Git`` never runs inside the workspace: every command works on a repository in a
private temporary directory, with

- a minimal environment (``PATH`` and TLS settings only), ``HOME`` a temporary
  directory, no system or global config (``GIT_CONFIG_NOSYSTEM``,
  ``GIT_CONFIG_GLOBAL=/dev/null``), no terminal prompt and no credential helper;
- hooks, fsmonitor and the attributes file switched off with ``-c`` (which git also
  hands to the ``receive-pack`` it starts for a ``file://`` push, so the remote's
  hooks do not run either);
- one transport only: ``protocol.allow=never`` plus ``protocol.<scheme>.allow`` for
  the remote's scheme, and ``GIT_ALLOW_PROTOCOL=https:http:file``, so ``ext::``,
  ``ssh`` and ``git://`` are refused by git itself as well;
- a token, when given, only in the environment (``http.extraHeader`` through
  ``GIT_CONFIG_*``) of the commands that talk to the remote, never in argv;
- a deadline per command, and the task's stop event polled every 0.1 s: either kills
  the command's whole process group.
"""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

from scaffolder.errors import StepError

__all__ = ["GIT_TIMEOUT", "Git", "GitCancelled", "GitFailed"]

#: Seconds any one git command may take.
GIT_TIMEOUT = 120.0
_POLL = 0.1
_PASSED_ENV = ("PATH", "SSL_CERT_FILE", "SSL_CERT_DIR", "GIT_SSL_CAINFO", "GIT_EXEC_PATH")
_SETTINGS = (
    "protocol.allow=never",
    "core.hooksPath=/dev/null",
    "core.fsmonitor=false",
    "core.attributesFile=/dev/null",
    "core.excludesFile=/dev/null",
    "credential.helper=",
    "http.followRedirects=false",
)


class GitCancelled(Exception):
    """The task was cancelled while git ran; the command was killed."""


class GitFailed(StepError):
    """A git command failed; ``stderr`` is git's message, for callers to classify."""

    def __init__(self, message: str, stderr: str = "") -> None:
        super().__init__(message)
        self.stderr = stderr


class Git:
    """git commands on one private repository (``git_dir``, with the empty directory
    ``work_tree`` as its work tree), talking to one remote of ``scheme`` with the
    ``connection`` settings the reading policy gave for it (``git_remote_settings``);
    a ``token`` goes as basic auth with ``username`` (GitHub takes ``x-access-token``,
    GitLab wants ``oauth2`` for OAuth tokens)."""

    def __init__(self, scratch: Path, scheme: str, stop: threading.Event,
                 token: str | None = None, timeout: float = GIT_TIMEOUT,
                 connection: tuple[str, ...] = (),
                 username: str = "x-access-token") -> None:  # fmt: skip
        self.git_dir, self.work_tree = scratch / "repo.git", scratch / "tree"
        home = scratch / "home"
        self.work_tree.mkdir()
        home.mkdir()
        self.stop, self.timeout = stop, timeout
        settings = (*_SETTINGS, f"protocol.{scheme}.allow=always", *connection)
        self.options = [item for setting in settings for item in ("-c", setting)]
        self.env = {name: os.environ[name] for name in _PASSED_ENV if name in os.environ}
        self.env.update(HOME=str(home), LC_ALL="C", GIT_TERMINAL_PROMPT="0",
                        GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull,
                        GIT_ALLOW_PROTOCOL="https:http:file")  # fmt: skip
        self.remote_env: dict[str, str] = {}
        if token and scheme in ("http", "https"):
            basic = base64.b64encode(f"{username}:{token}".encode()).decode()
            self.remote_env = {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "http.extraHeader",
                               "GIT_CONFIG_VALUE_0": f"Authorization: Basic {basic}"}  # fmt: skip

    def __call__(self, args: list[str], *, stdin: bytes | None = None, remote: bool = False,
                 env: dict[str, str] | None = None, ok: tuple[int, ...] = (0,),
                 private: bool = True) -> bytes:  # fmt: skip
        """Run ``git <args>`` on the private repository (on none if not ``private``:
        ``init`` of a remote) and return its output. ``remote`` adds the token (for
        ls-remote and push); ``ok`` are the exit codes that are not failures. Raises
        GitFailed, or GitCancelled once ``stop`` is set."""
        if self.stop.is_set():
            raise GitCancelled
        repository = [f"--git-dir={self.git_dir}", f"--work-tree={self.work_tree}"]
        command = ["git", *self.options, *(repository if private else []), *args]
        process = subprocess.Popen(
            command, cwd=self.work_tree, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, start_new_session=True,
            env={**self.env, **(self.remote_env if remote else {}), **(env or {})},
        )  # fmt: skip
        out, err = self._wait(process, args[0], stdin)
        if process.returncode not in ok:
            lines = err.decode(errors="replace").strip().splitlines() or ["(no message)"]
            raise GitFailed(f"git {args[0]} failed: {lines[-1][:300]}", "\n".join(lines))
        return out

    def _wait(self, process: subprocess.Popen, name: str,
              stdin: bytes | None) -> tuple[bytes, bytes]:  # fmt: skip
        """Output of ``process``, killing its process group on stop or deadline."""
        deadline = time.monotonic() + self.timeout
        pending = stdin
        while True:
            try:
                return process.communicate(pending, timeout=_POLL)
            except subprocess.TimeoutExpired:
                pending = None  # communicate() keeps feeding what it was first given
            if self.stop.is_set() or time.monotonic() > deadline:
                os.killpg(process.pid, signal.SIGKILL)
                process.communicate()
                if self.stop.is_set():
                    raise GitCancelled from None
                raise GitFailed(f"git {name} took longer than {self.timeout:.0f} s; stopped")
