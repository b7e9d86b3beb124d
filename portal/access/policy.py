"""The decision: may this person do this (to this object), and why.

Django-free: it is given who asks (their account, User entity and groups), the role
assignments that name them, and the rules of app-config, so every case is a plain
test. Order: a matching ``deny`` rule refuses; else a role grant or an ``allow`` rule
permits; else it is refused. Every answer carries its reason, which the permission
matrix shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from portal.access.permissions import permission
from portal.access.roles import ROLES

__all__ = ["Assignment", "Condition", "Decision", "Policy", "Principal", "Resource", "Rule",
           "Visibility", "entity_resource", "visibility"]


@dataclass(frozen=True)
class Principal:
    """Who asks: ``user:<username>`` plus their User entity and every group."""

    username: str
    #: The refs, or how to find them: only decisions that depend on them (a role or
    #: rule for a group, ownership) pay for looking the user up in the catalog.
    catalog_refs: Iterable[str] | Callable[[], Iterable[str]] = ()
    #: A Django superuser or staff account: a platform admin.
    superuser: bool = False

    @cached_property
    def names(self) -> frozenset[str]:
        """Every name an assignment or rule may use for them."""
        refs = self.catalog_refs() if callable(self.catalog_refs) else self.catalog_refs
        return frozenset((f"user:{self.username.lower()}", *refs))


@dataclass(frozen=True)
class Resource:
    """What a conditional grant or rule looks at in an object."""

    #: An entity ref, ``task:<id>``, or an action's id.
    ref: str = ""
    kind: str = ""
    owners: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    #: Username of whoever started it (a task).
    creator: str = ""

    def owned_by(self, who: Principal) -> bool:
        if self.creator:
            return self.creator.lower() == who.username.lower()
        return bool(self.owners) and bool(set(self.owners) & who.names)


@dataclass(frozen=True)
class Assignment:
    role: str
    #: ``user:<username>`` or a Group entity ref; ``*``: every signed-in user.
    principal: str
    #: Where it comes from, for the reason shown: ``admin``, ``app-config``, ``default``.
    source: str = "admin"


@dataclass(frozen=True)
class Rule:
    """One entry of ``permission.rules``."""

    permission: str
    decision: str  # "allow" or "deny"
    #: Whom it is for (names as in assignments); empty: everyone.
    principals: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    #: ``True``: only objects owned by the asker; ``False``: only others'.
    owned: bool | None = None
    #: Action ids (``publish:github``) for ``scaffolder.action.run``.
    actions: tuple[str, ...] = ()
    index: int = 0

    def applies(self, who: Principal, name: str, resource: Resource | None) -> bool:
        if name != self.permission:
            return False
        if self.principals and not (set(self.principals) & who.names):
            return False
        if resource is None:
            return not (self.kinds or self.tags or self.owners or self.actions
                        or self.owned is not None)  # fmt: skip
        return ((not self.kinds or resource.kind.lower() in self.kinds)
                and (not self.actions or (resource.kind == "action"
                                          and resource.ref in self.actions))
                and (not self.tags or bool(set(self.tags) & set(resource.tags)))
                and (not self.owners or bool(set(self.owners) & set(resource.owners)))
                and (self.owned is None or resource.owned_by(who) == self.owned))  # fmt: skip


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


@dataclass
class Policy:
    """The assignments and rules in force."""

    assignments: list[Assignment] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)

    @classmethod
    def from_config(cls, config: Mapping[str, Any], assignments: Iterable[Assignment]) -> Policy:
        """``permission.defaultRole`` (``member`` unless set), ``permission.roles``
        (role -> principals) and ``permission.rules``, with ``assignments`` from the
        database."""
        default = config.get("defaultRole", "member")
        found = [Assignment(default, "*", "default")] if default else []
        for role, principals in (config.get("roles") or {}).items():
            found += [Assignment(role, _name(p), "app-config") for p in principals or []]
        rules = [_rule(index, item) for index, item in enumerate(config.get("rules") or [])]
        return cls([*found, *assignments], rules)

    def roles_of(self, who: Principal) -> list[Assignment]:
        """The assignments that give ``who`` a role (a superuser is a platform admin)."""
        mine = [a for a in self.assignments if a.principal == "*" or a.principal in who.names]
        if who.superuser:
            mine.append(Assignment("platform-admin", f"user:{who.username}", "superuser"))
        return mine

    def decide(self, who: Principal, name: str, resource: Resource | None = None) -> Decision:
        """May ``who`` do ``name`` (to ``resource``, for a permission on objects)?"""
        permission(name)
        for rule in self.rules:
            if rule.decision == "deny" and rule.applies(who, name, resource):
                return Decision(False, f"denied by permission.rules[{rule.index}]")
        for assignment in self.roles_of(who):
            for grant in ROLES[assignment.role].grants:
                if grant.permission != name:
                    continue
                if grant.scope == "all" or (resource is not None and resource.owned_by(who)):
                    return Decision(True, _because(assignment, grant.scope))
        for rule in self.rules:
            if rule.decision == "allow" and rule.applies(who, name, resource):
                return Decision(True, f"allowed by permission.rules[{rule.index}]")
        return Decision(False, "no role or rule allows it")

    def settled(self, who: Principal, name: str) -> Decision | None:
        """The decision on ``name`` if it is the same for every object (no rule for
        ``who`` names the permission, no grant is limited to what they own), else
        None: then only the object can tell."""
        if any(r.permission == name and (not r.principals or set(r.principals) & who.names)
               for r in self.rules):  # fmt: skip
            return None
        scopes = {g.scope for a in self.roles_of(who) for g in ROLES[a.role].grants
                  if g.permission == name}  # fmt: skip
        return None if scopes == {"owned"} else self.decide(who, name)


def _because(assignment: Assignment, scope: str) -> str:
    role = ROLES[assignment.role].title
    whom = {"*": "everyone signed in"}.get(assignment.principal, assignment.principal)
    owned = ", on what they own" if scope == "owned" else ""
    return f"role {role} ({assignment.source}: {whom}){owned}"


def _name(principal: str) -> str:
    """A principal as assignments compare it: lower-cased; ``group:team`` and
    ``user:default/x`` stand as written, a bare group name is in ``default``."""
    text = str(principal).strip().lower()
    kind, _, rest = text.partition(":")
    if kind == "group" and "/" not in rest:
        return f"group:default/{rest}"
    return text


def _rule(index: int, item: Mapping[str, Any]) -> Rule:
    when = item.get("when") or {}
    permission(str(item["permission"]))  # unknown names are refused
    return Rule(
        permission=str(item["permission"]), decision=str(item.get("decision", "allow")),
        principals=tuple(_name(p) for p in item.get("for") or ()),
        kinds=tuple(str(k).lower() for k in when.get("kind") or ()),
        tags=tuple(str(t).lower() for t in when.get("tags") or ()),
        owners=tuple(_name(o) for o in when.get("owner") or ()),
        owned=when.get("ownedByMe"), actions=tuple(str(a) for a in when.get("action") or ()),
        index=index,
    )  # fmt: skip


def entity_resource(entity: Mapping[str, Any]) -> Resource:
    """What rules look at in a served catalog entity: ref, kind, owners, tags."""
    metadata = entity.get("metadata") or {}
    ref = f"{entity.get('kind', '')}:{metadata.get('namespace', 'default')}/{metadata.get('name')}"
    owners = tuple(r["targetRef"] for r in entity.get("relations") or []
                   if r.get("type") == "ownedBy")  # fmt: skip
    return Resource(ref=ref.lower(), kind=str(entity.get("kind", "")).lower(), owners=owners,
                    tags=tuple(str(t).lower() for t in metadata.get("tags") or ()))  # fmt: skip


@dataclass(frozen=True)
class Condition:
    """The object conditions of one rule (empty fields match everything)."""

    kinds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    owned: bool | None = None


@dataclass(frozen=True)
class Visibility:
    """Which objects ``who`` may see under one read permission, as conditions a query
    can apply: all (a role grants it, or an allow rule without conditions) or what an
    allow rule matches, minus what a deny rule matches."""

    everything: bool
    allowed: tuple[Condition, ...] = ()
    denied: tuple[Condition, ...] = ()
    names: frozenset[str] = frozenset()

    @property
    def unrestricted(self) -> bool:
        return self.everything and not self.denied


def visibility(policy: Policy, who: Principal, name: str) -> Visibility:
    """The objects ``who`` may see under ``name`` (a read permission)."""
    mine = [r for r in policy.rules if r.permission == name
            and (not r.principals or set(r.principals) & who.names)]  # fmt: skip

    def condition(rule: Rule) -> Condition:
        return Condition(rule.kinds, rule.tags, rule.owners, rule.owned)

    denied = tuple(condition(r) for r in mine if r.decision == "deny")
    granted = any(g.permission == name and g.scope == "all" for a in policy.roles_of(who)
                  for g in ROLES[a.role].grants)  # fmt: skip
    allowed = tuple(condition(r) for r in mine if r.decision == "allow")
    everything = granted or any(c == Condition() for c in allowed)
    return Visibility(everything, allowed, denied, who.names)
