"""Who calls the scaffolder API, as the task functions need to know it."""

from __future__ import annotations

from django.http import HttpRequest

from scaffolder.services import Caller

__all__ = ["caller_of"]


def caller_of(request: HttpRequest) -> Caller:
    """The API caller (``request.api_caller``, set by ``api_view``) as a Caller.

    A signed-in user or a user's API token acts as ``user:default/<username>`` with
    that user's catalog entity; staff see every task. A static ``externalAccess`` token
    is a trusted integration (CI, another backend) and sees every task, as Backstage's
    service principals do."""
    user = getattr(request, "api_user", None)
    caller = getattr(request, "api_caller", None) or ""
    if user is not None:
        return Caller.for_user(user)
    if caller.startswith("external:"):
        return Caller(user=None, ref=caller, sees_all=True)
    return Caller(user=None, ref="")
