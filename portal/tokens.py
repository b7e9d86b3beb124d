"""Looking up API tokens for request authentication."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from portal.models import ApiToken

__all__ = ["authenticate_token"]

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
