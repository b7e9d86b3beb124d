"""The organisation side of the GitHub stand-in: teams, members, users, repository
lists and trees, GitHub App installation tokens, and what makes refreshes cheap on the
real GitHub: ``ETag``/``If-None-Match`` (a ``304`` does not count against the rate
limit) and the ``X-RateLimit-*`` headers, with a limit that can run out.

Shapes follow GitHub's REST reference: a team's members include its child teams'
members, lists are paginated with ``Link`` headers, an empty repository's tree is a
``409``.
"""

from __future__ import annotations

import hashlib
import secrets
import subprocess
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

RATE_LIMIT = 5000


@dataclass
class OrgData:
    """Teams (``slug`` -> name, description, parent slug, direct members), members and
    people of each organisation, and the GitHub Apps that may buy tokens."""

    teams: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    members: dict[str, list[str]] = field(default_factory=dict)
    people: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: App id -> (public key PEM, {owner login: installation id}).
    apps: dict[str, tuple[str, dict[str, int]]] = field(default_factory=dict)
    issued: dict[str, float] = field(default_factory=dict)
    rate_remaining: int = RATE_LIMIT
    #: Requests answered ``304``, and those that counted against the limit.
    not_modified: int = 0
    counted: int = 0

    def team(self, org: str, slug: str, members: list[str], parent: str | None = None,
             name: str = "", description: str = "") -> None:  # fmt: skip
        self.teams.setdefault(org, {})[slug] = {
            "name": name or slug.replace("-", " ").title(), "description": description,
            "parent": parent, "members": members}  # fmt: skip

    def person(self, org: str, login: str, name: str = "", email: str = "") -> None:
        self.members.setdefault(org, []).append(login)
        self.people[login] = {"name": name or None, "email": email or None}


def etag_of(data: bytes) -> str:
    return 'W/"' + hashlib.sha256(data).hexdigest()[:32] + '"'


class OrgRoutes:
    """Mixed into the stand-in's handler (``self.gh`` is the stand-in)."""

    gh: Any

    app_id: str | None = None

    def _app_authorized(self, auth: str) -> bool:
        """Whether ``Bearer <jwt>`` is signed by a known App (for ``/app/...``); the
        App is remembered for the route."""
        token = auth.removeprefix("Bearer ")
        try:
            app_id = str(jwt.decode(token, options={"verify_signature": False})["iss"])
            jwt.decode(token, self.gh.org.apps[app_id][0], algorithms=["RS256"])
        except (jwt.PyJWTError, KeyError):
            return False
        self.app_id = app_id
        return True

    def _token_issued(self, auth: str) -> bool:
        expires = self.gh.org.issued.get(auth.removeprefix("token ").removeprefix("Bearer "))
        return expires is not None and expires > time.time()

    def _rate_headers(self) -> dict[str, str]:
        left = self.gh.org.rate_remaining
        return {"X-RateLimit-Limit": str(RATE_LIMIT), "X-RateLimit-Remaining": str(left),
                "X-RateLimit-Used": str(RATE_LIMIT - left), "X-RateLimit-Resource": "core",
                "X-RateLimit-Reset": str(int(time.time()) + 3600)}  # fmt: skip

    def _paged(self, query: dict[str, str], items: list[Any], path: str) -> None:
        size = min(int(query.get("per_page", 30)), self.gh.page_size)
        page = int(query.get("page", 1))
        headers = {}
        if page * size < len(items):
            rest = "&".join(f"{k}={v}" for k, v in query.items() if k != "page")
            headers["Link"] = (f'<{self.gh.api}{path}?{rest}&page={page + 1}>; rel="next", '
                               f'<{self.gh.api}{path}?{rest}&page=1>; rel="first"')  # fmt: skip
        self._answer(200, items[(page - 1) * size : page * size], headers=headers)

    # Routes --------------------------------------------------------------------
    def _installations(self, query, body):
        installed = self.gh.org.apps[self.app_id][1]
        found = [{"id": number, "account": {"login": owner, "type": "Organization"},
                  "app_id": self.app_id} for owner, number in installed.items()]  # fmt: skip
        self._paged(query, found, "/app/installations")

    def _access_token(self, query, body, installation):
        if int(installation) not in self.gh.org.apps[self.app_id][1].values():
            return self._answer(404, {"message": "Not Found"})
        token = "ghs_" + secrets.token_hex(18)
        expires = datetime.now(UTC) + timedelta(hours=1)
        self.gh.org.issued[token] = expires.timestamp()
        self._answer(201, {"token": token, "expires_at": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
                           "permissions": {"members": "read", "contents": "read"}})  # fmt: skip

    def _teams(self, query, body, org):
        teams = self.gh.org.teams.get(org, {})
        items = [self._team_object(org, slug, teams) for slug in sorted(teams)]
        self._paged(query, items, f"/orgs/{org}/teams")

    def _team_object(self, org: str, slug: str, teams: dict[str, Any]) -> dict[str, Any]:
        team = teams[slug]
        parent = team["parent"]
        return {"id": abs(hash((org, slug))) % 10**6, "slug": slug, "name": team["name"],
                "description": team["description"] or None, "privacy": "closed",
                "html_url": f"{self.gh.url}/orgs/{org}/teams/{slug}",
                "parent": self._team_object(org, parent, teams) | {"parent": None}
                if parent else None}  # fmt: skip

    def _team_members(self, query, body, org, slug):
        teams = self.gh.org.teams.get(org, {})
        if slug not in teams:
            return self._answer(404, {"message": "Not Found"})
        logins: list[str] = []
        pending = [slug]
        while pending:  # the team and, as GitHub lists them, its child teams' members
            current = pending.pop()
            logins += [m for m in teams[current]["members"] if m not in logins]
            pending += [s for s, t in teams.items() if t["parent"] == current]
        self._paged(query, [self._user_object(login) for login in logins],
                    f"/orgs/{org}/teams/{slug}/members")  # fmt: skip

    def _org_members(self, query, body, org):
        logins = self.gh.org.members.get(org, [])
        self._paged(query, [self._user_object(login) for login in logins], f"/orgs/{org}/members")

    def _user_object(self, login: str) -> dict[str, Any]:
        return {"login": login, "id": abs(hash(login)) % 10**6, "type": "User",
                "avatar_url": f"{self.gh.url}/avatars/{login}.png",
                "html_url": f"{self.gh.url}/{login}"}  # fmt: skip

    def _owner_repos(self, query, body, owner):
        repos = [self._repo_object(item) for name, item in sorted(self.gh.repos.items())
                 if name.split("/")[0] == owner]  # fmt: skip
        kind = "orgs" if owner in self.gh.orgs else "users"
        self._paged(query, repos, f"/{kind}/{owner}/repos")

    def _repo_object(self, item: dict[str, Any]) -> dict[str, Any]:
        visibility = item.get("visibility") or ("private" if item.get("private") else "public")
        return {"archived": False, "fork": False, "topics": [], **item,
                "visibility": visibility, "private": visibility != "public",
                "pushed_at": self._pushed_at(item["full_name"])}  # fmt: skip

    def _pushed_at(self, full_name: str) -> str:
        """When a ref of the repository last moved (finer than GitHub's seconds, as
        tests push within one second)."""
        bare = self.gh.bare(*full_name.split("/"))
        stamps = [p.stat().st_mtime_ns for p in (bare / "refs").rglob("*")]
        stamps.append((bare / "packed-refs").stat().st_mtime_ns
                      if (bare / "packed-refs").exists() else 0)  # fmt: skip
        moment = datetime.fromtimestamp(max(stamps) / 1e9, UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def _tree(self, query, body, o, r, branch):
        if f"{o}/{r}" not in self.gh.repos:
            return self._answer(404, {"message": "Not Found"})
        if not self.gh.git(o, r, "for-each-ref", "refs/heads").strip():
            return self._answer(409, {"message": "Git Repository is empty."})
        try:
            listing = self.gh.git(o, r, "ls-tree", "-r", "-t", "--full-tree", branch)
        except subprocess.CalledProcessError:
            return self._answer(404, {"message": "Not Found"})
        tree = []
        for line in listing.splitlines():
            meta, path = line.split("\t", 1)
            mode, kind, sha = meta.split()
            tree.append({"path": path, "mode": mode, "type": kind, "sha": sha})
        self._answer(200, {"sha": branch, "tree": tree, "truncated": False})


ORG_ROUTES = [
    (r"/app/installations", ("GET", OrgRoutes._installations)),
    (r"/app/installations/(?P<installation>\d+)/access_tokens", ("POST", OrgRoutes._access_token)),
    (r"/orgs/(?P<org>[^/]+)/teams", ("GET", OrgRoutes._teams)),
    (r"/orgs/(?P<org>[^/]+)/teams/(?P<slug>[^/]+)/members", ("GET", OrgRoutes._team_members)),
    (r"/orgs/(?P<org>[^/]+)/members", ("GET", OrgRoutes._org_members)),
    (r"/orgs/(?P<owner>[^/]+)/repos", ("GET", OrgRoutes._owner_repos)),
    (r"/users/(?P<owner>[^/]+)/repos", ("GET", OrgRoutes._owner_repos)),
    (r"/repos/(?P<o>[^/]+)/(?P<r>[^/]+)/git/trees/(?P<branch>.+)", ("GET", OrgRoutes._tree)),
]
