"""Who the signed-in user is in the catalog: their User entity and its groups.

"Owned by me", "my team's entities" and the home page need the refs that stand for
the user. A Django user maps to the User entity named like their username (what
GitHub sign-in and Backstage's default resolver use), else to the User entity whose
``spec.profile.email`` is their e-mail address.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog.models import Entity, EntityField, Relation

__all__ = ["Identity", "identity", "ownership_refs"]


@dataclass(frozen=True)
class Identity:
    """The user's own entity ref ("" when the catalog has none) and their groups."""

    user_ref: str = ""
    group_refs: tuple[str, ...] = ()

    @property
    def ownership_refs(self) -> list[str]:
        """Refs whose entities count as "mine": the user and every group they are in."""
        return [r for r in (self.user_ref, *self.group_refs) if r]


def identity(user: object) -> Identity:
    """The catalog identity of ``user`` (two or three small indexed queries)."""
    username = getattr(user, "get_username", lambda: "")().lower()
    email = (getattr(user, "email", "") or "").lower()
    if not username:
        return Identity()
    ref = f"user:default/{username}"
    if not Entity.objects.filter(ref=ref).exists():
        by_email = EntityField.objects.filter(key="spec.profile.email", value=email,
                                              entity__kind="user") if email else None  # fmt: skip
        found = by_email.values_list("entity__ref", flat=True).first() if by_email else None
        if found is None:
            return Identity()
        ref = found
    return Identity(ref, _groups_of(ref))


def _groups_of(ref: str) -> tuple[str, ...]:
    """The groups ``ref`` is a member of, sorted, each once (the User's ``memberOf``
    and the Group's ``members`` each add the relation); one query on the relation
    index."""
    groups = Relation.objects.filter(source_ref=ref, type="memberOf")
    return tuple(sorted(set(groups.values_list("target_ref", flat=True))))


def ownership_refs(user_ref: str) -> tuple[str, ...]:
    """The refs a user owns through, as Backstage's sign-in gives them
    (``ownershipEntityRefs``): the user's own ref and every group it is a member of
    (``memberOf``, whether the User entity or the Group's ``members`` says so). Empty
    for an empty ref."""
    ref = user_ref.strip().lower()
    return (ref, *_groups_of(ref)) if ref else ()
