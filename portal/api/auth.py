"""Who may call Greenroom's REST APIs (catalog, scaffolder): a signed-in browser
session, or a bearer token.

Tokens are either issued by an admin (Django admin → API tokens; stored hashed) or
listed in ``backend.auth.externalAccess`` in app-config, in Backstage's shape
(``[{type: static, options: {token, subject}}]``). Without either, the API answers
401 in Backstage's error shape instead of redirecting to the sign-in page.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt

from catalog.visibility import restrict
from portal.access.checks import entity_condition, refusal
from portal.api.body import json_body
from portal.api.errors import ApiError, error_response
from portal.http_methods import mark_methods
from portal.tokens import authenticate_token

__all__ = ["api_view"]

MIN_TOKEN_LENGTH = 16
logger = logging.getLogger(__name__)


def static_tokens() -> dict[str, str]:
    """token -> subject, from ``backend.auth.externalAccess``."""
    access = ((settings.APP_CONFIG.get("backend") or {}).get("auth") or {}).get("externalAccess")
    tokens = {}
    for entry in access or []:
        options = entry.get("options") or {}
        token = str(options.get("token") or "")
        if entry.get("type") == "static" and len(token) >= MIN_TOKEN_LENGTH:
            tokens[token] = str(options.get("subject") or "external")
    return tokens


def _open_to_anonymous() -> bool:
    """Backstage's ``backend.auth.dangerouslyDisableDefaultAuthPolicy``: let callers
    without credentials in (benchmarks, throw-away demos; never on a shared server)."""
    auth = (settings.APP_CONFIG.get("backend") or {}).get("auth") or {}
    return auth.get("dangerouslyDisableDefaultAuthPolicy") is True


def _caller(request: HttpRequest) -> tuple[str | None, Any]:
    """Who calls (``user:<name>``, ``token:<name>``, ``external:<subject>``,
    ``anonymous``, or None) and the Django user behind it, if any."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise ApiError("AuthenticationError", "Invalid authorization header")
        token = token.strip()
        for known, subject in static_tokens().items():
            if hmac.compare_digest(known.encode(), token.encode()):
                return f"external:{subject}", None
        issued = authenticate_token(token)
        if issued is not None:
            request.api_token_name = issued.name  # what the audit log names
            return f"token:{issued.user.get_username()}", issued.user
        raise ApiError("AuthenticationError", "Invalid token")
    if request.user.is_authenticated:
        return f"user:{request.user.get_username()}", request.user
    if _open_to_anonymous():
        return "anonymous", None
    return None, None


def _refuse_nul(request: HttpRequest, kwargs: dict[str, Any]) -> None:
    """NUL cannot be stored or compared in PostgreSQL text, and no ref, filter, field or
    target legitimately holds one: such requests are answered before any query. A
    name in the path with one names nothing (404); anywhere else it is bad input."""
    if any("\x00" in str(value) for value in kwargs.values()):
        raise ApiError("NotFoundError", "No entity or location has a NUL character in its name")
    texts = [*request.GET.keys(), *(v for _, values in request.GET.lists() for v in values)]
    body = request.body if request.method in ("POST", "PUT") else b""
    if any("\x00" in text for text in texts) or b"\\u0000" in body or b"\x00" in body:
        raise ApiError("InputError", "Text must not contain NUL characters")


def _csrf_rejected(request: HttpRequest) -> bool:
    return CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {}) is not None


def _as_api_error(request: HttpRequest, error: Exception) -> ApiError:
    """What the caller is told when a view fails: an ApiError as it is; a body or
    cursor nested too deeply for the JSON parser, too many parameters, too large a
    body, Django's 404 and 403 in the words of Backstage's errors; anything else a 500
    whose details (which may name internals) go only to the server log."""
    if isinstance(error, ApiError):
        return error
    if isinstance(error, RecursionError):
        return ApiError("InputError", "The request is nested too deeply to be read")
    if isinstance(error, RequestDataTooBig):
        return ApiError("PayloadTooLargeError", "The request body is larger than "
                        f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes")  # fmt: skip
    if isinstance(error, SuspiciousOperation):  # e.g. more parameters than Django reads
        return ApiError("InputError", str(error))
    if isinstance(error, Http404):
        return ApiError("NotFoundError", str(error) or "Not found")
    if isinstance(error, PermissionDenied):
        return ApiError("NotAllowedError", str(error) or "Not allowed")
    logger.error("%s %s failed", request.method, request.path, exc_info=error)
    return ApiError("Error", "The server could not answer this request; the server log "
                             "has the details")  # fmt: skip


def _check_access(request: HttpRequest, kwargs: dict[str, Any]) -> HttpResponse | None:
    """The route's access rule for the caller now known (``portal.access.checks``): an
    answer when refused (an object one may not see answers as an absent one does)."""
    match = request.resolver_match
    if request.api_user is not None:  # a token's user: lists show what they may see
        restrict(entity_condition(request.api_user))
    refused = refusal(request, match.view_name if match else "", kwargs, request.api_user)
    if refused is not None and refused.status == 404:
        if refused.rule and refused.rule.missing:
            return refused.rule.missing(request, **kwargs)
        message = refused.rule.missing_message if refused.rule else "Not found"
        raise ApiError("NotFoundError", message.format(**kwargs))
    if refused is not None:
        raise ApiError("NotAllowedError", f"Not allowed: {refused.reason}")
    return None


def api_view(
    *methods: str, writes: bool = False
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Authenticate, allow only ``methods``, read a POST or PUT body as JSON before the
    view runs (``portal.api.body``), and answer every failure in Backstage's error
    body (see _as_api_error), so no JSON endpoint ever answers an HTML page.

    Token callers need no CSRF token (a page on another site cannot attach one).
    Session callers of an endpoint that ``writes`` must send the CSRF token, so a
    signed-in browser cannot be made to register or delete by another site; the
    read-only POST queries (by-refs) are exempt. The view finds the caller in
    ``request.api_caller`` and the Django user behind it (None for static tokens and
    anonymous callers) in ``request.api_user``.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                if request.method not in methods:
                    raise ApiError("MethodNotAllowedError", f"{request.method} is not allowed")
                _refuse_nul(request, kwargs)
                caller, request.api_user = _caller(request)
                request.api_caller = caller
                if caller is None:
                    raise ApiError("AuthenticationError", "Missing credentials")
                refused = _check_access(request, kwargs)
                if refused is not None:
                    return refused
                if writes and caller.startswith("user:") and _csrf_rejected(request):
                    raise ApiError("NotAllowedError", "CSRF token missing or incorrect")
                if request.method in ("POST", "PUT"):
                    json_body(request)  # a bad body is refused before the view runs
                return view(request, *args, **kwargs)
            except Exception as exc:  # every failure answers JSON, never an HTML page
                error = _as_api_error(request, exc)
                response = error_response(request, error.name, str(error))
                if error.name == "MethodNotAllowedError":
                    response.status_code = 405
                return response

        wrapper.checks_access_itself = True  # type: ignore[attr-defined]
        return login_not_required(csrf_exempt(mark_methods(wrapper, methods)))

    return decorate
