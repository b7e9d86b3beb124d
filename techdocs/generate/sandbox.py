"""Run mkdocs on a clean configuration in a confined subprocess.

The child gets an environment with no secrets (no cloud keys, database URL, tokens:
only PATH, HOME, locale), a private temporary folder, CPU, memory and file-size
limits, its own network namespace when the machine allows one (``unshare --net``, no
interfaces at all), and audit hooks of its own (`_bootstrap`) that refuse programs,
sockets and files outside the source, the output and Python. A build that runs too
long is killed with its whole process group.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from techdocs.generate.problems import DocsProblem, ProblemKind

__all__ = ["BOOTSTRAP", "BuildLimits", "child_environment", "isolated_network", "run_mkdocs"]

BOOTSTRAP = Path(__file__).with_name("_bootstrap.py")
Log = Callable[[str, str], None]
FileHook = Callable[[str], None]
#: Starts the child's line for each file of the site it has finished writing.
FILE_NOTICE = "greenroom-file-written"


@dataclass(frozen=True)
class BuildLimits:
    timeout_seconds: float = 300
    memory_bytes: int = 2 * 1024**3
    max_output_bytes: int = 512 * 1024**2
    max_output_files: int = 20000


def child_environment(private: Path) -> dict[str, str]:
    """Everything the build sees of the environment; nothing of the portal's."""
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(private), "TMPDIR": str(private),
            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "NO_MKDOCS_2_WARNING": "1",
            "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"}  # fmt: skip


@cache
def isolated_network() -> list[str]:
    """``unshare --net --`` when this machine lets us create a network namespace."""
    unshare = shutil.which("unshare")
    if not unshare:
        return []
    try:
        done = subprocess.run([unshare, "--net", "true"], capture_output=True, timeout=10,
                              check=False)  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [unshare, "--net", "--"] if done.returncode == 0 else []


def _level(line: str) -> tuple[str, str]:
    head, sep, rest = line.partition(" - ")
    if sep and head in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        return ("error" if head == "CRITICAL" else head.lower()), rest
    return "info", line


def _read_lines(pipe: Any, lines: queue.Queue[str | None]) -> None:
    for raw in iter(pipe.readline, b""):
        line = raw.decode("utf-8", errors="replace").rstrip()
        if line:
            lines.put(line)
    lines.put(None)


class _ChildOutput:
    """What the child prints: log lines, passed to ``on_log``, and notices of the
    files it has written (``<notice> <path>``, the notice a per-build secret so no log
    line can pose as one), counted against the limits and passed to ``on_file``. A
    build that writes more than it may is stopped as it happens, not at the end."""

    def __init__(self, site_dir: Path, limits: BuildLimits, on_log: Log,
                 on_file: FileHook | None) -> None:  # fmt: skip
        self.site_dir, self.limits, self.on_log, self.on_file = site_dir, limits, on_log, on_file
        self._root = site_dir.resolve()
        self.notice = f"{FILE_NOTICE}-{secrets.token_hex(8)} "
        self.files, self.bytes = 0, 0

    def __call__(self, line: str) -> None:
        if not line.startswith(self.notice):
            self.on_log(*_level(line))
            return
        name = line[len(self.notice):]
        path = self.site_dir / name
        if not path.resolve().is_relative_to(self._root) or not path.is_file():
            return
        self.files += 1
        self.bytes += path.stat().st_size
        if self.files > self.limits.max_output_files or self.bytes > self.limits.max_output_bytes:
            raise _too_large(self.files, self.bytes)
        if self.on_file:
            self.on_file(name)


def _too_large(files: int, size: int) -> DocsProblem:
    return DocsProblem(ProblemKind.TOO_LARGE,
                       f"the built site has {files} files and {size // 2**20} MiB, more "
                       "than a docs build may write")  # fmt: skip


def _follow(process: subprocess.Popen[bytes], lines: queue.Queue[str | None],
            handle: Callable[[str], None], timeout: float) -> int:  # fmt: skip
    """Pass the child's lines to ``handle`` in this thread (it writes job log rows,
    which must use this thread's database connection) until the child is done; kill
    its process group at the deadline."""
    deadline = time.monotonic() + timeout
    finished = False
    while not finished:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            _stop(process)
            raise DocsProblem(ProblemKind.TIMEOUT,
                              f"the docs build took longer than {timeout:g} s and was stopped "
                              "(techdocs.generator.limits.timeout)")  # fmt: skip
        try:
            line = lines.get(timeout=min(remaining, 0.2))
        except queue.Empty:
            continue
        if line is None:
            finished = True
        else:
            handle(line)
    return process.wait(timeout=max(deadline - time.monotonic(), 1))


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Kill the build's whole process group (it is its own session) and reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _output_size(site_dir: Path) -> tuple[int, int]:
    files = [p for p in site_dir.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def run_mkdocs(config: dict[str, Any], *, project_dir: Path, site_dir: Path,
               limits: BuildLimits = BuildLimits(), on_log: Log | None = None,
               on_file: FileHook | None = None) -> None:  # fmt: skip
    """Build ``config`` (from `mkdocs_config.clean_config`) into ``site_dir``; raises
    DocsProblem for a refused, failed, too long or too large build. ``on_file`` hears
    of each file (relative to ``site_dir``) as soon as mkdocs has written it."""
    site_dir.mkdir(parents=True, exist_ok=True)
    output = _ChildOutput(site_dir, limits, on_log or (lambda _level, _message: None), on_file)
    with tempfile.TemporaryDirectory(prefix="greenroom-mkdocs-") as private_dir:
        private = Path(private_dir)
        request, result = private / "request.json", private / "result.json"
        request.write_text(json.dumps({
            "config": config, "project": str(project_dir.resolve()),
            "site_dir": str(site_dir.resolve()), "private": str(private), "result": str(result),
            "memory": limits.memory_bytes, "timeout": limits.timeout_seconds,
            "max_output_bytes": limits.max_output_bytes,
            "notice": output.notice.strip()}))  # fmt: skip
        command = [*isolated_network(), sys.executable, "-I", "-X", "utf8", str(BOOTSTRAP),
                   str(request)]  # fmt: skip
        process = subprocess.Popen(command, cwd=project_dir, env=child_environment(private),
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=_read_lines, args=(process.stdout, lines), daemon=True).start()
        started = time.monotonic()
        try:
            code = _follow(process, lines, output, limits.timeout_seconds)
        except BaseException:
            # The worker gave up first (Celery's soft time limit, a failure writing a log
            # line): the build must not outlive it.
            _stop(process)
            raise
        if code != 0:
            raise _failure(result, code, time.monotonic() - started)
    files, size = _output_size(site_dir)
    if files > limits.max_output_files or size > limits.max_output_bytes:
        raise _too_large(files, size)


def _failure(result: Path, code: int, seconds: float) -> DocsProblem:
    try:
        reported = json.loads(result.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        reported = {}
    if reported:
        kind = reported.get("kind", "build-failed")
        return DocsProblem(ProblemKind(kind) if kind in ProblemKind._value2member_map_
                           else ProblemKind.BUILD_FAILED, str(reported.get("message")))  # fmt: skip
    if code < 0 and -code in (signal.SIGKILL, signal.SIGXCPU, signal.SIGSEGV):
        return DocsProblem(ProblemKind.TOO_LARGE,
                           f"the docs build was stopped by the system after {seconds:.0f} s "
                           "(memory or CPU limit; techdocs.generator.limits)")  # fmt: skip
    return DocsProblem(ProblemKind.BUILD_FAILED, f"the docs build exited with status {code}")
