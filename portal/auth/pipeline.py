"""Steps of GitHub sign-in (social-auth's pipeline) that tie the account to the
catalog: refuse a login the catalog does not know when ``auth.signIn.usersWithoutEntity``
is ``refuse``, and remember the verified e-mail addresses the User entity may be
matched by."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render

from catalog.people import find_user_entity
from portal.auth.accounts import SignInNames, verified_emails

__all__ = ["refuse_users_without_entity", "remember_verified_emails"]


def refuse_users_without_entity(strategy: Any, backend: Any, response: dict[str, Any],
                                *args: Any, **kwargs: Any) -> HttpResponse | None:  # fmt: skip
    """Stop sign-in with a page saying what to add when the catalog has no User
    entity for this GitHub login and the config refuses such users."""
    if sign_in_policy() != "refuse" or backend.name != "github":
        return None
    login = str(response.get("login", ""))
    names = SignInNames(github_logins=(login.lower(),), verified_emails=tuple(
        verified_emails(response)))  # fmt: skip
    if find_user_entity(names):
        return None
    context = {"login": login, "emails": names.verified_emails}
    return render(strategy.request, "auth/refused.html", context, status=403)


def remember_verified_emails(backend: Any, response: dict[str, Any], social: Any = None,
                             *args: Any, **kwargs: Any) -> None:  # fmt: skip
    """Keep the account's verified addresses with its GitHub link (after
    ``load_extra_data``), where the catalog identity looks for them."""
    if social is None or backend.name != "github":
        return
    emails = verified_emails(response)
    if social.extra_data.get("verified_emails") != emails:
        social.extra_data["verified_emails"] = emails
        social.save(update_fields=["extra_data"])


def sign_in_policy() -> str:
    """``allow`` (the default: sign in, with a banner saying what to add to the
    catalog) or ``refuse``, from ``auth.signIn.usersWithoutEntity``."""
    sign_in = (settings.APP_CONFIG.get("auth") or {}).get("signIn") or {}
    return str(sign_in.get("usersWithoutEntity") or "allow")
