"""A small client for GitHub's REST API, for the scaffolder's GitHub actions.

It talks only to the API root of the GitHub integration a template names (its
``apiBaseUrl``, or GitHub's own), after the catalog's reading rules allowed that
host, and never follows redirects, so the token cannot be sent anywhere else. What
GitHub answers with a failure becomes a scaffolder error that says what went wrong
and what to change: a missing permission, a name already taken, an organisation
policy. The token is sent only in the ``Authorization`` header: never in a URL, so
neither a message nor httpx's request log (URLs only) can show it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx

from catalog import services
from catalog.model.errors import CatalogError
from scaffolder.errors import ConflictError, InputError, NotAllowedError, NotFoundError, StepError
from scaffolder.integrations import github_api_base

__all__ = ["Call", "GitHub"]

#: Seconds to connect, and for each read of an answer.
TIMEOUT = httpx.Timeout(30.0, connect=10.0)
#: The template input a field of GitHub's validation errors comes from.
_INPUTS = {"visibility": "repoVisibility", "private": "repoVisibility", "name": "repoUrl",
           "description": "description", "homepage": "homepage", "head": "branchName",
           "base": "targetBranchName", "ref": "branchOrTagName", "config": "webhookUrl",
           "url": "webhookUrl", "events": "events"}  # fmt: skip


class Call:
    """What a request is for, so that its failure can be explained: ``doing`` ("create
    repositories in acme"), the ``permission`` a token needs for it, and ``subject``
    (what a 404 or a 422 "already exists" is about)."""

    def __init__(self, doing: str, permission: str, subject: str = "") -> None:
        self.doing, self.permission, self.subject = doing, permission, subject


class GitHub:
    """The REST API of the GitHub integration on ``host``, with ``token``."""

    def __init__(self, host: str, token: str) -> None:
        self.host, self.base = host, github_api_base(host)
        try:
            services.check_url_allowed(self.base)
        except CatalogError as exc:
            raise NotAllowedError(f"Cannot call GitHub at {self.base}: {exc}") from None
        self._client = httpx.Client(
            base_url=self.base, timeout=TIMEOUT, follow_redirects=False, trust_env=False,
            headers={"Authorization": f"Bearer {token}", "User-Agent": "Greenroom-scaffolder",
                     "Accept": "application/vnd.github+json",
                     "X-GitHub-Api-Version": "2022-11-28"},
        )  # fmt: skip

    def __enter__(self) -> GitHub:
        return self

    def __exit__(self, *_: object) -> None:
        self._client.close()

    def request(self, method: str, path: str, call: Call, body: Any = None,
                params: Mapping[str, Any] | None = None) -> Any:  # fmt: skip
        """The decoded answer of ``method path`` (None for an empty one); a scaffolder
        error for any failure."""
        response = self._send(method, path, call, body, params)
        return response.json() if response.content else None

    def paginate(self, path: str, call: Call, params: Mapping[str, Any] | None = None) -> list:
        """Every item of a listing, following its ``Link: rel="next"`` pages (only
        within this API root)."""
        items: list = []
        url: str | None = path
        query: Mapping[str, Any] | None = {"per_page": 100, **(params or {})}
        while url:
            response = self._send("GET", url, call, None, query)
            items += response.json()
            url, query = response.links.get("next", {}).get("url"), None
            if url and not url.startswith(self.base + "/"):
                raise StepError(f"GitHub on {self.host} sent a next page outside its API")
        return items

    def _send(self, method: str, path: str, call: Call, body: Any,
              params: Mapping[str, Any] | None) -> httpx.Response:  # fmt: skip
        try:
            response = self._client.request(method, path, json=body, params=params)
        except httpx.TimeoutException:
            raise StepError(f"GitHub on {self.host} did not answer in time while trying to "
                            f"{call.doing}; try again later") from None  # fmt: skip
        except httpx.HTTPError:
            raise StepError(f"Cannot reach GitHub at {self.base} to {call.doing}; check "
                            "integrations.github[].apiBaseUrl") from None  # fmt: skip
        if response.status_code >= 400 or response.is_redirect:
            raise self._failure(response, call)
        return response

    def _failure(self, response: httpx.Response, call: Call) -> StepError:
        status = response.status_code
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        answer = answer if isinstance(answer, dict) else {}
        said = str(answer.get("message") or response.reason_phrase or status)
        errors = [e for e in answer.get("errors") or [] if isinstance(e, dict)]
        details = "; ".join(str(e.get("message") or e.get("code") or "") for e in errors)
        quoted = f"(GitHub: {said}{': ' + details if details else ''})"
        if status == 401:
            return NotAllowedError(f"GitHub on {self.host} did not accept the token {quoted}; "
                                   "give a valid, unexpired token")  # fmt: skip
        if status == 403 and "rate limit" in said.lower():
            return StepError(f"GitHub on {self.host} rate-limited the request to {call.doing} "
                             f"{quoted}; try again later")  # fmt: skip
        if status == 403:
            return NotAllowedError(
                f"the token for {self.host} lacks permission to {call.doing} {quoted}; give "
                f"the GitHub App/token the {call.permission} permission or use another owner"
            )
        if status == 404:
            return NotFoundError(f"GitHub on {self.host} has no {call.subject or 'such resource'} "
                                 f"{quoted}; check the names, and that the token can see "
                                 "them")  # fmt: skip
        if status == 422 and "already exists" in f"{said} {details}":
            return ConflictError(f"{call.subject or 'it'} already exists; choose another name "
                                 "or delete it")  # fmt: skip
        if status == 422:
            fields = [str(e.get("field")) for e in errors if e.get("field")]
            options = sorted({_INPUTS.get(f, f) for f in fields})
            change = f"; change the {', '.join(options)} input" if options else ""
            return InputError(f"GitHub on {self.host} refused to {call.doing} {quoted}{change}")
        if status == 409:
            return ConflictError(f"GitHub on {self.host} refused to {call.doing} {quoted}")
        where = urlsplit(str(response.request.url)).path
        return StepError(f"GitHub on {self.host} answered HTTP {status} to {call.doing} "
                         f"({where}) {quoted}")  # fmt: skip
