"""The GitHub actions against a stand-in GitHub: the REST calls they make, the tree
they push (checked with real git), their failures explained, retries that create
nothing twice, and the token kept out of argv, logs and messages (security F4-F7)."""

from __future__ import annotations

import re
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from scaffolder import git_cli
from scaffolder.actions import TemplateInfo
from scaffolder.errors import ConflictError, InputError, NotAllowedError, StepError
from scaffolder.runner import Run, RunSpec, with_step_defaults
from tests.support.github_standin import EXISTS, TOKEN, VISIBILITY, github_standin

pytestmark = pytest.mark.django_db

COMPONENT = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: svc}
spec: {type: service, lifecycle: experimental, owner: team-a}
"""
USER_TOKEN = "ghu_userTokenFromTheTemplate000000000"


@pytest.fixture
def gh(tmp_path, settings):
    with github_standin(tmp_path / "github") as standin:
        settings.APP_CONFIG = standin.app_config(settings.APP_CONFIG)
        yield standin


@pytest.fixture
def workspace(tmp_path) -> Path:
    work = tmp_path / "work"
    (work / "deploy").mkdir(parents=True)
    (work / "catalog-info.yaml").write_text(COMPONENT)
    (work / "deploy" / "values.yaml").write_text("replicas: 1\n")
    return work


@pytest.fixture
def argv(monkeypatch) -> list[list[str]]:
    """Every command line git is started with."""
    seen: list[list[str]] = []
    real = subprocess.Popen

    def spy(args, **kwargs):
        seen.append(list(args))
        return real(args, **kwargs)

    monkeypatch.setattr(git_cli.subprocess, "Popen", spy)
    return seen


def run(work: Path, action: str, inputs: dict[str, Any], *, extra: list[dict] | None = None,
        checkpoints: dict | None = None,
        secrets: dict | None = None) -> tuple[dict[str, Any], list[str]]:  # fmt: skip
    """Run ``action`` (then ``extra`` steps); the step outputs and the log lines. A
    failure is raised with the log attached as ``exc.log``."""
    log: list[str] = []
    steps = with_step_defaults([{"id": "gh", "action": action, "input": inputs}, *(extra or [])])
    template = TemplateInfo("template:default/t", "file:///t/template.yaml")
    spec = RunSpec(steps=steps, parameters={}, template=template)
    runner = Run(spec=spec, workspace=work, emit=lambda entry: log.append(entry["message"]),
                 secrets=secrets or {}, stop=threading.Event(),
                 checkpoints={} if checkpoints is None else checkpoints)  # fmt: skip
    try:
        runner.execute()
    except Exception as exc:
        exc.log = log  # type: ignore[attr-defined]
        raise
    return runner.step_outputs, log


def repo_url(gh, owner: str = "acme-corp", repo: str = "svc") -> str:
    return f"{gh.host}?owner={owner}&repo={repo}"


SEED_INPUT = {"description": "Orders", "defaultBranch": "main", "protectDefaultBranch": True,
              "requireCodeOwnerReviews": True, "repoVisibility": "internal"}  # fmt: skip


def test_publish_creates_pushes_protects_and_catalog_reads_it(gh, workspace, argv) -> None:
    register = {"id": "register", "action": "catalog:register", "input": {
        "repoContentsUrl": "${{ steps.gh.output.repoContentsUrl }}"}}  # fmt: skip
    inputs = {**SEED_INPUT, "repoUrl": repo_url(gh), "topics": ["Java", "grpc"],
              "collaborators": [{"team": "platform", "access": "push"},
                                {"user": "mona", "access": "pull"}],
              "hasWiki": False, "deleteBranchOnMerge": True}  # fmt: skip
    outputs, log = run(workspace, "publish:github", inputs, extra=[register])
    [create] = gh.calls("POST", "/orgs/acme-corp/repos")
    assert create.body == {"name": "svc", "private": False, "visibility": "internal",
                           "description": "Orders", "has_wiki": False,
                           "delete_branch_on_merge": True}  # fmt: skip
    assert create.headers["Accept"] == "application/vnd.github+json" and create.authorized
    assert gh.calls("PUT", "/repos/acme-corp/svc/topics")[0].body == {"names": ["java", "grpc"]}
    assert gh.calls("PUT", "/orgs/acme-corp/teams/platform/repos/acme-corp/svc")[0].body == {
        "permission": "push"}  # fmt: skip
    assert gh.calls("PUT", "/repos/acme-corp/svc/collaborators/mona")[0].body == {
        "permission": "pull"}  # fmt: skip
    [protect] = gh.calls("PUT", "/repos/acme-corp/svc/branches/main/protection")
    assert protect.body == {
        "required_status_checks": {"strict": True, "contexts": []}, "restrictions": None,
        "enforce_admins": True, "required_conversation_resolution": False,
        "required_linear_history": False,
        "required_pull_request_reviews": {
            "required_approving_review_count": 1, "require_code_owner_reviews": True,
            "dismiss_stale_reviews": False, "require_last_push_approval": False}}  # fmt: skip
    published = outputs["gh"]["output"]
    sha = published["commitHash"]
    assert published == {"remoteUrl": f"{gh.url}/acme-corp/svc.git", "commitHash": sha,
                         "repoContentsUrl": f"{gh.url}/acme-corp/svc/blob/main"}  # fmt: skip
    assert gh.git("acme-corp", "svc", "rev-parse", "main").strip() == sha
    assert gh.git("acme-corp", "svc", "ls-tree", "-r", "--name-only", "main").split() == [
        "catalog-info.yaml", "deploy/values.yaml"]  # fmt: skip
    assert outputs["register"]["output"]["entityRef"] == "component:default/svc"
    assert gh.calls("GET", "/repos/acme-corp/svc/contents/catalog-info.yaml")
    assert not any(TOKEN in arg for args in argv for arg in args)
    assert not any(TOKEN in line for line in log)


def test_a_user_repository_is_created_for_the_user(gh, workspace) -> None:
    run(workspace, "publish:github", {"repoUrl": repo_url(gh, "octocat", "mine"),
                                      "protectDefaultBranch": False})  # fmt: skip
    [create] = gh.calls("POST", "/user/repos")
    assert create.body == {"name": "mine", "private": True}
    assert gh.git("octocat", "mine", "rev-parse", "master")  # Backstage's default branch
    assert not gh.calls("PUT", r".*/protection")


@pytest.mark.parametrize(("status", "message", "errors", "kind", "says"), [
    (403, "Resource not accessible by integration", None, NotAllowedError,
     "lacks permission to create repositories in acme-corp (GitHub: Resource not accessible "
     "by integration); give the GitHub App/token the Administration: write permission"),
    (422, "Repository creation failed.", [EXISTS], ConflictError,
     "a repository acme-corp/svc already exists; choose another name or delete it"),
    (422, "Repository creation failed.", [VISIBILITY], InputError,
     "visibility can't be internal; this organization allows private, public); change the "
     "repoVisibility input"),
])  # fmt: skip
def test_creation_failures_name_cause_and_fix(gh, workspace, status, message, errors, kind,
                                              says) -> None:  # fmt: skip
    gh.fail("POST", "/orgs/acme-corp/repos", status, message, errors)
    checkpoints: dict = {}
    with pytest.raises(kind, match=re.escape(says)) as failure:
        run(workspace, "publish:github", {**SEED_INPUT, "repoUrl": repo_url(gh)},
            checkpoints=checkpoints)  # fmt: skip
    assert TOKEN not in str(failure.value)
    assert "acme-corp/svc" not in gh.repos
    outputs, _ = run(workspace, "publish:github", {**SEED_INPUT, "repoUrl": repo_url(gh)},
                     checkpoints=checkpoints)  # fmt: skip
    assert outputs["gh"]["output"]["commitHash"]
    assert len(gh.calls("POST", "/orgs/acme-corp/repos")) == 2


def test_a_failed_push_says_the_repository_exists_and_a_retry_reuses_it(gh, workspace) -> None:
    gh.fail("POST", "/acme-corp/svc.git/git-receive-pack", 403, "denied")
    checkpoints: dict = {}
    with pytest.raises(StepError, match=r"The repository acme-corp/svc was created at .*, but "
                       r"pushing the workspace failed: .*A retry of this task reuses the "
                       r"repository"):  # fmt: skip
        run(workspace, "publish:github", {**SEED_INPUT, "repoUrl": repo_url(gh)},
            checkpoints=checkpoints)  # fmt: skip
    outputs, _ = run(workspace, "publish:github", {**SEED_INPUT, "repoUrl": repo_url(gh)},
                     checkpoints=checkpoints)  # fmt: skip
    assert len(gh.calls("POST", "/orgs/acme-corp/repos")) == 1
    assert gh.git("acme-corp", "svc", "rev-parse", "main").strip() == (
        outputs["gh"]["output"]["commitHash"])  # fmt: skip


def test_refused_protection_is_reported_and_a_retry_only_adds_it(gh, workspace) -> None:
    gh.fail("PUT", "/repos/acme-corp/svc/branches/main/protection", 403,
            "Resource not accessible by integration")  # fmt: skip
    checkpoints: dict = {}
    with pytest.raises(NotAllowedError, match=r"was created at .*, but protecting main failed: "
                       r"the token .* lacks permission to protect the branch main"):  # fmt: skip
        run(workspace, "publish:github", {**SEED_INPUT, "repoUrl": repo_url(gh)},
            checkpoints=checkpoints)  # fmt: skip
    pushed = gh.git("acme-corp", "svc", "rev-parse", "main")
    run(workspace, "publish:github", {**SEED_INPUT, "repoUrl": repo_url(gh)},
        checkpoints=checkpoints)  # fmt: skip
    assert gh.git("acme-corp", "svc", "rev-parse", "main") == pushed
    assert len(gh.calls("POST", "/orgs/acme-corp/repos")) == 1
    assert len(gh.calls("POST", "/acme-corp/svc.git/git-receive-pack")) == 1
    assert len(gh.calls("PUT", "/repos/acme-corp/svc/branches/main/protection")) == 2


def test_a_repository_an_interrupted_attempt_created_is_adopted(gh, workspace) -> None:
    checkpoints = {"v1.task.checkpoint.gh.create-repo-started": "earlier"}
    gh.create("acme-corp", "svc")
    outputs, log = run(workspace, "publish:github", {**SEED_INPUT, "repoUrl": repo_url(gh)},
                       checkpoints=checkpoints)  # fmt: skip
    assert any("exists from an earlier attempt" in line for line in log)
    assert outputs["gh"]["output"]["commitHash"]


def test_a_user_token_is_used_and_never_replaced_by_the_integration_token(gh, workspace) -> None:
    gh.token = USER_TOKEN
    run(workspace, "publish:github", {"repoUrl": repo_url(gh), "token": "${{ secrets.t }}",
                                      "protectDefaultBranch": False},
        secrets={"t": USER_TOKEN})  # fmt: skip
    gh.token = "ghu_someoneElse"
    with pytest.raises(NotAllowedError, match="did not accept the token") as failure:
        run(workspace, "publish:github", {"repoUrl": repo_url(gh, repo="two"),
                                          "token": USER_TOKEN})  # fmt: skip
    assert USER_TOKEN not in str(failure.value)
    assert [r.authorized for r in gh.requests][-1] is False
    assert len(gh.calls("GET", "/users/acme-corp")) == 2  # one refused call, no second try


@pytest.mark.parametrize("bad", ["owner=../../x&repo=y", "owner=org/../admin&repo=y",
                                 "owner=acme&repo=y%2Fhooks"])  # fmt: skip
def test_bad_owner_or_repo_is_refused_before_any_request(gh, workspace, bad) -> None:
    with pytest.raises(InputError, match=r"Invalid (owner|repo)"):
        run(workspace, "publish:github", {"repoUrl": f"{gh.host}?{bad}"})
    assert gh.requests == []


def test_pull_request_commits_the_workspace_on_a_branch(gh, workspace) -> None:
    base = gh.seed("acme-corp", "app", {"README.md": "hi\n", "old.txt": "x\n"})
    inputs = {"repoUrl": repo_url(gh, repo="app"), "branchName": "add-svc", "title": "Add svc",
              "description": "Adds it", "targetPath": "services/svc",
              "filesToDelete": ["old.txt"], "reviewers": ["mona"], "gitAuthorName": "Bot",
              "gitAuthorEmail": "bot@acme.test"}  # fmt: skip
    outputs, _ = run(workspace, "publish:github:pull-request", inputs)
    assert outputs["gh"]["output"] == {"targetBranchName": "main", "pullRequestNumber": 1,
                                       "remoteUrl": f"{gh.url}/acme-corp/app/pull/1"}  # fmt: skip
    [pull] = gh.calls("POST", "/repos/acme-corp/app/pulls")
    assert pull.body == {"title": "Add svc", "head": "add-svc", "base": "main",
                         "body": "Adds it", "draft": False}  # fmt: skip
    tree = gh.git("acme-corp", "app", "ls-tree", "-r", "--name-only", "add-svc").split()
    assert tree == ["README.md", "services/svc/catalog-info.yaml",
                    "services/svc/deploy/values.yaml"]  # fmt: skip
    assert gh.git("acme-corp", "app", "log", "--format=%P %an %s", "-1", "add-svc").split() == [
        base, "Bot", "Add", "svc"]  # fmt: skip
    assert gh.calls("POST", r"/repos/acme-corp/app/pulls/1/requested_reviewers")[0].body == {
        "reviewers": ["mona"], "team_reviewers": []}  # fmt: skip


def test_pull_request_update_finds_the_open_one_across_pages(gh, workspace) -> None:
    gh.seed("acme-corp", "app", {"README.md": "hi\n"})
    gh.page_size = 1
    inputs = {"repoUrl": repo_url(gh, repo="app"), "title": "T", "description": "D"}
    for branch in ("other", "mine"):
        run(workspace, "publish:github:pull-request", {**inputs, "branchName": branch})
    outputs, _ = run(workspace, "publish:github:pull-request",
                     {**inputs, "branchName": "mine", "update": True})  # fmt: skip
    assert outputs["gh"]["output"]["pullRequestNumber"] == 2
    assert len(gh.calls("GET", "/repos/acme-corp/app/pulls")) >= 1
    assert gh.calls("PATCH", "/repos/acme-corp/app/git/refs/heads/mine")


def test_dispatch_and_webhook_request_shapes(gh, workspace) -> None:
    gh.create("acme-corp", "svc")
    outputs, _ = run(workspace, "github:actions:dispatch", {
        "repoUrl": repo_url(gh), "workflowId": "ci.yaml", "branchOrTagName": "main",
        "workflowInputs": {"env": "dev"}, "returnWorkflowRunDetails": True})  # fmt: skip
    [dispatch] = gh.calls("POST", "/repos/acme-corp/svc/actions/workflows/ci.yaml/dispatches")
    assert dispatch.body == {"ref": "main", "inputs": {"env": "dev"}, "return_run_details": True}
    assert outputs["gh"]["output"]["workflowRunId"] == 7
    hook_input = {"repoUrl": repo_url(gh), "webhookUrl": "https://ci.test/h",
                  "webhookSecret": "${{ secrets.hook }}", "contentType": "json"}  # fmt: skip
    run(workspace, "github:webhook", hook_input, secrets={"hook": "s3cret"})
    [hook] = gh.calls("POST", "/repos/acme-corp/svc/hooks")
    assert hook.body == {"name": "web", "events": ["push"], "active": True, "config": {
        "url": "https://ci.test/h", "content_type": "json", "insecure_ssl": "0",
        "secret": "s3cret"}}  # fmt: skip
    with pytest.raises(InputError, match="Invalid workflowId"):
        run(workspace, "github:actions:dispatch", {
            "repoUrl": repo_url(gh), "workflowId": "../hooks", "branchOrTagName": "m"})  # fmt: skip
