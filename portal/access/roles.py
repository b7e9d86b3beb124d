"""The built-in roles: what each grants, and on which objects.

A grant's scope is ``all`` (every object, or the action itself) or ``owned``: the
entity (or its docs) is owned by the user or one of their groups, the task was
started by them. Roles add up: a member who owns an entity may also unregister it.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.access.permissions import PERMISSIONS

__all__ = ["ROLES", "Grant", "Role"]


@dataclass(frozen=True)
class Grant:
    permission: str
    scope: str = "all"  # or "owned"


@dataclass(frozen=True)
class Role:
    name: str
    title: str
    description: str
    grants: tuple[Grant, ...]


def _all(*names: str) -> tuple[Grant, ...]:
    return tuple(Grant(name) for name in names)


_VIEWER = (*_all("catalog.entity.read", "catalog.location.read", "scaffolder.template.read",
                 "techdocs.read", "portal.search"),
           Grant("scaffolder.task.read", "owned"))  # fmt: skip
_MEMBER = (*_VIEWER, *_all("catalog.location.create", "catalog.location.refresh",
                           "catalog.location.delete", "catalog.entity.refresh",
                           "catalog.entity.unregister", "scaffolder.template.run",
                           "scaffolder.action.run", "scaffolder.editor.use",
                           "techdocs.rebuild"),
           Grant("scaffolder.task.cancel", "owned"))  # fmt: skip
_OWNER = (Grant("catalog.entity.unregister", "owned"), Grant("catalog.entity.refresh", "owned"),
          Grant("techdocs.rebuild", "owned"))

ROLES: dict[str, Role] = {r.name: r for r in (
    Role("viewer", "Viewer", "Sees the catalog, templates, docs and their own template runs.",
         _VIEWER),
    Role("member", "Member", "A viewer who also registers, refreshes and unregisters "
         "locations, runs and edits templates and rebuilds docs (Backstage's default: "
         "everyone may).", _MEMBER),
    Role("entity-owner", "Entity owner", "Unregisters, refreshes and rebuilds the docs of "
         "what they or their groups own.", _OWNER),
    Role("template-author", "Template author", "A member who also sees, cancels and retries "
         "everyone's runs.", (*_MEMBER, *_all("scaffolder.task.read", "scaffolder.task.cancel"))),
    Role("platform-admin", "Platform admin", "May do everything, including giving roles "
         "(the admin and its audit log follow Django's staff and model permissions).",
         _all(*PERMISSIONS)),
)}  # fmt: skip
