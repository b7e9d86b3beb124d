"""Create the first administrator account, so a new install can be signed into."""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

__all__ = ["ensure_admin"]

ADMIN_USERNAME = "admin"


def ensure_admin(password: str | None = None) -> tuple[bool, str | None]:
    """Make sure the ``admin`` superuser exists.

    With ``password`` (from ``GREENROOM_ADMIN_PASSWORD``) the account gets that
    password, new or not. Without it, a new account gets a random password, which is
    returned so the caller can show it once; an existing account is left alone.

    Returns:
        (created, password to show or None)
    """
    users = get_user_model()
    user = users.objects.filter(username=ADMIN_USERNAME).first()
    created = user is None
    if created:
        user = users(username=ADMIN_USERNAME, is_staff=True, is_superuser=True)
    elif not password:
        return False, None
    shown = password or secrets.token_urlsafe(12)
    user.set_password(shown)
    user.save()
    return created, (None if password else shown)


class Command(BaseCommand):
    help = (
        "Create the 'admin' superuser if missing "
        "(password from GREENROOM_ADMIN_PASSWORD, or printed once)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        created, shown = ensure_admin(os.environ.get("GREENROOM_ADMIN_PASSWORD") or None)
        if shown:
            self.stdout.write(f"Created user '{ADMIN_USERNAME}' with password: {shown}")
        elif created:
            self.stdout.write(f"Created user '{ADMIN_USERNAME}' with GREENROOM_ADMIN_PASSWORD")
        else:
            self.stdout.write(f"User '{ADMIN_USERNAME}' exists")
