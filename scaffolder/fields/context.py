"""The FieldContext of a signed-in user, built in one place for the form and for the
pickers' endpoints, so both see the same user ref and ownership refs."""

from __future__ import annotations

from typing import Any

from catalog import services as catalog
from scaffolder.fields.base import FieldContext
from scaffolder.services import Caller

__all__ = ["field_context"]


def field_context(user: Any, template_ref: str = "") -> FieldContext:
    """Who fills the form: the user's entity ref as tasks record it (``createdBy``,
    ``user.ref`` in templates) and the refs they own through, Backstage's
    ``ownershipEntityRefs``: that ref and every group it is a member of
    (``catalog.services.ownership_refs``). Two indexed queries."""
    caller = Caller.for_user(user)
    return FieldContext(user=user, user_ref=caller.ref,
                        ownership_refs=catalog.ownership_refs(caller.ref),
                        template_ref=template_ref)  # fmt: skip
