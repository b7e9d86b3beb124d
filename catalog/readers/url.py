"""Read http(s) URLs without letting a catalog file reach internal services (SSRF).

Every hop, the first request and each redirect (followed by hand, at most
``MAX_REDIRECTS``), must:

1. be ``http`` or ``https``, without credentials in the URL;
2. be to a host on the policy's allow-list or of a configured integration;
3. resolve (``getaddrinfo``) only to public addresses: if any address is loopback,
   private, link-local (cloud metadata at 169.254.169.254), shared, unspecified,
   multicast or reserved, the read is refused before connecting, unless the host is
   in ``allow_private_hosts``.

DNS rebinding: the check and the connection would normally be two lookups, and the
second could return another address. Here the request is sent to the address that
was checked (an IP-literal URL with the original ``Host`` header and TLS server name,
so certificates are still verified against the host name), so there is only one
lookup. What remains: ``getaddrinfo`` itself has no timeout, and proxies from the
environment are ignored on purpose.

The body is streamed and the read stops once it is larger than ``max_bytes`` (counted
after decompression) or takes longer than ``timeout`` in total.

GitHub ``https://<host>/<owner>/<repo>/blob/<ref>/<path>`` URLs of a configured
integration are read through its contents API (``Accept: application/vnd.github.raw``)
with the integration's token. Path segments are percent-decoded and ``.``/``..``
refused first, so an encoded ``%2e%2e`` cannot reach another API endpoint with the
token. The token goes only to the API origin and never into a message.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass, replace
from urllib.parse import SplitResult, quote, unquote, urljoin, urlunsplit

import httpx

from catalog.model.errors import ReadError
from catalog.readers.policy import (
    GitHubIntegration,
    ReadingPolicy,
    ReadResult,
    split_url,
    url_host,
)

__all__ = ["MAX_REDIRECTS", "check_url_allowed", "checked_address", "read_url", "safe_url"]

MAX_REDIRECTS = 5
_USER_AGENT = "Greenroom-catalog-reader"


@dataclass(frozen=True)
class _Hop:
    """One request: where to, with which headers, and what to call it in messages."""

    url: str
    headers: dict[str, str]
    shown: str


def safe_url(url: str) -> str:
    """``url`` without credentials, query or fragment, for messages and logs."""
    parts = split_url(url)
    return urlunsplit((parts.scheme, url_host(url), parts.path, "", ""))


def read_url(url: str, policy: ReadingPolicy) -> ReadResult:
    """Read ``url`` under ``policy``; raises ReadError with a one-line reason."""
    deadline = policy.read_deadline()
    _check_form(url)
    hop = _first_hop(url, policy)
    with httpx.Client(follow_redirects=False, trust_env=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            response = _send(client, hop, policy, deadline)
            if not response.is_redirect:
                return _body(response, hop, policy, deadline)
            location = response.headers["location"]
            response.close()
            hop = _redirected(hop, urljoin(hop.url, location))
    raise ReadError(f"{safe_url(url)}: more than {MAX_REDIRECTS} redirects")


def checked_address(url: str, policy: ReadingPolicy) -> str:
    """Check scheme, credentials and allow-list of ``url``, resolve its host and return
    the address to connect to; raises ReadError if the read is not allowed."""
    parts = check_url_allowed(url, policy)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError, UnicodeError):
        raise ReadError(f"cannot resolve the host {url_host(url)}") from None
    addresses = [str(info[4][0]) for info in infos]
    private_ok = policy.private_allowed(url)
    for address in addresses:
        problem = _address_problem(address, private_ok)
        if problem:
            raise ReadError(f"refusing to read from {url_host(url)}: it resolves to {problem}")
    return addresses[0]


def check_url_allowed(url: str, policy: ReadingPolicy) -> SplitResult:
    """Check scheme, credentials and allow-list of ``url`` without any network use:
    what a location must pass before it is stored. Returns the split URL."""
    parts = _check_form(url)
    if not policy.host_allowed(url):
        raise ReadError(
            f"reading from {url_host(url)} is not allowed; add it to backend.reading.allow"
        )
    return parts


def _check_form(url: str) -> SplitResult:
    parts = split_url(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ReadError(f"{safe_url(url)}: only http and https URLs can be read")
    if parts.username is not None or parts.password is not None:
        raise ReadError(f"{safe_url(url)}: URLs with credentials are not allowed")
    return parts


def _address_problem(address: str, private_ok: bool) -> str | None:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_unspecified or ip.is_multicast:
        return f"the unusable address {ip}"
    if not private_ok and not ip.is_global:
        return f"the non-public address {ip}"
    return None


def _first_hop(url: str, policy: ReadingPolicy) -> _Hop:
    headers = {"User-Agent": _USER_AGENT}
    integration = policy.github_for(url)
    if integration is not None:
        api_url = _github_api_url(url, integration)
        if api_url:
            headers["Accept"] = "application/vnd.github.raw"
            if integration.token:
                headers["Authorization"] = f"token {integration.token}"
            return _Hop(api_url, headers, url)
    return _Hop(url, headers, url)


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


def _redirected(hop: _Hop, url: str) -> _Hop:
    """The next hop; credentials never follow a redirect to another origin."""
    headers = dict(hop.headers)
    if _origin(url) != _origin(hop.url):
        headers.pop("Authorization", None)
    return replace(hop, url=url, headers=headers)


def _origin(url: str) -> tuple[str, str]:
    return split_url(url).scheme, url_host(url)


def _send(
    client: httpx.Client, hop: _Hop, policy: ReadingPolicy, deadline: float
) -> httpx.Response:
    address = checked_address(hop.url, policy)
    parts = split_url(hop.url)
    literal = f"[{address}]" if ":" in address else address
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    host = parts.hostname or ""
    request = client.build_request(
        "GET",
        pinned,
        headers={**hop.headers, "Host": parts.netloc.rpartition("@")[2]},
        extensions={"sni_hostname": host},
        timeout=_remaining(deadline, hop),
    )
    try:
        return client.send(request, stream=True)
    except httpx.TimeoutException:
        raise _timed_out(hop, policy) from None
    except httpx.HTTPError as exc:
        raise ReadError(f"{safe_url(hop.shown)}: {_describe(exc)}") from None


def _body(
    response: httpx.Response, hop: _Hop, policy: ReadingPolicy, deadline: float
) -> ReadResult:
    shown = safe_url(hop.shown)
    too_big = ReadError(f"{shown} is larger than {policy.max_bytes:,} bytes")
    try:
        if response.status_code == 404:
            raise ReadError(f"{shown} was not found (HTTP 404)", not_found=True)
        if response.status_code >= 400:
            raise ReadError(f"{shown} answered HTTP {response.status_code}")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > policy.max_bytes:
            raise too_big
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > policy.max_bytes:
                raise too_big
            if time.monotonic() > deadline:
                raise _timed_out(hop, policy)
            chunks.append(chunk)
        return ReadResult(b"".join(chunks), hop.shown)
    except httpx.TimeoutException:
        raise _timed_out(hop, policy) from None
    except httpx.HTTPError as exc:
        raise ReadError(f"{shown}: {_describe(exc)}") from None
    finally:
        response.close()


def _remaining(deadline: float, hop: _Hop) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise ReadError(f"{safe_url(hop.shown)}: timed out")
    return left


def _timed_out(hop: _Hop, policy: ReadingPolicy) -> ReadError:
    return ReadError(f"{safe_url(hop.shown)}: timed out after {policy.timeout:g} s")


def _describe(exc: httpx.HTTPError) -> str:
    """The kind of failure, never the exception text (it may quote the request)."""
    names = {
        httpx.ConnectError: "connection failed",
        httpx.RemoteProtocolError: "the server broke the HTTP protocol",
        httpx.DecodingError: "the response could not be decoded",
    }
    return next((text for kind, text in names.items() if isinstance(exc, kind)), "read failed")
