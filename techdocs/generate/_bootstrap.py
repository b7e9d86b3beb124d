"""Runs inside the docs build subprocess (``python -I <this file> <request.json>``).

It confines the process before mkdocs is imported: resource limits, and audit hooks
(which Python code cannot remove) that refuse starting programs, network connections,
and opening files outside the docs folder, the output, the private temporary folder and
Python's own installation (not the rest of the checkout: no extension reads a file the
site is not built from). Then it builds the one configuration it was handed (never
a file from the repository) and reports the outcome in the result file.

Imports only the standard library, mkdocs and the two Django-free modules it names.
"""

from __future__ import annotations

import errno
import io
import json
import logging
import os
import resource
import site
import socket
import sys
import sysconfig
from pathlib import Path
from typing import Any

_BLOCKED_EVENTS = {
    "subprocess.Popen": "start a program", "os.system": "start a program",
    "os.exec": "start a program", "os.posix_spawn": "start a program",
    "os.spawn": "start a program", "os.fork": "start a process", "os.forkpty": "start a process",
    "pty.spawn": "start a program",
    "os.startfile": "start a program",
}  # fmt: skip
#: Events that change the file system: where their dir_fd argument is (os.rename has
#: one per path, after both paths).
_CHANGES = {"os.mkdir": 2, "os.remove": 1, "os.rmdir": 1, "shutil.rmtree": 1, "os.rename": 2}
_DEVICES = ("/dev/null", "/dev/urandom", "/dev/random", "/etc/localtime", "/etc/mime.types")
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


class Refused(PermissionError):
    """The build tried something its sandbox does not allow."""


def _read_roots(docs: Path, site_dir: Path, private: Path) -> tuple[str, ...]:
    python = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
              *site.getsitepackages(), *(sysconfig.get_paths().values())}  # fmt: skip
    return tuple(sorted({os.path.realpath(p) for p in (*python, docs, site_dir, private)
                         if p}))  # fmt: skip


def _under(path: str, roots: tuple[str, ...]) -> bool:
    return any(path == root or path.startswith(root.rstrip("/") + "/") for root in roots)


def install_guards(docs: Path, site_dir: Path, private: Path) -> None:
    """Refuse programs, sockets other than AF_UNIX, and files outside the allowed roots
    (reads under the docs folder, the output, the private folder and Python; writes
    only under the output and the private folder)."""
    reads = _read_roots(docs, site_dir, private)
    writes = tuple(os.path.realpath(p) for p in (site_dir, private))

    def guard(event: str, args: tuple[Any, ...]) -> None:
        if event in _BLOCKED_EVENTS:
            raise Refused(f"the docs build may not {_BLOCKED_EVENTS[event]} ({event})")
        if event in ("socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"):
            family = getattr(args[0], "family", None)
            if family != socket.AF_UNIX:
                raise Refused(f"the docs build may not use the network ({event})")
        elif event == "socket.getaddrinfo":
            raise Refused("the docs build may not use the network (name lookup)")
        elif event == "open":
            _check_open(args, reads, writes)
        elif event in _CHANGES:
            _check_change(event, args, writes)
        elif event in ("os.symlink", "os.link"):
            raise Refused(f"the docs build may not create links ({event})")

    sys.addaudithook(guard)


def _check_open(args: tuple[Any, ...], reads: tuple[str, ...], writes: tuple[str, ...]) -> None:
    path, mode, flags = [*args, None, None, 0][:3]
    if isinstance(path, int) or path is None:
        return
    name = os.fsdecode(path)
    real = os.path.realpath(name)
    writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or \
        bool((flags or 0) & _WRITE_FLAGS)  # fmt: skip
    if writing:
        if not _under(real, writes):
            raise Refused(f"the docs build may not write {name}")
    elif not (_under(real, reads) or real in _DEVICES or real.startswith("/usr/share/zoneinfo")):
        raise Refused(f"the docs build may not read {name}: it is outside the docs source")


def _check_change(event: str, args: tuple[Any, ...], writes: tuple[str, ...]) -> None:
    """Folders are made, and files renamed or removed, only where the build may write
    (a redirect page named ``../../x.md`` made its folders outside the site)."""
    at = _CHANGES[event]
    pairs = [(args[0], args[2]), (args[1], args[3])] if event == "os.rename" else \
        [(args[0], args[at] if len(args) > at else None)]  # fmt: skip
    for path, dir_fd in pairs:
        if isinstance(path, int) or path is None:
            continue
        name = os.fsdecode(path)
        if dir_fd not in (None, -1) and not os.path.isabs(name):
            continue  # inside a folder already checked (shutil.rmtree's walk)
        if not _under(os.path.realpath(name), writes):
            raise Refused(f"the docs build may not change {name}")


def _limit(memory: int, seconds: float, output: int) -> None:
    for kind, value in ((resource.RLIMIT_AS, memory), (resource.RLIMIT_CPU, int(seconds) + 5),
                        (resource.RLIMIT_FSIZE, output), (resource.RLIMIT_CORE, 0)):  # fmt: skip
        resource.setrlimit(kind, (value, value))


def _memoize_emoji_indexes() -> None:
    """pymdownx's emoji index functions deep-copy a large table for every page (about a
    third of a 200-page build); the table is only read, so one copy per process gives
    the same output."""
    import pymdownx.emoji as emoji

    for name in ("emojione", "gemoji", "twemoji"):
        original = getattr(emoji, name)
        cache: dict[str, Any] = {}

        def cached(options: Any, md: Any, _original: Any = original,
                   _cache: dict[str, Any] = cache) -> Any:  # fmt: skip
            if "index" not in _cache:
                _cache["index"] = _original(options, md)
            return _cache["index"]

        setattr(emoji, name, cached)


def _report_written(site_dir: Path, notice: str) -> None:
    """Print ``<notice> <path>`` for each file mkdocs has finished writing into the
    site (through its two writers, which the build, the themes and the search plugin
    use), so the portal uploads it while the rest is still being built."""
    from mkdocs import utils

    def reporting(write: Any) -> Any:
        def written(source: Any, output_path: str) -> None:
            write(source, output_path)
            target = output_path
            if isinstance(source, str) and os.path.isdir(target):  # copy_file into a folder
                target = os.path.join(target, os.path.basename(source))
            sys.stdout.write(f"{notice} {os.path.relpath(target, site_dir)}\n")
            sys.stdout.flush()

        return written

    utils.write_file = reporting(utils.write_file)
    utils.copy_file = reporting(utils.copy_file)


def resolve_names(value: Any, allowed: frozenset[str], marker: str) -> Any:
    """Replace ``{marker: "module.attr"}`` with the object, for allowed names only."""
    if isinstance(value, dict):
        if marker in value:
            name = value[marker]
            if name not in allowed:
                raise Refused(f"the configuration names {name!r}, which is not allowed")
            module, _, attribute = name.rpartition(".")
            return getattr(__import__(module, fromlist=[attribute]), attribute)
        return {key: resolve_names(item, allowed, marker) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve_names(item, allowed, marker) for item in value]
    return value


def _kind_of(message: str) -> str:
    if "is not installed" in message and "plugin" in message.lower():
        return "plugin-not-installed"
    if "may not read" in message or "symbolic link" in message:
        return "refused-file"
    if "File too large" in message:
        return "too-large"
    return "build-failed"


def _explain(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if "plantuml" in text.lower():
        return ("a PlantUML diagram could not be rendered: Greenroom builds run no external "
                "programs; use a Mermaid or an image file instead")
    if isinstance(exc, OSError) and exc.errno == errno.EFBIG:
        return f"{text} (a file of the built site is larger than a docs build may write)"
    if isinstance(exc, MemoryError):
        return "the docs build ran out of memory (techdocs.generator.limits.memoryMb)"
    return text


def main(request_path: str) -> int:
    request = json.loads(Path(request_path).read_text(encoding="utf-8"))
    project, site_dir = Path(request["project"]), Path(request["site_dir"])
    private = Path(request["private"])
    result = Path(request["result"])
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(levelname)s - %(message)s")
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    logging.getLogger().addHandler(_Remember())
    _limit(request["memory"], request["timeout"], request["max_output_bytes"])
    # Imported before the guards: it lives in the portal's code, outside their roots.
    from techdocs.generate.python_names import ALLOWED_PYTHON_NAMES, PYTHON_NAME_MARKER

    # The docs folder, not the checkout: snippets (techdocs-core's default base_path is
    # the checkout), b64 or plantuml includes could otherwise read any file of the
    # repository (a .env, CI secrets) into the site.
    install_guards(Path(request["config"]["docs_dir"]), site_dir, private)
    try:
        _memoize_emoji_indexes()
        _report_written(site_dir, request["notice"])
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        options = resolve_names(request["config"], ALLOWED_PYTHON_NAMES, PYTHON_NAME_MARKER)
        options["site_dir"] = str(site_dir)
        config = load_config(io.BytesIO(b"site_name: docs\n"),
                             config_file_path=str(project / "mkdocs.yml"), **options)  # fmt: skip
        build(config)
    except BaseException as exc:  # every failure is reported, whatever raised it
        message = _explain(exc)
        if getattr(exc, "code", None) is not None and "Aborted" in str(exc):
            message = "mkdocs refused the configuration; the log above says which setting"
        result.write_text(json.dumps({"kind": _kind_of(message + _logged_errors()),
                                      "message": message + _logged_errors()}))  # fmt: skip
        return 1
    return 0


_ERRORS: list[str] = []


class _Remember(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            _ERRORS.append(record.getMessage())


def _logged_errors() -> str:
    return "".join(f"\n{line}" for line in _ERRORS[-3:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
