"""HTTP requests that cannot reach internal services (SSRF), for every reader.

Every hop, the first request and each redirect (followed by hand, at most
``MAX_REDIRECTS``, for GET only), must:

1. be ``http`` or ``https``, without credentials in the URL;
2. be to a host on the policy's allow-list or of a configured integration;
3. resolve (``getaddrinfo``) only to public addresses: if any address is loopback,
   private, link-local (cloud metadata at 169.254.169.254), shared, unspecified,
   multicast or reserved, the request is refused before connecting, unless the host
   is in ``allow_private_hosts``.

DNS rebinding: the check and the connection would normally be two lookups, and the
second could return another address. Here the request is sent to the address that
was checked (an IP-literal URL with the original ``Host`` header and TLS server name,
so certificates are still verified against the host name), so there is only one
lookup. What remains: ``getaddrinfo`` itself has no timeout, and proxies from the
environment are ignored on purpose.

The body is streamed and the read stops once it is larger than ``max_bytes`` (counted
after decompression) or takes longer than ``timeout`` in total. Credentials
(``Authorization``) never follow a redirect to another origin, and no message quotes
a URL's credentials, query or the exception text of the HTTP library.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import ssl
import time
from dataclasses import dataclass, replace
from functools import cache
from typing import Any
from urllib.parse import SplitResult, urljoin, urlunsplit

import certifi
import httpx

from catalog.model.errors import ReadError
from catalog.readers.policy import ReadingPolicy, split_url, url_host

__all__ = ["MAX_REDIRECTS", "USER_AGENT", "Response", "check_url_allowed", "checked_address",
           "next_link", "request", "safe_url"]  # fmt: skip

MAX_REDIRECTS = 5
#: The statuses followed (not 300 or 304, which httpx also calls redirects).
_REDIRECTS = (301, 302, 303, 307, 308)
USER_AGENT = "Greenroom-catalog-reader"


@dataclass(frozen=True)
class Response:
    """What a server answered, whatever the status; ``shown`` names the request in
    messages (the URL the user wrote, without credentials or query)."""

    status: int
    headers: httpx.Headers
    body: bytes
    shown: str

    def data(self) -> bytes:
        """The body of a successful answer; ReadError naming the status otherwise
        (``not_found`` for a 404)."""
        shown = safe_url(self.shown)
        if self.status == 404:
            raise ReadError(f"{shown} was not found (HTTP 404)", not_found=True)
        if self.status >= 400:
            raise ReadError(f"{shown} answered HTTP {self.status}")
        return self.body

    def json(self) -> Any:
        """The body as JSON; ReadError when it is not."""
        try:
            return json.loads(self.body)
        except ValueError:
            raise ReadError(f"{self.shown}: the answer is not JSON") from None


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


def request(url: str, policy: ReadingPolicy, *, headers: dict[str, str] | None = None,
            shown: str = "", method: str = "GET", json_body: Any = None) -> Response:  # fmt: skip
    """Send ``method url`` under ``policy`` and return the final answer (redirects of
    a GET followed); raises ReadError when it cannot be sent or read. ``shown`` is the
    URL to name in messages (default ``url``)."""
    deadline = policy.read_deadline()
    _check_form(url)
    hop = _Hop(url, {"User-Agent": USER_AGENT, **(headers or {})}, shown or safe_url(url))
    content = None if json_body is None else json.dumps(json_body).encode()
    with httpx.Client(follow_redirects=False, trust_env=False, verify=_tls()) as client:
        for _ in range(MAX_REDIRECTS + 1):
            response = _send(client, hop, policy, deadline, method, content)
            if not (method == "GET" and response.status_code in _REDIRECTS
                    and "location" in response.headers):
                return _read(response, hop, policy, deadline)
            location = response.headers["location"]
            response.close()
            hop = _redirected(hop, urljoin(hop.url, location))
    raise ReadError(f"{safe_url(hop.shown)}: more than {MAX_REDIRECTS} redirects")


@cache
def _tls() -> ssl.SSLContext:
    """The TLS settings of every request (certifi's CAs, as httpx's default), made
    once: loading the CA bundle costs more than a local request."""
    return ssl.create_default_context(cafile=certifi.where())


def next_link(header: str) -> str | None:
    """The ``rel="next"`` URL of a ``Link`` header (RFC 8288; GitHub's pagination)."""
    for part in header.split(","):
        url, _, params = part.partition(";")
        if 'rel="next"' in params.replace(" ", ""):
            return url.strip().strip("<>")
    return None


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


def _redirected(hop: _Hop, url: str) -> _Hop:
    """The next hop; credentials never follow a redirect to another origin."""
    headers = dict(hop.headers)
    if _origin(url) != _origin(hop.url):
        headers.pop("Authorization", None)
    return replace(hop, url=url, headers=headers)


def _origin(url: str) -> tuple[str, str]:
    return split_url(url).scheme, url_host(url)


def _send(client: httpx.Client, hop: _Hop, policy: ReadingPolicy, deadline: float,
          method: str, content: bytes | None) -> httpx.Response:  # fmt: skip
    address = checked_address(hop.url, policy)
    parts = split_url(hop.url)
    literal = f"[{address}]" if ":" in address else address
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    headers = {**hop.headers, "Host": parts.netloc.rpartition("@")[2]}
    if content is not None:
        headers["Content-Type"] = "application/json"
    request = client.build_request(
        method, pinned, headers=headers, content=content,
        extensions={"sni_hostname": parts.hostname or ""}, timeout=_remaining(deadline, hop),
    )  # fmt: skip
    try:
        return client.send(request, stream=True)
    except httpx.TimeoutException:
        raise _timed_out(hop, policy) from None
    except httpx.HTTPError as exc:
        raise ReadError(f"{safe_url(hop.shown)}: {_describe(exc)}") from None


def _read(response: httpx.Response, hop: _Hop, policy: ReadingPolicy,
          deadline: float) -> Response:  # fmt: skip
    shown = safe_url(hop.shown)
    too_big = ReadError(f"{shown} is larger than {policy.max_bytes:,} bytes")
    try:
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
        return Response(response.status_code, response.headers, b"".join(chunks), hop.shown)
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
