"""Giving and taking roles (the access page and tests): checked names, audited."""

from __future__ import annotations

from portal import audit
from portal.access.models import RoleAssignment
from portal.access.roles import ROLES
from portal.audit.context import current_actor

__all__ = ["InvalidAssignment", "assign", "unassign"]


class InvalidAssignment(ValueError):
    """A role or principal that cannot be assigned; the message says why."""


def _principal(text: str) -> str:
    name = text.strip().lower()
    kind, _, rest = name.partition(":")
    if kind == "group" and rest and "/" not in rest:
        return f"group:default/{rest}"
    if (kind == "user" and rest) or (kind == "group" and rest.count("/") == 1):
        return name
    raise InvalidAssignment(f"{text!r} is neither user:<username> nor a group "
                            "(group:<name> or group:<namespace>/<name>)")  # fmt: skip


def assign(role: str, principal: str) -> RoleAssignment:
    """Give ``role`` to ``principal`` (once; giving it again changes nothing)."""
    if role not in ROLES:
        raise InvalidAssignment(f"there is no role {role!r}; choose one of {', '.join(ROLES)}")
    name = _principal(principal)
    by = {"created_by": current_actor().name}
    row, created = RoleAssignment.objects.get_or_create(role=role, principal=name, defaults=by)
    if created:
        audit.record("portal.role.assign", name, role=role)
    return row


def unassign(assignment_id: int) -> None:
    """Take back one assignment (nothing happens for an unknown id)."""
    row = RoleAssignment.objects.filter(pk=assignment_id).first()
    if row is not None:
        audit.record("portal.role.unassign", row.principal, role=row.role)
        row.delete()

