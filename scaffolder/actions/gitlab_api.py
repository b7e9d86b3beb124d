"""A small client for GitLab's REST API (v4), for the scaffolder's GitLab actions.

It follows the GitHub client's rules (``github_api``): it talks only to the API root
of the GitLab integration a template names (``apiBaseUrl``, else
``https://<host>/api/v4``), after the catalog's reading rules allowed that host, and
never follows redirects, so the token cannot be sent anywhere else. The token travels
only in the ``Authorization`` header (GitLab takes personal, project, group and OAuth
tokens as ``Bearer``), never in a URL, and is masked in anything GitLab answers, so
no message can quote it. A failure becomes a scaffolder error that says what went
wrong and what to change: a missing scope or role, a name already taken, a path
that does not exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from catalog import services
from catalog.model.errors import CatalogError
from scaffolder.actions.github_api import TIMEOUT
from scaffolder.errors import ConflictError, InputError, NotAllowedError, NotFoundError, StepError
from scaffolder.integrations import gitlab_api_base

__all__ = ["Call", "GitLab"]

#: The template input a field of GitLab's validation errors comes from.
_INPUTS = {"name": "repoUrl", "path": "repoUrl", "namespace": "repoUrl",
           "visibility": "repoVisibility", "source_branch": "branchName",
           "target_branch": "targetBranchName", "branch": "branchName",
           "file_path": "targetPath", "topics": "topics"}  # fmt: skip
#: What GitLab says when a name is in use (projects, branches, files, merge requests).
_TAKEN = ("has already been taken", "already exists")


@dataclass(frozen=True)
class Call:
    """What a request is for, so that its failure can be explained: ``doing`` ("create
    projects in group acme"), the ``role`` a token's user needs for it, ``subject``
    (what a 404 or an "already exists" is about), ``taken``: what to do when that
    already exists, and ``change``: what the template should change when GitLab
    refuses the request's content (else the inputs its fields come from)."""

    doing: str
    role: str = "Developer"
    subject: str = ""
    taken: str = "choose another name or delete it"
    change: str = ""


def _said(answer: Any) -> str:
    """GitLab's ``message``/``error`` as one line: it may be a string, a list, or a
    map of field names to lists (``{"name": ["has already been taken"]}``)."""
    said = answer.get("message") or answer.get("error") or ""
    if isinstance(said, Mapping):
        lists = {field: problems if isinstance(problems, list) else [problems]
                 for field, problems in said.items()}  # fmt: skip
        return "; ".join(f"{field} {' and '.join(map(str, problems))}"
                         for field, problems in lists.items())  # fmt: skip
    if isinstance(said, list):
        return "; ".join(map(str, said))
    return str(said)


class GitLab:
    """The REST API of the GitLab integration on ``host``, with ``token``."""

    def __init__(self, host: str, token: str) -> None:
        self.host, self.base, self._token = host, gitlab_api_base(host), token
        try:
            services.check_url_allowed(self.base)
        except CatalogError as exc:
            raise NotAllowedError(f"Cannot call GitLab at {self.base}: {exc}") from None
        self._client = httpx.Client(
            base_url=self.base, timeout=TIMEOUT, follow_redirects=False, trust_env=False,
            headers={"Authorization": f"Bearer {token}", "User-Agent": "Greenroom-scaffolder"},
        )  # fmt: skip

    def __enter__(self) -> GitLab:
        return self

    def __exit__(self, *_: object) -> None:
        self._client.close()

    def request(self, method: str, path: str, call: Call, body: Any = None,
                params: Mapping[str, Any] | None = None,
                missing_ok: bool = False) -> Any:  # fmt: skip
        """The decoded answer of ``method path`` (None for an empty one, or for a 404
        when ``missing_ok``); a scaffolder error for any failure."""
        try:
            response = self._client.request(method, path, json=body, params=params)
        except httpx.TimeoutException:
            raise StepError(f"GitLab on {self.host} did not answer in time while trying to "
                            f"{call.doing}; try again later") from None  # fmt: skip
        except httpx.HTTPError:
            raise StepError(f"Cannot reach GitLab at {self.base} to {call.doing}; check "
                            "integrations.gitlab[].apiBaseUrl in app-config") from None  # fmt: skip
        if missing_ok and response.status_code == 404:
            return None
        if response.status_code >= 400 or response.is_redirect:
            raise self._failure(response, call)
        return response.json() if response.content else None

    def _failure(self, response: httpx.Response, call: Call) -> StepError:
        status = response.status_code
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        answer = answer if isinstance(answer, dict) else {"message": answer}
        said = (_said(answer) or response.reason_phrase or str(status)).replace(self._token, "***")
        quoted = f"(GitLab: {said})"
        if status == 401:
            return NotAllowedError(
                f"GitLab on {self.host} did not accept the token {quoted}; give a valid, "
                "unexpired token with the api scope (the template's token input, or "
                f"integrations.gitlab[].token for {self.host} in app-config)"
            )
        if status == 403:
            return NotAllowedError(f"the token for {self.host} cannot {call.doing} {quoted}: "
                                   f"give it the api scope and {call.role} role")  # fmt: skip
        if status == 404:
            return NotFoundError(f"GitLab on {self.host} has no {call.subject or 'such resource'} "
                                 f"{quoted}; check the names, and that the token's user can "
                                 "see it")  # fmt: skip
        if status == 429:
            return StepError(f"GitLab on {self.host} rate-limited the request to {call.doing} "
                             f"{quoted}; try again later")  # fmt: skip
        if status in (400, 409, 422) and any(taken in said for taken in _TAKEN):
            return ConflictError(f"{call.subject or 'it'} already exists on {self.host} "
                                 f"{quoted}; {call.taken}")  # fmt: skip
        if status in (400, 422):
            fields = answer.get("message") if isinstance(answer.get("message"), Mapping) else {}
            inputs = sorted({_INPUTS.get(str(name), str(name)) for name in fields})
            fix = call.change or (f"change the {', '.join(inputs)} input" if inputs
                                  else "check the inputs")  # fmt: skip
            return InputError(f"GitLab on {self.host} refused to {call.doing} {quoted}; {fix}")
        if status == 409:
            return ConflictError(f"GitLab on {self.host} refused to {call.doing} {quoted}")
        where = urlsplit(str(response.request.url)).path
        return StepError(f"GitLab on {self.host} answered HTTP {status} to {call.doing} "
                         f"({where}) {quoted}")  # fmt: skip
