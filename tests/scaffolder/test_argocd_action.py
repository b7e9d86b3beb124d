"""``argocd:create-resources`` against a stand-in Argo CD: the project and
application it creates, logging in with a username and password, and its failures
(an unknown instance, refused credentials, a resource that exists otherwise)."""

from __future__ import annotations

import threading

import pytest

from scaffolder.actions import TemplateInfo, get_action
from scaffolder.errors import ConflictError, InputError, NotAllowedError
from scaffolder.runner import Run, RunSpec, with_step_defaults
from tests.support.argocd_standin import PASSWORD, SESSION_TOKEN, TOKEN, argocd_standin
from tests.support.github_standin import github_standin

pytestmark = pytest.mark.django_db

INPUT = {"appName": "orders", "argoInstance": "main", "namespace": "shop",
         "repoUrl": "https://github.com/acme-corp/orders.git", "path": "deploy/helm"}  # fmt: skip


@pytest.fixture
def argo(settings):
    with argocd_standin() as standin:
        settings.APP_CONFIG = standin.app_config(settings.APP_CONFIG)
        yield standin


def run(tmp_path, inputs: dict, checkpoints: dict | None = None) -> list[str]:
    log: list[str] = []
    steps = with_step_defaults([{"id": "argo", "action": "argocd:create-resources",
                                 "input": inputs}])  # fmt: skip
    template = TemplateInfo("template:default/t", "file:///t/template.yaml")
    spec = RunSpec(steps=steps, parameters={}, template=template)
    Run(spec=spec, workspace=tmp_path, emit=lambda entry: log.append(entry["message"]),
        stop=threading.Event(),
        checkpoints={} if checkpoints is None else checkpoints).execute()  # fmt: skip
    return log


def test_creates_the_project_then_the_application(argo, tmp_path) -> None:
    log = run(tmp_path, {**INPUT, "labelValue": "orders-svc"})
    project, application = argo.requests
    assert (project.path, application.path) == ("/api/v1/projects", "/api/v1/applications")
    assert project.authorized and application.authorized
    destination = {"namespace": "shop", "server": "https://kubernetes.default.svc"}
    assert project.body == {"project": {"metadata": {"name": "orders"}, "spec": {
        "destinations": [destination], "sourceRepos": [INPUT["repoUrl"]]}}}  # fmt: skip
    assert application.body == {
        "metadata": {"name": "orders", "labels": {"backstage-name": "orders-svc"},
                     "finalizers": ["resources-finalizer.argocd.argoproj.io"]},
        "spec": {"destination": destination, "project": "orders",
                 "source": {"repoURL": INPUT["repoUrl"], "path": "deploy/helm",
                            "targetRevision": "HEAD"},
                 "syncPolicy": {"automated": {"prune": True, "selfHeal": True}}}}  # fmt: skip
    assert not any(TOKEN in line for line in log)
    assert get_action("argocd:create-resources").supports_dry_run is False


def test_logs_in_with_username_and_password(argo, tmp_path, settings) -> None:
    settings.APP_CONFIG = argo.app_config(settings.APP_CONFIG, login=True)
    log = run(tmp_path, {**INPUT, "projectName": "shop"})
    session, project, application = argo.requests
    assert session.path == "/api/v1/session" and session.body["password"] == PASSWORD
    assert project.authorized and application.body["spec"]["project"] == "shop"
    assert not any(PASSWORD in line or SESSION_TOKEN in line for line in log)


def test_an_unknown_instance_lists_the_configured_ones(argo, tmp_path) -> None:
    with pytest.raises(InputError, match="Unable to find Argo instance named 'prod'; "
                       r"configured instances .*: main"):  # fmt: skip
        run(tmp_path, {**INPUT, "argoInstance": "prod"})
    assert argo.requests == []


def test_refused_credentials_and_conflicts_are_explained(argo, tmp_path) -> None:
    argo.fail("POST", "/api/v1/projects", 403, "permission denied: projects, create")
    with pytest.raises(NotAllowedError, match="refused to let us create the project orders "
                       r"\(Argo CD: permission denied.*RBAC"):  # fmt: skip
        run(tmp_path, INPUT)
    argo.fail("POST", "/api/v1/projects", 409, "project orders already exists")
    with pytest.raises(ConflictError, match=r"already exists.*choose another"):
        run(tmp_path, INPUT)


def test_a_retry_does_not_create_the_project_twice(argo, tmp_path) -> None:
    checkpoints: dict = {}
    argo.fail("POST", "/api/v1/applications", 409, "application orders already exists")
    with pytest.raises(ConflictError):
        run(tmp_path, INPUT, checkpoints)
    run(tmp_path, INPUT, checkpoints)
    assert [r.path for r in argo.requests].count("/api/v1/projects") == 1
    assert "orders" in argo.applications


def test_the_seed_golden_path_publishes_registers_and_deploys(argo, tmp_path, settings) -> None:
    """The seed template's last three steps (without ``allowedHosts``, which Backstage's
    schema refuses too): the ArgoCD application follows the new repository."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "catalog-info.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: orders}\n"
        "spec: {type: service, lifecycle: experimental, owner: platform-team}\n"
    )
    with github_standin(tmp_path / "github") as gh:
        settings.APP_CONFIG = gh.app_config(settings.APP_CONFIG)
        steps = with_step_defaults([
            {"id": "publish-github", "action": "publish:github", "input": {
                "repoUrl": f"{gh.host}?owner=acme-corp&repo=orders", "defaultBranch": "main",
                "protectDefaultBranch": True, "requireCodeOwnerReviews": True,
                "repoVisibility": "internal"}},
            {"id": "register-catalog", "action": "catalog:register", "input": {
                "repoContentsUrl": "${{ steps['publish-github'].output.repoContentsUrl }}",
                "catalogInfoPath": "/catalog-info.yaml"}},
            {"id": "create-argocd-app", "action": "argocd:create-resources", "input": {
                **INPUT, "repoUrl": "${{ steps['publish-github'].output.remoteUrl }}"}},
        ])  # fmt: skip
        template = TemplateInfo("template:default/t", "file:///t/template.yaml")
        runner = Run(spec=RunSpec(steps=steps, parameters={}, template=template),
                     workspace=work, emit=lambda entry: None)  # fmt: skip
        runner.execute()
    assert runner.step_outputs["register-catalog"]["output"]["entityRef"] == (
        "component:default/orders")  # fmt: skip
    application = argo.applications["orders"]
    assert application["spec"]["source"]["repoURL"] == f"{gh.url}/acme-corp/orders.git"
