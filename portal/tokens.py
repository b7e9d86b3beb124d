"""Looking up API tokens for request authentication."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from portal import audit
from portal.models import ApiToken

__all__ = ["authenticate_token", "issue_token", "revoke_tokens"]

#: ``last_used`` is written at most this often per token, not on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


def authenticate_token(token: str) -> ApiToken | None:
    """The active token row for ``token``, or None; records when it was last used."""
    if not token.startswith(ApiToken.PREFIX):
        return None
    row = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.hash(token), revoked__isnull=True, user__is_active=True)
        .first()
    )
    if row is None:
        return None
    now = timezone.now()
    if row.last_used is None or now - row.last_used > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=row.pk).update(last_used=now)
    return row


def issue_token(name: str, user: Any) -> tuple[ApiToken, str]:
    """A new token named ``name`` acting as ``user``, and its secret (shown once)."""
    issued, token = ApiToken.issue(name, user)
    audit.record("portal.token.create", name, user=user.get_username())
    return issued, token


def revoke_tokens(tokens: QuerySet[ApiToken]) -> int:
    """Revoke the active tokens among ``tokens``; how many were revoked."""
    active = list(tokens.filter(revoked__isnull=True).select_related("user"))
    ApiToken.objects.filter(pk__in=[t.pk for t in active]).update(revoked=timezone.now())
    for token in active:
        audit.record("portal.token.revoke", token.name, user=token.user.get_username())
    return len(active)
