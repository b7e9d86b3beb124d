"""Read http(s) URLs (``url`` locations and placeholders) through the guarded
transport of ``catalog.readers.http``.

GitHub ``https://<host>/<owner>/<repo>/blob/<ref>/<path>`` URLs of a configured
integration are read through its contents API (``Accept: application/vnd.github.raw``)
with the integration's credentials, as conditional requests (``catalog.readers.github``).
Path segments are percent-decoded and ``.``/``..`` refused first, so an encoded
``%2e%2e`` cannot reach another API endpoint with the token. The token goes only to
the API origin and never into a message.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

from catalog.model.errors import ReadError
from catalog.readers.github.client import GitHubClient
from catalog.readers.http import request, safe_url
from catalog.readers.policy import GitHubIntegration, ReadingPolicy, ReadResult, split_url

__all__ = ["read_url"]


def read_url(url: str, policy: ReadingPolicy) -> ReadResult:
    """Read ``url`` under ``policy``; raises ReadError with a one-line reason."""
    integration = policy.github_for(url)
    api_url = _github_api_url(url, integration) if integration is not None else None
    if integration is not None and api_url:
        owner = unquote(split_url(url).path.split("/")[1])
        client = GitHubClient(integration, policy, owner=owner)
        return ReadResult(client.raw(api_url, shown=url), url)
    return ReadResult(request(url, policy, shown=url).data(), url)


def _github_api_url(url: str, integration: GitHubIntegration) -> str | None:
    """The contents-API URL for a ``/<owner>/<repo>/blob/<ref>/<path>`` URL, else None."""
    raw = split_url(url).path.split("/")
    if len(raw) < 6 or raw[0] != "" or raw[3] != "blob":
        return None
    segments = [unquote(segment) for segment in raw[1:]]
    if any(s in ("", ".", "..") or "/" in s or "\\" in s for s in segments):
        raise ReadError(f"{safe_url(url)}: the path has empty, '.' or '..' segments")
    owner, repo, _blob, ref, *path = segments
    api = integration.api_base_url.rstrip("/")
    file_path = "/".join(quote(s, safe="") for s in path)
    return (
        f"{api}/repos/{quote(owner, safe='')}/{quote(repo, safe='')}/contents/{file_path}"
        f"?ref={quote(ref, safe='')}"
    )
