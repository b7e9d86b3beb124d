"""Starred entities and recently visited entity pages, per user."""

from __future__ import annotations

from django.utils import timezone

from catalog.models import Star, Visit

__all__ = ["is_starred", "recent_refs", "record_visit", "starred_refs", "toggle_star"]


def starred_refs(user: object) -> list[str]:
    """The refs ``user`` starred, most recent first."""
    return list(Star.objects.filter(user=user).order_by("-created")
                .values_list("entity_ref", flat=True))  # fmt: skip


def is_starred(user: object, ref: str) -> bool:
    return Star.objects.filter(user=user, entity_ref=ref).exists()


def toggle_star(user: object, ref: str) -> bool:
    """Star ``ref`` for ``user``, or remove the star; return whether it is starred now."""
    deleted, _ = Star.objects.filter(user=user, entity_ref=ref).delete()
    if deleted:
        return False
    Star.objects.get_or_create(user=user, entity_ref=ref)
    return True


def record_visit(user: object, ref: str) -> None:
    """Remember that ``user`` opened ``ref``'s page now (one upsert)."""
    Visit.objects.bulk_create(
        [Visit(user=user, entity_ref=ref, visited_at=timezone.now())],
        update_conflicts=True, unique_fields=["user", "entity_ref"], update_fields=["visited_at"],
    )  # fmt: skip


def recent_refs(user: object, limit: int = 8) -> list[str]:
    """The refs whose pages ``user`` opened last, newest first."""
    return list(Visit.objects.filter(user=user).order_by("-visited_at")
                .values_list("entity_ref", flat=True)[:limit])  # fmt: skip
