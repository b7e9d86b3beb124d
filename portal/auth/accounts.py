"""What sign-in knows about a user that the catalog matches against: their GitHub
logins and verified e-mail addresses (from the GitHub accounts linked to them), or,
for a local account, its username and e-mail address."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["SignInNames", "sign_in_names", "verified_emails"]


@dataclass(frozen=True)
class SignInNames:
    """Lower-cased names to find the user's User entity by, strongest first."""

    github_logins: tuple[str, ...] = ()
    verified_emails: tuple[str, ...] = ()
    #: The account's own username (a local account's only name).
    username: str = ""


def sign_in_names(user: Any) -> SignInNames:
    """The names of ``user`` (one query for their linked GitHub accounts)."""
    username = (user.get_username() or "").lower()
    accounts = list(user.social_auth.filter(provider="github").values_list("extra_data",
                                                                           flat=True))  # fmt: skip
    if not accounts:
        email = (user.email or "").lower()
        return SignInNames(username=username, verified_emails=(email,) if email else ())
    logins = tuple(str(a.get("login", "")).lower() for a in accounts if a.get("login"))
    emails = tuple(e for a in accounts for e in a.get("verified_emails", []))
    return SignInNames(github_logins=logins, verified_emails=emails, username=username)


def verified_emails(response: dict[str, Any]) -> list[str]:
    """The verified addresses of GitHub's ``/user/emails`` answer, primary first,
    lower-cased (an unverified address proves nothing about who signs in)."""
    emails = [e for e in response.get("emails") or [] if isinstance(e, dict) and e.get("verified")]
    emails.sort(key=lambda e: not e.get("primary"))
    return [str(e["email"]).lower() for e in emails if e.get("email")]
