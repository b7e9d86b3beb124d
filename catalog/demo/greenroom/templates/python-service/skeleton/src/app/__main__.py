"""Serve ${{ values.name }} on port ${{ values.port }} (or $PORT)."""

import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def answer(path: str) -> tuple[int, dict]:
    """The status and JSON body for a GET of ``path``."""
    if path == "/healthz":
        return 200, {"status": "ok"}
    if path == "/":
        return 200, {"service": "${{ values.name }}"}
    return 404, {"error": f"no route {path}"}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        status, body = answer(self.path)
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "${{ values.port }}"))
    ThreadingHTTPServer(("0.0.0.0", port), Handler).serve_forever()
