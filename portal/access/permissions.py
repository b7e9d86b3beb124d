"""Every permission Greenroom checks, with what it is about.

A permission on a resource (``entity``, ``location``, ``template``, ``action``, ``task``,
``site``)
is decided for one object at a time, so a condition such as "owned by the user" can
apply; the others are decided once per user.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PERMISSIONS", "Permission", "permission"]


@dataclass(frozen=True)
class Permission:
    name: str
    description: str
    #: The kind of object it is decided for, or "" for none.
    resource: str = ""


PERMISSIONS: dict[str, Permission] = {p.name: p for p in (
    Permission("catalog.entity.read", "See an entity (its page, the API, search)", "entity"),
    Permission("catalog.entity.refresh", "Ask for an entity to be read again", "entity"),
    Permission("catalog.entity.unregister", "Remove an orphaned entity", "entity"),
    Permission("catalog.location.read", "See locations and their errors", "location"),
    Permission("catalog.location.create", "Register a location"),
    Permission("catalog.location.refresh", "Read a location again now", "location"),
    Permission("catalog.location.delete", "Unregister a location and its entities", "location"),
    Permission("scaffolder.template.read", "See a template", "template"),
    Permission("scaffolder.template.run", "Run a template (and dry-run it)", "template"),
    Permission("scaffolder.action.run", "Use an action in a template run", "action"),
    Permission("scaffolder.editor.use", "Use the template editor"),
    Permission("scaffolder.task.read", "See a template run and its log", "task"),
    Permission("scaffolder.task.cancel", "Cancel or retry a template run", "task"),
    Permission("techdocs.read", "Read an entity's docs", "site"),
    Permission("techdocs.rebuild", "Rebuild an entity's docs", "site"),
    Permission("portal.search", "Search"),
    Permission("portal.roles.manage", "Assign roles"),
)}  # fmt: skip


def permission(name: str) -> Permission:
    """The permission ``name``; KeyError for one that does not exist (a typo in a
    rule must not silently grant or deny nothing)."""
    return PERMISSIONS[name]
