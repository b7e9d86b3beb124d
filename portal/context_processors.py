"""Values every page's layout needs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

__all__ = ["portal"]


def portal(request: HttpRequest) -> dict[str, Any]:
    """The portal's title, the organisation's name and whether GitHub sign-in is on."""
    return {
        "portal_title": settings.PORTAL_TITLE,
        "organization_name": settings.ORGANIZATION_NAME,
        "github_login_enabled": bool(getattr(settings, "SOCIAL_AUTH_GITHUB_KEY", "")),
    }
