"""Insert or update many rows with one statement.

Django's ``bulk_create`` builds one multi-row INSERT per batch and, on SQLite, caps a
batch at 999 parameters (about 250 field-index rows). Here SQLite gets one prepared
statement with many parameter sets (``executemany``) and PostgreSQL gets ``COPY``,
which is what keeps indexing a large catalog to seconds and a bounded number of
statements.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

__all__ = ["insert_rows", "refresh_planner_statistics", "update_rows"]

#: Entities (re)written by one refresh from which PostgreSQL's statistics are renewed at
#: once (each entity has dozens of field-index rows).
STATISTICS_THRESHOLD = 200


def insert_rows(model: type[models.Model], columns: Sequence[str],
                rows: Iterable[Sequence[Any]]) -> None:  # fmt: skip
    """INSERT ``rows`` (tuples in ``columns`` order) into ``model``'s table."""
    rows = list(rows)
    if not rows:
        return
    table, names = _names(model, columns)
    prepared = _prepared(model, columns, rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in prepared:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608
            cursor.executemany(sql, prepared)


def _names(model: type[models.Model], columns: Sequence[str]) -> tuple[str, str]:
    """The quoted table name and column list (names come from the model, not input)."""
    quote = connection.ops.quote_name
    return quote(model._meta.db_table), ", ".join(
        quote(model._meta.get_field(c).column) for c in columns
    )


def update_rows(model: type[models.Model], columns: Sequence[str],
                rows: Iterable[Sequence[Any]]) -> None:  # fmt: skip
    """UPDATE ``columns`` by primary key; each row is ``(*values, pk)``.

    Django's ``bulk_update`` builds a CASE expression per column over the whole batch,
    which costs more than the update itself at catalog sizes.
    """
    rows = list(rows)
    if not rows:
        return
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 - names from models
        quote(model._meta.db_table),
        ", ".join(f"{quote(model._meta.get_field(c).column)} = %s" for c in columns),
        quote(model._meta.pk.column),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, _prepared(model, (*columns, model._meta.pk.name), rows))


#: Field types whose Python values need converting for the database (UUIDs are
#: text on SQLite, JSON is jsonb on PostgreSQL, datetimes need time zones handled).
_CONVERTED = (models.JSONField, models.UUIDField, models.DateTimeField)


def _needs_conversion(field: models.Field) -> bool:
    if isinstance(field, models.ForeignKey):
        return isinstance(field.target_field, _CONVERTED)
    return isinstance(field, _CONVERTED)


def _prepared(model: type[models.Model], columns: Sequence[str],
              rows: list[Sequence[Any]]) -> list[Sequence[Any]]:  # fmt: skip
    """Convert the values of the columns that need it, leave the rest untouched."""
    fields = [model._meta.get_field(c) for c in columns]
    convert = [i for i, f in enumerate(fields) if _needs_conversion(f)]
    if not convert:
        return rows
    prepared = []
    for row in rows:
        values = list(row)
        for i in convert:
            values[i] = fields[i].get_db_prep_save(values[i], connection)
        prepared.append(values)
    return prepared


def refresh_planner_statistics(models_changed: Sequence[type[models.Model]], changed: int) -> None:
    """Renew PostgreSQL's planner statistics after a large write.

    Right after a bulk load the planner still believes the tables are nearly empty and
    picks nested loops over thousands of rows (a filtered query: 36 ms instead of
    3 ms); autovacuum would fix that only a minute later. Outside a transaction
    VACUUM also marks pages all-visible, so the field index answers from the index
    alone. SQLite plans well without this.
    """
    if connection.vendor != "postgresql" or changed < STATISTICS_THRESHOLD:
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models_changed)
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        cursor.execute(f"{command} {tables}")
