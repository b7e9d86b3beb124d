"""``argocd:create-resources``: an Argo CD project and application for a new service,
as Roadie's Argo CD backend plugin creates them.

The Argo CD instances come from app-config, as the Argo CD plugin reads them::

    argocd:
      appLocatorMethods:
        - type: config
          instances:
            - {name: main, url: https://argocd.example.com, token: ...}
            - {name: dev, url: https://argocd-dev.example.com, username: ..., password: ...}

An instance with a username and password logs in first (``POST /api/v1/session``).
The project allows the new repository and the target namespace; the application
syncs ``path`` of that repository automatically, and carries the ``backstage-name``
label the Argo CD plugin finds applications by. Instance URLs obey the catalog's
reading allow-list, like every other outbound call. Each resource is a checkpoint,
so a retried task does not create it twice.
"""

from __future__ import annotations

from typing import Any

import httpx
from django.conf import settings

from catalog import services
from catalog.model.errors import CatalogError
from scaffolder.actions.base import Action, ActionContext
from scaffolder.errors import ConflictError, InputError, NotAllowedError, StepError

__all__ = ["ACTIONS"]

IN_CLUSTER = "https://kubernetes.default.svc"
TIMEOUT = httpx.Timeout(30.0, connect=10.0)


def _text(title: str, description: str) -> dict[str, str]:
    return {"title": title, "description": description, "type": "string"}


INPUT_SCHEMA = {
    "type": "object",
    "required": ["appName", "argoInstance", "namespace", "repoUrl", "path"],
    "properties": {
        "projectName": _text("Project Name", "The name of the project as it will show up in "
                             "Argo CD. By default we use the application name."),
        "appName": _text("Application Name", "The name of the app as it will show up in Argo CD"),
        "argoInstance": _text("Argo CD Instance", "The Argo CD instance to deploy to"),
        "namespace": _text("Namespace", "The namespace Argo CD will target for deployment"),
        "repoUrl": _text("Repository URL", "The Repo URL that will be programmatically added "
                         "to the Argo CD Project."),
        "path": _text("path", "The path of the resources Argo CD will watch in the repository "
                      "mentioned in the repoUrl."),
        "labelValue": _text("Label Value", "The label Backstage will use to find applications "
                            "in Argo CD"),
    },
}  # fmt: skip


def _instance(name: str) -> dict[str, Any]:
    """The configured instance ``name``; InputError listing the configured ones."""
    methods = (settings.APP_CONFIG.get("argocd") or {}).get("appLocatorMethods") or []
    instances = [instance for method in methods if method.get("type") == "config"
                 for instance in method.get("instances") or []]  # fmt: skip
    for instance in instances:
        if instance.get("name") == name:
            return instance
    known = ", ".join(str(i.get("name")) for i in instances) or "none"
    raise InputError(f"Unable to find Argo instance named {name!r}; configured instances "
                     f"(argocd.appLocatorMethods[].instances[].name): {known}")  # fmt: skip


class _ArgoCD:
    """Argo CD's REST API on one instance; failures become scaffolder errors."""

    def __init__(self, instance: dict[str, Any]) -> None:
        self.name, self.url = instance["name"], str(instance.get("url") or "").rstrip("/")
        try:
            services.check_url_allowed(self.url)
        except CatalogError as exc:
            raise NotAllowedError(f"Cannot call Argo CD instance {self.name}: {exc}") from None
        self.client = httpx.Client(base_url=self.url, timeout=TIMEOUT, follow_redirects=False,
                                   trust_env=False)  # fmt: skip
        token = instance.get("token")
        if not token:
            if not (instance.get("username") and instance.get("password")):
                raise InputError(f"Argo CD instance {self.name} has neither a token nor a "
                                 "username and password in app-config")  # fmt: skip
            login = {"username": instance["username"], "password": instance["password"]}
            try:
                token = self.call("POST", "/api/v1/session", "log in", login)["token"]
            except StepError:
                self.client.close()
                raise
        self.client.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, doing: str, body: Any) -> Any:
        try:
            response = self.client.request(method, path, json=body)
        except httpx.HTTPError:
            raise StepError(f"Cannot reach Argo CD instance {self.name} at {self.url} to "
                            f"{doing}; check argocd.appLocatorMethods") from None  # fmt: skip
        if response.status_code < 300:
            return response.json() if response.content else None
        try:
            said = str(response.json().get("message") or response.reason_phrase)
        except (ValueError, AttributeError):
            said = response.reason_phrase
        status, quoted = response.status_code, f"(Argo CD: {said})"
        if status in (401, 403):
            raise NotAllowedError(f"Argo CD instance {self.name} refused to let us {doing} "
                                  f"{quoted}; check the instance's token or account and its "
                                  "RBAC permissions")  # fmt: skip
        if status == 409 or "already exists" in said or "spec is different" in said:
            raise ConflictError(f"Cannot {doing} on Argo CD instance {self.name}: it already "
                                f"exists with other settings {quoted}; choose another "
                                "appName/projectName or delete it in Argo CD")  # fmt: skip
        raise StepError(f"Argo CD instance {self.name} answered HTTP {status} when asked to "
                        f"{doing} {quoted}")  # fmt: skip


def _create(ctx: ActionContext) -> None:
    get = ctx.input.get
    app, namespace, repo_url = ctx.input["appName"], ctx.input["namespace"], ctx.input["repoUrl"]
    project = get("projectName") or app
    argo = _ArgoCD(_instance(ctx.input["argoInstance"]))
    destination = {"namespace": namespace, "server": IN_CLUSTER}
    project_body = {"project": {"metadata": {"name": project},
                                "spec": {"destinations": [destination],
                                         "sourceRepos": [repo_url]}}}  # fmt: skip
    app_body = {
        "metadata": {"name": app, "labels": {"backstage-name": get("labelValue") or app},
                     "finalizers": ["resources-finalizer.argocd.argoproj.io"]},
        "spec": {"destination": destination, "project": project,
                 "source": {"repoURL": repo_url, "path": ctx.input["path"],
                            "targetRevision": "HEAD"},
                 "syncPolicy": {"automated": {"prune": True, "selfHeal": True}}},
    }  # fmt: skip

    def create(key: str, path: str, name: str, body: dict[str, Any]) -> None:
        ctx.log(f"Creating Argo CD {key} {name} on {argo.name}")

        def send() -> str:
            argo.call("POST", path, f"create the {key} {name}", body)
            return name

        ctx.checkpoint(key, send)

    try:
        create("project", "/api/v1/projects", project, project_body)
        create("application", "/api/v1/applications", app, app_body)
    finally:
        argo.client.close()
    ctx.log(f"Argo CD application {app} created on {argo.name}")


ACTIONS = [
    Action(
        id="argocd:create-resources",
        handler=_create,
        description="Creates an Argo CD project and an application for a repository, on an "
        "Argo CD instance configured under argocd.appLocatorMethods.",
        input_schema=INPUT_SCHEMA,
    )
]
