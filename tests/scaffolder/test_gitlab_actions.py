"""The GitLab actions against a stand-in GitLab: the merge request and the files its
branch really holds (read back with git), each commitAction, the project created and
the tree pushed to it, GitLab's refusals explained with their fix, retries that create
nothing twice, the host rules, and the token kept out of argv, logs and messages. One
test runs Backstage's own ``gitlab-merge-request`` example template as a task."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from scaffolder.actions import TemplateInfo
from scaffolder.errors import ConflictError, InputError, NotAllowedError, NotFoundError, StepError
from scaffolder.execution import execute_task
from scaffolder.models import TaskEvent, TaskStatus
from scaffolder.runner import Run, RunSpec, with_step_defaults
from tests.catalog.conftest import register
from tests.scaffolder.test_github_actions import argv, run  # noqa: F401 (argv: a fixture)
from tests.support.gitlab_standin import TAKEN, TOKEN, gitlab_standin

pytestmark = pytest.mark.django_db

#: Backstage's example, unmodified (backstage/software-templates, kept in the suite).
EXAMPLE = Path(__file__).resolve().parent / "golden_paths/backstage-templates/gitlab-merge-request"
USER_TOKEN = "gloas-userOauthTokenFromTheForm0000000"
COMPONENT = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: svc}\n"


@pytest.fixture
def gl(tmp_path, settings):
    with gitlab_standin(tmp_path / "gitlab") as standin:
        settings.APP_CONFIG = standin.app_config(settings.APP_CONFIG)
        yield standin


@pytest.fixture
def workspace(tmp_path) -> Path:
    work = tmp_path / "work"
    (work / "deploy").mkdir(parents=True)
    (work / "catalog-info.yaml").write_text(COMPONENT)
    (work / "deploy" / "values.yaml").write_text("replicas: 1\n")
    (work / "run.sh").write_text("#!/bin/sh\necho hi\n")
    (work / "run.sh").chmod(0o755)
    (work / ".gitignore").write_text("*.log\n")
    (work / "debug.log").write_text("not committed\n")
    return work


def repo_url(gl, owner: str = "acme", repo: str = "app") -> str:
    return f"{gl.host}?owner={owner}&repo={repo}"


def mr_input(gl, **extra) -> dict:
    return {"repoUrl": repo_url(gl), "title": "Add svc", "branchName": "add-svc", **extra}


# publish:gitlab:merge-request --------------------------------------------------------
def test_merge_request_commits_the_files_on_a_new_branch(gl, workspace, argv) -> None:  # noqa: F811
    base = gl.seed("acme/app", {"README.md": "hi\n"})
    (workspace / "link").symlink_to("run.sh")
    inputs = mr_input(gl, sourcePath=".", targetPath="services/svc", description="Adds it",
                      assignee="mona", reviewers=["hubot"], labels=["scaffolded", "svc"],
                      removeSourceBranch=True)  # fmt: skip
    outputs, log = run(workspace, "publish:gitlab:merge-request", inputs)
    project = gl.projects["acme/app"]
    assert outputs["gh"]["output"] == {
        "mergeRequestUrl": f"{gl.url}/acme/app/-/merge_requests/1", "projectid": "acme/app",
        "projectPath": "acme/app", "targetBranchName": "main"}  # fmt: skip
    assert gl.calls("GET", "/projects/acme%2Fapp")
    [merge] = gl.calls("POST", f"/projects/{project['id']}/merge_requests")
    assert merge.body == {"source_branch": "add-svc", "target_branch": "main",
                          "title": "Add svc", "description": "Adds it",
                          "remove_source_branch": True, "assignee_id": 2, "reviewer_ids": [3],
                          "labels": "scaffolded,svc"}  # fmt: skip
    assert gl.files("acme/app", "add-svc") == {
        "README.md": "hi\n", "services/svc/.gitignore": "*.log\n",
        "services/svc/catalog-info.yaml": COMPONENT,
        "services/svc/deploy/values.yaml": "replicas: 1\n",
        "services/svc/run.sh": "#!/bin/sh\necho hi\n"}  # fmt: skip
    assert gl.mode("acme/app", "add-svc", "services/svc/run.sh") == "100755"
    assert gl.mode("acme/app", "add-svc", "services/svc/deploy/values.yaml") == "100644"
    assert gl.git("acme/app", "log", "--format=%P %s", "-1", "add-svc").strip() == (
        f"{base} Add svc")  # fmt: skip
    [commit] = gl.calls("POST", f"/projects/{project['id']}/repository/commits")
    assert {a["action"] for a in commit.body["actions"]} == {"create"}
    assert {a["encoding"] for a in commit.body["actions"]} == {"base64"}
    assert any("Skipping the symlink link: GitLab's commit API cannot" in line for line in log)
    assert all(r.authorized for r in gl.requests)
    assert not any(TOKEN in line for line in log)
    assert not any(TOKEN in arg for args in argv for arg in args)


SEEDED = {"svc/catalog-info.yaml": "old\n", "README.md": "hi\n"}


@pytest.mark.parametrize(("action", "expected"), [
    ("auto", {"svc/catalog-info.yaml": COMPONENT, "svc/deploy/values.yaml": "replicas: 1\n"}),
    (None, {"svc/catalog-info.yaml": COMPONENT, "svc/deploy/values.yaml": "replicas: 1\n"}),
    ("skip", {"svc/catalog-info.yaml": "old\n", "svc/deploy/values.yaml": "replicas: 1\n"}),
])  # fmt: skip
def test_auto_and_skip_look_at_the_target_branch(gl, tmp_path, action, expected) -> None:
    gl.seed("acme/app", SEEDED)
    work = tmp_path / "w"
    (work / "svc" / "deploy").mkdir(parents=True)
    (work / "svc" / "catalog-info.yaml").write_text(COMPONENT)
    (work / "svc" / "deploy" / "values.yaml").write_text("replicas: 1\n")
    inputs = mr_input(gl, targetPath="svc", **({"commitAction": action} if action else {}))
    _, log = run(work, "publish:gitlab:merge-request", inputs)  # sourcePath: its targetPath
    assert gl.files("acme/app", "add-svc") == {"README.md": "hi\n", **expected}
    [commit] = gl.calls("POST", r"/projects/\d+/repository/commits")
    kinds = {a["file_path"]: a["action"] for a in commit.body["actions"]}
    if action == "skip":
        assert kinds == {"svc/deploy/values.yaml": "create"}
        assert any("Skipping svc/catalog-info.yaml: it exists on main" in line for line in log)
    else:
        assert kinds == {"svc/catalog-info.yaml": "update", "svc/deploy/values.yaml": "create"}
    assert gl.calls("GET", r"/projects/\d+/repository/files/svc%2Fcatalog-info.yaml")


@pytest.mark.parametrize(("action", "kind", "says"), [
    ("create", ConflictError, "A file with this name already exists); use commitAction auto"),
    ("update", InputError, "A file with this name doesn't exist); use commitAction auto"),
])  # fmt: skip
def test_create_and_update_that_do_not_fit_say_so(gl, tmp_path, action, kind, says) -> None:
    gl.seed("acme/app", SEEDED)
    work = tmp_path / "w"
    (work / "svc").mkdir(parents=True)
    (work / "svc" / "catalog-info.yaml").write_text(COMPONENT)
    (work / "svc" / "new.txt").write_text("new\n")
    checkpoints: dict = {}
    with pytest.raises(kind, match=re.escape(says)):
        run(work, "publish:gitlab:merge-request", mr_input(gl, targetPath="svc",
            commitAction=action), checkpoints=checkpoints)  # fmt: skip
    assert not gl.merge_requests
    # A retry with a fitting action reuses the branch the first attempt created.
    run(work, "publish:gitlab:merge-request", mr_input(gl, targetPath="svc"),
        checkpoints=checkpoints)  # fmt: skip
    assert len(gl.calls("POST", r"/projects/\d+/repository/branches")) == 1
    assert gl.files("acme/app", "add-svc")["svc/new.txt"] == "new\n"


def test_delete_removes_the_paths(gl, tmp_path) -> None:
    gl.seed("acme/app", SEEDED)
    work = tmp_path / "w"
    (work / "svc").mkdir(parents=True)
    (work / "svc" / "catalog-info.yaml").write_text("whatever\n")
    run(work, "publish:gitlab:merge-request",
        mr_input(gl, targetPath="svc", commitAction="delete", targetBranchName="main"))  # fmt: skip
    assert gl.files("acme/app", "add-svc") == {"README.md": "hi\n"}
    [commit] = gl.calls("POST", r"/projects/\d+/repository/commits")
    assert commit.body["actions"] == [{"action": "delete", "file_path": "svc/catalog-info.yaml"}]


def test_an_unknown_assignee_is_a_warning_and_the_merge_request_is_opened(gl, workspace) -> None:
    gl.seed("acme/app", {"README.md": "hi\n"})
    outputs, log = run(workspace, "publish:gitlab:merge-request",
                       mr_input(gl, assignee="ghost", reviewers=["nobody", "mona"]))  # fmt: skip
    assert any("Failed to find gitlab user id for ghost: no such user. Proceeding with MR "
               "creation without an assignee." in line for line in log)  # fmt: skip
    assert any("Failed to find gitlab user id for nobody" in line for line in log)
    [merge] = gl.calls("POST", r"/projects/\d+/merge_requests")
    assert "assignee_id" not in merge.body and merge.body["reviewer_ids"] == [2]
    assert outputs["gh"]["output"]["mergeRequestUrl"].endswith("/-/merge_requests/1")


def test_a_project_id_and_a_target_branch_are_used_as_given(gl, workspace) -> None:
    gl.seed("acme/platform/app", {"README.md": "hi\n"})
    project = gl.projects["acme/platform/app"]
    gl.git("acme/platform/app", "branch", "develop", "main")
    inputs = {"repoUrl": f"{gl.host}?project={project['id']}", "title": "T", "branchName": "b",
              "targetBranchName": "develop", "autoMerge": True}  # fmt: skip
    outputs, _ = run(workspace, "publish:gitlab:merge-request", inputs)
    assert outputs["gh"]["output"] == {
        "mergeRequestUrl": f"{gl.url}/acme/platform/app/-/merge_requests/1",
        "projectid": str(project["id"]), "projectPath": "acme/platform/app",
        "targetBranchName": "develop"}  # fmt: skip
    assert gl.calls("POST", rf"/projects/{project['id']}/repository/branches")[0].body == {
        "branch": "b", "ref": "develop"}  # fmt: skip
    assert gl.merge_requests["acme/platform/app"][0]["merge_when_pipeline_succeeds"] is True


def test_an_existing_branch_and_an_open_merge_request_name_the_fix(gl, workspace) -> None:
    gl.seed("acme/app", {"README.md": "hi\n"})
    gl.git("acme/app", "branch", "add-svc", "main")
    taken = r"a branch add-svc in acme/app already exists on .* \(GitLab: Branch already exists\)"
    with pytest.raises(ConflictError, match=taken + "; choose another branchName"):
        run(workspace, "publish:gitlab:merge-request", mr_input(gl))
    gl.fail("POST", r"/projects/\d+/merge_requests", 409,
            ["Another open merge request already exists for this source branch: !1"])  # fmt: skip
    with pytest.raises(ConflictError, match=r"a merge request from other already exists .*"
                       r"choose another branchName"):  # fmt: skip
        run(workspace, "publish:gitlab:merge-request", mr_input(gl, branchName="other"))


# publish:gitlab ----------------------------------------------------------------------
def test_publish_creates_the_project_and_pushes_the_workspace(gl, workspace, argv) -> None:  # noqa: F811
    inputs = {"repoUrl": repo_url(gl, "acme/platform", "svc"), "topics": ["java"],
              "settings": {"description": "Orders", "ci_config_path": "ci.yml"}}  # fmt: skip
    outputs, log = run(workspace, "publish:gitlab", inputs)
    [create] = gl.calls("POST", "/projects")
    assert create.body == {"namespace_id": 11, "name": "svc", "path": "svc",
                           "visibility": "private", "topics": ["java"],
                           "description": "Orders", "ci_config_path": "ci.yml"}  # fmt: skip
    assert gl.calls("GET", "/namespaces/acme%2Fplatform")
    project = gl.projects["acme/platform/svc"]
    sha = outputs["gh"]["output"]["commitHash"]
    assert outputs["gh"]["output"] == {
        "remoteUrl": f"{gl.url}/acme/platform/svc", "projectId": project["id"],
        "repoContentsUrl": f"{gl.url}/acme/platform/svc/-/blob/master", "commitHash": sha,
        "created": True}  # fmt: skip
    assert gl.git("acme/platform/svc", "rev-parse", "master").strip() == sha  # Backstage's default
    assert sorted(gl.files("acme/platform/svc", "master")) == [
        ".gitignore", "catalog-info.yaml", "deploy/values.yaml", "run.sh"]  # fmt: skip
    assert gl.mode("acme/platform/svc", "master", "run.sh") == "100755"
    pushes = gl.calls("POST", "/acme/platform/svc.git/git-receive-pack")
    assert pushes and all(p.authorized for p in pushes)
    assert not any(TOKEN in arg for args in argv for arg in args)
    assert not any(TOKEN in line for line in log)


def test_visibility_settings_and_branch_are_sent_and_an_empty_project_is_not_pushed(
    gl, workspace
) -> None:
    inputs = {"repoUrl": repo_url(gl, "mona", "mine"), "repoVisibility": "internal",
              "defaultBranch": "main", "sourcePath": False}  # fmt: skip
    outputs, _ = run(workspace, "publish:gitlab", inputs)
    assert gl.calls("POST", "/projects")[0].body["visibility"] == "internal"
    assert gl.calls("POST", "/projects")[0].body["namespace_id"] == gl.namespaces["mona"]["id"]
    assert "commitHash" not in outputs["gh"]["output"]
    assert not gl.calls("POST", r".*git-receive-pack")
    run(workspace, "publish:gitlab", {"repoUrl": repo_url(gl, "acme", "pub"),
                                      "repoVisibility": "internal",
                                      "settings": {"visibility": "public"}})  # fmt: skip
    assert gl.projects["acme/pub"]["visibility"] == "public"  # settings win, as in Backstage


def test_skip_existing_reuses_the_project_and_without_it_the_name_is_taken(gl, workspace) -> None:
    existing = gl.create("acme/svc")
    outputs, log = run(workspace, "publish:gitlab",
                       {"repoUrl": repo_url(gl, repo="svc"), "skipExisting": True})  # fmt: skip
    assert outputs["gh"]["output"] == {
        "remoteUrl": existing["web_url"], "repoContentsUrl": f"{existing['web_url']}/-/blob/master",
        "projectId": existing["id"], "created": False}  # fmt: skip
    assert any("already exists in namespace acme, skipping creation" in line for line in log)
    assert not gl.calls("POST", "/projects")
    with pytest.raises(ConflictError, match=r"a project acme/svc already exists on .*\(GitLab: "
                       r"name has already been taken; path has already been taken\); choose "
                       r"another repo name, delete that project, or set skipExisting"):  # fmt: skip
        run(workspace, "publish:gitlab", {"repoUrl": repo_url(gl, repo="svc")})


def test_a_failed_push_says_the_project_exists_and_a_retry_reuses_it(gl, workspace) -> None:
    gl.fail("POST", "/acme/svc.git/git-receive-pack", 403, "denied")
    checkpoints: dict = {}
    says = r"The project acme/svc was created at .*, but pushing the workspace failed: .*A retry"
    with pytest.raises(StepError, match=says):
        run(workspace, "publish:gitlab", {"repoUrl": repo_url(gl, repo="svc")},
            checkpoints=checkpoints)  # fmt: skip
    outputs, _ = run(workspace, "publish:gitlab", {"repoUrl": repo_url(gl, repo="svc")},
                     checkpoints=checkpoints)  # fmt: skip
    assert len(gl.calls("POST", "/projects")) == 1
    pushed = outputs["gh"]["output"]["commitHash"]
    assert gl.git("acme/svc", "rev-parse", "master").strip() == pushed


# Failures, tokens and hosts ----------------------------------------------------------
@pytest.mark.parametrize(("method", "path", "status", "message", "kind", "says"), [
    ("POST", "/projects", 403, "403 Forbidden", NotAllowedError,
     "the token for {host} cannot create projects in group acme (GitLab: 403 Forbidden): give "
     "it the api scope and Developer/Maintainer role"),
    ("GET", "/namespaces/acme", 404, "404 Namespace Not Found", NotFoundError,
     "GitLab on {host} has no namespace acme (GitLab: 404 Namespace Not Found); check the "
     "names, and that the token's user can see it"),
    ("POST", "/projects", 400, TAKEN, ConflictError, "a project acme/svc already exists on"),
    ("POST", "/projects", 409, "Project namespace name has already been taken", ConflictError,
     "set skipExisting to reuse it"),
    ("POST", "/projects", 422, {"topics": ["is too long"]}, InputError,
     "refused to create projects in group acme (GitLab: topics is too long); change the topics "
     "input"),
    ("POST", "/projects", 401, "401 Unauthorized", NotAllowedError,
     "GitLab on {host} did not accept the token (GitLab: 401 Unauthorized); give a valid, "
     "unexpired token with the api scope"),
])  # fmt: skip
def test_gitlab_refusals_name_cause_and_fix(gl, workspace, method, path, status, message, kind,
                                            says) -> None:  # fmt: skip
    gl.fail(method, path, status, message)
    with pytest.raises(kind, match=re.escape(says.format(host=gl.host))) as failure:
        run(workspace, "publish:gitlab", {"repoUrl": repo_url(gl, repo="svc")})
    assert TOKEN not in str(failure.value) and TOKEN not in "\n".join(failure.value.log)


def test_a_user_token_is_used_and_a_refused_one_is_not_replaced(gl, workspace) -> None:
    gl.seed("acme/app", {"README.md": "hi\n"})
    gl.token = USER_TOKEN
    run(workspace, "publish:gitlab:merge-request", {**mr_input(gl), "token": "${{ secrets.t }}"},
        secrets={"t": USER_TOKEN})  # fmt: skip
    gl.token = "gloas-someoneElse"
    with pytest.raises(NotAllowedError, match="did not accept the token") as failure:
        run(workspace, "publish:gitlab:merge-request",
            {**mr_input(gl, branchName="two"), "token": USER_TOKEN})  # fmt: skip
    assert USER_TOKEN not in str(failure.value)
    assert gl.requests[-1].authorized is False
    assert len([r for r in gl.requests if not r.authorized]) == 1  # no second try


def test_no_token_names_the_integration_config(gl, workspace, settings) -> None:
    settings.APP_CONFIG = gl.app_config(settings.APP_CONFIG, token=None)
    with pytest.raises(InputError, match=r"No token available for host: .* set "
                       r"integrations.gitlab\[\].token for .* in app-config"):  # fmt: skip
        run(workspace, "publish:gitlab", {"repoUrl": repo_url(gl, repo="svc")})
    assert gl.requests == []


def test_integration_hosts_need_no_allow_entry_but_private_addresses_do(
    gl, workspace, settings
) -> None:
    """A GitLab integration's hosts are reachable without ``backend.reading.allow``
    (as GitHub's are); a push to an address that is not public still needs
    ``allowPrivateHosts``, and is refused before git runs."""
    settings.APP_CONFIG = {**settings.APP_CONFIG, "backend": {}}
    gl.seed("acme/app", {"README.md": "hi\n"})
    outputs, _ = run(workspace, "publish:gitlab:merge-request", mr_input(gl))
    assert outputs["gh"]["output"]["mergeRequestUrl"].endswith("/merge_requests/1")
    with pytest.raises(StepError, match=r"pushing the workspace failed: .* resolves to the "
                       r"non-public address 127\.0\.0\.1"):  # fmt: skip
        run(workspace, "publish:gitlab", {"repoUrl": repo_url(gl, repo="svc")})
    assert not gl.calls("POST", r"/acme/svc\.git/git-receive-pack")


@pytest.mark.parametrize("query", ["owner=../../x&repo=y", "owner=acme&repo=a/b",
                                   "owner=acme&repo=y%3Fz", "project=1%2F..%2F2"])  # fmt: skip
def test_bad_names_and_unknown_hosts_are_refused_before_any_request(gl, workspace, query) -> None:
    with pytest.raises(InputError, match=r"Invalid (owner|repo|project)"):
        run(workspace, "publish:gitlab:merge-request", mr_input(gl, repoUrl=f"{gl.host}?{query}"))
    with pytest.raises(InputError, match=r"No matching integration configuration for host "
                       r"gitlab\.example\.com"):  # fmt: skip
        run(workspace, "publish:gitlab", {"repoUrl": "gitlab.example.com?owner=a&repo=b"})
    assert gl.requests == []


def test_a_dry_run_skips_both_actions_as_backstage_does(gl, workspace) -> None:
    steps = with_step_defaults([
        {"id": "mr", "action": "publish:gitlab:merge-request", "input": mr_input(gl)},
        {"id": "pub", "action": "publish:gitlab", "input": {"repoUrl": repo_url(gl)}}])  # fmt: skip
    spec = RunSpec(steps=steps, parameters={}, template=TemplateInfo("template:default/t", ""))
    runner = Run(spec=spec, workspace=workspace, emit=lambda entry: None, dry_run=True)
    runner.execute()
    assert gl.requests == []
    assert set(runner.step_outputs["mr"]["output"]) == {
        "mergeRequestUrl", "projectid", "projectPath", "targetBranchName"}  # fmt: skip
    assert set(runner.step_outputs["pub"]["output"]) == {
        "remoteUrl", "repoContentsUrl", "projectId", "commitHash", "created"}  # fmt: skip


# Backstage's example template ---------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_the_backstage_gitlab_merge_request_example_runs_as_a_task(
    gl, alice, files, queued, settings
) -> None:
    settings.APP_CONFIG = gl.app_config(settings.APP_CONFIG, token=None)
    gl.token = USER_TOKEN
    gl.seed("acme/website", {"README.md": "site\n"})
    shutil.copytree(EXAMPLE, files.root / "templates" / "gitlab-merge-request")
    register(files.root / "templates" / "gitlab-merge-request" / "template.yaml")
    values = {"name": "docs-site", "description": "Our docs", "targetPath": "sites/docs",
              "branchName": "add-docs-site", "assignee": "mona",
              "repoUrl": f"{gl.host}?owner=acme&repo=website"}  # fmt: skip
    answer = alice.post("/api/scaffolder/v2/tasks", json.dumps({
        "templateRef": "template:default/gitlab-merge-request", "values": values,
        "secrets": {"USER_OAUTH_TOKEN": USER_TOKEN}}), content_type="application/json")  # fmt: skip
    assert answer.status_code == 201, answer.content
    task_id = answer.json()["id"]
    events = lambda: [e.body.get("message", "") for e in TaskEvent.objects.filter(task_id=task_id)]  # noqa: E731
    assert execute_task(task_id) == TaskStatus.COMPLETED, events()
    [merge] = gl.merge_requests["acme/website"]
    assert merge["title"] == "Creating catalog-info.yaml docs-site for backstage"
    assert merge["description"].startswith("# New project: docs-site\nOur docs")
    assert (merge["source_branch"], merge["target_branch"]) == ("add-docs-site", "main")
    assert merge["remove_source_branch"] is True and merge["assignee"]["username"] == "mona"
    tree = gl.files("acme/website", "add-docs-site")
    assert sorted(tree) == ["README.md", "sites/docs/catalog-info.yaml"]
    assert 'name: "docs-site"' in tree["sites/docs/catalog-info.yaml"]
    completion = TaskEvent.objects.get(task_id=task_id, event_type="completion").body
    assert completion["output"]["links"][0]["url"] == merge["web_url"]
    assert not any(USER_TOKEN in message for message in events())
