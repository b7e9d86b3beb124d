"""Who the signed-in user is in the catalog: their User entity and its groups.

"Owned by me", "my team's entities", the home page and roles need the refs that stand
for the user. The User entity is found, strongest evidence first, by the
``github.com/user-login`` annotation naming one of the user's GitHub logins, then by a
verified e-mail address in ``spec.profile.email``, then by an entity named like the
account (Backstage's default resolver, and what local accounts have). The groups are
those the User is a member of and every parent group above them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from catalog.models import EntityField, Relation
from portal.auth.accounts import SignInNames, sign_in_names

__all__ = ["Identity", "find_user_entity", "identity", "ownership_refs"]

LOGIN_ANNOTATION = "metadata.annotations.github.com/user-login"
#: Deepest parent chain followed (a cycle in the group tree stops earlier).
MAX_GROUP_DEPTH = 32
_CACHE_ATTRIBUTE = "_catalog_identity"


@dataclass(frozen=True)
class Identity:
    """The user's own entity ref ("" when the catalog has none), the groups they are
    in directly and with every parent group."""

    user_ref: str = ""
    group_refs: tuple[str, ...] = ()
    direct_group_refs: tuple[str, ...] = ()

    @property
    def ownership_refs(self) -> list[str]:
        """Refs whose entities count as "mine": the user and every group they are in,
        up the parent chain."""
        return [r for r in (self.user_ref, *self.group_refs) if r]


def identity(user: object) -> Identity:
    """The catalog identity of ``user``, worked out once per request (the user object
    lives as long as its request): a few small indexed queries."""
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    found = Identity()
    if getattr(user, "is_authenticated", False):
        ref = find_user_entity(sign_in_names(user))
        if ref:
            direct = _direct_groups(ref)
            found = Identity(ref, _with_parents(direct), direct)
    setattr(user, _CACHE_ATTRIBUTE, found)
    return found


def find_user_entity(names: SignInNames) -> str:
    """The ref of the User entity ``names`` identify, or "" (one query: every
    candidate is fetched, then the strongest evidence wins)."""
    candidates = [f"user:default/{n}" for n in (*names.github_logins, names.username) if n]
    wanted = Q(key="metadata.name", entity__ref__in=candidates)
    if names.github_logins:
        wanted |= Q(key=LOGIN_ANNOTATION, value__in=names.github_logins)
    if names.verified_emails:
        wanted |= Q(key="spec.profile.email", value__in=names.verified_emails)
    found: dict[str, list[str]] = {}
    rows = EntityField.objects.filter(wanted, entity__kind="user").values_list("key",
                                                                              "entity__ref")
    for key, ref in rows.order_by("entity__ref"):
        found.setdefault(key, []).append(ref)
    for key in (LOGIN_ANNOTATION, "spec.profile.email"):
        if found.get(key):
            return found[key][0]
    named = set(found.get("metadata.name", []))
    return next((ref for ref in candidates if ref in named), "")


def _direct_groups(ref: str) -> tuple[str, ...]:
    """The groups ``ref`` is a member of, sorted, each once (the User's ``memberOf``
    and the Group's ``members`` each add the relation); one query on the relation
    index."""
    groups = Relation.objects.filter(source_ref=ref, type="memberOf")
    return tuple(sorted(set(groups.values_list("target_ref", flat=True))))


def _with_parents(groups: tuple[str, ...]) -> tuple[str, ...]:
    """``groups`` and every group above them (``childOf``), one query per level."""
    seen, frontier = set(groups), set(groups)
    for _ in range(MAX_GROUP_DEPTH):
        parents = set(Relation.objects.filter(source_ref__in=frontier, type="childOf")
                      .values_list("target_ref", flat=True))  # fmt: skip
        frontier = parents - seen
        if not frontier:
            break
        seen |= frontier
    return tuple(sorted(seen))


def ownership_refs(user_ref: str) -> tuple[str, ...]:
    """The refs a user owns through, as Backstage's sign-in gives them
    (``ownershipEntityRefs``): the user's own ref and every group it is a member of
    (``memberOf``, whether the User entity or the Group's ``members`` says so). Empty
    for an empty ref."""
    ref = user_ref.strip().lower()
    return (ref, *_direct_groups(ref)) if ref else ()
