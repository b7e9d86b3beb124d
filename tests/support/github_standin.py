"""A stand-in GitHub for the scaffolder's tests: the REST calls its GitHub actions
make, answered in GitHub's documented shapes, and real git repositories behind them.

Each repository it creates is a bare repository under ``root``, served over git's
smart HTTP (``git http-backend``) at ``clone_url``, so a push is a real push; its
files are served by the contents API, so the catalog reads ``<html_url>/blob/…``
through the GitHub integration. Every request is recorded; a call can be told to fail
as GitHub fails it (403, 422 …). Both the API and git require the token.

    with github_standin(tmp_path) as gh:
        settings.APP_CONFIG = gh.app_config(settings.APP_CONFIG)
"""

from __future__ import annotations

import base64
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

from tests.support.github_standin_oauth import OAUTH_ROUTES, OAuthApp, OAuthRoutes
from tests.support.github_standin_org import ORG_ROUTES, OrgData, OrgRoutes, etag_of
from tests.support.standin_http import JsonHandler, serving

TOKEN = "ghs_standinIntegrationToken0123456789"
DOCS = "https://docs.github.com/rest"
EXISTS = {"resource": "Repository", "code": "custom", "field": "name",
          "message": "name already exists on this account"}  # fmt: skip
VISIBILITY = {"resource": "Repository", "code": "custom", "field": "visibility",
              "message": "visibility can't be internal; this organization allows private, "
              "public"}  # fmt: skip


@dataclass
class Recorded:
    """One request: the Authorization header is kept only as ``authorized``."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    authorized: bool
    headers: dict[str, str]
    status: int = 0


@dataclass
class _Failure:
    method: str
    path: str
    status: int
    body: dict[str, Any]
    times: int
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class GitHubStandin:
    root: Path
    token: str = TOKEN
    orgs: set[str] = field(default_factory=lambda: {"acme-corp"})
    user: str = "octocat"
    #: Largest page served (GitHub: 100; a test sets less to see pagination).
    page_size: int = 100
    url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    repos: dict[str, dict[str, Any]] = field(default_factory=dict)
    pulls: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    failures: list[_Failure] = field(default_factory=list)
    org: OrgData = field(default_factory=OrgData)
    oauth: OAuthApp = field(default_factory=OAuthApp)

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc

    @property
    def api(self) -> str:
        return f"{self.url}/api/v3"

    def app_config(self, base: dict[str, Any], token: str | None = TOKEN) -> dict[str, Any]:
        """``base`` with this server as the GitHub integration (with ``token``, or none)
        and its address allowed for reading."""
        integration = {"host": self.host, "apiBaseUrl": self.api,
                       **({"token": token} if token else {})}  # fmt: skip
        backend = dict(base.get("backend") or {})
        reading = dict(backend.get("reading") or {})
        reading["allowPrivateHosts"] = [*reading.get("allowPrivateHosts", []), self.host]
        backend["reading"] = reading
        return {**base, "integrations": {"github": [integration]}, "backend": backend}

    def fail(self, method: str, path: str, status: int, message: str,
             errors: list[dict[str, Any]] | None = None, times: int = 1) -> None:  # fmt: skip
        """Answer the next ``times`` ``method path`` calls (API paths without
        ``/api/v3``; git paths as ``/<o>/<r>.git/…``) with this error."""
        body: dict[str, Any] = {"message": message, "documentation_url": DOCS}
        if errors:
            body["errors"] = errors
        self.failures.append(_Failure(method, path, status, body, times))

    def calls(self, method: str, pattern: str) -> list[Recorded]:
        """The recorded requests of ``method`` whose path matches ``pattern`` fully."""
        return [r for r in self.requests if r.method == method and re.fullmatch(pattern, r.path)]

    def bare(self, owner: str, repo: str) -> Path:
        return self.root / owner / f"{repo}.git"

    def git(self, owner: str, repo: str, *args: str, data: bytes | None = None) -> str:
        """``git <args>`` in the bare repository ``owner/repo``."""
        return _git(self.bare(owner, repo), *args, data=data).decode()

    def create(self, owner: str, repo: str, **settings: Any) -> dict[str, Any]:
        """Create ``owner/repo`` (bare, no commits) and return its API object."""
        self.bare(owner, repo).parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "init", "--quiet", "--bare", "-b", "main",
                        str(self.bare(owner, repo))], check=True)  # fmt: skip
        web = f"{self.url}/{owner}/{repo}"
        self.repos[f"{owner}/{repo}"] = item = {
            "name": repo, "full_name": f"{owner}/{repo}", "owner": {"login": owner},
            "html_url": web, "clone_url": f"{web}.git", "default_branch": "main",
            "url": f"{self.api}/repos/{owner}/{repo}", **settings,
        }  # fmt: skip
        return item

    def seed(self, owner: str, repo: str, files: dict[str, str], **settings: Any) -> str:
        """Create ``owner/repo`` with one commit of ``files`` on main; its sha."""
        self.create(owner, repo, **settings)
        return self.commit(owner, repo, files)

    def commit(self, owner: str, repo: str, files: dict[str, str | None]) -> str:
        """Commit ``files`` (None deletes one) on top of main, as a push would; its sha."""
        entries = [{"path": name, "mode": "100644", "sha": None if text is None else self.git(
            owner, repo, "hash-object", "-w", "--stdin", data=text.encode()).strip()}
            for name, text in files.items()]  # fmt: skip
        parent = self.git(owner, repo, "for-each-ref", "--format=%(objectname)", "refs/heads/main")
        parents = ["-p", parent.strip()] if parent.strip() else []
        tree = self._tree(owner, repo, parent.strip() or None, entries)
        sha = self.git(owner, repo, "commit-tree", tree, *parents, "-m", "commit").strip()
        self.git(owner, repo, "update-ref", "refs/heads/main", sha)
        return sha

    def _tree(self, owner: str, repo: str, base: str | None, entries: list[dict]) -> str:
        """A tree: ``base`` with ``entries`` (paths may nest; a null sha deletes)."""
        index = self.root / f".index-{threading.get_ident()}"
        env = {"GIT_INDEX_FILE": str(index)}
        bare = self.bare(owner, repo)
        _git(bare, "read-tree", *([base] if base else ["--empty"]), env=env)
        zero = "0" * 40
        lines = "".join(f"{e['mode'] if e.get('sha') else 0} {e.get('sha') or zero}\t{e['path']}\n"
                        for e in entries)  # fmt: skip
        _git(bare, "update-index", "--index-info", data=lines.encode(), env=env)
        tree = _git(bare, "write-tree", env=env).decode().strip()
        index.unlink()
        return tree


def _git(bare: Path, *args: str, data: bytes | None = None,
         env: dict[str, str] | None = None) -> bytes:  # fmt: skip
    command = ["git", f"--git-dir={bare}", *args]
    return subprocess.run(command, input=data, check=True, capture_output=True,
                          env={**os.environ, **(env or {})}).stdout  # fmt: skip


def _error(message: str, errors: list[dict] | None = None) -> dict[str, Any]:
    return {"message": message, "documentation_url": DOCS, **({"errors": errors} if errors else {})}


_REPO = r"/repos/(?P<o>[^/]+)/(?P<r>[^/]+)"
_GIT_PATH = re.compile(r"/(?P<o>[^/]+)/(?P<r>[^/]+)\.git/(?P<rest>.*)")


class _Handler(OrgRoutes, OAuthRoutes, JsonHandler):
    gh: GitHubStandin
    api_call = False

    def _handle(self) -> None:
        parts = urlsplit(self.path)
        path, query = unquote(parts.path), {k: v[0] for k, v in parse_qs(parts.query).items()}
        data = self._body()
        git = _GIT_PATH.fullmatch(path)
        auth = self.headers.get("Authorization", "")
        self.api_call = self.recorded = False
        if path.startswith("/login/oauth/"):
            return self._oauth(path, query, data)
        if git:
            basic = base64.b64encode(f"x-access-token:{self.gh.token}".encode()).decode()
            authorized, short = auth == f"Basic {basic}", path
        else:
            short = path.removeprefix("/api/v3")
            authorized = (self._app_authorized(auth) if short.startswith("/app/") else
                          auth in (f"Bearer {self.gh.token}", f"token {self.gh.token}",
                                   f"token {self.gh.oauth.access_token}")
                          or self._token_issued(auth))  # fmt: skip
        self.api_call = not git
        body = json.loads(data) if data and not git else None
        headers = {k: v for k, v in self.headers.items() if k.lower() != "authorization"}
        self.gh.requests.append(Recorded(self.command, short, query, body, authorized, headers))
        self.recorded = True
        if not authorized:
            extra = {"WWW-Authenticate": 'Basic realm="GitHub"'} if git else {}
            return self._answer(401, _error("Bad credentials"), headers=extra)
        if self.api_call and self.gh.org.rate_remaining <= 0:
            return self._answer(403, _error("API rate limit exceeded for installation ID 1."))
        for failure in self.gh.failures:
            if failure.times and failure.method == self.command and failure.path == short:
                failure.times -= 1
                return self._answer(failure.status, failure.body, headers=failure.headers)
        if git:
            return self._git_http(git, parts.query, data)
        return self._route(short, query, body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

    def _answer(self, status: int, body: Any = None, raw: bytes | None = None,
                headers: dict[str, str] | None = None) -> None:  # fmt: skip
        """As GitHub: API answers carry rate-limit headers and GETs an ETag; a
        matching ``If-None-Match`` is a ``304`` that costs nothing."""
        if self.recorded:
            self.gh.requests[-1].status = status
        if not self.api_call:
            return super()._answer(status, body, raw, headers)
        org = self.gh.org
        data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        extra = dict(headers or {})
        if self.command == "GET" and status == 200:
            extra["ETag"] = etag_of(data)
            if self.headers.get("If-None-Match") == extra["ETag"]:
                org.not_modified += 1
                self.gh.requests[-1].status = 304  # as the client sees it
                return super()._answer(304, raw=b"", headers={**self._rate_headers(), **extra})
        if status != 401 and org.rate_remaining > 0:
            org.rate_remaining -= 1
            org.counted += 1
        super()._answer(status, raw=data, headers={**self._rate_headers(), **extra})

    def _git_http(self, match: re.Match, query: str, data: bytes) -> None:
        if f"{match['o']}/{match['r']}" not in self.gh.repos:
            return self._answer(404, raw=b"Repository not found.")
        env = {"PATH": os.environ["PATH"], "GIT_PROJECT_ROOT": str(self.gh.root),
               "GIT_HTTP_EXPORT_ALL": "1", "PATH_INFO": urlsplit(self.path).path,
               "QUERY_STRING": query, "REQUEST_METHOD": self.command,
               "CONTENT_TYPE": self.headers.get("Content-Type", ""),
               "CONTENT_LENGTH": str(len(data)), "REMOTE_USER": "x-access-token",
               "REMOTE_ADDR": "127.0.0.1", "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(self.gh.root),
               "HTTP_CONTENT_ENCODING": self.headers.get("Content-Encoding", "")}  # fmt: skip
        out = subprocess.run(["git", "http-backend"], input=data, env=env,
                             capture_output=True).stdout  # fmt: skip
        head, _, payload = out.partition(b"\r\n\r\n")
        headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n") if line)
        status = int(headers.pop("Status", "200").split()[0])
        self._answer(status, raw=payload, headers=headers)

    def _route(self, path: str, query: dict[str, str], body: Any) -> None:
        for pattern, handler in _ROUTES:
            match = re.fullmatch(pattern, path)
            if match and handler[0] == self.command:
                return handler[1](self, query, body or {}, **match.groupdict())
        self._answer(404, _error("Not Found"))

    # Routes --------------------------------------------------------------------
    def _user(self, query, body, owner):
        if owner in self.gh.orgs or owner == self.gh.user:
            kind = "Organization" if owner in self.gh.orgs else "User"
            return self._answer(200, {"login": owner, "type": kind})
        person = self.gh.org.people.get(owner)
        if person is not None:
            return self._answer(200, {**self._user_object(owner), **person})
        self._answer(404, _error("Not Found"))

    def _create(self, query, body, org=None):
        owner = org or self.gh.user
        if org and org not in self.gh.orgs:
            return self._answer(404, _error("Not Found"))
        if f"{owner}/{body.get('name')}" in self.gh.repos:
            return self._answer(422, _error("Repository creation failed.", [EXISTS]))
        settings = {k: v for k, v in body.items() if k != "name"}
        self._answer(201, self.gh.create(owner, body["name"], **settings))

    def _repo(self, query, body, o, r):
        item = self.gh.repos.get(f"{o}/{r}")
        self._answer(200, item) if item else self._answer(404, _error("Not Found"))

    def _contents(self, query, body, o, r, path):
        try:
            data = self.gh.git(o, r, "cat-file", "blob", f"{query.get('ref', 'main')}:{path}")
        except (subprocess.CalledProcessError, FileNotFoundError):
            return self._answer(404, _error("Not Found"))
        if "raw" in self.headers.get("Accept", ""):
            return self._answer(200, raw=data.encode(), headers={"Content-Type": "text/plain"})
        self._answer(200, {"type": "file", "encoding": "base64", "path": path,
                           "name": path.rsplit("/", 1)[-1], "size": len(data),
                           "content": base64.b64encode(data.encode()).decode()})  # fmt: skip

    def _ref(self, query, body, o, r, branch):
        try:
            sha = self.gh.git(o, r, "rev-parse", "--verify", f"refs/heads/{branch}").strip()
        except subprocess.CalledProcessError:
            return self._answer(404, _error("Not Found"))
        self._answer(200, {"ref": f"refs/heads/{branch}", "object": {"sha": sha, "type": "commit"}})

    def _commit(self, query, body, o, r, sha):
        tree = self.gh.git(o, r, "rev-parse", f"{sha}^{{tree}}").strip()
        self._answer(200, {"sha": sha, "tree": {"sha": tree}})

    def _blob(self, query, body, o, r):
        content = body["content"]
        data = base64.b64decode(content) if body.get("encoding") == "base64" else content.encode()
        self._answer(201, {"sha": self.gh.git(o, r, "hash-object", "-w", "--stdin",
                                              data=data).strip()})  # fmt: skip

    def _new_tree(self, query, body, o, r):
        self._answer(201, {"sha": self.gh._tree(o, r, body.get("base_tree"), body["tree"])})

    def _new_commit(self, query, body, o, r):
        parents = [arg for p in body.get("parents", []) for arg in ("-p", p)]
        who = body.get("author") or {"name": "GitHub", "email": "noreply@github.com"}
        env = {f"GIT_{role}_{key.upper()}": who[key] for role in ("AUTHOR", "COMMITTER")
               for key in ("name", "email")}  # fmt: skip
        sha = _git(self.gh.bare(o, r), "commit-tree", body["tree"], *parents, "-m",
                   body["message"], env=env)  # fmt: skip
        self._answer(201, {"sha": sha.decode().strip()})

    def _new_ref(self, query, body, o, r):
        if self.gh.git(o, r, "for-each-ref", body["ref"]).strip():
            return self._answer(422, _error("Reference already exists"))
        self.gh.git(o, r, "update-ref", body["ref"], body["sha"])
        self._answer(201, {"ref": body["ref"], "object": {"sha": body["sha"]}})

    def _move_ref(self, query, body, o, r, branch):
        self.gh.git(o, r, "update-ref", f"refs/heads/{branch}", body["sha"])
        self._answer(200, {"ref": f"refs/heads/{branch}", "object": {"sha": body["sha"]}})

    def _new_pull(self, query, body, o, r):
        pulls = self.gh.pulls.setdefault(f"{o}/{r}", [])
        number = len(pulls) + 1
        pull = {"number": number, "html_url": f"{self.gh.url}/{o}/{r}/pull/{number}",
                "state": "open", "title": body["title"], "head": {"ref": body["head"]},
                "base": {"ref": body["base"]}}  # fmt: skip
        pulls.append(pull)
        self._answer(201, pull)

    def _list_pulls(self, query, body, o, r):
        head = query.get("head", "").partition(":")[2]
        pulls = self.gh.pulls.get(f"{o}/{r}", [])
        found = [p for p in pulls if not head or p["head"]["ref"] == head]
        self._paged(query, found, f"/repos/{o}/{r}/pulls")

    def _dispatch(self, query, body, o, r, workflow):
        if not body.get("return_run_details"):
            return self._answer(204)
        run = f"{o}/{r}/actions/runs/7"
        self._answer(200, {"workflow_run_id": 7, "run_url": f"{self.gh.api}/repos/{run}",
                           "html_url": f"{self.gh.url}/{run}"})  # fmt: skip

    def _hook(self, query, body, o, r):
        self._answer(201, {"id": 1, "type": "Repository", **body})

    def _ok(self, query, body, **_):
        self._answer(200, body)

    def _no_content(self, query, body, **_):
        self._answer(204)


_ROUTES = [
    *ORG_ROUTES,
    *OAUTH_ROUTES,
    (r"/users/(?P<owner>[^/]+)", ("GET", _Handler._user)),
    (r"/orgs/(?P<org>[^/]+)/repos", ("POST", _Handler._create)),
    (r"/user/repos", ("POST", _Handler._create)),
    (_REPO, ("GET", _Handler._repo)),
    (_REPO + r"/contents/(?P<path>.+)", ("GET", _Handler._contents)),
    (_REPO + r"/git/ref/heads/(?P<branch>.+)", ("GET", _Handler._ref)),
    (_REPO + r"/git/commits/(?P<sha>[0-9a-f]+)", ("GET", _Handler._commit)),
    (_REPO + r"/git/blobs", ("POST", _Handler._blob)),
    (_REPO + r"/git/trees", ("POST", _Handler._new_tree)),
    (_REPO + r"/git/commits", ("POST", _Handler._new_commit)),
    (_REPO + r"/git/refs", ("POST", _Handler._new_ref)),
    (_REPO + r"/git/refs/heads/(?P<branch>.+)", ("PATCH", _Handler._move_ref)),
    (_REPO + r"/pulls", ("POST", _Handler._new_pull)),
    (_REPO + r"/pulls", ("GET", _Handler._list_pulls)),
    (_REPO + r"/actions/workflows/(?P<workflow>[^/]+)/dispatches", ("POST", _Handler._dispatch)),
    (_REPO + r"/hooks", ("POST", _Handler._hook)),
    (_REPO + r"/pulls/\d+/requested_reviewers", ("POST", _Handler._ok)),
    (_REPO + r"/issues/\d+/assignees", ("POST", _Handler._ok)),
    (_REPO + r"/topics", ("PUT", _Handler._ok)),
    (_REPO + r"/collaborators/[^/]+", ("PUT", _Handler._no_content)),
    (r"/orgs/[^/]+/teams/[^/]+" + _REPO, ("PUT", _Handler._no_content)),
    (_REPO + r"/branches/[^/]+/protection", ("PUT", _Handler._ok)),
    (_REPO + r"/branches/[^/]+/protection/required_signatures", ("POST", _Handler._ok)),
    (_REPO + r"/actions/variables", ("POST", _Handler._ok)),
    (_REPO + r"/properties/values", ("PATCH", _Handler._no_content)),
    (_REPO + r"/subscription", ("PUT", _Handler._ok)),
]


@contextmanager
def github_standin(root: Path, **options: Any) -> Iterator[GitHubStandin]:
    """A started stand-in on 127.0.0.1 with its repositories under ``root``."""
    gh = GitHubStandin(root=root, **options)
    with serving(type("Handler", (_Handler,), {"gh": gh})) as gh.url:
        yield gh
