"""Which permission every URL needs: each app declares a rule per route name, and a
route without one is refused (and fails the test that walks every URL pattern).

A rule names the permission and, for routes about one object, how to find that
object's ``Resource`` from the URL: the check then refuses with a 404 what the user may
not see, as if it did not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from portal.access.permissions import permission
from portal.access.policy import Resource

__all__ = ["PUBLIC", "SIGNED_IN", "RouteRule", "register_routes", "route_names", "rule_for"]

#: ``(kwargs of the URL) -> Resource``, or None when the object does not exist.
FindResource = Callable[[Mapping[str, Any]], Resource | None]


@dataclass(frozen=True)
class RouteRule:
    #: The permission needed; "" for routes open to anyone signed in (or to anyone).
    permission: str = ""
    resource: FindResource | None = None
    #: Reachable without signing in (sign-in itself, health checks).
    public: bool = False
    #: Other permissions for some HTTP methods: ``(("POST", "catalog.location.create"),)``.
    methods: tuple[tuple[str, str], ...] = ()
    #: What the view answers for an object that does not exist (a hidden one must
    #: look the same): ``(request, **URL kwargs) -> response``; default: the 404 page,
    #: or for an API route its NotFoundError with ``missing_message``.
    missing: Callable[..., Any] | None = None
    #: The API's NotFoundError message for such an object (``str.format`` with the
    #: URL kwargs), when there is no ``missing``.
    missing_message: str = "Not found"

    def permission_for(self, method: str) -> str:
        """The permission a request with ``method`` needs."""
        return dict(self.methods).get(method, self.permission)


PUBLIC = RouteRule(public=True)
SIGNED_IN = RouteRule()

_rules: dict[str, RouteRule] = {}


def register_routes(rules: Mapping[str, RouteRule]) -> None:
    """Declare the rules of some routes (by ``namespace:name``; ``namespace:*`` for
    every route of a namespace). Each permission must exist."""
    for name, rule in rules.items():
        for name_ in (rule.permission, *(p for _, p in rule.methods)):
            if name_:
                permission(name_)
        if name in _rules and _rules[name] != rule:
            raise ValueError(f"route {name} already has another access rule")
        _rules[name] = rule


def rule_for(view_name: str) -> RouteRule | None:
    """The rule of the route ``view_name``, or None when it has none."""
    if view_name in _rules:
        return _rules[view_name]
    namespace = view_name.rpartition(":")[0]
    return _rules.get(f"{namespace}:*") if namespace else None


def route_names() -> Iterator[tuple[str, str]]:
    """``(view name, pattern)`` of every URL pattern, as ``resolve`` names them."""
    yield from _walk(get_resolver().url_patterns, "", [])


def _walk(patterns: list[Any], prefix: str, namespaces: list[str]) -> Iterator[tuple[str, str]]:
    for item in patterns:
        if isinstance(item, URLResolver):
            inner = [*namespaces, item.namespace] if item.namespace else namespaces
            yield from _walk(item.url_patterns, prefix + str(item.pattern), inner)
        elif isinstance(item, URLPattern):
            name = item.name or item.lookup_str
            yield ":".join([*namespaces, name]), prefix + str(item.pattern)
