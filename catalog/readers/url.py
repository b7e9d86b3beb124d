"""Read http(s) URLs, safely.

Every hop (the first request and each redirect, followed by hand) must be to an
allowed host, and the host's addresses are resolved and checked *before* connecting:
loopback, private, link-local (cloud metadata at 169.254.169.254), multicast,
reserved and unspecified addresses are refused unless the host is listed in
``allow_private_hosts``. The connection then goes to the address that was checked
(with the original Host header and TLS server name), so a DNS answer that changes
between the check and the connection cannot redirect the read.

GitHub ``/blob/`` URLs of a configured integration are read through the contents
API with the integration's token; the token is never part of an error message.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

import httpx

from catalog.model.errors import ReadError
from catalog.readers.policy import ReadingPolicy, ReadResult

__all__ = ["MAX_REDIRECTS", "read_url", "safe_url"]

MAX_REDIRECTS = 5
_GITHUB_BLOB = re.compile(r"^/(?P<owner>[^/]+)/(?P<repo>[^/]+)/blob/(?P<ref>[^/]+)/(?P<path>.+)$")


def safe_url(url: str) -> str:
    """``url`` without credentials or query string, for messages."""
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def read_url(url: str, policy: ReadingPolicy) -> ReadResult:
    """Read ``url`` under ``policy``; raises ReadError with a one-line reason."""
    headers = {"User-Agent": "Greenroom catalog reader"}
    target = url
    with httpx.Client(timeout=policy.timeout, follow_redirects=False, trust_env=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            request_url, request_headers = _prepare(target, headers, policy)
            response = _send(client, request_url, request_headers, target, policy)
            if response.is_redirect and "location" in response.headers:
                target = urljoin(target, response.headers["location"])
                response.close()
                continue
            return _body(response, url, policy)
    raise ReadError(f"{safe_url(url)}: more than {MAX_REDIRECTS} redirects")


def _prepare(url: str, headers: dict[str, str], policy: ReadingPolicy
             ) -> tuple[str, dict[str, str]]:  # fmt: skip
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ReadError(f"{safe_url(url)}: only http and https URLs can be read")
    if not policy.host_allowed(parts.hostname, parts.port):
        raise ReadError(f"reading from {parts.hostname} is not allowed; add it to "
                        "backend.reading.allow in app-config")  # fmt: skip
    github = policy.github_for(parts.hostname)
    blob = _GITHUB_BLOB.match(parts.path) if github else None
    if github is None or blob is None:
        return url, dict(headers)
    api = github.api_base_url.rstrip("/")
    path = quote(blob["path"])
    api_url = f"{api}/repos/{blob['owner']}/{blob['repo']}/contents/{path}?ref={quote(blob['ref'])}"
    extra = {"Accept": "application/vnd.github.raw"}
    if github.token:
        extra["Authorization"] = f"token {github.token}"
    return api_url, {**headers, **extra}


def _send(client: httpx.Client, url: str, headers: dict[str, str], shown: str,
          policy: ReadingPolicy) -> httpx.Response:  # fmt: skip
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not policy.host_allowed(host, parts.port):
        raise ReadError(f"reading from {host} is not allowed; add it to backend.reading.allow")
    address = _checked_address(host, parts.port or (443 if parts.scheme == "https" else 80),
                               policy, parts.port)  # fmt: skip
    literal = f"[{address}]" if ":" in address else address
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    pinned = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    host_header = host if not parts.port else f"{host}:{parts.port}"
    try:
        return client.send(
            client.build_request("GET", pinned, headers={**headers, "Host": host_header},
                                 extensions={"sni_hostname": host}),
            stream=True,
        )  # fmt: skip
    except httpx.TimeoutException:
        raise ReadError(f"{safe_url(shown)}: timed out after {policy.timeout:g}s") from None
    except httpx.HTTPError as exc:
        raise ReadError(f"{safe_url(shown)}: {type(exc).__name__}") from None


def _checked_address(host: str, port: int, policy: ReadingPolicy, given_port: int | None) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise ReadError(f"cannot resolve host {host}") from None
    addresses = [info[4][0] for info in infos]
    if not policy.private_allowed(host, given_port):
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if not ip.is_global or ip.is_multicast:
                raise ReadError(f"refusing to read from {host}: it resolves to the "
                                f"non-public address {ip}")  # fmt: skip
    return addresses[0]


def _body(response: httpx.Response, url: str, policy: ReadingPolicy) -> ReadResult:
    try:
        if response.status_code == 404:
            raise ReadError(f"{safe_url(url)} was not found (404)", not_found=True)
        if response.status_code >= 400:
            raise ReadError(f"{safe_url(url)} answered HTTP {response.status_code}")
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > policy.max_bytes:
                raise ReadError(f"{safe_url(url)} is larger than {policy.max_bytes:,} bytes")
            chunks.append(chunk)
        return ReadResult(b"".join(chunks), url)
    except httpx.TimeoutException:
        raise ReadError(f"{safe_url(url)}: timed out after {policy.timeout:g}s") from None
    except httpx.HTTPError as exc:
        raise ReadError(f"{safe_url(url)}: {type(exc).__name__}") from None
    finally:
        response.close()
