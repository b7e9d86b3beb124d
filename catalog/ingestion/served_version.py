"""The catalog's served version: a token that changes with every change to served
entities, for caches of answers that depend on many entities (facet counts).

``changed()`` is called after every write of served entities, as the last statement
of the writing transaction (or after it committed): a reader can then never see the
new token before the new data, and a transaction holding the token's row lock waits
for nothing else, so concurrent writers cannot deadlock on it.
"""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction

from catalog.models import ServedVersion

__all__ = ["changed", "current"]

ROW = 1


def changed() -> None:
    """Give the catalog a new served version."""
    if ServedVersion.objects.filter(pk=ROW).update(token=uuid.uuid4()):
        return
    try:
        with transaction.atomic():
            ServedVersion.objects.create(pk=ROW)
    except IntegrityError:  # created meanwhile by another writer
        ServedVersion.objects.filter(pk=ROW).update(token=uuid.uuid4())


def current() -> str:
    """The served version now ("" before the first change: nothing may be cached)."""
    token = ServedVersion.objects.filter(pk=ROW).values_list("token", flat=True).first()
    return str(token) if token else ""
