"""A GitHub organisation as catalog entities: teams become Groups, members Users.

The reader answers a ``github-org`` location with a YAML stream of those entities, so
the catalog's writer, stitcher and orphan rules treat them as any file's: a member who
leaves is gone from the next read, and their User follows the location's orphan rule.
The stream is built in a stable order, so an unchanged organisation (all answers
``304`` from the conditional requests) reads as the same bytes and writes nothing.

Shapes follow Backstage's GitHub org provider: a Group per team named after its slug,
``spec.type: team``, ``spec.parent`` from the parent team, annotation
``github.com/team-slug: <org>/<slug>``; a User per member named after the login, with
display name, email and avatar and annotation ``github.com/user-login``. GitHub's REST
API lists a team's members together with its child teams' members; a User is made a
member of the teams they belong to directly or through no child team (the groups they
are in transitively are the same either way).
"""

from __future__ import annotations

from typing import Any

import yaml

from catalog.readers.github.owner import owner_of
from catalog.readers.policy import ReadingPolicy, ReadResult

__all__ = ["read_org"]

API_VERSION = "backstage.io/v1alpha1"


def read_org(target: str, policy: ReadingPolicy) -> ReadResult:
    """Read the organisation at ``target`` (``https://<host>/<org>``) as entities."""
    owner = owner_of(target, policy)
    client, org = owner.client, owner.login
    teams = sorted(client.pages(f"orgs/{org}/teams"), key=lambda t: t["slug"])
    members = {t["slug"]: {m["login"] for m in client.pages(f"orgs/{org}/teams/{t['slug']}"
                                                            "/members")}
               for t in teams}  # fmt: skip
    children: dict[str, list[str]] = {t["slug"]: [] for t in teams}
    for team in teams:
        parent = (team.get("parent") or {}).get("slug")
        if parent in children:
            children[parent].append(team["slug"])
    direct = {slug: logins - set().union(*(members[c] for c in children[slug]))
              for slug, logins in members.items()}  # fmt: skip
    logins = sorted({m["login"] for m in client.pages(f"orgs/{org}/members")}, key=str.lower)
    users = [_user(client.json(f"users/{login}"), sorted(s for s in direct if login in direct[s]))
             for login in logins]  # fmt: skip
    groups = [_group(org, team, sorted(children[team["slug"]])) for team in teams]
    stream = yaml.safe_dump_all([*groups, *users], sort_keys=False, allow_unicode=True)
    return ReadResult(stream.encode(), owner.web_url)


def _group(org: str, team: dict[str, Any], children: list[str]) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": team["slug"]}
    if team.get("description"):
        metadata["description"] = team["description"]
    metadata["annotations"] = {"github.com/team-slug": f"{org}/{team['slug']}"}
    spec: dict[str, Any] = {"type": "team", "profile": {"displayName": team.get("name") or
                                                       team["slug"]}}  # fmt: skip
    parent = (team.get("parent") or {}).get("slug")
    if parent:
        spec["parent"] = parent
    spec["children"] = children
    return {"apiVersion": API_VERSION, "kind": "Group", "metadata": metadata, "spec": spec}


def _user(user: dict[str, Any], teams: list[str]) -> dict[str, Any]:
    profile = {key: user[field] for key, field in
               (("displayName", "name"), ("email", "email"), ("picture", "avatar_url"))
               if user.get(field)}  # fmt: skip
    metadata = {"name": user["login"],
                "annotations": {"github.com/user-login": user["login"]}}  # fmt: skip
    spec: dict[str, Any] = {"profile": profile} if profile else {}
    spec["memberOf"] = teams
    return {"apiVersion": API_VERSION, "kind": "User", "metadata": metadata, "spec": spec}
