"""A child portal that runs golden paths end to end: every vendored golden-path
template (three of Backstage's, the guide's seed golden path, Greenroom's demo
templates) registered in its catalog with a small org (a group and a system), a real
Celery worker, and stand-in GitHub, GitLab and Argo CD servers in this process that
the templates publish and deploy to.

The stand-in GitHub answers for ``github.com`` (the host the templates name), so its
integration points ``github.com`` at the stand-in's API; the stand-in's own address is
a second integration so the catalog reads the pushed ``catalog-info.yaml`` through the
contents API, as it reads any GitHub URL. The stand-in GitLab answers for
``gitlab.com`` the same way.
"""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from tests.support.argocd_standin import ArgoCDStandin, argocd_standin
from tests.support.github_standin import TOKEN as GITHUB_TOKEN
from tests.support.github_standin import GitHubStandin, github_standin
from tests.support.gitlab_standin import TOKEN as GITLAB_TOKEN
from tests.support.gitlab_standin import GitLabStandin, gitlab_standin
from tests.support.portal_process import PROJECT_DIR, celery_worker, manage, portal_env, web_server

GOLDEN = PROJECT_DIR / "tests" / "scaffolder" / "golden_paths"
DEMO_TEMPLATES = PROJECT_DIR / "catalog" / "demo" / "greenroom" / "templates"
API_TOKEN = "golden-path-static-token-for-the-task-api"
TASK_TIMEOUT = 120
ORG = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: platform-team}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata: {name: commerce}
spec: {owner: group:default/platform-team}
"""


@dataclass
class Portal:
    url: str
    gh: GitHubStandin
    gl: GitLabStandin
    argo: ArgoCDStandin
    git_root: Path
    worker_output: list[str]

    def api(self, method: str, path: str, body: Any = None) -> httpx.Response:
        return httpx.request(method, f"{self.url}{path}", json=body, timeout=30,
                             headers={"Authorization": f"Bearer {API_TOKEN}"})  # fmt: skip

    def run(self, template: str, values: dict[str, Any],
            secrets: dict[str, str] | None = None) -> dict[str, Any]:  # fmt: skip
        """Create a task of ``template`` and wait for it to end (``wait``)."""
        created = self.api("POST", "/api/scaffolder/v2/tasks", {
            "templateRef": template, "values": values, "secrets": secrets or {}})  # fmt: skip
        assert created.status_code == 201, created.text
        return self.wait(created.json()["id"])

    def wait(self, task_id: str) -> dict[str, Any]:
        """The task once it has ended, with its log messages as ``messages`` and its
        completion event's body as ``completion``."""
        deadline = time.monotonic() + TASK_TIMEOUT
        while (task := self.api("GET", f"/api/scaffolder/v2/tasks/{task_id}").json())[
                "status"] in ("open", "processing"):  # fmt: skip
            assert time.monotonic() < deadline, f"task still {task['status']}"
            time.sleep(0.2)
        events = self.api("GET", f"/api/scaffolder/v2/tasks/{task_id}/events").json()
        task["messages"] = [event["body"].get("message", "") for event in events]
        task["completion"] = [event["body"] for event in events
                              if event["type"] == "completion"][-1]  # fmt: skip
        return task

    def entity(self, kind: str, name: str) -> dict[str, Any]:
        answer = self.api("GET", f"/api/catalog/entities/by-name/{kind}/default/{name}")
        assert answer.status_code == 200, answer.text
        return answer.json()

    def pushed(self, owner: str, repo: str, ref: str = "main") -> dict[str, str]:
        """path -> mode of every file on ``ref`` of the stand-in's ``owner/repo``."""
        return tree(self.gh.bare(owner, repo), ref)


def tree(bare: Path, ref: str) -> dict[str, str]:
    """path -> mode of every file on ``ref`` of the bare repository ``bare``."""
    listing = subprocess.run(["git", "-C", str(bare), "ls-tree", "-r", ref], check=True,
                             capture_output=True, text=True).stdout  # fmt: skip
    return {line.split("\t", 1)[1]: line.split()[0] for line in listing.splitlines()}


def database_url(postgres, root: Path) -> str:
    """A fresh database on the session's PostgreSQL, or a SQLite file under ``root``."""
    if postgres is None:
        return f"sqlite:///{root / 'portal.sqlite3'}"
    return postgres.create_database(f"golden_{uuid.uuid4().hex[:12]}")


def golden_config(root: Path, gh: GitHubStandin, gl: GitLabStandin,
                  argo: ArgoCDStandin) -> dict[str, Any]:  # fmt: skip
    """The portal's app-config: the org and every golden-path template in its catalog,
    the stand-ins as its integrations, ``root/work`` and ``root/git`` for its tasks."""
    catalog = root / "catalog"
    catalog.mkdir()
    (catalog / "org.yaml").write_text(ORG)
    templates = [GOLDEN / "seed-golden-path" / "template.yaml",
                 *sorted((GOLDEN / "backstage-templates").glob("*/template.yaml")),
                 *sorted(DEMO_TEMPLATES.glob("*/template.yaml"))]  # fmt: skip
    base = {
        "app": {"title": "Golden paths", "baseUrl": "http://127.0.0.1"},
        "backend": {"workingDirectory": str(root / "work"),
                    "auth": {"externalAccess": [
                        {"type": "static", "options": {"token": API_TOKEN, "subject": "ci"}}]}},
        "catalog": {"readableDirectories": [str(GOLDEN), str(DEMO_TEMPLATES), str(catalog)],
                    "processingInterval": False,
                    "locations": [{"type": "file", "target": str(path)}
                                  for path in [catalog / "org.yaml", *templates]]},
        "scaffolder": {"git": {"localRoot": str(root / "git")}},
    }  # fmt: skip
    config = argo.app_config(gl.app_config(gh.app_config(base)))
    api = {"apiBaseUrl": gh.api, "token": GITHUB_TOKEN}
    config["integrations"]["github"] = [{"host": "github.com", **api}, {"host": gh.host, **api}]
    config["integrations"]["gitlab"] = [{"host": "gitlab.com", "apiBaseUrl": gl.api,
                                         "token": GITLAB_TOKEN}]  # fmt: skip
    return config


@contextmanager
def golden_portal(root: Path, postgres=None, **env: str) -> Iterator[Portal]:
    """A migrated child portal under ``root`` with every golden-path template
    registered, its web server and a worker, and the stand-ins it publishes and
    deploys to. ``env`` adds to the portal's environment; with
    ``GREENROOM_ADMIN_PASSWORD`` it also gets that admin and its static files
    collected, for a browser."""
    (root / "work").mkdir()
    with github_standin(root / "github") as gh, gitlab_standin(root / "gitlab") as gl, \
            argocd_standin() as argo:  # fmt: skip
        path = root / "app-config.yaml"
        path.write_text(yaml.safe_dump(golden_config(root, gh, gl, argo)))
        child = portal_env(root / "var", DATABASE_URL=database_url(postgres, root),
                           GREENROOM_CONFIG=str(path), **env)  # fmt: skip
        commands = [("migrate", "--noinput"), ("catalog", "refresh", "--pending")]
        if "GREENROOM_ADMIN_PASSWORD" in env:
            commands[1:1] = [("ensure_admin",), ("collectstatic", "--noinput")]
        for args in commands:
            done = manage(*args, env=child)
            assert done.returncode == 0, done.stderr
        with celery_worker(child) as output, web_server(child) as url:
            yield Portal(url, gh, gl, argo, root / "git", output)
