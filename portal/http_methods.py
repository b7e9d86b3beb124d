"""Django's HTTP method decorators, marking the view with the methods it accepts.

The access check runs before the view: for a method the view refuses anyway it must
step aside, so that a hidden object answers a wrong method with the same 405 as an
object that does not exist (``portal.access.checks``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.views.decorators import http

__all__ = ["accepted_methods", "require_GET", "require_POST", "require_http_methods",
           "require_safe"]  # fmt: skip

_MARK = "accepted_methods"


def require_http_methods(methods: list[str]) -> Callable[[Callable[..., Any]], Any]:
    """``django.views.decorators.http.require_http_methods``, remembering ``methods``."""
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        wrapped = http.require_http_methods(methods)(view)
        setattr(wrapped, _MARK, frozenset(methods))
        return wrapped

    return decorate


require_GET = require_http_methods(["GET"])
require_POST = require_http_methods(["POST"])
require_safe = require_http_methods(["GET", "HEAD"])


def accepted_methods(view: Callable[..., Any]) -> frozenset[str] | None:
    """The methods ``view`` accepts, or None when it does not say."""
    return getattr(view, _MARK, None)
