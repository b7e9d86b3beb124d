"""GitHub actions (``publish:github``, ``publish:github:pull-request``,
``github:actions:dispatch``, ``github:webhook``) with Backstage's schemas.

Their schemas are registered so templates validate and dry-run exactly as in
Backstage: a dry run skips ``publish:github`` and ``github:actions:dispatch`` and
fakes their outputs, while the pull request and webhook actions run their own dry-run
branch (they need a token first, as in Backstage).

A real run calls the REST API of the integration the ``repoUrl`` names, with the
template's ``token`` if it gives one, else the integration's; a user's token that
GitHub refuses is never swapped for the integration's (security F5). Owner and
repository names are checked strictly before any request (F4). Side effects that
must not happen twice (the repository, the push, the pull request, the webhook) are
checkpoints, so a retried task reuses what an earlier attempt created (F7). The
workspace is pushed by ``publish:git``'s hardened publisher, which keeps the token
out of URLs, argv and logs (F6).
"""

from __future__ import annotations

import base64
import os
import re
import stat
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from scaffolder.actions import publish_git
from scaffolder.actions.base import ActionContext, backstage_action
from scaffolder.actions.github_api import Call, GitHub
from scaffolder.errors import ConflictError, InputError, StepError
from scaffolder.integrations import token_for
from scaffolder.workspace import child_path, files_below

__all__ = ["ACTIONS"]

#: The pull request number Backstage's dry run reports.
DRY_RUN_PULL_REQUEST = 43
#: What GitHub accepts in an owner or repository name (security F4).
_NAME = re.compile(r"[A-Za-z0-9_.-]+")
#: Inputs of Backstage's publish:github that need more than the REST API offers here.
_UNSUPPORTED = ("secrets", "oidcCustomization")
#: The repository settings publish:github sends when created, by the input naming each.
_REPO_SETTINGS = {
    "description": "description", "homepage": "homepage", "has_issues": "hasIssues",
    "has_wiki": "hasWiki", "has_projects": "hasProjects",
    "delete_branch_on_merge": "deleteBranchOnMerge", "allow_merge_commit": "allowMergeCommit",
    "allow_squash_merge": "allowSquashMerge", "squash_merge_commit_title": "squashMergeCommitTitle",
    "squash_merge_commit_message": "squashMergeCommitMessage",
    "allow_rebase_merge": "allowRebaseMerge", "allow_auto_merge": "allowAutoMerge",
    "allow_update_branch": "allowUpdateBranch",
}  # fmt: skip


def _repository(repo_url: str) -> tuple[str, str, str]:
    """host (with its port, if any), owner and repo of a RepoUrlPicker value
    ``host?owner=o&repo=r``."""
    parts = urlsplit("https://" + repo_url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    owner, repo = query.get("owner", "").strip("/"), query.get("repo", "").strip("/")
    if not parts.hostname or not owner or not repo:
        raise InputError(f"Invalid repo URL passed to publisher: {repo_url}, missing owner "
                         "or repo")  # fmt: skip
    return parts.netloc.rpartition("@")[2].lower(), owner, repo


def _target(repo_url: str) -> tuple[str, str, str]:
    """``_repository``, with owner and repo held to GitHub's name rules (F4), so that
    neither can point a request at another API path."""
    host, owner, repo = _repository(repo_url)
    for what, name in (("owner", owner), ("repo", repo)):
        if not _NAME.fullmatch(name) or name in (".", ".."):
            raise InputError(f"Invalid {what} {name!r} in repoUrl: GitHub names use only "
                             "letters, digits, '-', '_' and '.'")  # fmt: skip
    return host, owner, repo


def _token(ctx: ActionContext) -> str:
    host, owner, repo = _repository(ctx.input["repoUrl"])
    token = ctx.input.get("token") or token_for(host)
    if not token:
        raise InputError(
            f"No token available for host: {host}, with owner {owner}, and repo {repo}. Make "
            "sure GitHub auth is configured correctly. See "
            "https://backstage.io/docs/auth/github/provider for more details."
        )
    return token


def _client(ctx: ActionContext) -> tuple[GitHub, str, str]:
    host, owner, repo = _target(ctx.input["repoUrl"])
    return GitHub(host, _token(ctx)), owner, repo


def _warn_on_failure(ctx: ActionContext, what: str, send: Callable[[], object]) -> None:
    """Run ``send``; a GitHub refusal is logged, not fatal (as in Backstage): the
    repository exists and works without this setting."""
    try:
        send()
    except StepError as exc:
        ctx.log(f"Skipping {what}: {exc}")


# publish:github ----------------------------------------------------------------------
def _create_repository(ctx: ActionContext, gh: GitHub, owner: str, repo: str) -> dict:
    """Create ``owner/repo`` (in an organisation or for the token's user, as GitHub
    says the owner is). On a retry of an attempt that got as far as asking, an
    existing repository is taken to be that attempt's and adopted."""
    fresh = uuid.uuid4().hex
    earlier = ctx.checkpoint("create-repo-started", lambda: fresh) != fresh
    lookup = Call(f"look up the owner {owner}", "Metadata: read", f"user or organization {owner}")
    kind = gh.request("GET", f"/users/{owner}", lookup)["type"]
    visibility = ctx.input.get("repoVisibility") or "private"
    body: dict[str, Any] = {"name": repo, "private": visibility == "private"}
    if kind == "Organization":
        body["visibility"] = visibility
        if ctx.input.get("customProperties"):
            body["custom_properties"] = ctx.input["customProperties"]
    body |= {key: ctx.input[name] for key, name in _REPO_SETTINGS.items() if name in ctx.input}
    path = f"/orgs/{owner}/repos" if kind == "Organization" else "/user/repos"
    call = Call(f"create repositories in {owner}", "Administration: write",
                f"a repository {owner}/{repo}")  # fmt: skip
    try:
        created = gh.request("POST", path, call, body)
    except ConflictError:
        if not earlier:
            raise
        ctx.log(f"{owner}/{repo} exists from an earlier attempt of this task; reusing it")
        created = gh.request("GET", f"/repos/{owner}/{repo}", call)
    return {"html_url": created["html_url"], "clone_url": created["clone_url"]}


def _configure(ctx: ActionContext, gh: GitHub, owner: str, repo: str) -> None:
    """Access, collaborators, topics and variables of the new repository."""
    repo_path = f"/repos/{owner}/{repo}"
    grants = [dict(item) for item in ctx.input.get("collaborators") or []]
    access = ctx.input.get("access")
    if access and access.startswith(f"{owner}/"):
        grants.insert(0, {"team": access.split("/", 1)[1], "access": "admin"})
    elif access and access != owner:
        grants.insert(0, {"user": access, "access": "admin"})
    for grant in grants:
        name = grant.get("team") or grant.get("user") or ""
        if not _NAME.fullmatch(name):
            raise InputError(f"Invalid collaborator {name!r}: give a user login or team slug")
        path = (f"/orgs/{owner}/teams/{name}{repo_path}" if "team" in grant
                else f"{repo_path}/collaborators/{name}")  # fmt: skip
        call = Call(f"give {name} access to {owner}/{repo}", "Administration: write", name)
        body = {"permission": grant["access"]}
        _warn_on_failure(ctx, f"{grant['access']} access for {name}",
                         lambda p=path, c=call, b=body: gh.request("PUT", p, c, b))  # fmt: skip
    if ctx.input.get("topics"):
        names = [topic.lower() for topic in ctx.input["topics"]]
        call = Call(f"set the topics of {owner}/{repo}", "Administration: write")
        _warn_on_failure(ctx, "topics", lambda: gh.request("PUT", f"{repo_path}/topics", call,
                                                           {"names": names}))  # fmt: skip
    for name, value in (ctx.input.get("repoVariables") or {}).items():
        call = Call(f"add the variable {name} to {owner}/{repo}", "Variables: write")
        gh.request("POST", f"{repo_path}/actions/variables", call, {"name": name, "value": value})
    if ctx.input.get("subscribe"):
        call = Call(f"watch {owner}/{repo}", "Watching: write")
        gh.request("PUT", f"{repo_path}/subscription", call, {"subscribed": True})


def _protect(ctx: ActionContext, gh: GitHub, owner: str, repo: str, branch: str) -> None:
    """Branch protection of ``branch``, with Backstage's defaults."""
    get = ctx.input.get
    reviews = {"required_approving_review_count": get("requiredApprovingReviewCount", 1),
               "require_code_owner_reviews": get("requireCodeOwnerReviews", False),
               "dismiss_stale_reviews": get("dismissStaleReviews", False),
               "require_last_push_approval": get("requireLastPushApproval", False)}  # fmt: skip
    if get("bypassPullRequestAllowances"):
        reviews["bypass_pull_request_allowances"] = get("bypassPullRequestAllowances")
    body = {
        "required_status_checks": {"strict": get("requireBranchesToBeUpToDate", True),
                                   "contexts": get("requiredStatusCheckContexts") or []},
        "restrictions": get("restrictions"),
        "enforce_admins": get("protectEnforceAdmins", True),
        "required_pull_request_reviews": reviews,
        "required_conversation_resolution": get("requiredConversationResolution", False),
        "required_linear_history": get("requiredLinearHistory", False),
    }  # fmt: skip
    path = f"/repos/{owner}/{repo}/branches/{quote(branch, safe='')}/protection"
    call = Call(f"protect the branch {branch} of {owner}/{repo}", "Administration: write")
    gh.request("PUT", path, call, body)
    if get("requiredCommitSigning"):
        gh.request("POST", f"{path}/required_signatures", call)


def _push(ctx: ActionContext, clone_url: str, branch: str) -> str | None:
    """Push the workspace with the publishers' shared push (its checkpoints make a
    retry adopt a commit already pushed); the commit, or None if cancelled. Only an
    http(s) ``clone_url`` is pushed to, whatever the server answered."""
    if urlsplit(clone_url).scheme not in ("https", "http"):
        raise StepError(f"GitHub answered an unexpected clone URL {clone_url!r}; not pushing")
    source = publish_git.workspace_directory(ctx, ctx.input.get("sourcePath"))
    return publish_git.push_workspace(ctx, clone_url, branch, source, _token(ctx))


def _publish(ctx: ActionContext) -> None:
    for name in _UNSUPPORTED:
        if ctx.input.get(name):
            raise InputError(f"publish:github cannot set {name} yet; remove the {name} input "
                             "and add it to the repository by hand")  # fmt: skip
    gh, owner, repo = _client(ctx)
    branch = ctx.input.get("defaultBranch") or "master"
    with gh:
        created = ctx.checkpoint("create-repo", lambda: _create_repository(ctx, gh, owner, repo))
        html_url = created["html_url"]
        ctx.log(f"Repository {owner}/{repo} is at {html_url}")
        step = "setting it up"
        try:
            _configure(ctx, gh, owner, repo)
            step = "pushing the workspace"
            sha = _push(ctx, created["clone_url"], branch)
            if sha is None:
                return  # cancelled; the runner ends the step in its own words
            if ctx.input.get("protectDefaultBranch", True):
                step = f"protecting {branch}"
                _protect(ctx, gh, owner, repo, branch)
        except StepError as exc:
            raise type(exc)(f"The repository {owner}/{repo} was created at {html_url}, but "
                            f"{step} failed: {exc}. A retry of this task reuses the "
                            "repository") from None  # fmt: skip
    ctx.output("remoteUrl", created["clone_url"])
    ctx.output("repoContentsUrl", f"{html_url}/blob/{branch}")
    ctx.output("commitHash", sha)


# publish:github:pull-request ---------------------------------------------------------
def _tree_entries(ctx: ActionContext, gh: GitHub, repo_path: str) -> list[dict[str, Any]]:
    """A tree entry (with its blob uploaded) per file below ``sourcePath``, placed
    under ``targetPath``; and a deletion per ``filesToDelete``."""
    source = Path(os.path.realpath(child_path(ctx.workspace, ctx.input.get("sourcePath") or ".")))
    target = ctx.input.get("targetPath") or ""
    child_path(ctx.workspace, target)  # the same containment rule for the repository side
    call = Call(f"upload files to {repo_path.removeprefix('/repos/')}", "Contents: write")
    entries = []
    for path in files_below(source):
        relative = path.relative_to(source)
        if ".git" in relative.parts:
            continue
        mode = os.lstat(path).st_mode
        data = os.readlink(path).encode() if stat.S_ISLNK(mode) else path.read_bytes()
        kind = "120000" if stat.S_ISLNK(mode) else "100755" if mode & stat.S_IXUSR else "100644"
        content = {"content": base64.b64encode(data).decode(), "encoding": "base64"}
        blob = gh.request("POST", f"{repo_path}/git/blobs", call, content)
        name = "/".join(filter(None, (target.strip("/"), relative.as_posix())))
        entries.append({"path": name, "mode": kind, "type": "blob", "sha": blob["sha"]})
    for name in ctx.input.get("filesToDelete") or []:
        child_path(ctx.workspace, name)
        entries.append({"path": name.strip("/"), "mode": "100644", "type": "blob", "sha": None})
    return entries


def _open_pull_request(ctx: ActionContext, gh: GitHub, owner: str, repo: str) -> dict:
    get, repo_path, branch = ctx.input.get, f"/repos/{owner}/{repo}", ctx.input["branchName"]
    write = Call(f"push a branch to {owner}/{repo}", "Contents: write",
                 f"branch {branch} in {owner}/{repo}")  # fmt: skip
    read = Call(f"read {owner}/{repo}", "Contents: read", f"repository {owner}/{repo}")
    target = get("targetBranchName") or gh.request("GET", repo_path, read)["default_branch"]
    branch_call = Call(f"read {owner}/{repo}", "Contents: read", f"branch {target}")
    base = gh.request("GET", f"{repo_path}/git/ref/heads/{quote(target, safe='')}", branch_call)
    parent = base["object"]["sha"]
    base_tree = gh.request("GET", f"{repo_path}/git/commits/{parent}", write)["tree"]["sha"]
    entries = _tree_entries(ctx, gh, repo_path)
    if not entries and get("createWhenEmpty") is False:
        ctx.log("No changes to commit; not creating a pull request")
        return {}
    tree = gh.request("POST", f"{repo_path}/git/trees", write,
                      {"base_tree": base_tree, "tree": entries})["sha"]  # fmt: skip
    commit: dict[str, Any] = {"message": get("commitMessage") or get("title"), "tree": tree,
                              "parents": [parent]}  # fmt: skip
    if get("gitAuthorName") and get("gitAuthorEmail") and not get("forceEmptyGitAuthor"):
        commit["author"] = {"name": get("gitAuthorName"), "email": get("gitAuthorEmail")}
    sha = gh.request("POST", f"{repo_path}/git/commits", write, commit)["sha"]
    listing = Call(f"list the pull requests of {owner}/{repo}", "Pull requests: read")
    mine = {"head": f"{owner}:{branch}", "state": "open"}
    open_ones = gh.paginate(f"{repo_path}/pulls", listing, mine) if get("update") else []
    if open_ones:
        gh.request("PATCH", f"{repo_path}/git/refs/heads/{quote(branch, safe='')}", write,
                   {"sha": sha, "force": True})  # fmt: skip
        ctx.log(f"Updated the pull request {open_ones[0]['html_url']}")
        return {"targetBranchName": target, "remoteUrl": open_ones[0]["html_url"],
                "pullRequestNumber": open_ones[0]["number"]}  # fmt: skip
    gh.request("POST", f"{repo_path}/git/refs", write, {"ref": f"refs/heads/{branch}", "sha": sha})
    pull = gh.request("POST", f"{repo_path}/pulls", Call(
        f"open pull requests in {owner}/{repo}", "Pull requests: write"),
        {"title": get("title"), "head": branch, "base": target, "body": get("description"),
         "draft": bool(get("draft"))})  # fmt: skip
    number = pull["number"]
    people = Call(f"ask for reviews in {owner}/{repo}", "Pull requests: write")
    if get("reviewers") or get("teamReviewers"):
        wanted = {"reviewers": get("reviewers") or [], "team_reviewers": get("teamReviewers") or []}
        _warn_on_failure(ctx, "reviewers", lambda: gh.request(
            "POST", f"{repo_path}/pulls/{number}/requested_reviewers", people, wanted))  # fmt: skip
    if get("assignees"):
        _warn_on_failure(ctx, "assignees", lambda: gh.request(
            "POST", f"{repo_path}/issues/{number}/assignees", people,
            {"assignees": get("assignees")}))  # fmt: skip
    ctx.log(f"Created the pull request {pull['html_url']}")
    return {"targetBranchName": target, "remoteUrl": pull["html_url"], "pullRequestNumber": number}


def _pull_request(ctx: ActionContext) -> None:
    _token(ctx)
    if not ctx.dry_run:
        if ctx.input.get("forceFork"):
            raise InputError("publish:github:pull-request cannot open pull requests from a "
                             "fork yet; remove forceFork")  # fmt: skip
        gh, owner, repo = _client(ctx)
        with gh:
            outputs = ctx.checkpoint("pull-request",
                                     lambda: _open_pull_request(ctx, gh, owner, repo))  # fmt: skip
        for name, value in outputs.items():
            ctx.output(name, value)
        return
    ctx.log("Performing dry run of creating pull request")
    ctx.output("targetBranchName", ctx.input["branchName"])
    ctx.output("remoteUrl", ctx.input["repoUrl"])
    ctx.output("pullRequestNumber", DRY_RUN_PULL_REQUEST)
    ctx.log("Dry run complete")


# github:actions:dispatch and github:webhook ------------------------------------------
def _dispatch(ctx: ActionContext) -> None:
    workflow = ctx.input["workflowId"]
    if not _NAME.fullmatch(workflow):
        raise InputError(f"Invalid workflowId {workflow!r}: give the workflow's file name "
                         "(ci.yaml) or its numeric id")  # fmt: skip
    gh, owner, repo = _client(ctx)
    body: dict[str, Any] = {"ref": ctx.input["branchOrTagName"],
                            "inputs": ctx.input.get("workflowInputs") or {}}  # fmt: skip
    details = bool(ctx.input.get("returnWorkflowRunDetails"))
    if details:
        body["return_run_details"] = True
    ctx.log(f"Dispatching workflow {workflow} for repo {ctx.input['repoUrl']} on "
            f"{ctx.input['branchOrTagName']}")  # fmt: skip
    call = Call(f"run the workflow {workflow} of {owner}/{repo}", "Actions: write",
                f"workflow {workflow} in {owner}/{repo}")  # fmt: skip
    with gh:
        run = gh.request("POST", f"/repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches",
                         call, body)  # fmt: skip
    ctx.log(f"Workflow {workflow} dispatched successfully")
    if details and run:
        ctx.output("workflowRunId", run["workflow_run_id"])
        ctx.output("workflowRunUrl", run["run_url"])
        ctx.output("workflowRunHtmlUrl", run["html_url"])


def _webhook(ctx: ActionContext) -> None:
    _token(ctx)
    if not ctx.dry_run:
        gh, owner, repo = _client(ctx)
    ctx.log(f"Creating webhook {ctx.input['webhookUrl']} for repo {ctx.input['repoUrl']}")
    if ctx.dry_run:
        ctx.log("Dry run complete")
        return
    config = {"url": ctx.input["webhookUrl"],
              "content_type": ctx.input.get("contentType") or "form",
              "insecure_ssl": "1" if ctx.input.get("insecureSsl") else "0"}  # fmt: skip
    if ctx.input.get("webhookSecret"):
        config["secret"] = ctx.input["webhookSecret"]
    body = {"name": "web", "config": config, "events": ctx.input.get("events") or ["push"],
            "active": ctx.input.get("active", True)}  # fmt: skip
    call = Call(f"add webhooks to {owner}/{repo}", "Webhooks: write", f"repository {owner}/{repo}")
    with gh:
        ctx.checkpoint("webhook", lambda: gh.request("POST", f"/repos/{owner}/{repo}/hooks",
                                                     call, body)["id"])  # fmt: skip
    ctx.log(f"Webhook '{ctx.input['webhookUrl']}' created successfully")


ACTIONS = [
    backstage_action("publish:github", _publish),
    backstage_action("publish:github:pull-request", _pull_request),
    backstage_action("github:actions:dispatch", _dispatch),
    backstage_action("github:webhook", _webhook),
]
