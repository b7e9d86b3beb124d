"""The one enforcement point: every page (``AccessMiddleware``) and every API call
(``portal.api.auth.api_view``, once it knows the caller) is checked here against its
route's rule. A refused object is answered 404, as if it did not exist, unless the
caller may see it (then 403); entity lists leave out what the caller may not see
(``catalog.visibility``). The policy is read once per request, so a role change
counts from the next request on."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from catalog import visibility as entity_visibility
from catalog.people import identity
from catalog.visible_entities import condition_for
from portal.access.models import RoleAssignment
from portal.access.permissions import permission
from portal.access.policy import (
    Assignment,
    Decision,
    Policy,
    Principal,
    entity_resource,
    visibility,
)
from portal.access.routes import RouteRule, rule_for
from portal.http_methods import accepted_methods

__all__ = ["AccessMiddleware", "Refusal", "decide", "entity_condition", "may_read",
           "read_permission", "refusal"]  # fmt: skip

logger = logging.getLogger(__name__)
#: The permission that lets one see an object of each resource kind.
_READ = {"entity": "catalog.entity.read", "template": "scaffolder.template.read",
         "task": "scaffolder.task.read", "site": "techdocs.read",
         "location": "catalog.location.read"}  # fmt: skip
_CACHE, _CONFIG_CACHE = "_access_policy", "_access_config_policy"
_PRINCIPAL_CACHE = "_access_principal"
READ_ENTITY = "catalog.entity.read"


@dataclass(frozen=True)
class Refusal:
    status: int  # 403 or 404
    reason: str
    rule: RouteRule | None = None


def principal_of(user: Any) -> Principal:
    """``user`` as the policy sees them, one per request; their catalog identity is
    looked up only when a decision needs it."""
    cached = getattr(user, _PRINCIPAL_CACHE, None)
    if cached is None:
        cached = Principal(user.get_username(), lambda: tuple(identity(user).ownership_refs),
                           superuser=bool(user.is_superuser or user.is_staff))  # fmt: skip
        setattr(user, _PRINCIPAL_CACHE, cached)
    return cached


def policy_for(user: Any) -> Policy:
    """The policy in force, read once per request (cached on its user object)."""
    cached = getattr(user, _CACHE, None)
    if cached is None:
        stored = [Assignment(role, principal) for role, principal in
                  RoleAssignment.objects.values_list("role", "principal")]  # fmt: skip
        cached = Policy.from_config(_config(), stored)
        setattr(user, _CACHE, cached)
    return cached


def _config() -> Mapping[str, Any]:
    return settings.APP_CONFIG.get("permission") or {}


def _config_policy(user: Any) -> Policy:
    """The policy of app-config alone (no query). Stored assignments only ever add
    grants, so what it allows stands whatever the database holds."""
    cached = getattr(user, _CONFIG_CACHE, None)
    if cached is None:
        cached = Policy.from_config(_config(), [])
        setattr(user, _CONFIG_CACHE, cached)
    return cached


def read_permission(kind: str) -> str:
    """The permission that lets one see an object of resource kind ``kind``."""
    return _READ[kind]


def decide(user: Any, name: str, resource: Any = None) -> Decision:
    """May ``user`` do ``name`` (to ``resource``)? The role assignments are read only
    when app-config alone does not allow it."""
    who = principal_of(user)
    allowed = _config_policy(user).decide(who, name, resource)
    return allowed if allowed else policy_for(user).decide(who, name, resource)


def _allowed_for_any_object(user: Any, name: str) -> bool:
    """Is ``user`` allowed ``name`` whatever the object (so it need not be found)?"""
    who = principal_of(user)
    decision = _config_policy(user).settled(who, name) or policy_for(user).settled(who, name)
    return bool(decision)


def refusal(request: HttpRequest, view_name: str, kwargs: Mapping[str, Any],
            user: Any) -> Refusal | None:  # fmt: skip
    """Why ``user`` may not make this request, or None when they may. ``user`` None is
    a caller without an account (a static API token), which the API lets through."""
    rule = rule_for(view_name)
    if rule is None:
        logger.error("the route %s has no access rule; refused", view_name)
        return Refusal(403, f"the route {view_name} has no access rule")
    name = rule.permission_for(request.method or "GET")
    if rule.public or not name or user is None or not user.is_authenticated:
        return None
    resource = None
    if rule.resource:
        read = read_permission(permission(name).resource)
        if _allowed_for_any_object(user, read) and _allowed_for_any_object(user, name):
            return None  # the usual case: no need to look the object up
        resource = rule.resource(kwargs)
        if resource is None:
            return None  # no such object: the view answers its own 404
        seen = decide(user, read, resource)
        if not seen:  # what one may not see does not exist for them
            return Refusal(404, seen.reason, rule)
    decision = decide(user, name, resource)
    return None if decision else Refusal(403, decision.reason, rule)


def entity_condition(user: Any, name: str = READ_ENTITY) -> Any:
    """The condition on the entities ``user`` may see under ``name`` (entities, or
    their docs; None: all of them), without a query when the config restricts nothing
    (the usual case: the decision is settled for every entity)."""
    if user is None or not user.is_authenticated or _allowed_for_any_object(user, name):
        return None
    return condition_for(visibility(policy_for(user), principal_of(user), name))


def may_read(user: Any, name: str, entity: Mapping[str, Any]) -> bool:
    """May ``user`` see the served ``entity`` under ``name`` (e.g. a template)?
    Decided in Python, for pages that already hold the entities they list."""
    return bool(decide(user, name, entity_resource(entity)))


class AccessMiddleware:
    """Check every page against its route's rule (API views check after they have
    authenticated the caller: a bearer token is not a session)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = entity_visibility.restrict(entity_condition(request.user))
        try:
            return self.get_response(request)
        finally:
            entity_visibility.reset(token)

    def process_view(self, request: HttpRequest, view: Callable[..., Any], args: Any,
                     kwargs: Mapping[str, Any]) -> HttpResponse | None:  # fmt: skip
        if getattr(view, "checks_access_itself", False):
            return None
        accepted = accepted_methods(view)
        if accepted is not None and request.method not in accepted:
            return None  # the view's own 405, the same for hidden and absent objects
        match = request.resolver_match
        refused = refusal(request, match.view_name if match else "", kwargs, request.user)
        if refused is None:
            return None
        if refused.status == 404 and refused.rule and refused.rule.missing:
            return refused.rule.missing(request, **kwargs)
        if refused.status == 404:  # no reason: it would tell a hidden object from none
            return render(request, "404.html", status=404)
        return render(request, "403.html", {"reason": refused.reason}, status=403)
