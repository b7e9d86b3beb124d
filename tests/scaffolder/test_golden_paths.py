"""Golden paths end to end, as a platform team runs them: unmodified templates (three of
Backstage's, the guide's seed golden path, Greenroom's demo templates) registered in a
child portal's catalog, each run as a real task created through the task API and
executed by a real Celery worker, against stand-in GitHub, GitLab and Argo CD servers
in this process and the local git root. Each test checks what was pushed (with ``git``), what
the catalog API then serves for the new component (with its relations), and the task's
output.

The stand-in GitHub answers for ``github.com`` (the host the templates name), so its
integration points ``github.com`` at the stand-in's API; the stand-in's own address is
a second integration so the catalog reads the pushed ``catalog-info.yaml`` through the
contents API, as it reads any GitHub URL. The stand-in GitLab answers for
``gitlab.com`` the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.github_standin import TOKEN as GITHUB_TOKEN
from tests.support.gitlab_standin import TOKEN as GITLAB_TOKEN
from tests.support.golden_paths import Portal, golden_portal, tree


def _relations(entity: dict[str, Any]) -> set[tuple[str, str]]:
    return {(relation["type"], relation["targetRef"]) for relation in entity["relations"]}


@pytest.fixture(scope="module")
def portal(tmp_path_factory, postgres) -> Iterator[Portal]:
    """A migrated child portal with every golden-path template registered, its web
    server and a worker, and the stand-ins it publishes and deploys to."""
    with golden_portal(tmp_path_factory.mktemp("golden"), postgres) as portal:
        yield portal


def _completed(task: dict[str, Any], portal: Portal) -> None:
    assert task["status"] == "completed", "\n".join(task["messages"]) + "".join(
        portal.worker_output)  # fmt: skip


def test_the_seed_golden_path_publishes_registers_and_deploys(portal: Portal) -> None:
    task = portal.run("template:default/spring-boot-grpc-service", {
        "serviceName": "order-service", "description": "Takes orders",
        "owner": "group:default/platform-team", "system": "system:default/commerce",
        "javaVersion": "21", "database": "postgresql", "enableKafka": True,
        "namespace": "orders", "cluster": "dev"})  # fmt: skip
    _completed(task, portal)
    files = portal.pushed("acme-corp", "order-service")
    assert {"catalog-info.yaml", "Dockerfile", "pom.xml", "deploy/helm/Chart.yaml",
            ".github/workflows/ci.yaml", "src/main/proto/service.proto",
            "src/main/java/com/acme/orderservice/Application.java"} <= set(files)  # fmt: skip
    repo = portal.gh.repos["acme-corp/order-service"]
    assert repo.get("visibility") == "internal"
    assert portal.gh.calls("PUT", "/repos/acme-corp/order-service/branches/main/protection")
    application = portal.argo.applications["order-service"]
    assert application["spec"]["source"]["repoURL"] == repo["clone_url"]
    assert application["spec"]["source"]["path"] == "deploy/helm"
    assert application["spec"]["destination"]["namespace"] == "orders"
    component = portal.entity("component", "order-service")
    assert {("ownedBy", "group:default/platform-team"), ("partOf", "system:default/commerce"),
            ("providesApi", "api:default/order-service-grpc")} <= _relations(component)
    api = portal.entity("api", "order-service-grpc")
    assert "service" in api["spec"]["definition"]  # the proto, read from the pushed repo
    assert task["completion"]["output"]["links"] == [
        {"title": "GitHub Repository", "url": repo["clone_url"]},
        {"title": "View in Catalog", "icon": "catalog",
         "entityRef": "component:default/order-service"}]  # fmt: skip


def test_backstage_docs_template_runs_in_lenient_mode(portal: Portal) -> None:
    task = portal.run("template:default/docs-template", {
        "name": "team-handbook", "description": "How the platform team works",
        "owner": "group:default/platform-team",
        "repoUrl": "github.com?owner=acme-corp&repo=team-handbook"})  # fmt: skip
    _completed(task, portal)
    assert any("does not take allowedHosts; ignored" in m for m in task["messages"])
    assert {"catalog-info.yaml", "mkdocs.yml", "docs/index.md"} <= set(
        portal.pushed("acme-corp", "team-handbook", "master"))  # fmt: skip
    component = portal.entity("component", "team-handbook")
    assert ("ownedBy", "group:default/platform-team") in _relations(component)
    assert component["metadata"]["description"] == "How the platform team works"


def test_backstage_springboot_template_keeps_names_and_modes(portal: Portal) -> None:
    task = portal.run("template:default/springboot-template", {
        "component_id": "greeter", "java_package_name": "greeter",
        "description": "Says hello", "owner": "group:default/platform-team",
        "repoUrl": "github.com?owner=acme-corp&repo=greeter"})  # fmt: skip
    _completed(task, portal)
    files = portal.pushed("acme-corp", "greeter", "master")  # publish:github's default
    assert files["greeter.sh"] == "100755"
    assert "src/main/java/com/example/greeter/GreeterService.java" in files
    assert "src/main/resources/banner.txt" in files
    component = portal.entity("component", "greeter")
    assert ("ownedBy", "group:default/platform-team") in _relations(component)


def test_backstage_gitlab_merge_request_template_opens_the_merge_request(portal: Portal) -> None:
    """Changes an existing repository: the skeleton lands under ``targetPath`` on a new
    branch, with the user's OAuth token from the task's secrets."""
    portal.gl.seed("acme/platform", {"README.md": "# Platform\n"})
    task = portal.run("template:default/gitlab-merge-request", {
        "name": "billing", "description": "Billing service", "targetPath": "services/billing",
        "branchName": "add-billing", "assignee": "nobody-by-that-name",
        "repoUrl": "gitlab.com?owner=acme&repo=platform"},
        secrets={"USER_OAUTH_TOKEN": GITLAB_TOKEN})  # fmt: skip
    _completed(task, portal)
    files = portal.gl.files("acme/platform", "add-billing")
    assert files["README.md"] == "# Platform\n"
    assert 'name: "billing"' in files["services/billing/catalog-info.yaml"]  # dump: JSON
    [link] = task["completion"]["output"]["links"]
    assert link == {"url": f"{portal.gl.url}/acme/platform/-/merge_requests/1",
                    "title": "Go to Gitlab MR"}  # fmt: skip
    assert any("Failed to find gitlab user id for nobody-by-that-name" in m
               for m in task["messages"])  # fmt: skip
    assert not any(GITLAB_TOKEN in m for m in task["messages"])


@pytest.mark.parametrize(("template", "values", "kind"), [
    ("python-service", {"name": "payments-api", "owner": "group:default/platform-team",
                        "system": "system:default/commerce"}, "component"),
    ("docs-site", {"name": "runbooks", "owner": "group:default/platform-team"}, "component"),
])  # fmt: skip
def test_the_demo_golden_paths_publish_to_the_local_git_root(
    portal: Portal, template: str, values: dict[str, Any], kind: str
) -> None:
    task = portal.run(f"template:default/{template}", values)
    _completed(task, portal)
    bare = next(portal.git_root.rglob(f"{values['name']}.git"))
    assert "catalog-info.yaml" in tree(bare, "main")
    entity = portal.entity(kind, values["name"])
    assert ("ownedBy", "group:default/platform-team") in _relations(entity)
    annotations = entity["metadata"]["annotations"]
    assert annotations["backstage.io/managed-by-location"].startswith("git:")


SEED_VALUES = {"owner": "group:default/platform-team", "system": "system:default/commerce",
               "namespace": "billing"}  # fmt: skip


def test_the_seed_failure_is_explained_and_a_retry_finishes_without_repeating(
    portal: Portal,
) -> None:
    """The guide's failure case: GitHub refuses the repository (403 "Resource not
    accessible by integration"); the task fails at that step saying which permission
    is missing, nothing is created; once fixed, retry runs from that step on."""
    portal.gh.fail("POST", "/orgs/acme-corp/repos", 403, "Resource not accessible by integration")
    task = portal.run("template:default/spring-boot-grpc-service",
                      {**SEED_VALUES, "serviceName": "billing-service"})  # fmt: skip
    assert task["status"] == "failed"
    error = task["completion"]["error"]
    assert error["name"] == "NotAllowedError"
    assert "Administration: write" in error["message"] and GITHUB_TOKEN not in error["message"]
    assert "acme-corp/billing-service" not in portal.gh.repos
    assert "billing-service" not in portal.argo.applications
    retried = portal.api("POST", f"/api/scaffolder/v2/tasks/{task['id']}/retry", {})
    assert retried.status_code in (200, 201), retried.text
    task = portal.wait(task["id"])
    _completed(task, portal)
    assert any("completed in an earlier attempt" in m for m in task["messages"])
    assert len(portal.gh.calls("POST", "/orgs/acme-corp/repos")) >= 2
    assert "catalog-info.yaml" in portal.pushed("acme-corp", "billing-service")
    assert portal.entity("component", "billing-service")
    assert portal.argo.applications["billing-service"]["spec"]["destination"]["namespace"] == (
        "billing")  # fmt: skip
