"""A local HTTP server that answers GitHub's OAuth and user endpoints in their
documented shapes (GitHub Enterprise Server paths: ``/login/oauth/*``, ``/api/v3/*``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit


@dataclass
class FakeGitHub:
    url: str
    client_id: str = "Iv1.client"
    client_secret: str = "client-secret"
    user: dict[str, Any] = field(
        default_factory=lambda: {
            "login": "octocat",
            "id": 583231,
            "name": "The Octocat",
            "email": None,
            "avatar_url": "https://avatars.example/u/583231",
        }
    )
    emails: list[dict[str, Any]] = field(
        default_factory=lambda: [
            {
                "email": "octocat@github.example",
                "primary": True,
                "verified": True,
                "visibility": "public",
            },
        ]
    )
    token_requests: list[dict[str, str]] = field(default_factory=list)
    code: str = "code-123"
    access_token: str = "gho_16C7e42F292c6912E7710c838347Ae178B4a"


def _handler(github: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _json(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            if url.path == "/login/oauth/authorize":
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                params = urlencode({"code": github.code, "state": query["state"]})
                target = f"{query['redirect_uri']}?{params}"
                self.send_response(302)
                self.send_header("Location", target)
                self.end_headers()
                return
            if self.headers.get("Authorization") != f"token {github.access_token}":
                self._json(401, {"message": "Requires authentication"})
            elif url.path == "/api/v3/user":
                self._json(200, github.user)
            elif url.path == "/api/v3/user/emails":
                self._json(200, github.emails)
            else:
                self._json(404, {"message": "Not Found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if urlsplit(self.path).path != "/login/oauth/access_token":
                self._json(404, {"message": "Not Found"})
                return
            github.token_requests.append(form)
            valid = (
                form.get("client_id") == github.client_id
                and form.get("client_secret") == github.client_secret
                and form.get("code") == github.code
            )
            if not valid:
                self._json(
                    200,
                    {
                        "error": "bad_verification_code",
                        "error_description": "The code passed is incorrect or expired.",
                    },
                )
                return
            self._json(
                200,
                {
                    "access_token": github.access_token,
                    "token_type": "bearer",
                    "scope": "read:user,user:email",
                },
            )

    return Handler


@contextmanager
def fake_github() -> Iterator[FakeGitHub]:
    """Serve a FakeGitHub on a free local port for the duration of the block."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    github = FakeGitHub(url=f"http://127.0.0.1:{server.server_port}")
    server.RequestHandlerClass = _handler(github)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield github
    finally:
        server.shutdown()
        server.server_close()
