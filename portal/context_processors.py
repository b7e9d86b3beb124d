"""Values every page's layout needs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

__all__ = ["portal"]


def portal(request: HttpRequest) -> dict[str, Any]:
    """The portal's title, the organisation's name, whether GitHub sign-in is on, and
    whether pages may load images from other hosts (``app.externalImages``: off for a
    portal that must not reach outside, where avatars then show initials)."""
    app = settings.APP_CONFIG.get("app") or {}
    return {
        "portal_title": settings.PORTAL_TITLE,
        "organization_name": settings.ORGANIZATION_NAME,
        "github_login_enabled": bool(getattr(settings, "SOCIAL_AUTH_GITHUB_KEY", "")),
        "external_images": app.get("externalImages", True) is not False,
    }
