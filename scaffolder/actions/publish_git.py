"""``publish:git``: push the workspace (or ``sourcePath``) to any git remote.

Greenroom's own publisher, not a Backstage action: it lets the embedded default,
which has no network and no hosting service, publish a new service's repository as a
bare repository under ``SCAFFOLDER_GIT_ROOT`` (``var/git/``) and register it in the
catalog through ``repoContentsUrl`` (``<remoteUrl>#<branch>``, which
``catalog:register`` turns into a ``git`` location). https and http remotes work the
same way, for hosts the catalog's reading allow-list names.

The commit is built in a private repository from a walk of the source directory
(``.git`` entries skipped, ``.gitignore`` honoured, symlinks stored as symlinks,
contents hashed with ``--no-filters``), so nothing the skeleton ships (a ``.git``
config, hooks, ``.gitattributes`` filters) is ever used; see ``scaffolder.git_cli``.
It is never force-pushed: a remote branch that already has other commits is a
conflict. A retry neither creates nor pushes twice: the push is a checkpoint, and the
commit date is one too, so the retried commit is the very one an interrupted attempt
may already have pushed, and is adopted.
"""

from __future__ import annotations

import os
import re
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import SplitResult, unquote, urlsplit, urlunsplit

from django.conf import settings

from catalog import services
from catalog.model.errors import CatalogError
from scaffolder.actions.base import Action, ActionContext
from scaffolder.errors import ConflictError, InputError, NotAllowedError
from scaffolder.git_cli import Git, GitCancelled, GitFailed
from scaffolder.workspace import child_path, files_below, is_inside

__all__ = ["ACTIONS", "checked_branch", "checked_remote", "push_workspace", "tree_entries",
           "workspace_directory"]  # fmt: skip

_BRANCH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._/-]*")
_TRANSPORT = re.compile(r"^[A-Za-z0-9+.-]+::")
#: ``owner/name.git``: path segments of safe characters, no scheme, no ``..``.
_RELATIVE = re.compile(r"(?:[A-Za-z0-9_][A-Za-z0-9_.-]*/)*[A-Za-z0-9_][A-Za-z0-9_.-]*")
_SCHEMES = ("https", "http", "file")

_TEXT = {"type": "string"}
INPUT_SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "required": ["remoteUrl"],
    "additionalProperties": False,
    "properties": {
        "remoteUrl": {**_TEXT, "description": "The repository to push to: an https://, "
                      "http:// or file:// URL (file:// inside the scaffolder's git root, "
                      "created as a bare repository if missing)"},
        "defaultBranch": {**_TEXT, "default": "main",
                          "description": "The branch to push to. The default value is 'main'"},
        "sourcePath": {**_TEXT, "description": "Path within the workspace that will be used "
                       "as the repository root. If omitted, the entire workspace is published"},
        "gitCommitMessage": {**_TEXT, "default": "initial commit",
                             "description": "The commit message. The default value is "
                             "'initial commit'"},
        "gitAuthorName": {**_TEXT, "default": "Scaffolder",
                          "description": "The commit's author name. The default value is "
                          "'Scaffolder'"},
        "gitAuthorEmail": {**_TEXT, "default": "scaffolder@backstage.io",
                           "description": "The commit's author email. The default value is "
                           "'scaffolder@backstage.io'"},
        "token": {**_TEXT, "description": "A token for an https:// or http:// remote, sent "
                  "as an Authorization header (give it from secrets)"},
    },
}  # fmt: skip
OUTPUT_SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "required": ["remoteUrl", "repoContentsUrl", "commitHash"],
    "additionalProperties": False,
    "properties": {
        "remoteUrl": {**_TEXT, "description": "The repository URL, as given"},
        "repoContentsUrl": {**_TEXT, "description": "<remoteUrl>#<defaultBranch>: the "
                            "repository contents, as catalog:register takes them"},
        "commitHash": {**_TEXT, "description": "The git commit hash of the pushed commit"},
    },
}  # fmt: skip


@dataclass(frozen=True)
class _Remote:
    """A checked remote: the URL git is given, its scheme, the URL without
    credentials for logs, for a ``file://`` remote its directory, and for an http(s)
    one the git settings that pin it to the address the policy checked."""

    git_url: str
    scheme: str
    shown: str
    path: Path | None = None
    connection: tuple[str, ...] = ()


def _local_name(url: str) -> str:
    """A ``remoteUrl`` with no scheme (``acme/payments.git``) names a repository under the
    local git root, so a template can publish without knowing where that root is."""
    if _RELATIVE.fullmatch(url):
        return (Path(settings.SCAFFOLDER_GIT_ROOT) / url).as_uri()
    return url


def checked_remote(url: str) -> _Remote:
    """Check ``remoteUrl`` before any git runs (case F3): no option-like or
    ``<transport>::`` forms, no credentials, only the allowed schemes and places."""
    if (
        url.startswith("-")
        or "ext::" in url.lower()
        or _TRANSPORT.match(url)
        or any(ord(char) < 33 for char in url)
    ):
        raise InputError("remoteUrl must be an https://, http:// or file:// URL")
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError:
        raise InputError("remoteUrl is malformed (check its host and port)") from None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        given = f"{scheme}:" if scheme else "a local path"
        raise NotAllowedError(f"publish:git pushes only to https://, http:// or file:// "
                              f"remotes, not {given}")  # fmt: skip
    if parts.username is not None or parts.password is not None:
        raise InputError("remoteUrl must not contain credentials; give a token input "
                         "(from secrets) instead")  # fmt: skip
    if parts.query or parts.fragment:
        raise InputError("remoteUrl must not have a query or a fragment")
    shown = urlunsplit((scheme, parts.netloc, parts.path, "", ""))
    if scheme == "file":
        return _file_remote(parts, shown)
    try:
        connection = tuple(services.git_remote_settings(url))
    except CatalogError as exc:
        raise NotAllowedError(f"Cannot push to {shown}: {exc}") from None
    return _Remote(url, scheme, shown, connection=connection)


def _file_remote(parts: SplitResult, shown: str) -> _Remote:
    """A ``file://`` remote: a directory strictly inside the scaffolder's git root,
    symlinks resolved."""
    if parts.netloc:
        raise InputError("file:// remotes must not name a host")
    root = Path(settings.SCAFFOLDER_GIT_ROOT)
    path = Path(os.path.normpath(unquote(parts.path)))
    real = Path(os.path.realpath(path))
    if not path.is_absolute() or not is_inside(real, root) or real == Path(os.path.realpath(root)):
        raise NotAllowedError(f"Cannot push to {shown}: file:// remotes must be inside {root} "
                              "(scaffolder.git.localRoot)")  # fmt: skip
    return _Remote(f"file://{real}", "file", shown, real)


def checked_branch(name: str) -> str:
    if (not _BRANCH.fullmatch(name) or ".." in name or "//" in name or "@{" in name
            or name.endswith(("/", ".", ".lock"))):  # fmt: skip
        raise InputError(f"{name!r} is not a valid branch name")
    return name


def _person(value: str, what: str) -> str:
    if not value.strip() or any(ord(char) < 32 or char in "<>" for char in value):
        raise InputError(f"{what} must be non-empty, on one line and without '<' or '>'")
    return value


def _quoted(path: Path) -> bytes:
    """``path`` C-quoted, as ``hash-object --stdin-paths`` reads it, so that a newline
    in a file name cannot split it into two paths (one of them chosen by the name)."""
    plain = b"".join(bytes([c]) if 32 <= c < 127 and c not in b'"\\' else b"\\%03o" % c
                     for c in os.fsencode(path))  # fmt: skip
    return b'"' + plain + b'"'


def tree_entries(git: Git, source: Path) -> list[tuple[str, str, str]]:
    """(mode, blob sha, path) of every file and symlink below ``source`` that git would
    commit: ``.git`` entries at any depth skipped, ``.gitignore`` rules applied, file
    contents stored as they are (no filters), symlinks as links (never followed)."""
    found: dict[str, tuple[str, Path]] = {}
    for path in files_below(source):
        relative = path.relative_to(source)
        if any(part.lower() == ".git" for part in relative.parts):
            continue
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            found[relative.as_posix()] = ("120000", path)
        elif stat.S_ISREG(mode):
            found[relative.as_posix()] = ("100755" if mode & stat.S_IXUSR else "100644", path)
    listed = b"".join(os.fsencode(name) + b"\0" for name in found)
    ignored = git(["--work-tree", str(source), "check-ignore", "--no-index", "-z", "--stdin"],
                  stdin=listed, ok=(0, 1))  # fmt: skip
    for name in filter(None, ignored.split(b"\0")):
        found.pop(os.fsdecode(name), None)
    files = [name for name, (mode, _) in found.items() if mode != "120000"]
    paths = b"".join(_quoted(found[name][1]) + b"\n" for name in files)
    shas = dict(zip(files, git(["hash-object", "-w", "--no-filters", "--stdin-paths"],
                               stdin=paths).decode().split(), strict=True))  # fmt: skip
    for name, (mode, path) in found.items():
        if mode == "120000":
            shas[name] = git(["hash-object", "-w", "--stdin"],
                             stdin=os.readlink(os.fsencode(path))).decode().strip()  # fmt: skip
    return [(found[name][0], shas[name], name) for name in sorted(found)]


def _commit(git: Git, source: Path, ctx: ActionContext, date: int) -> tuple[str, int]:
    """Build the commit of ``source`` in the private repository: (sha, file count)."""
    entries = tree_entries(git, source)
    index = b"".join(f"{mode} {sha}\t".encode() + os.fsencode(name) + b"\0"
                     for mode, sha, name in entries)  # fmt: skip
    git(["update-index", "--add", "-z", "--index-info"], stdin=index)
    tree = git(["write-tree"]).decode().strip()
    name = _person(ctx.input.get("gitAuthorName") or "Scaffolder", "gitAuthorName")
    email = _person(ctx.input.get("gitAuthorEmail") or "scaffolder@backstage.io",
                    "gitAuthorEmail")  # fmt: skip
    when = f"{date} +0000"
    people = {f"GIT_{role}_{field}": value for role in ("AUTHOR", "COMMITTER")
              for field, value in (("NAME", name), ("EMAIL", email), ("DATE", when))}  # fmt: skip
    message = ctx.input.get("gitCommitMessage") or "initial commit"
    sha = git(["commit-tree", tree], stdin=message.encode(), env=people).decode().strip()
    return sha, len(entries)


def _remote_head(git: Git, remote: _Remote, branch: str) -> str | None:
    """The commit the remote's ``branch`` points at, or None if it has no such branch."""
    answer = git(["ls-remote", "--end-of-options", remote.git_url, f"refs/heads/{branch}"],
                 remote=True).decode()  # fmt: skip
    for line in answer.splitlines():
        sha, _, ref = line.partition("\t")
        if ref == f"refs/heads/{branch}":
            return sha
    return None


def _push(git: Git, ctx: ActionContext, remote: _Remote, branch: str, sha: str) -> str:
    """Create a missing ``file://`` repository, then push ``sha`` to ``branch`` unless
    the branch exists: adopted if it is this very commit, else a conflict (F7)."""
    if remote.path is not None and not remote.path.exists():
        ctx.log(f"Creating repository {remote.shown}")
        remote.path.parent.mkdir(parents=True, exist_ok=True)
        git(["init", "--quiet", "--bare", "--template=", "-b", branch, "--", str(remote.path)],
            private=False)  # fmt: skip
    existing = _remote_head(git, remote, branch)
    if existing == sha:
        ctx.log(f"{remote.shown} already has commit {sha} on {branch}; adopting it")
        return sha
    if existing is not None:
        raise ConflictError(f"The repository {remote.shown} already exists and has commits; "
                            f"choose another name (its branch {branch} is taken)")  # fmt: skip
    ctx.log(f"Pushing to {remote.shown}")
    try:
        git(["push", "--quiet", "--end-of-options", remote.git_url, f"{sha}:refs/heads/{branch}"],
            remote=True)  # fmt: skip
    except GitFailed as exc:
        if "[rejected]" in exc.stderr or "non-fast-forward" in exc.stderr:
            raise ConflictError(f"The repository {remote.shown} got commits on {branch} "
                                "while publishing; nothing was overwritten") from None  # fmt: skip
        raise
    return sha


def workspace_directory(ctx: ActionContext, given: str | None, what: str = "sourcePath") -> Path:
    """The workspace directory ``given`` names (the workspace if empty), resolved and
    held inside the workspace (security E11)."""
    source = Path(os.path.realpath(child_path(ctx.workspace, given or ".")))
    if not source.is_dir():
        raise InputError(f"{what} {given!r} is not a directory of the workspace")
    return source


def push_workspace(ctx: ActionContext, url: str, branch: str, source: Path,
                   token: str | None = None,
                   username: str = "x-access-token") -> str | None:  # fmt: skip
    """Commit ``source`` and push it to ``branch`` of the remote ``url`` (checked by
    ``checked_remote``), the token as basic auth for ``username``; the commit pushed,
    or None if the task was cancelled. The commit date and the push are checkpoints,
    so a retry pushes nothing twice and adopts its own earlier push. Shared by every
    publisher (git, GitHub, GitLab) so all of them push the same hardened way."""
    remote = checked_remote(url)
    git = Git(ctx.temporary_directory(), remote.scheme, ctx.stop, token,
              connection=remote.connection, username=username)  # fmt: skip
    date = ctx.checkpoint("commit-date", lambda: int(time.time()))
    try:
        git(["init", "--quiet", "--template="])
        sha, count = _commit(git, source, ctx, date)
        pushed = ctx.checkpoint("publish", lambda: _push(git, ctx, remote, branch, sha))
    except GitCancelled:
        return None  # the runner's cancellation check ends the step, in its own words
    ctx.log(f"Published {count} files at {pushed}")
    return pushed


def _publish(ctx: ActionContext) -> None:
    url = _local_name(ctx.input["remoteUrl"])
    branch = checked_branch(ctx.input.get("defaultBranch") or "main")
    source = workspace_directory(ctx, ctx.input.get("sourcePath"))
    pushed = push_workspace(ctx, url, branch, source, ctx.input.get("token"))
    if pushed is None:
        return
    ctx.output("remoteUrl", url)
    ctx.output("repoContentsUrl", f"{url}#{branch}")
    ctx.output("commitHash", pushed)


_EXAMPLE = {
    "description": "Publish the workspace as a local repository",
    "example": "steps:\n  - id: publish\n    action: publish:git\n    input:\n"
    "      remoteUrl: acme/svc.git\n",
}
ACTIONS = [
    Action(
        id="publish:git",
        handler=_publish,
        description="Initializes a git repository of the content in the workspace, and "
        "publishes it to any git remote (https, http, or file:// inside the scaffolder's "
        "git root, where a missing repository is created bare; a remoteUrl without a "
        "scheme, such as acme/svc.git, names a repository there).",
        input_schema=INPUT_SCHEMA,
        output_schema=OUTPUT_SCHEMA,
        examples=(_EXAMPLE,),
    )
]
