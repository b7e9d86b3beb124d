"""Sign-in and sign-out pages."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

__all__ = ["LoginView", "LogoutView"]


class LoginView(auth_views.LoginView):
    """Local accounts, plus "Sign in with GitHub" when it is configured.

    Django's LoginView only follows a ``next`` that stays on this host, so
    ``?next=https://evil.example`` or ``//evil.example`` lands on the home page.
    """

    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Sign out (POST only, so a link on another site cannot sign a user out)."""
