"""GitHub sign-in settings from ``auth.providers.github`` in app-config.

Backstage keys provider settings by auth environment
(``auth.providers.github.development.clientId``); ``auth.environment`` picks the
block, ``development`` by default. ``enterpriseInstanceUrl`` points sign-in at a
GitHub Enterprise Server instead of github.com.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.conf.errors import ConfigError

__all__ = ["github_auth_settings"]

GITHUB_WEB = "https://github.com"
GITHUB_API = "https://api.github.com/"


def github_auth_settings(app_config: Mapping[str, Any]) -> dict[str, Any]:
    """Return the ``SOCIAL_AUTH_GITHUB_*`` settings, or ``{}`` when GitHub is not set up."""
    auth = app_config.get("auth") or {}
    providers = (auth.get("providers") or {}).get("github")
    if not providers:
        return {}
    environment = auth.get("environment", "development")
    block = providers.get(environment)
    if block is None:
        raise ConfigError(
            f"app-config: auth.providers.github has no '{environment}' block "
            f"(auth.environment is '{environment}'; found: {', '.join(providers)})"
        )
    enterprise = block.get("enterpriseInstanceUrl", "").rstrip("/")
    web = enterprise or GITHUB_WEB
    return {
        "SOCIAL_AUTH_GITHUB_KEY": block["clientId"],
        "SOCIAL_AUTH_GITHUB_SECRET": block["clientSecret"],
        "SOCIAL_AUTH_GITHUB_AUTHORIZATION_URL": f"{web}/login/oauth/authorize",
        "SOCIAL_AUTH_GITHUB_ACCESS_TOKEN_URL": f"{web}/login/oauth/access_token",
        "SOCIAL_AUTH_GITHUB_API_URL": f"{enterprise}/api/v3/" if enterprise else GITHUB_API,
    }
