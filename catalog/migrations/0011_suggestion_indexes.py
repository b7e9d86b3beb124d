# The type-ahead of the template form's pickers (catalog.suggestions) walks names,
# titles and display names, and tags, that start with what was typed, in order, and
# stops after a screenful: a range of a b-tree. PostgreSQL uses a b-tree for LIKE
# 'x%' and for the order only in the "C" collation, and databases usually run in a
# language's collation, where that query read and sorted every entity of the
# picker's kinds (0.6 s at 100,000 entities). Partial indexes over those keys alone,
# on the value in the "C" collation (byte order, which for UTF-8 is code point
# order), serve the range and the order. PostgreSQL only: SQLite compares text byte
# by byte already.

from django.db import migrations

#: catalog.suggestions.SUGGESTED_FIELDS and its tag key (kept in step by a test).
INDEXES = {
    "catalog_field_suggest": ("metadata.name", "metadata.title", "spec.profile.displayname"),
    "catalog_field_suggest_tags": ("metadata.tags",),
}


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, keys in INDEXES.items():
        listed = ", ".join(f"'{key}'" for key in keys)
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON catalog_entityfield '
            f'((value COLLATE "C"), entity_id) WHERE key IN ({listed})'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0010_orphans_index")]

    operations = [migrations.RunPython(add_indexes, drop_indexes, elidable=False)]
