"""The access page: what each role may do, who has which role, and for any person
what they may do and why; platform admins (``portal.roles.manage``) give and take
roles here, no code."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from portal.access.assignments import InvalidAssignment, assign, unassign
from portal.access.checks import decide, policy_for, principal_of
from portal.access.models import RoleAssignment
from portal.access.permissions import PERMISSIONS
from portal.access.policy import Resource
from portal.access.roles import ROLES
from portal.http_methods import require_http_methods

__all__ = ["access_page"]

#: The kinds of object someone can own (an action or a location belongs to no one).
_OWNED = {"entity", "template", "site", "task"}


def _matrix() -> list[dict[str, Any]]:
    """A row per permission: for each role, "all", "own" or ""."""
    rows = []
    for permission in PERMISSIONS.values():
        cells = []
        for role in ROLES.values():
            scopes = {g.scope for g in role.grants if g.permission == permission.name}
            cells.append("all" if "all" in scopes else "own" if scopes else "")
        rows.append({"permission": permission, "cells": cells})
    return rows


def _decisions(user: Any) -> list[dict[str, Any]]:
    """What ``user`` may do: for object permissions, on anyone's object and on their
    own (a task they started, an entity their group owns), each with its reason."""
    me = principal_of(user)
    policy = policy_for(user)
    rows = []
    for permission in PERMISSIONS.values():
        if permission.resource in _OWNED:
            own = Resource(kind=permission.resource, owners=(f"user:{me.username}",),
                           creator=me.username if permission.resource == "task" else "")
            anyone = Resource(kind=permission.resource)
            rows.append({"permission": permission,
                         "any": policy.decide(me, permission.name, anyone),
                         "own": policy.decide(me, permission.name, own)})  # fmt: skip
        else:
            anyone = Resource(kind=permission.resource) if permission.resource else None
            rows.append({"permission": permission, "own": None,
                         "any": policy.decide(me, permission.name, anyone)})  # fmt: skip
    return rows


@require_http_methods(["GET", "POST"])
def access_page(request: HttpRequest) -> HttpResponse:
    manager = bool(decide(request.user, "portal.roles.manage"))
    if request.method == "POST":
        return _change(request, manager)
    users = get_user_model().objects
    person = request.user
    asked = request.GET.get("who", "").strip()
    if asked and manager:
        person = users.filter(username__iexact=asked).first()
        if person is None:
            messages.error(request, f"There is no account {asked!r}.")
            person = request.user
    config = policy_for(request.user).assignments
    context = {
        "roles": list(ROLES.values()), "matrix": _matrix(), "manager": manager,
        "person": person, "decisions": _decisions(person),
        "person_roles": policy_for(request.user).roles_of(principal_of(person)),
        "stored": RoleAssignment.objects.all(),
        "configured": [a for a in config if a.source != "admin"],
    }  # fmt: skip
    return render(request, "portal/access.html", context)


def _change(request: HttpRequest, manager: bool) -> HttpResponse:
    if not manager:
        return render(request, "403.html", {"reason": "only platform admins give roles"},
                      status=403)  # fmt: skip
    try:
        if request.POST.get("remove"):
            unassign(int(request.POST["remove"]))
            messages.success(request, "Role taken back.")
        else:
            row = assign(request.POST.get("role", ""), request.POST.get("principal", ""))
            messages.success(request, f"{ROLES[row.role].title} given to {row.principal}.")
    except (InvalidAssignment, ValueError) as exc:
        messages.error(request, str(exc))
    return redirect(reverse("access"))
