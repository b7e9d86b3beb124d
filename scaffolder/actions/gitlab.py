"""GitLab actions (``publish:gitlab``, ``publish:gitlab:merge-request``) with
Backstage's schemas and semantics (``scaffolder-backend-module-gitlab``).

Neither supports a dry run in Backstage, so a dry run skips both and fakes their
outputs from the schema. A real run calls the REST API of the GitLab integration the
``repoUrl`` names (``host?owner=group/sub&repo=name``, or ``host?project=<id>``), with
the template's ``token`` if it gives one, else the integration's; a host with no
GitLab integration is refused, so no token goes to a host app-config does not name.

Names are held to GitLab's path rules before any request, and every path is
URL-encoded into one API path segment. Side effects that must not happen twice (the
project, the push, the branch, the commit, the merge request) are checkpoints, so a
retried task reuses what an earlier attempt made. The workspace is walked, committed
and pushed with ``publish:git``'s hardened pieces (``.git`` skipped, ``.gitignore``
honoured, no hooks or filters, the token only in git's environment); GitLab wants the
basic-auth user ``oauth2`` for OAuth tokens (and takes any for other tokens), so
that is the user the push sends.
"""

from __future__ import annotations

import base64
import posixpath
import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from scaffolder.actions import publish_git
from scaffolder.actions.base import ActionContext, backstage_action
from scaffolder.actions.gitlab_api import Call, GitLab
from scaffolder.errors import ConflictError, InputError, StepError
from scaffolder.git_cli import Git
from scaffolder.integrations import gitlab_token_for, known_integrations
from scaffolder.workspace import child_path

__all__ = ["ACTIONS"]

#: One segment of a GitLab namespace or project path (GitLab's own rule).
_SEGMENT = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_.-]*")
#: Inputs of Backstage's publish:gitlab that need more than the REST calls made here.
_UNSUPPORTED = ("signCommit", "setUserAsOwner", "ownerUsername", "branches", "projectVariables")
#: What GitLab says when a commit action does not fit the branch's files.
_COMMIT_FIX = "use commitAction auto (create or update each file as needed)"


@dataclass(frozen=True)
class _Target:
    """A checked ``repoUrl``: its host, and the project as the API names it (a full
    path ``group/sub/name``, or a numeric id), with owner and repo when given."""

    host: str
    project: str
    owner: str = ""
    repo: str = ""

    @property
    def api_path(self) -> str:
        return f"/projects/{quote(self.project, safe='')}"


def _segments_ok(path: str) -> bool:
    return all(_SEGMENT.fullmatch(part) and part not in (".", "..") for part in path.split("/"))


def _target(repo_url: str) -> _Target:
    """Parse ``repoUrl`` as ``parseRepoUrl`` does for GitLab (``owner`` and ``repo``
    unless ``project`` is given), holding every name to GitLab's path rules."""
    try:
        parts = urlsplit("https://" + repo_url)
        host = (parts.hostname or "") + (f":{parts.port}" if parts.port else "")
    except ValueError:
        raise InputError(f"Invalid repo URL passed to publisher, got {repo_url}") from None
    query = {key: values[0].strip("/") for key, values in parse_qs(parts.query).items()}
    if {"host": host, "type": "gitlab"} not in known_integrations():
        raise InputError(f"No matching integration configuration for host {host}, please "
                         "check your integrations config (integrations.gitlab in "
                         "app-config)")  # fmt: skip
    owner, repo, project = query.get("owner", ""), query.get("repo", ""), query.get("project")
    if project:
        if not project.isdigit() and not _segments_ok(project):
            raise InputError(f"Invalid project {project!r} in repoUrl: give its id or full path")
        return _Target(host, project, owner, repo)
    if not owner or not repo:
        raise InputError(f"Invalid repo URL passed to publisher: https://{repo_url}, missing "
                         f"{'owner' if not owner else 'repo'}")  # fmt: skip
    for what, name in (("owner", owner), ("repo", repo)):
        if (what == "repo" and "/" in name) or not _segments_ok(name):
            raise InputError(f"Invalid {what} {name!r} in repoUrl: GitLab paths use only "
                             "letters, digits, '_', '-' and '.' (groups separated by "
                             "'/')")  # fmt: skip
    return _Target(host, f"{owner}/{repo}", owner, repo)


def _client(ctx: ActionContext) -> tuple[GitLab, _Target, str]:
    target = _target(ctx.input["repoUrl"])
    token = ctx.input.get("token") or gitlab_token_for(target.host)
    if not token:
        raise InputError(
            f"No token available for host: {target.host}. Give the action a token input "
            f"(from secrets), or set integrations.gitlab[].token for {target.host} in "
            "app-config"
        )
    return GitLab(target.host, token), target, token


def _files_git(ctx: ActionContext) -> Git:
    """A private repository to hash the workspace's files in (no remote)."""
    git = Git(ctx.temporary_directory(), "file", ctx.stop)
    git(["init", "--quiet", "--template="])
    return git


# publish:gitlab:merge-request --------------------------------------------------------
def _files(ctx: ActionContext) -> list[tuple[str, bytes, bool]]:
    """(path in the repository, content, executable) of every file below
    ``sourcePath`` (else ``targetPath``, as Backstage falls back, else the workspace),
    placed under ``targetPath``: the files ``publish:git`` would commit."""
    get = ctx.input.get
    stand_in = "targetPath (which stands in for an absent sourcePath)"
    source = publish_git.workspace_directory(ctx, get("sourcePath") or get("targetPath"),
                                             "sourcePath" if get("sourcePath") else stand_in)
    target = get("targetPath") or "."
    child_path(ctx.workspace, target)  # the same containment rule for the repository side
    git = _files_git(ctx)
    entries = publish_git.tree_entries(git, source)
    files = [(mode, sha, name) for mode, sha, name in entries if mode != "120000"]
    for _, _, name in sorted(set(entries) - set(files)):
        ctx.log(f"Skipping the symlink {name}: GitLab's commit API cannot create symlinks")
    batch = git(["cat-file", "--batch"], stdin="".join(f"{sha}\n" for _, sha, _ in files).encode())
    found, offset = [], 0
    for mode, _, name in files:
        header_end = batch.index(b"\n", offset)
        size = int(batch[offset:header_end].split()[2])
        content = batch[header_end + 1 : header_end + 1 + size]
        offset = header_end + 2 + size
        found.append((posixpath.normpath(posixpath.join(target, name)), content, mode == "100755"))
    return found


def _commit_actions(ctx: ActionContext, gl: GitLab, project: dict, ref: str) -> list[dict]:
    """The commit API's actions for the files, by ``commitAction``: ``auto`` (the
    default) creates absent files and updates present ones, ``skip`` creates only the
    absent ones, ``create``/``update``/``delete`` apply to every file."""
    chosen = ctx.input.get("commitAction") or "auto"
    actions = []
    for path, content, executable in _files(ctx):
        action = chosen
        if chosen in ("auto", "skip"):
            call = Call(f"read the files of {project['path_with_namespace']}", "Reporter")
            files = f"/projects/{project['id']}/repository/files/{quote(path, safe='')}"
            present = gl.request("GET", files, call,
                                 params={"ref": ref}, missing_ok=True) is not None  # fmt: skip
            action = ("update" if present else "create") if chosen == "auto" else (
                "skip" if present else "create")  # fmt: skip
        if action == "skip":
            ctx.log(f"Skipping {path}: it exists on {ref}")
            continue
        item: dict[str, Any] = {"action": action, "file_path": path}
        if action != "delete":
            item |= {"content": base64.b64encode(content).decode(), "encoding": "base64",
                     "execute_filemode": executable}  # fmt: skip
        actions.append(item)
    return actions


def _user_id(ctx: ActionContext, gl: GitLab, username: str, what: str) -> int | None:
    """The id of the GitLab user ``username``; an unknown one is a warning, not a
    failure, as in Backstage: the merge request is still worth opening."""
    try:
        users = gl.request("GET", "/users", Call(f"look up the user {username}", "Reporter"),
                           params={"username": username})  # fmt: skip
        if users:
            return int(users[0]["id"])
        reason = "no such user"
    except StepError as exc:
        reason = str(exc)
    ctx.log(f"Warning: Failed to find gitlab user id for {username}: {reason}. Proceeding with "
            f"MR creation without {what}.")  # fmt: skip
    return None


def _open_merge_request(ctx: ActionContext, gl: GitLab, target: _Target) -> dict[str, Any]:
    get = ctx.input.get
    read = Call(f"read the project {target.project}", "Reporter", f"project {target.project}")
    project = gl.request("GET", target.api_path, read)
    base, path = f"/projects/{project['id']}", project["path_with_namespace"]
    branch = publish_git.checked_branch(get("branchName"))
    into = get("targetBranchName") or project.get("default_branch") or "main"
    assignee = _user_id(ctx, gl, get("assignee"), "an assignee") if get("assignee") else None
    reviewers = [found for name in get("reviewers") or []
                 if (found := _user_id(ctx, gl, name, "reviewer")) is not None]  # fmt: skip
    actions = _commit_actions(ctx, gl, project, into)
    write = Call(f"push branches to {path}", "Developer", f"a branch {branch} in {path}",
                 "choose another branchName, or delete that branch",
                 f"check that targetBranchName {into!r} is a branch of {path}")  # fmt: skip
    ctx.checkpoint("branch", lambda: gl.request("POST", f"{base}/repository/branches", write,
                                                {"branch": branch, "ref": into}))  # fmt: skip
    if actions:
        commit = Call(f"commit to {branch} of {path}", "Developer",
                      f"a file the template writes in {path}", taken=_COMMIT_FIX,
                      change=_COMMIT_FIX)  # fmt: skip
        body = {"branch": branch, "commit_message": get("title"), "actions": actions}
        ctx.checkpoint("commit", lambda: gl.request(
            "POST", f"{base}/repository/commits", commit, body)["id"])  # fmt: skip
    else:
        ctx.log(f"No changes to commit to {branch}")
    labels = get("labels")
    request: dict[str, Any] = {
        "source_branch": branch, "target_branch": into, "title": get("title"),
        "description": get("description") or "",
        "remove_source_branch": bool(get("removeSourceBranch")),
        **({"assignee_id": assignee} if assignee is not None else {}),
        **({"reviewer_ids": reviewers} if reviewers else {}),
        **({"labels": ",".join(labels) if isinstance(labels, list) else labels} if labels else {}),
    }  # fmt: skip
    opening = Call(f"open merge requests in {path}", "Developer",
                   f"a merge request from {branch}", "choose another branchName")  # fmt: skip
    merge = gl.request("POST", f"{base}/merge_requests", opening, request)
    if get("autoMerge"):
        auto = Call(f"set auto-merge on {merge['web_url']}", "Developer")
        when_green = {"merge_when_pipeline_succeeds": True,
                      "should_remove_source_branch": request["remove_source_branch"]}  # fmt: skip
        try:
            gl.request("PUT", f"{base}/merge_requests/{merge['iid']}/merge", auto, when_green)
        except StepError as exc:
            ctx.log(f"Warning: auto-merge was not set: {exc}")
    ctx.log(f"Created the merge request {merge['web_url']}")
    return {"mergeRequestUrl": merge["web_url"], "projectid": target.project,
            "projectPath": path, "targetBranchName": into}  # fmt: skip


def _merge_request(ctx: ActionContext) -> None:
    if ctx.input.get("assignReviewersFromApprovalRules"):
        raise InputError("publish:gitlab:merge-request cannot assign reviewers from approval "
                         "rules yet; remove assignReviewersFromApprovalRules and list "
                         "reviewers instead")  # fmt: skip
    gl, target, _ = _client(ctx)
    with gl:
        outputs = ctx.checkpoint("merge-request", lambda: _open_merge_request(ctx, gl, target))
    for name, value in outputs.items():
        ctx.output(name, value)


# publish:gitlab ----------------------------------------------------------------------
def _create_project(ctx: ActionContext, gl: GitLab, target: _Target) -> dict[str, Any]:
    """Create ``owner/repo`` in the namespace ``owner`` (a group, subgroup or user). On
    a retry of an attempt that got as far as asking, an existing project is taken to
    be that attempt's and adopted."""
    fresh = f"{time.time_ns()}"
    earlier = ctx.checkpoint("create-project-started", lambda: fresh) != fresh
    owner, repo = target.owner, target.repo
    lookup = Call(f"look up the namespace {owner}", "Reporter", f"namespace {owner}")
    namespace = gl.request("GET", f"/namespaces/{quote(owner, safe='')}", lookup)
    body: dict[str, Any] = {"namespace_id": namespace["id"], "name": repo, "path": repo,
                            "visibility": ctx.input.get("repoVisibility") or "private"}  # fmt: skip
    if ctx.input.get("topics"):
        body["topics"] = list(ctx.input["topics"])
    body |= ctx.input.get("settings") or {}
    kind = "group" if namespace.get("kind") == "group" else "the user namespace"
    call = Call(f"create projects in {kind} {owner}", "Developer/Maintainer",
                f"a project {owner}/{repo}", taken="choose another repo name, delete that "
                "project, or set skipExisting to reuse it")  # fmt: skip
    try:
        created = gl.request("POST", "/projects", call, body)
    except ConflictError:
        if not earlier:
            raise
        ctx.log(f"{owner}/{repo} exists from an earlier attempt of this task; reusing it")
        created = gl.request("GET", target.api_path, call)
    return {key: created[key] for key in ("id", "web_url", "http_url_to_repo",
                                          "path_with_namespace")}  # fmt: skip


def _push(ctx: ActionContext, clone_url: str, branch: str, token: str) -> str | None:
    """Push ``sourcePath`` with the publishers' shared push as ``oauth2`` (what GitLab
    wants for OAuth tokens and accepts for others); the commit, or None if the task
    was cancelled. Only an http(s) ``clone_url`` is pushed to."""
    if urlsplit(clone_url).scheme not in ("https", "http"):
        raise StepError(f"GitLab answered an unexpected clone URL {clone_url!r}; not pushing")
    given = ctx.input.get("sourcePath")
    source = publish_git.workspace_directory(ctx, "." if given is True else given)
    return publish_git.push_workspace(ctx, clone_url, branch, source, token, username="oauth2")


def _publish(ctx: ActionContext) -> None:
    for name in _UNSUPPORTED:
        if ctx.input.get(name):
            raise InputError(f"publish:gitlab cannot set {name} yet; remove the {name} input "
                             "and set it on the project by hand")  # fmt: skip
    gl, target, token = _client(ctx)
    if not target.owner or not target.repo:
        raise InputError("publish:gitlab needs repoUrl with owner and repo (the namespace and "
                         "the new project's path), not a project id")  # fmt: skip
    branch = publish_git.checked_branch(ctx.input.get("defaultBranch") or "master")
    with gl:
        read = Call(f"read the project {target.project}", "Reporter")
        existing = (gl.request("GET", target.api_path, read, missing_ok=True)
                    if ctx.input.get("skipExisting") else None)  # fmt: skip
        if existing:
            ctx.log(f"Project {target.repo} already exists in namespace {target.owner}, "
                    "skipping creation")  # fmt: skip
            _outputs(ctx, existing["web_url"], branch, existing["id"], created=False)
            return
        project = ctx.checkpoint("create-project", lambda: _create_project(ctx, gl, target))
    web = project["web_url"]
    ctx.log(f"Project {project['path_with_namespace']} is at {web}")
    if ctx.input.get("sourcePath") is not False:
        try:
            sha = _push(ctx, project["http_url_to_repo"], branch, token)
        except StepError as exc:
            raise type(exc)(f"The project {target.project} was created at {web}, but pushing "
                            f"the workspace failed: {exc}. A retry of this task reuses the "
                            "project") from None  # fmt: skip
        if sha is None:
            return
        ctx.output("commitHash", sha)
    _outputs(ctx, web, branch, project["id"], created=True)


def _outputs(ctx: ActionContext, web_url: str, branch: str, project_id: int,
             created: bool) -> None:  # fmt: skip
    ctx.output("remoteUrl", web_url)
    ctx.output("repoContentsUrl", f"{web_url}/-/blob/{branch}")
    ctx.output("projectId", project_id)
    ctx.output("created", created)


ACTIONS = [
    backstage_action("publish:gitlab", _publish),
    backstage_action("publish:gitlab:merge-request", _merge_request),
]
