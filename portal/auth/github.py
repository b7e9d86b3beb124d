"""GitHub sign-in that also works with GitHub Enterprise Server.

social-auth-core's backend reads its authorize and token URLs from settings but
hard-codes the API URL; this subclass reads ``SOCIAL_AUTH_GITHUB_API_URL`` too, so
``auth.providers.github.<env>.enterpriseInstanceUrl`` moves all three together.
"""

from __future__ import annotations

from social_core.backends.github import GithubOAuth2

__all__ = ["GitHubOAuth2"]


class GitHubOAuth2(GithubOAuth2):
    """The ``github`` backend, with a configurable API base URL."""

    def api_url(self) -> str:
        return str(self.setting("API_URL", self.API_URL))
