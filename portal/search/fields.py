"""The full-text column, written in the form each engine indexes.

A document's words per field (``{"name": "payments api", "text": ...}``) reach the
database as JSON. On PostgreSQL the INSERT turns them into a weighted ``tsvector``
with ``portal_search_vector(jsonb)`` (migration ``0004_search_narrow``), so the row the
engine scans carries the vector but not the JSON it came from; on SQLite the JSON is
stored, and triggers feed it to the FTS5 table. Either way the column is only ever
written: what it reads back is the engine's own form, not the words that were given,
so :class:`~portal.search.models.SearchDocument`'s manager never loads it.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models

__all__ = ["FullTextField"]


class FullTextField(models.Field):
    description = "A document's words per field, as its engine indexes them"

    def db_type(self, connection: Any) -> str:
        return "tsvector" if connection.vendor == "postgresql" else "text"

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        return None if value is None else json.dumps(value, sort_keys=True)

    def get_placeholder(self, value: Any, compiler: Any, connection: Any) -> str:
        if connection.vendor == "postgresql":
            return "portal_search_vector(CAST(%s AS jsonb))"
        return "%s"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> None:
        """Nothing: the stored form is the engine's (see the module's docstring)."""
        return None
