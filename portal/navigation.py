"""The portal's own sidebar entries, registered like any plugin's."""

from __future__ import annotations

from portal.plugins import NavItem, register_nav_item

__all__ = ["register_core_navigation"]


def register_core_navigation() -> None:
    """Register Home, Search, Access and (for staff) Admin."""
    register_nav_item(NavItem("home", "Home", "home", icon="home", weight=0))
    register_nav_item(NavItem("search", "Search", "search", icon="search", weight=500))
    register_nav_item(NavItem("access", "Access", "access", icon="settings", weight=900))
    register_nav_item(
        NavItem("admin", "Admin", "admin:index", icon="settings", weight=1000, staff_only=True)
    )
