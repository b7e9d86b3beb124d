# Text filters (the catalog page's search box, the API's full text on these fields)
# look for a term anywhere in a value: LIKE '%term%', which no b-tree index serves. At
# 100,000 entities that scan took 90-300 ms; a trigram index over the searched keys
# answers in milliseconds. PostgreSQL only, and only where the pg_trgm extension may be
# created (it is a trusted extension since PostgreSQL 13); elsewhere the scan remains.

import logging

from django.db import DatabaseError, migrations, transaction

INDEX = "catalog_field_text_trgm"
#: The keys catalog.listing.TEXT_FIELDS searches (kept in step by a test).
TEXT_KEYS = ("metadata.name", "metadata.title", "metadata.description", "metadata.tags",
             "spec.profile.displayname")  # fmt: skip

log = logging.getLogger(__name__)


def add_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as exc:
        log.warning("pg_trgm is not available (%s); text filters scan instead", exc)
        return
    keys = ", ".join(f"'{key}'" for key in TEXT_KEYS)
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON catalog_entityfield "
        f"USING gin (value gin_trgm_ops) WHERE key IN ({keys})"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0008_entities_with_errors_index")]

    operations = [migrations.RunPython(add_trigram_index, drop_trigram_index, elidable=False)]
