"""Who is acting, so that ``record`` can say who did what without every caller
passing the request along: the request being served (set by ``AuditMiddleware``), or
what a command or job declares with ``acting``."""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

__all__ = ["Actor", "AuditMiddleware", "acting", "current_actor"]


@dataclass(frozen=True)
class Actor:
    """The who and from-where of an audit event."""

    name: str = ""
    via: str = "system"
    ip: str | None = None
    user_agent: str = ""
    token: str = ""


_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "audit_request", default=None)  # fmt: skip
_declared: contextvars.ContextVar[Actor | None] = contextvars.ContextVar(
    "audit_actor", default=None)  # fmt: skip


class AuditMiddleware:
    """Make the request being served the source of the audit events it causes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reset = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(reset)


@contextmanager
def acting(name: str, via: str) -> Iterator[None]:
    """Record the events of the block as ``name`` acting ``via`` (a command, a job)."""
    reset = _declared.set(Actor(name=name, via=via))
    try:
        yield
    finally:
        _declared.reset(reset)


def current_actor() -> Actor:
    """Who acts now: a declared actor, else the request's caller, else the system."""
    declared = _declared.get()
    if declared is not None:
        return declared
    request = _request.get()
    return _from_request(request) if request is not None else Actor()


def _from_request(request: HttpRequest) -> Actor:
    caller = getattr(request, "api_caller", None)
    user: Any = getattr(request, "api_user", None) or getattr(request, "user", None)
    name = user.get_username() if user is not None and user.is_authenticated else ""
    if not name and caller and caller.startswith("external:"):
        name = caller
    via = "api" if caller is not None else (
        "admin" if request.path.startswith("/admin/") else "page")  # fmt: skip
    return Actor(name=name, via=via, ip=_client_address(request),
                 user_agent=request.headers.get("User-Agent", "")[:300],
                 token=getattr(request, "api_token_name", ""))  # fmt: skip


def _client_address(request: HttpRequest) -> str | None:
    """The caller's address: behind a trusted proxy (``GREENROOM_BEHIND_PROXY``) the
    last ``X-Forwarded-For`` entry, which that proxy wrote; else the peer's."""
    forwarded = request.headers.get("X-Forwarded-For", "")
    if getattr(settings, "USE_X_FORWARDED_HOST", False) and forwarded:
        return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None
