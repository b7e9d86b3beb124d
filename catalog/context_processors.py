"""What every page needs to know about the signed-in user's place in the catalog."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from catalog.people import identity

__all__ = ["catalog_identity"]


def catalog_identity(request: HttpRequest) -> dict[str, Any]:
    """``catalog_identity``: the user's User entity and groups, worked out only when a
    template asks (the layout does, for the banner shown to users the catalog does not
    know)."""
    return {"catalog_identity": SimpleLazyObject(lambda: identity(request.user))}
