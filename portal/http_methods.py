"""Django's HTTP method decorators, marking the view with the methods it accepts.

The access check runs before the view: for a method the view refuses anyway it must
step aside, so that a hidden object answers a wrong method with the same 405 as an
object that does not exist (``portal.access.checks``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.views.decorators import http

__all__ = ["accepted_methods", "mark_methods", "require_GET", "require_POST",
           "require_http_methods", "require_safe"]  # fmt: skip

_MARK = "accepted_methods"


def require_http_methods(methods: list[str]) -> Callable[[Callable[..., Any]], Any]:
    """``django.views.decorators.http.require_http_methods``, remembering ``methods``."""
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        return mark_methods(http.require_http_methods(methods)(view), methods)

    return decorate


require_GET = require_http_methods(["GET"])
require_POST = require_http_methods(["POST"])
require_safe = require_http_methods(["GET", "HEAD"])


def mark_methods(view: Callable[..., Any], methods: Iterable[str]) -> Callable[..., Any]:
    """Say that ``view`` (which refuses every other method itself) accepts ``methods``."""
    setattr(view, _MARK, frozenset(methods))
    return view


def accepted_methods(view: Callable[..., Any]) -> frozenset[str] | None:
    """The methods ``view`` accepts, or None when it does not say. A class-based view
    says so by the handlers it defines (OPTIONS, which every one answers, aside)."""
    cls = getattr(view, "view_class", None)
    if cls is not None:
        return frozenset(m.upper() for m in cls.http_method_names
                         if m != "options" and hasattr(cls, m))  # fmt: skip
    return getattr(view, _MARK, None)
