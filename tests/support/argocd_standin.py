"""A stand-in Argo CD for the scaffolder's tests: the session, project and
application calls of Argo CD's REST API, answered in its shapes (grpc-gateway errors
``{"error", "code", "message"}``), every request recorded.

    with argocd_standin() as argo:
        settings.APP_CONFIG = argo.app_config(settings.APP_CONFIG)
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from tests.support.standin_http import JsonHandler, serving

TOKEN = "argocd-api-token-0123456789"
USERNAME, PASSWORD = "admin", "argo-password"
SESSION_TOKEN = "argocd-session-jwt"
#: How long a call waits at a closed gate before it is answered anyway.
GATE_TIMEOUT = 60
#: Argo CD's grpc codes for the HTTP statuses the stand-in answers.
_CODES = {400: 3, 401: 16, 403: 7, 404: 5, 409: 6}


@dataclass
class Recorded:
    method: str
    path: str
    body: Any
    authorized: bool


@dataclass
class ArgoCDStandin:
    url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    projects: dict[str, Any] = field(default_factory=dict)
    applications: dict[str, Any] = field(default_factory=dict)
    #: (method, path) -> (status, message) for the next such call.
    failures: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)
    #: Calls wait while this is cleared (up to ``GATE_TIMEOUT``), so a test can watch
    #: a task while its deploy step is under way; open unless a test clears it.
    gate: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.gate.set()

    def app_config(self, base: dict[str, Any], login: bool = False) -> dict[str, Any]:
        """``base`` with this server as instance ``main`` (a token, or with ``login``
        a username and password), allowed for outbound calls."""
        credentials = {"username": USERNAME, "password": PASSWORD} if login else {"token": TOKEN}
        host = urlsplit(self.url).netloc
        backend = dict(base.get("backend") or {})
        reading = dict(backend.get("reading") or {})
        reading["allow"] = [*reading.get("allow", []), {"host": host}]
        reading["allowPrivateHosts"] = [*reading.get("allowPrivateHosts", []), host]
        return {**base, "backend": {**backend, "reading": reading},
                "argocd": {"appLocatorMethods": [{"type": "config", "instances": [
                    {"name": "main", "url": self.url, **credentials}]}]}}  # fmt: skip

    def fail(self, method: str, path: str, status: int, message: str) -> None:
        self.failures[(method, path)] = (status, message)


class _Handler(JsonHandler):
    argo: ArgoCDStandin

    def _error(self, status: int, message: str) -> None:
        self._answer(status, {"error": message, "code": _CODES.get(status, 2), "message": message})

    def do_POST(self) -> None:
        self.argo.gate.wait(GATE_TIMEOUT)
        path = urlsplit(self.path).path
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        auth = self.headers.get("Authorization", "")
        authorized = auth in (f"Bearer {TOKEN}", f"Bearer {SESSION_TOKEN}")
        self.argo.requests.append(Recorded("POST", path, body, authorized))
        if (failure := self.argo.failures.pop(("POST", path), None)) is not None:
            return self._error(*failure)
        if path == "/api/v1/session":
            if (body.get("username"), body.get("password")) != (USERNAME, PASSWORD):
                return self._error(401, "Invalid username or password")
            return self._answer(200, {"token": SESSION_TOKEN})
        if not authorized:
            return self._error(401, "no session information")
        if path == "/api/v1/projects":
            return self._store(self.argo.projects, body["project"], "project")
        if path == "/api/v1/applications":
            return self._store(self.argo.applications, body, "application")
        self._error(404, "Not Found")

    def _store(self, where: dict[str, Any], item: dict[str, Any], kind: str) -> None:
        name = item["metadata"]["name"]
        if name in where and where[name]["spec"] != item["spec"]:
            return self._error(400, f"existing {kind} spec is different, use upsert flag to "
                                    "force update")  # fmt: skip
        where[name] = item
        self._answer(200, item)


@contextmanager
def argocd_standin() -> Iterator[ArgoCDStandin]:
    """A started stand-in on 127.0.0.1."""
    argo = ArgoCDStandin()
    with serving(type("Handler", (_Handler,), {"argo": argo})) as argo.url:
        yield argo
