"""A stand-in GitLab for the scaffolder's tests: the REST (v4) calls its GitLab actions
make, answered in GitLab's documented shapes, with real git repositories behind them.

Each project is a bare repository under ``root`` (``<root>/<group>/<sub>/<name>.git``),
served over git's smart HTTP (``git http-backend``) at ``http_url_to_repo``, so a push
is a real push; the commit API builds real commits with git plumbing, so what a merge
request's branch holds is read back with git. Every request is recorded (its path as
sent, still percent-encoded); a call can be told to fail as GitLab fails it. The API
wants the token as ``Bearer`` (or ``PRIVATE-TOKEN``), git wants basic auth as
``oauth2`` with the token.

    with gitlab_standin(tmp_path) as gl:
        settings.APP_CONFIG = gl.app_config(settings.APP_CONFIG)
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import re
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.support.standin_http import JsonHandler, serving

TOKEN = "glpat-standinIntegrationToken012345"
TAKEN = {"name": ["has already been taken"], "path": ["has already been taken"]}


@dataclass
class Recorded:
    """One request: the token headers are kept only as ``authorized``."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    authorized: bool


@dataclass
class _Failure:
    method: str
    path: str
    status: int
    message: Any
    times: int


class _Refused(Exception):
    """A request GitLab would refuse with ``status`` and ``message``."""

    def __init__(self, status: int, message: Any) -> None:
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class GitLabStandin:
    root: Path
    token: str = TOKEN
    groups: tuple[str, ...] = ("acme", "acme/platform")
    users: dict[str, int] = field(default_factory=lambda: {"root": 1, "mona": 2, "hubot": 3})
    url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    projects: dict[str, dict[str, Any]] = field(default_factory=dict)
    merge_requests: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    failures: list[_Failure] = field(default_factory=list)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(100))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc

    @property
    def api(self) -> str:
        return f"{self.url}/api/v4"

    @property
    def namespaces(self) -> dict[str, dict[str, Any]]:
        """Groups and the users' own namespaces, by full path."""
        found = {path: {"id": 10 + n, "kind": "group"} for n, path in enumerate(self.groups)}
        found |= {name: {"id": 1000 + uid, "kind": "user"} for name, uid in self.users.items()}
        last = {path: path.rsplit("/", 1)[-1] for path in found}
        return {path: {**item, "full_path": path, "path": last[path], "name": last[path]}
                for path, item in found.items()}  # fmt: skip

    def app_config(self, base: dict[str, Any], token: str | None = TOKEN) -> dict[str, Any]:
        """``base`` with this server as a GitLab integration (with ``token``, or none)
        and its private address allowed (integration hosts are allowed implicitly)."""
        integration = {"host": self.host, "apiBaseUrl": self.api,
                       **({"token": token} if token else {})}  # fmt: skip
        backend = dict(base.get("backend") or {})
        reading = dict(backend.get("reading") or {})
        reading["allowPrivateHosts"] = [*reading.get("allowPrivateHosts", []), self.host]
        backend["reading"] = reading
        integrations = {**(base.get("integrations") or {}), "gitlab": [integration]}
        return {**base, "integrations": integrations, "backend": backend}

    def fail(self, method: str, path: str, status: int, message: Any, times: int = 1) -> None:
        """Answer the next ``times`` ``method`` calls whose path (without ``/api/v4``,
        percent-encoded as sent; git paths as ``/<project>.git/…``) fully matches the
        pattern ``path`` with ``{"message": message}``."""
        self.failures.append(_Failure(method, path, status, message, times))

    def calls(self, method: str, pattern: str) -> list[Recorded]:
        """The recorded requests of ``method`` whose path matches ``pattern`` fully."""
        return [r for r in self.requests if r.method == method and re.fullmatch(pattern, r.path)]

    def bare(self, project: str) -> Path:
        return self.root / f"{project}.git"

    def git(self, project: str, *args: str, data: bytes | None = None,
            env: dict[str, str] | None = None) -> str:  # fmt: skip
        """``git <args>`` in the bare repository of ``project``."""
        command = ["git", f"--git-dir={self.bare(project)}", *args]
        return subprocess.run(command, input=data, check=True, capture_output=True,
                              env={**os.environ, **(env or {})}).stdout.decode()  # fmt: skip

    def files(self, project: str, ref: str) -> dict[str, str]:
        """path -> text of every file ``project`` has at ``ref``."""
        names = self.git(project, "ls-tree", "-r", "-z", "--name-only", ref).split("\0")
        return {name: self.git(project, "show", f"{ref}:{name}") for name in names if name}

    def mode(self, project: str, ref: str, name: str) -> str:
        return self.git(project, "ls-tree", ref, "--", name).split()[0]

    def create(self, path: str, **settings: Any) -> dict[str, Any]:
        """Create the project ``group/…/name`` (bare, no commits); its API object."""
        namespace, _, name = path.rpartition("/")
        self.bare(path).parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "init", "--quiet", "--bare", "-b", "main", str(self.bare(path))],
                       check=True)  # fmt: skip
        web = f"{self.url}/{path}"
        self.projects[path] = item = {
            "id": next(self._ids), "name": name, "path": name, "path_with_namespace": path,
            "namespace": self.namespaces.get(namespace, {"full_path": namespace}),
            "default_branch": "main", "visibility": "private", "topics": [], "web_url": web,
            "http_url_to_repo": f"{web}.git", **settings,
        }  # fmt: skip
        return item

    def seed(self, path: str, files: dict[str, str], executable: tuple[str, ...] = ()) -> str:
        """Create ``path`` with one commit of ``files`` on main; its sha."""
        self.create(path)
        actions = [{"action": "create", "file_path": name, "content": text,
                    "execute_filemode": name in executable}
                   for name, text in files.items()]  # fmt: skip
        return self.commit(path, "main", "seed", actions, parent=None)

    def commit(self, path: str, branch: str, message: str, actions: list[dict[str, Any]],
               parent: str | None = "") -> str:  # fmt: skip
        """Apply commit API ``actions`` on ``branch`` (on ``parent``: the branch's head
        unless given, None for a root commit) and move the branch; the new commit."""
        with self._lock:
            if parent == "":
                parent = self.git(path, "rev-parse", "--verify", f"refs/heads/{branch}").strip()
            index = self.root / f".index-{threading.get_ident()}"
            env = {"GIT_INDEX_FILE": str(index), "GIT_LITERAL_PATHSPECS": "1"}
            self.git(path, "read-tree", *([parent] if parent else ["--empty"]), env=env)
            for action in actions:
                name, kind = action["file_path"], action["action"]
                listed = self.git(path, "ls-files", "-s", "--", name, env=env).split()
                if kind == "create" and listed:
                    raise _Refused(400, "A file with this name already exists")
                if kind in ("update", "delete") and not listed:
                    raise _Refused(400, "A file with this name doesn't exist")
                if kind == "delete":
                    self.git(path, "update-index", "--index-info", env=env,
                             data=f"0 {'0' * 40}\t{name}\n".encode())  # fmt: skip
                    continue
                content = action.get("content") or ""
                data = (base64.b64decode(content) if action.get("encoding") == "base64"
                        else content.encode())  # fmt: skip
                blob = self.git(path, "hash-object", "-w", "--stdin", data=data).strip()
                executable = action.get("execute_filemode")
                mode = ("100755" if executable else "100644") if executable is not None else (
                    listed[0] if listed else "100644")  # fmt: skip
                self.git(path, "update-index", "--add", "--cacheinfo", f"{mode},{blob},{name}",
                         env=env)  # fmt: skip
            tree = self.git(path, "write-tree", env=env).strip()
            index.unlink()
            parents = ["-p", parent] if parent else []
            sha = self.git(path, "commit-tree", tree, *parents, "-m", message).strip()
            self.git(path, "update-ref", f"refs/heads/{branch}", sha)
            return sha


def _error(message: Any) -> dict[str, Any]:
    return {"message": message}


_GIT_PATH = re.compile(r"/(?P<project>.+?)\.git/(?P<rest>.*)")
_PROJECT = r"/projects/(?P<pid>[^/]+)"


class _Handler(JsonHandler):
    gl: GitLabStandin

    def _handle(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        data = self._body()
        git = _GIT_PATH.fullmatch(unquote(parts.path))
        if git:
            basic = base64.b64encode(f"oauth2:{self.gl.token}".encode()).decode()
            authorized = self.headers.get("Authorization", "") == f"Basic {basic}"
            short = unquote(parts.path)
        else:
            authorized = self.gl.token in (self.headers.get("PRIVATE-TOKEN"),
                                           self.headers.get("Authorization", "")[7:])  # fmt: skip
            short = parts.path.removeprefix("/api/v4")
        body = json.loads(data) if data and not git else None
        self.gl.requests.append(Recorded(self.command, short, query, body, authorized))
        if not authorized:
            extra = {"WWW-Authenticate": 'Basic realm="GitLab"'} if git else {}
            return self._answer(401, _error("401 Unauthorized"), headers=extra)
        for failure in self.gl.failures:
            matches = failure.method == self.command and re.fullmatch(failure.path, short)
            if failure.times and matches:
                failure.times -= 1
                return self._answer(failure.status, _error(failure.message))
        if git:
            return self._git_http(git["project"], parts.query, data)
        try:
            self._route(short, query, body or {})
        except _Refused as refused:
            self._answer(refused.status, _error(refused.message))

    do_GET = do_POST = do_PUT = do_DELETE = _handle

    def _git_http(self, project: str, query: str, data: bytes) -> None:
        if project not in self.gl.projects:
            return self._answer(404, raw=b"The project you were looking for could not be found.")
        env = {"PATH": os.environ["PATH"], "GIT_PROJECT_ROOT": str(self.gl.root),
               "GIT_HTTP_EXPORT_ALL": "1", "PATH_INFO": unquote(urlsplit(self.path).path),
               "QUERY_STRING": query, "REQUEST_METHOD": self.command,
               "CONTENT_TYPE": self.headers.get("Content-Type", ""),
               "CONTENT_LENGTH": str(len(data)), "REMOTE_USER": "oauth2",
               "REMOTE_ADDR": "127.0.0.1", "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(self.gl.root),
               "HTTP_CONTENT_ENCODING": self.headers.get("Content-Encoding", "")}  # fmt: skip
        out = subprocess.run(["git", "http-backend"], input=data, env=env,
                             capture_output=True).stdout  # fmt: skip
        head, _, payload = out.partition(b"\r\n\r\n")
        headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n") if line)
        status = int(headers.pop("Status", "200").split()[0])
        self._answer(status, raw=payload, headers=headers)

    def _route(self, path: str, query: dict[str, str], body: dict[str, Any]) -> None:
        for pattern, method, handler in _ROUTES:
            match = re.fullmatch(pattern, path)
            if match and method == self.command:
                found = {key: unquote(value) for key, value in match.groupdict().items()}
                if "pid" in found:
                    found["project"] = self._project(found.pop("pid"))
                return handler(self, query, body, **found)
        self._answer(404, _error("404 Not Found"))

    def _project(self, pid: str) -> dict[str, Any]:
        for path, project in self.gl.projects.items():
            if pid in (path, str(project["id"])):
                return project
        raise _Refused(404, "404 Project Not Found")

    # Routes --------------------------------------------------------------------
    def _show_project(self, query, body, project):
        self._answer(200, project)

    def _namespace(self, query, body, namespace):
        by_id = {str(n["id"]): n for n in self.gl.namespaces.values()}
        found = self.gl.namespaces.get(namespace) or by_id.get(namespace)
        self._answer(200, found) if found else self._answer(404, _error("404 Namespace Not Found"))

    def _new_project(self, query, body):
        namespace = next((n for n in self.gl.namespaces.values()
                          if n["id"] == body.get("namespace_id")), None)  # fmt: skip
        if namespace is None:
            raise _Refused(404, "404 Namespace Not Found")
        full = f"{namespace['full_path']}/{body.get('path') or body['name']}"
        if full in self.gl.projects:
            raise _Refused(400, TAKEN)
        if body.get("visibility") not in ("private", "internal", "public"):
            return self._answer(400, {"error": "visibility does not have a valid value"})
        settings = {k: v for k, v in body.items() if k not in ("namespace_id", "path")}
        self._answer(201, self.gl.create(full, **settings))

    def _users(self, query, body):
        name = query.get("username")
        self._answer(200, [{"id": uid, "username": user, "name": user.title(), "state": "active"}
                           for user, uid in self.gl.users.items() if user == name])  # fmt: skip

    def _new_branch(self, query, body, project):
        path, branch = project["path_with_namespace"], body.get("branch") or query["branch"]
        ref = body.get("ref") or query["ref"]
        if self.gl.git(path, "for-each-ref", f"refs/heads/{branch}").strip():
            raise _Refused(400, "Branch already exists")
        try:
            sha = self.gl.git(path, "rev-parse", "--verify", f"{ref}^{{commit}}").strip()
        except subprocess.CalledProcessError:
            raise _Refused(400, f"Invalid reference name: {ref}") from None
        self.gl.git(path, "update-ref", f"refs/heads/{branch}", sha)
        self._answer(201, {"name": branch, "commit": {"id": sha}, "protected": False})

    def _file(self, query, body, project, file):
        path, ref = project["path_with_namespace"], query.get("ref", "main")
        try:
            blob = ["cat-file", "blob", f"{ref}:{file}"]
            data = subprocess.run(["git", f"--git-dir={self.gl.bare(path)}", *blob],
                                  capture_output=True, check=True).stdout  # fmt: skip
        except subprocess.CalledProcessError:
            return self._answer(404, _error("404 File Not Found"))
        self._answer(200, {"file_name": file.rsplit("/", 1)[-1], "file_path": file, "ref": ref,
                           "encoding": "base64", "size": len(data),
                           "content": base64.b64encode(data).decode()})  # fmt: skip

    def _new_commit(self, query, body, project):
        path = project["path_with_namespace"]
        sha = self.gl.commit(path, body["branch"], body["commit_message"], body["actions"])
        self._answer(201, {"id": sha, "short_id": sha[:8], "title": body["commit_message"],
                           "web_url": f"{project['web_url']}/-/commit/{sha}"})  # fmt: skip

    def _new_merge_request(self, query, body, project):
        path = project["path_with_namespace"]
        requests = self.gl.merge_requests.setdefault(path, [])
        for other in requests:
            if other["source_branch"] == body["source_branch"] and other["state"] == "opened":
                raise _Refused(409, ["Another open merge request already exists for this "
                                     f"source branch: !{other['iid']}"])  # fmt: skip
        iid = len(requests) + 1
        users = {uid: user for user, uid in self.gl.users.items()}
        merge = {**body, "id": 5000 + iid, "iid": iid, "state": "opened",
                 "project_id": project["id"],
                 "labels": [x for x in (body.get("labels") or "").split(",") if x],
                 "assignee": ({"id": body["assignee_id"], "username": users[body["assignee_id"]]}
                              if body.get("assignee_id") else None),
                 "web_url": f"{project['web_url']}/-/merge_requests/{iid}"}  # fmt: skip
        requests.append(merge)
        self._answer(201, merge)

    def _merge(self, query, body, project, iid):
        merge = self.gl.merge_requests[project["path_with_namespace"]][int(iid) - 1]
        merge["merge_when_pipeline_succeeds"] = bool(body.get("merge_when_pipeline_succeeds"))
        self._answer(200, merge)


_ROUTES = [
    (_PROJECT, "GET", _Handler._show_project),
    (r"/projects", "POST", _Handler._new_project),
    (r"/namespaces/(?P<namespace>[^/]+)", "GET", _Handler._namespace),
    (r"/users", "GET", _Handler._users),
    (_PROJECT + r"/repository/branches", "POST", _Handler._new_branch),
    (_PROJECT + r"/repository/files/(?P<file>[^/]+)", "GET", _Handler._file),
    (_PROJECT + r"/repository/commits", "POST", _Handler._new_commit),
    (_PROJECT + r"/merge_requests", "POST", _Handler._new_merge_request),
    (_PROJECT + r"/merge_requests/(?P<iid>\d+)/merge", "PUT", _Handler._merge),
]


@contextmanager
def gitlab_standin(root: Path, **options: Any) -> Iterator[GitLabStandin]:
    """A started stand-in on 127.0.0.1 with its repositories under ``root``."""
    gl = GitLabStandin(root=root, **options)
    with serving(type("Handler", (_Handler,), {"gl": gl})) as gl.url:
        yield gl
