"""The Content-Security-Policy every response carries, from app-config.

Pages load only the portal's own static files (htmx included) and hold no inline
script, style or event handler, so scripts, styles and fonts are ``'self'``. Above
all ``connect-src 'self'``: Swagger UI, which renders OpenAPI documents that catalog
authors wrote, cannot fetch their external ``$ref``s or send "Try it out" requests
to another host from a viewer's browser. Pictures from other hosts (users' and
groups' ``spec.profile.picture``) are allowed unless ``app.externalImages`` is
``false``. ``form-action`` is left out: GitHub sign-in is a form whose answer
redirects to GitHub, which browsers would block.

``backend.csp`` changes it in Backstage's shape: a directive's list of sources
replaces the default one, ``false`` removes the directive.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["content_security_policy"]

_DEFAULT: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def content_security_policy(app_config: Mapping[str, Any]) -> str:
    """The header value for ``app_config``."""
    directives = {name: list(sources) for name, sources in _DEFAULT.items()}
    if (app_config.get("app") or {}).get("externalImages", True) is not False:
        directives["img-src"] += ["https:", "http:"]
    overrides = (app_config.get("backend") or {}).get("csp") or {}
    for name, sources in overrides.items():
        if sources is False:
            directives.pop(name, None)
        else:
            directives[name] = [str(source) for source in sources]
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())
