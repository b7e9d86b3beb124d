"""GitHub's REST API for the catalog: conditional requests, pagination, rate limits.

Every GET is conditional when an earlier answer is cached (``If-None-Match`` with its
``ETag``): GitHub answers ``304 Not Modified`` without counting it against the rate
limit, and the cached body stands in. That is what makes refreshing an unchanged
organisation of thousands of repositories nearly free.

Rate limits: a 403 or 429 that says the limit is spent waits for the reset when it is
near (a secondary limit's ``Retry-After`` of seconds) and fails otherwise with the time
the limit resets, so the location shows when its next refresh can succeed.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from httpx import Headers

from catalog.model.errors import ReadError
from catalog.readers.github.auth import Credentials, credentials
from catalog.readers.http import Response, next_link, request
from catalog.readers.policy import GitHubIntegration, ReadingPolicy

__all__ = ["GitHubClient"]

JSON = "application/vnd.github+json"
RAW = "application/vnd.github.raw"
#: Longest wait for a rate limit to reset inside one request, in seconds.
MAX_WAIT = 60.0
PAGE_SIZE = 100


class GitHubClient:
    """Requests to one integration's API as the identity that may read ``owner``."""

    def __init__(self, integration: GitHubIntegration, policy: ReadingPolicy,
                 owner: str = "") -> None:  # fmt: skip
        self.integration, self.policy, self.owner = integration, policy, owner
        self.api = integration.api_base_url.rstrip("/")
        self._credentials: Credentials | None = None

    def json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """The JSON answer to ``GET path``; ReadError with GitHub's message when it fails
        (``not_found`` set for a 404)."""
        return self.checked(self.get(path, params)).json()

    def pages(self, path: str, params: dict[str, Any] | None = None) -> Iterator[Any]:
        """Every item of a paginated list, page by page (``Link: rel="next"``)."""
        url: str | None = self._url(path, {"per_page": PAGE_SIZE, **(params or {})})
        while url:
            answer = self.checked(self.get(url))
            yield from answer.json()
            url = next_link(answer.headers.get("link", ""))

    def raw(self, url: str, shown: str) -> bytes:
        """A file's bytes from the contents API (``url``); ``shown`` names it."""
        answer = self.get(url, accept=RAW, shown=shown)
        return self.checked(answer).body

    def remembered(self, path: str, params: dict[str, Any] | None, version: str) -> Response:
        """``GET path``, answered from the cache without any request while ``version``
        (a repository's last push and default branch) is what it was, whatever the
        status: an empty repository's ``409`` has no ETag to make it conditional."""
        url = self._url(path, params)
        key = self._key("remembered", url)
        cache = self.policy.response_cache
        cached = cache.lookup(key) if cache is not None else None
        if cached and cached[0] == version:
            status, _, body = cached[1].partition(b"\n")
            return Response(int(status), Headers(), body, url)
        answer = self.get(url)
        if cache is not None and answer.status in (200, 404, 409):
            cache.store(key, version, f"{answer.status}\n".encode() + answer.body)
        return answer

    def get(self, path: str, params: dict[str, Any] | None = None, *, accept: str = JSON,
            shown: str = "") -> Response:  # fmt: skip
        """``GET path`` (an API path or a full URL), conditional when cached; a 304 is
        returned as the cached 200."""
        url = self._url(path, params)
        auth = self._auth()
        key = self._key(accept, url)
        cache = self.policy.response_cache
        cached = cache.lookup(key) if cache is not None else None
        headers = {"Accept": accept, "X-GitHub-Api-Version": "2022-11-28"}
        if auth.header:
            headers["Authorization"] = auth.header
        if cached:
            headers["If-None-Match"] = cached[0]
        answer = self._send(url, headers, shown)
        if answer.status == 304 and cached:
            return Response(200, answer.headers, cached[1], answer.shown)
        etag = answer.headers.get("etag")
        if cache is not None and answer.status == 200 and etag:
            cache.store(key, etag, answer.body)
        return answer

    def _send(self, url: str, headers: dict[str, str], shown: str) -> Response:
        for attempt in (1, 2):
            answer = request(url, self.policy, headers=headers, shown=shown or url)
            wait = _rate_limited(answer)
            if wait is None:
                return answer
            if attempt == 2 or wait > MAX_WAIT or (
                    self.policy.deadline and time.monotonic() + wait > self.policy.deadline):
                raise ReadError(_exhausted(self.integration.host, answer))
            time.sleep(wait)
        raise AssertionError("unreachable")

    def _key(self, kind: str, url: str) -> str:
        """The cache key of ``url`` for this identity (what one may see, another not)."""
        return hashlib.sha256(f"{self._auth().identity}\n{kind}\n{url}".encode()).hexdigest()

    def _auth(self) -> Credentials:
        if self._credentials is None:
            self._credentials = credentials(self.integration, self.policy, self.owner)
        return self._credentials

    def _url(self, path: str, params: dict[str, Any] | None) -> str:
        url = path if "://" in path else f"{self.api}/{path.lstrip('/')}"
        if params:
            url += ("&" if "?" in url else "?") + urlencode(params)
        return url

    @staticmethod
    def checked(answer: Response) -> Response:
        """``answer`` if it succeeded, else ReadError with GitHub's message."""
        if answer.status < 400:
            return answer
        try:
            body = answer.json()
        except ReadError:
            body = {}
        message = body.get("message", "") if isinstance(body, dict) else ""
        detail = f": {message}" if message else ""
        raise ReadError(f"{answer.shown} answered HTTP {answer.status}{detail}",
                        not_found=answer.status == 404)  # fmt: skip


def _rate_limited(answer: Response) -> float | None:
    """Seconds to wait when ``answer`` says a rate limit is spent, else None."""
    if answer.status not in (403, 429):
        return None
    retry_after = answer.headers.get("retry-after", "")
    if retry_after.isdigit():
        return float(retry_after)
    if answer.headers.get("x-ratelimit-remaining") == "0":
        reset = answer.headers.get("x-ratelimit-reset", "")
        return max(float(reset) - time.time(), 0.0) + 1 if reset.isdigit() else MAX_WAIT + 1
    return None


def _exhausted(host: str, answer: Response) -> str:
    reset = answer.headers.get("x-ratelimit-reset", "")
    when = ""
    if reset.isdigit():
        at = datetime.fromtimestamp(int(reset), tz=UTC)
        when = f" until {at:%H:%M} UTC"
    resource = answer.headers.get("x-ratelimit-resource", "core")
    return (f"the GitHub API rate limit ({resource}) of {host} is spent{when}; the next "
            "refresh after that will read again")
