"""The URL reader: allow-list, address checks before connecting, redirects checked hop
by hop, size and time limits, and GitHub blob URLs read through the contents API with
a token that never shows up in a message or log.

Only loopback test servers receive traffic; every other address is refused before
any connection, which the tests assert by making a connection attempt fail the test.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from catalog.model.errors import ReadError
from catalog.readers import GitHubIntegration, ReadingPolicy, read
from catalog.readers.url import read_url

TOKEN = "ghp_T0pS3cretT0kenValue"


@dataclass
class Server:
    """A loopback HTTP server that records what it was asked."""

    host: str
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    #: Where the fake contents API sends ``moved.yaml``.
    moved_to: str = ""

    def url(self, path: str) -> str:
        return f"http://{self.host}{path}"

    @property
    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]


def _handler(server: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            server.requests.append((self.path, dict(self.headers)))
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            route = parts.path
            if route == "/ok":
                self.reply(200, b"hello: world\n")
            elif route == "/redirect":
                self.send_response(302)
                self.send_header("Location", query["to"])
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif route == "/loop":
                self.send_response(301)
                self.send_header("Location", "/loop")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif route == "/big":
                self.reply(200, b"x" * 5000)
            elif route == "/big-chunked":
                self.send_response(200)
                self.end_headers()  # no Content-Length: the body ends with the connection
                for _ in range(50):
                    self.wfile.write(b"y" * 100)
                self.close_connection = True
            elif route == "/slow":
                time.sleep(3)
                self.reply(200, b"late")
            elif route == "/drip":
                self.send_response(200)
                self.send_header("Content-Length", "100")
                self.end_headers()
                for _ in range(100):
                    self.wfile.write(b"z")
                    self.wfile.flush()
                    time.sleep(0.1)
            elif route == "/api/v3/repos/o/r/contents/docs/api.yaml":
                headers = self.headers
                authorized = headers.get("Authorization") == f"token {TOKEN}"
                raw = headers.get("Accept") == "application/vnd.github.raw"
                if query.get("ref") == "main" and authorized and raw:
                    self.reply(200, b"openapi: 3.0.0\n")
                else:
                    self.reply(401, b"bad credentials")
            elif route == "/api/v3/repos/o/r/contents/moved.yaml":
                self.send_response(302)
                self.send_header("Location", server.moved_to)
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif route == "/api/v3/repos/o/r/contents/broken.yaml":
                self.reply(500, f"oops {self.headers.get('Authorization')}".encode())
            else:
                self.reply(404, b"not found")

        def reply(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (timeout, size limit) is expected here


def _serve() -> Iterator[Server]:
    httpd = _QuietServer(("127.0.0.1", 0), _handler(Server("")))
    server = Server(f"127.0.0.1:{httpd.server_address[1]}")
    httpd.RequestHandlerClass = _handler(server)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    yield from _serve()


@pytest.fixture
def other() -> Iterator[Server]:
    """A second loopback server, reached only through redirects."""
    yield from _serve()


def trusted(*servers: Server, **kwargs: Any) -> ReadingPolicy:
    """A policy that allows ``servers`` (on loopback) and nothing else."""
    hosts = tuple(s.host for s in servers)
    return ReadingPolicy(allowed_hosts=hosts, allow_private_hosts=hosts, **kwargs)


@pytest.fixture
def no_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the reader tries to send anything."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the reader tried to connect")

    monkeypatch.setattr(httpx.Client, "send", refuse)


def fake_dns(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> None:
    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in answers[host]]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


# --- Allowed reads ------------------------------------------------------------------


def test_reads_an_allowed_loopback_server(server):
    result = read("url", server.url("/ok"), trusted(server))
    assert result.data == b"hello: world\n"
    assert result.url_or_path == server.url("/ok")
    assert server.requests[0][1]["Host"] == server.host


def test_follows_a_redirect_to_another_allowed_host(server, other):
    result = read_url(server.url(f"/redirect?to={other.url('/ok')}"), trusted(server, other))
    assert result.data == b"hello: world\n"
    assert other.paths == ["/ok"]


# --- Refused before connecting ------------------------------------------------------


def test_loopback_is_refused_unless_explicitly_allowed(server):
    policy = ReadingPolicy(allowed_hosts=(server.host,))
    with pytest.raises(ReadError, match=r"non-public address 127\.0\.0\.1"):
        read_url(server.url("/ok"), policy)
    assert server.requests == []


def test_hosts_off_the_allow_list_are_refused(server):
    policy = ReadingPolicy(allow_private_hosts=(server.host,))
    with pytest.raises(ReadError, match=r"reading from 127\.0\.0\.1:\d+ is not allowed"):
        read_url(server.url("/ok"), policy)
    assert server.requests == []


@pytest.mark.usefixtures("no_connections")
def test_cloud_metadata_is_refused_before_connecting():
    policy = ReadingPolicy(allowed_hosts=("169.254.169.254",))
    with pytest.raises(ReadError, match=r"non-public address 169\.254\.169\.254"):
        read_url("http://169.254.169.254/latest/meta-data", policy)


@pytest.mark.usefixtures("no_connections")
@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://127.0.0.1:6379/", "127.0.0.1"),
        ("http://[::1]/", "::1"),
        ("http://0x7f000001/", "127.0.0.1"),
        ("http://2130706433/", "127.0.0.1"),
        ("http://127.1/", "127.0.0.1"),
        ("http://[::ffff:127.0.0.1]/", "127.0.0.1"),
        ("http://[fe80::1]/", "fe80::1"),
    ],
)
def test_loopback_spellings_are_refused(url, address):
    host = urlsplit(url).netloc
    with pytest.raises(ReadError, match=f"address {address}"):
        read_url(url, ReadingPolicy(allowed_hosts=(host,)))


@pytest.mark.usefixtures("no_connections")
@pytest.mark.parametrize("address", ["10.0.0.5", "172.16.3.4", "192.168.1.1", "100.64.0.1"])
def test_names_resolving_to_private_addresses_are_refused(monkeypatch, address):
    fake_dns(monkeypatch, {"internal.example": [address]})
    policy = ReadingPolicy(allowed_hosts=("internal.example",))
    with pytest.raises(ReadError, match=f"non-public address {address}"):
        read_url("https://internal.example/catalog-info.yaml", policy)


@pytest.mark.usefixtures("no_connections")
def test_one_private_address_among_public_ones_is_enough_to_refuse(monkeypatch):
    fake_dns(monkeypatch, {"mixed.example": ["93.184.215.14", "10.1.2.3"]})
    with pytest.raises(ReadError, match=r"10\.1\.2\.3"):
        read_url("https://mixed.example/x", ReadingPolicy(allowed_hosts=("*.example",)))


@pytest.mark.usefixtures("no_connections")
@pytest.mark.parametrize(
    ("url", "match"),
    [
        ("file:///etc/passwd", "only http and https"),
        ("ftp://example.com/x", "only http and https"),
        ("gopher://example.com/x", "only http and https"),
        ("https://user:pw@example.com/x", "credentials are not allowed"),
        ("https://example.com@evil.example/x", "credentials are not allowed"),
        ("https://example.com.evil.example/x", "evil.example is not allowed"),
        ("https://example.com:8443/x", "example.com:8443 is not allowed"),
    ],
)
def test_schemes_credentials_and_look_alike_hosts(url, match):
    with pytest.raises(ReadError, match=match):
        read_url(url, ReadingPolicy(allowed_hosts=("example.com",)))


def test_wildcards_match_subdomains_only():
    policy = ReadingPolicy(allowed_hosts=("*.example.com",))
    assert policy.host_allowed("https://a.b.example.com/x")
    assert policy.host_allowed("https://A.Example.com:443/x")
    assert not policy.host_allowed("https://example.com/x")
    assert not policy.host_allowed("https://a.example.com:8443/x")
    assert not policy.host_allowed("https://evilexample.com/x")


# --- Redirects ----------------------------------------------------------------------


def test_redirect_to_a_host_off_the_allow_list_is_refused(server, other):
    url = server.url(f"/redirect?to={other.url('/ok')}")
    with pytest.raises(ReadError, match="is not allowed"):
        read_url(url, trusted(server))
    assert other.requests == []


def test_redirect_to_loopback_is_refused_even_for_an_allowed_host(server, other):
    policy = ReadingPolicy(
        allowed_hosts=(server.host, other.host), allow_private_hosts=(server.host,)
    )
    with pytest.raises(ReadError, match=r"non-public address 127\.0\.0\.1"):
        read_url(server.url(f"/redirect?to={other.url('/ok')}"), policy)
    assert other.requests == []


def test_redirect_to_a_file_url_is_refused(server):
    with pytest.raises(ReadError, match="only http and https"):
        read_url(server.url("/redirect?to=file:///etc/passwd"), trusted(server))


def test_redirects_are_capped(server):
    with pytest.raises(ReadError, match="more than 5 redirects"):
        read_url(server.url("/loop"), trusted(server))
    assert len(server.requests) == 6


# --- Responses ----------------------------------------------------------------------


def test_404_is_not_found(server):
    with pytest.raises(ReadError) as caught:
        read_url(server.url("/nothing-here"), trusted(server))
    assert caught.value.not_found
    assert "not found" in str(caught.value)


@pytest.mark.parametrize("path", ["/big", "/big-chunked"])
def test_bodies_over_the_limit_are_refused(server, path):
    with pytest.raises(ReadError, match="larger than 1,000 bytes") as caught:
        read_url(server.url(path), trusted(server, max_bytes=1000))
    assert not caught.value.not_found


def test_slow_server_times_out(server):
    started = time.monotonic()
    with pytest.raises(ReadError, match="timed out"):
        read_url(server.url("/slow"), trusted(server, timeout=0.5))
    assert time.monotonic() - started < 2


def test_slow_drip_is_bounded_by_the_total_timeout(server):
    started = time.monotonic()
    with pytest.raises(ReadError, match="timed out"):
        read_url(server.url("/drip"), trusted(server, timeout=1))
    assert time.monotonic() - started < 3


# --- GitHub blob URLs ---------------------------------------------------------------


def github_policy(server: Server, *extra: Server) -> ReadingPolicy:
    integration = GitHubIntegration(
        host=server.host, token=TOKEN, api_base_url=server.url("/api/v3")
    )
    hosts = (server.host, *(s.host for s in extra))
    return ReadingPolicy(github=(integration,), allow_private_hosts=hosts)


def test_github_blob_urls_are_read_through_the_contents_api(server, caplog):
    caplog.set_level(logging.DEBUG)
    url = server.url("/o/r/blob/main/docs/api.yaml")
    result = read_url(url, github_policy(server))
    assert result.data == b"openapi: 3.0.0\n"
    ((path, headers),) = server.requests
    assert path == "/api/v3/repos/o/r/contents/docs/api.yaml?ref=main"
    assert headers["Authorization"] == f"token {TOKEN}"
    assert headers["Accept"] == "application/vnd.github.raw"
    assert TOKEN not in caplog.text
    assert TOKEN not in repr(github_policy(server))


@pytest.mark.parametrize("name", ["missing.yaml", "broken.yaml"])
def test_the_token_never_appears_in_errors_or_logs(server, caplog, name):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ReadError) as caught:
        read_url(server.url(f"/o/r/blob/main/{name}"), github_policy(server))
    assert TOKEN not in str(caught.value)
    assert TOKEN not in caplog.text
    assert caught.value.not_found == (name == "missing.yaml")


def test_the_token_does_not_follow_a_redirect_to_another_origin(server, other):
    server.moved_to = other.url("/ok")
    policy = github_policy(server, other)
    policy = ReadingPolicy(
        github=policy.github,
        allowed_hosts=(other.host,),
        allow_private_hosts=policy.allow_private_hosts,
    )
    result = read_url(server.url("/o/r/blob/main/moved.yaml"), policy)
    assert result.data == b"hello: world\n"
    assert server.requests[0][1]["Authorization"] == f"token {TOKEN}"
    ((_, headers),) = other.requests
    assert "Authorization" not in headers


@pytest.mark.usefixtures("no_connections")
@pytest.mark.parametrize(
    "path",
    [
        "/o/r/blob/main/%2e%2e/%2e%2e/other-org/x",
        "/o/r/blob/main/docs/../../x",
        "/o/r/blob/main/a%2Fb",
        "/o/r/blob/main//x",
    ],
)
def test_encoded_traversal_in_blob_urls_is_refused(server, path):
    with pytest.raises(ReadError, match="segments"):
        read_url(f"http://{server.host}{path}", github_policy(server))


def test_unknown_location_type():
    with pytest.raises(ReadError, match="unknown location type 'ftp'"):
        read("ftp", "ftp://example.com/x", ReadingPolicy())
