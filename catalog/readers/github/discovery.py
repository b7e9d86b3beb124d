"""Repositories of a GitHub organisation (or user) with catalog files, as Locations.

The reader answers a ``github-discovery`` location with a YAML stream of ``kind:
Location`` entities, one per repository that passes the filters and has files at the
catalog path, each pointing (``type: url``) at those files' ``/blob/`` URLs, which the
catalog then reads as any URL location. Backstage's GitHub provider does the same.

Each repository's file tree is read (``git/trees/<branch>?recursive=1``) to find the
catalog files, so the path may be a glob (``**/catalog-info.yaml`` for monorepos); a
repository not pushed to since the last read is not asked again. Every repository
seen is also reported as a ``Finding`` (catalogued, without catalog file, or excluded
and why): those without a file are what catalog coverage is measured against.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import yaml
from wcmatch import glob

from catalog.model.errors import ReadError
from catalog.model.refs import generated_location_name
from catalog.readers.github.client import GitHubClient
from catalog.readers.github.owner import owner_of
from catalog.readers.policy import ReadingPolicy, ReadResult

__all__ = ["DiscoveryOptions", "Finding", "read_discovery"]

_GLOB = glob.GLOBSTAR | glob.DOTGLOB | glob.BRACE
_GLOB_CHARS = re.compile(r"[*?\[{]")


@dataclass(frozen=True)
class DiscoveryOptions:
    """What to look for, as in Backstage's ``catalog.providers.github.<id>``."""

    catalog_path: str = "/catalog-info.yaml"
    #: Regular expression the repository name must match as a whole; "" = any.
    repository: str = ""
    #: Branch to read; "" = each repository's default branch.
    branch: str = ""
    topics_include: tuple[str, ...] = ()
    topics_exclude: tuple[str, ...] = ()
    #: ``public``, ``private``, ``internal``; empty = all.
    visibility: tuple[str, ...] = ()
    allow_forks: bool = True

    def exclusion(self, repo: dict[str, Any]) -> str:
        """Why the filters leave ``repo`` out, or "" when they keep it."""
        topics = {t.lower() for t in repo.get("topics") or []}
        checks = (
            (repo.get("archived"), "archived"),
            (repo.get("fork") and not self.allow_forks, "a fork"),
            (self.repository and not re.fullmatch(self.repository, repo["name"]),
             "name does not match filters.repository"),
            (self.visibility and _visibility(repo) not in self.visibility,
             f"visibility {_visibility(repo)} is not in filters.visibility"),
            (self.topics_include and not topics & {t.lower() for t in self.topics_include},
             "no topic of filters.topic.include"),
            (topics & {t.lower() for t in self.topics_exclude}, "a topic of filters.topic.exclude"),
        )  # fmt: skip
        return next((reason for failed, reason in checks if failed), "")


@dataclass(frozen=True)
class Finding:
    """One repository the discovery saw, and what became of it."""

    full_name: str
    url: str
    #: ``cataloged``, ``no-catalog-file`` or ``excluded``.
    status: str
    reason: str = ""
    catalog_files: tuple[str, ...] = field(default=())
    archived: bool = False
    visibility: str = "public"


def read_discovery(target: str, policy: ReadingPolicy) -> ReadResult:
    """Discover the repositories of ``target`` (``https://<host>/<owner>``)."""
    options = policy.options_for("github-discovery", target) or DiscoveryOptions()
    owner = owner_of(target, policy)
    client, login = owner.client, owner.login
    kind = client.json(f"users/{login}").get("type")
    listing = f"orgs/{login}/repos" if kind == "Organization" else f"users/{login}/repos"
    repos = sorted(client.pages(listing, {"type": "all"}), key=lambda r: r["name"].lower())
    findings, locations = [], []
    for repo in repos:
        finding = _examine(client, repo, options)
        findings.append(finding)
        if finding.catalog_files:
            locations.append(_location(repo, finding))
    stream = yaml.safe_dump_all(locations, sort_keys=False) if locations else ""
    return ReadResult(stream.encode(), owner.web_url, findings=tuple(findings))


def _examine(client: GitHubClient, repo: dict[str, Any], options: DiscoveryOptions) -> Finding:
    base = {"full_name": repo["full_name"], "url": repo["html_url"],
            "archived": bool(repo.get("archived")), "visibility": _visibility(repo)}  # fmt: skip
    reason = options.exclusion(repo)
    if reason:
        return Finding(status="excluded", reason=reason, **base)
    branch = options.branch or repo.get("default_branch") or "main"
    files = _catalog_files(client, repo, branch, options.catalog_path.lstrip("/"))
    if not files:
        return Finding(status="no-catalog-file", reason=f"no {options.catalog_path} on {branch}",
                       **base)  # fmt: skip
    urls = tuple(f"{repo['html_url']}/blob/{quote(branch)}/{quote(path)}" for path in files)
    return Finding(status="cataloged", catalog_files=urls, **base)


def _catalog_files(client: GitHubClient, repo: dict[str, Any], branch: str,
                   pattern: str) -> list[str]:  # fmt: skip
    """The paths of ``repo`` at ``branch`` that match ``pattern``, sorted."""
    version = f"{repo.get('pushed_at')}|{branch}"
    answer = client.remembered(f"repos/{repo['full_name']}/git/trees/{quote(branch, safe='')}",
                               {"recursive": "1"}, version)  # fmt: skip
    if answer.status in (404, 409):  # no such branch; an empty repository
        return []
    tree = client.checked(answer).json()
    if tree.get("truncated") and _GLOB_CHARS.search(pattern):
        raise ReadError(f"{repo['full_name']}: the repository is too large to search for "
                        f"{pattern}; use a catalogPath without wildcards")  # fmt: skip
    if tree.get("truncated"):
        found = client.get(f"repos/{repo['full_name']}/contents/{quote(pattern)}",
                           {"ref": branch})  # fmt: skip
        return [pattern] if found.status == 200 else []
    return sorted(item["path"] for item in tree.get("tree", [])
                  if item.get("type") == "blob" and glob.globmatch(item["path"], pattern,
                                                                   flags=_GLOB))  # fmt: skip


def _location(repo: dict[str, Any], finding: Finding) -> dict[str, Any]:
    targets = list(finding.catalog_files)
    spec: dict[str, Any] = {"type": "url"}
    if len(targets) == 1:
        spec["target"] = targets[0]
    else:
        spec["targets"] = targets
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Location",
        "metadata": {"name": generated_location_name("url", targets[0]),
                     "annotations": {"github.com/project-slug": repo["full_name"]}},
        "spec": spec,
    }  # fmt: skip


def _visibility(repo: dict[str, Any]) -> str:
    return str(repo.get("visibility") or ("private" if repo.get("private") else "public"))
