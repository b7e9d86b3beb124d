"""Roles assigned in the portal (app-config's ``permission.roles`` adds to them)."""

from __future__ import annotations

from django.db import models

from portal.access.roles import ROLES

__all__ = ["RoleAssignment"]


class RoleAssignment(models.Model):
    """``role`` for ``principal``: ``user:<username>`` or a Group entity ref, whose
    members (and the members of its child groups) then have the role."""

    role = models.CharField(max_length=40, choices=[(r.name, r.title) for r in ROLES.values()])
    principal = models.CharField(max_length=300)
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["role", "principal"],
                                               name="portal_role_assignment_unique")]  # fmt: skip
        ordering = ["role", "principal"]

    def __str__(self) -> str:
        return f"{self.role} for {self.principal}"
