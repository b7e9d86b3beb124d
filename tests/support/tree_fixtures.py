"""What the tree-reader and skeleton-fetching tests share: a real git repository of a
template with its skeleton, GitHub-style tarballs built in the test, and a local
stand-in for GitHub's tarball API (and its ``codeload`` download host)."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import tarfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

__all__ = [
    "TOKEN",
    "TOP",
    "Member",
    "TarballServer",
    "fake_dns",
    "git",
    "skeleton_repository",
    "tarball",
    "tarball_server",
]

TOKEN = "ghp_TreeT0kenN0tF0rRedirects"
#: The single top directory of a GitHub tarball: ``<owner>-<repo>-<short sha>/``.
TOP = "o-r-1a2b3c4/"
#: What ``$Id$`` would become on checkout if the repository's ``ident`` attribute applied.
IDENT_TEXT = "$Id$\nline one\nline two\n"


def git(cwd: Path, *args: str) -> str:
    """Run the real git in ``cwd`` with no user or system configuration."""
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args],
        cwd=cwd, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return done.stdout.strip()


def skeleton_repository(parent: Path) -> Path:
    """``parent/repos/tpl.git``, a bare repository whose branch ``main`` holds::

    .gitattributes            *.txt text eol=crlf ident   (must not be applied)
    README.md
    templates/t/template.yaml
    templates/t/skeleton/{catalog-info.yaml, run.sh (755), notes.txt,
                          src/app.py, link -> src/app.py,
                          escape -> ../../../../etc/passwd,
                          vendor (a submodule: gitlink, no .gitmodules)}
    templates/other/extra.yaml
    """
    work = parent / "tpl-work"
    skeleton = work / "templates" / "t" / "skeleton"
    (skeleton / "src").mkdir(parents=True)
    (work / "templates" / "other").mkdir(parents=True)
    (work / ".gitattributes").write_text("*.txt text eol=crlf ident\n")
    (work / "README.md").write_text("# templates\n")
    (work / "templates" / "t" / "template.yaml").write_text("kind: Template\n")
    (work / "templates" / "other" / "extra.yaml").write_text("extra: true\n")
    (skeleton / "catalog-info.yaml").write_text("name: ${{ values.name }}\n")
    (skeleton / "run.sh").write_text("#!/bin/sh\necho hi\n")
    (skeleton / "run.sh").chmod(0o755)
    (skeleton / "notes.txt").write_text(IDENT_TEXT)
    (skeleton / "src" / "app.py").write_text("print('hi')\n")
    (skeleton / "link").symlink_to("src/app.py")
    (skeleton / "escape").symlink_to("../../../../etc/passwd")
    git(work, "init", "-q", "-b", "main")
    git(work, "add", ".")
    git(work, "commit", "-q", "-m", "one")
    head = git(work, "rev-parse", "HEAD")
    git(work, "update-index", "--add", "--cacheinfo", f"160000,{head},"
        "templates/t/skeleton/vendor")  # fmt: skip
    git(work, "commit", "-q", "-m", "a submodule")
    repos = parent / "repos"
    repos.mkdir(exist_ok=True)
    git(parent, "clone", "-q", "--bare", str(work), str(repos / "tpl.git"))
    return repos / "tpl.git"


@dataclass
class Member:
    """One tar member: a file (``data``), ``dir``, ``sym``/``lnk`` (``link``) or ``chr``."""

    name: str
    data: bytes = b""
    kind: str = "file"
    link: str = ""
    mode: int = 0o644


def tarball(*members: Member) -> bytes:
    """A gzip-compressed tar of ``members``, in order, names used as given."""
    buffer = io.BytesIO()
    types = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "sym": tarfile.SYMTYPE,
             "lnk": tarfile.LNKTYPE, "chr": tarfile.CHRTYPE, "fifo": tarfile.FIFOTYPE}  # fmt: skip
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as archive:
        for member in members:
            info = tarfile.TarInfo(member.name)
            info.type, info.linkname, info.mode = types[member.kind], member.link, member.mode
            info.size = len(member.data) if member.kind == "file" else 0
            archive.addfile(info, io.BytesIO(member.data) if member.kind == "file" else None)
    return buffer.getvalue()


def skeleton_tarball() -> bytes:
    """The tarball GitHub would serve for ``o/r`` at ``main``: a template, its skeleton
    (a script, a symlink, a subdirectory) and a file elsewhere in the repository."""
    return tarball(
        Member(TOP, kind="dir", mode=0o755),
        Member(TOP + "README.md", b"# repo\n"),
        Member(TOP + "templates/t/template.yaml", b"kind: Template\n"),
        Member(TOP + "templates/t/skeleton/catalog-info.yaml", b"name: x\n"),
        Member(TOP + "templates/t/skeleton/run.sh", b"#!/bin/sh\n", mode=0o755),
        Member(TOP + "templates/t/skeleton/src/app.py", b"print('hi')\n"),
        Member(TOP + "templates/t/skeleton/link", kind="sym", link="src/app.py"),
        Member(TOP + "templates/other/extra.yaml", b"extra: true\n"),
    )


@dataclass
class TarballServer:
    """A loopback GitHub stand-in: ``GET /api/v3/repos/o/r/tarball/<ref>`` answers
    ``archives[ref]`` (404 if none), or redirects to ``redirect_to`` + the same path
    when that is set; every other path answers ``files`` (or 404). Records requests."""

    base: str = ""
    archives: dict[str, bytes] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    redirect_to: str = ""
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    @property
    def host(self) -> str:
        return self.base.removeprefix("http://")

    def url(self, path: str) -> str:
        return self.base + path


def _handler(server: TarballServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            server.requests.append((self.path, dict(self.headers)))
            prefix = "/api/v3/repos/o/r/tarball/"
            if self.path.startswith(prefix) and server.redirect_to:
                self.send_response(302)
                self.send_header("Location", server.redirect_to + self.path)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.path.startswith(prefix):
                body = server.archives.get(self.path.removeprefix(prefix))
            else:
                body = server.files.get(self.path)
            self.send_response(404 if body is None else 200)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

    return Handler


@contextmanager
def tarball_server(address: str = "127.0.0.1", port: int = 0,
                   name: str | None = None) -> Iterator[TarballServer]:  # fmt: skip
    """A ``TarballServer`` on ``address:port`` (a free port if 0), reached as ``name``
    (the address if None) in its base URL."""
    server = TarballServer()
    httpd = ThreadingHTTPServer((address, port), _handler(server))
    httpd.daemon_threads = True
    server.base = f"http://{name or address}:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()


def fake_dns(monkeypatch: Any, answers: dict[str, str]) -> None:
    """Resolve the host names in ``answers`` to their (loopback) address; everything
    else (IP literals) as usual."""
    real: Callable[..., Any] = socket.getaddrinfo

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        return real(answers.get(host, host), port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
