"""Which entities the current request may see, applied to every list.

The access check (``portal.access.checks``) puts the request's condition here (built
by ``catalog.visible_entities``); ``Entity.objects.served()`` and ``visible()`` apply
it, so the catalog page, the API's lists, facets, pickers and search leave out what a
rule hides: the same entities whose own pages answer 404. Without a restricting rule
the condition is None and no query changes.
"""

from __future__ import annotations

import contextvars

from django.db.models import Q

__all__ = ["current_condition", "reset", "restrict"]

_current: contextvars.ContextVar[Q | None] = contextvars.ContextVar("visible_entities",
                                                                    default=None)  # fmt: skip


def restrict(condition: Q | None) -> contextvars.Token[Q | None]:
    """Apply ``condition`` to entity lists until the returned token is reset."""
    return _current.set(condition)


def reset(token: contextvars.Token[Q | None]) -> None:
    _current.reset(token)


def current_condition() -> Q | None:
    """The condition on ``Entity`` rows of the current request (None: all)."""
    return _current.get()
