"""The access rule of the portal's own routes (``portal.access.routes``)."""

from __future__ import annotations

from portal.access.routes import PUBLIC, SIGNED_IN, RouteRule, register_routes

__all__ = ["register"]


def register() -> None:
    register_routes({
        "home": SIGNED_IN,
        # Everyone may see the roles and what they themselves may do; changing roles
        # and checking others needs portal.roles.manage (checked by the view).
        "access": SIGNED_IN,
        "search": RouteRule("portal.search"),
        "search_suggestions": RouteRule("portal.search"),
        "search_api_query": RouteRule("portal.search"),
        "login": PUBLIC,
        "logout": SIGNED_IN,
        "social:*": PUBLIC,
        "healthz": PUBLIC,
        "readyz": PUBLIC,
        # The admin is governed by Django's staff flag and model permissions (staff
        # accounts are platform admins here too).
        "admin:*": SIGNED_IN,
        "admin:login": PUBLIC,
    })  # fmt: skip
