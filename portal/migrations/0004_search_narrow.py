# The scanned search row is made narrow: the words per field and the snippet text move
# to SearchBody (read only for a page of results), and the full-text column is written
# in the engine's form (portal.search.fields):
# - PostgreSQL: ``words`` is a weighted tsvector computed on insert by
#   portal_search_vector(jsonb), with a GIN index; ``title_vector`` (names and titles,
#   for the type-ahead) is generated from it, keeping its class-A words;
# - SQLite: ``words`` holds the JSON, and triggers feed it to the FTS5 table as before.
# The index is derived data: its rows are deleted here, and `manage.py search rebuild`
# (or `serve`, which fills an empty index on start) writes them again.
# The field list is frozen here; tests/search keeps it equal to portal.search.documents.

import importlib

import django.db.models.deletion
from django.db import migrations, models

import portal.search.fields

FIELDS = {"name": "A", "title": "A", "tags": "B", "kind": "B", "type": "B", "owner": "B",
          "system": "B", "lifecycle": "C", "text": "C", "parameters": "C",
          "annotations": "D", "links": "D"}  # fmt: skip
SQLITE_TRIGGERS = ("fts_insert", "fts_delete", "fts_update")


def _earlier():
    return importlib.import_module("portal.migrations.0003_search")


def _empty(schema_editor, *tables):
    """Delete every row of ``tables`` (TRUNCATE on PostgreSQL: a DELETE would leave
    deferred foreign-key checks pending, which forbid the ALTER TABLEs that follow)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"TRUNCATE {', '.join(tables)}")
        return
    for table in tables:
        schema_editor.execute(f"DELETE FROM {table}")


def drop_previous(apps, schema_editor):
    """Empty the index and drop what read the old ``fields`` column."""
    vendor = schema_editor.connection.vendor
    _empty(schema_editor, "portal_searchtag", "portal_searchdocument")
    if vendor == "postgresql":
        for column in ("title_vector", "vector"):
            schema_editor.execute(f"ALTER TABLE portal_searchdocument DROP COLUMN {column}")
    elif vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER portal_search_{name}")
        schema_editor.execute("INSERT INTO portal_search_fts (portal_search_fts) VALUES ('delete-all')")


def _postgres(schema_editor):
    vector = " || ".join(
        f"setweight(to_tsvector('simple'::regconfig, coalesce(words ->> '{name}', '')), '{weight}')"
        for name, weight in FIELDS.items()
    )
    schema_editor.execute(
        "CREATE FUNCTION portal_search_vector(words jsonb) RETURNS tsvector "
        f"LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT {vector} $$"
    )
    schema_editor.execute(
        "CREATE INDEX search_document_words ON portal_searchdocument USING gin (words)"
    )
    # Names and titles alone, for the type-ahead: a weight-restricted query on
    # ``words`` would recheck every row that has the word anywhere.
    schema_editor.execute(
        "ALTER TABLE portal_searchdocument ADD COLUMN title_vector tsvector "
        "GENERATED ALWAYS AS (ts_filter(words, '{a}')) STORED"
    )
    schema_editor.execute(
        "CREATE INDEX search_document_titles ON portal_searchdocument USING gin (title_vector)"
    )


def _sqlite(schema_editor):
    columns = ", ".join(FIELDS)
    values = ", ".join(f"json_extract({{row}}.words, '$.{name}')" for name in FIELDS)
    add = f"INSERT INTO portal_search_fts (rowid, {columns}) VALUES (new.id, {values.format(row='new')});"
    remove = (f"INSERT INTO portal_search_fts (portal_search_fts, rowid, {columns}) "
              f"VALUES ('delete', old.id, {values.format(row='old')});")  # fmt: skip
    for statement in (
        f"CREATE TRIGGER portal_search_fts_insert AFTER INSERT ON portal_searchdocument BEGIN {add} END",
        f"CREATE TRIGGER portal_search_fts_delete AFTER DELETE ON portal_searchdocument BEGIN {remove} END",
        "CREATE TRIGGER portal_search_fts_update AFTER UPDATE OF words ON portal_searchdocument "
        f"BEGIN {remove} {add} END",
    ):
        schema_editor.execute(statement)


def add_full_text(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _postgres(schema_editor)
    elif vendor == "sqlite":
        _sqlite(schema_editor)


def drop_full_text(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _empty(schema_editor, "portal_searchtag", "portal_searchbody", "portal_searchdocument")
    if vendor == "postgresql":
        schema_editor.execute("ALTER TABLE portal_searchdocument DROP COLUMN title_vector")
        schema_editor.execute("DROP FUNCTION portal_search_vector(jsonb)")
    elif vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER portal_search_{name}")


def restore_previous(apps, schema_editor):
    """Back to 0003's columns: its full-text columns and triggers over ``fields``."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # 0003 also creates the vocabulary's trigram index, which this migration kept.
        schema_editor.execute("DROP INDEX IF EXISTS search_term_trigrams")
        _earlier()._postgres(schema_editor)
    elif vendor == "sqlite":
        schema_editor.execute("DROP TABLE portal_search_fts")
        schema_editor.execute("DROP TABLE portal_search_term_trgm")
        for name in ("term_insert", "term_delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS portal_search_{name}")
        _earlier()._sqlite(schema_editor)
        schema_editor.execute(
            "INSERT INTO portal_search_term_trgm (portal_search_term_trgm) VALUES ('rebuild')")


class Migration(migrations.Migration):

    dependencies = [
        ("portal", "0003_search"),
    ]

    operations = [
        migrations.RunPython(drop_previous, restore_previous, elidable=False),
        migrations.RemoveField(model_name="searchdocument", name="fields"),
        migrations.RemoveField(model_name="searchdocument", name="text"),
        migrations.AddField(
            model_name="searchdocument",
            name="words",
            field=portal.search.fields.FullTextField(null=True),
        ),
        migrations.AlterModelOptions(
            name="searchdocument",
            options={"base_manager_name": "objects"},
        ),
        migrations.CreateModel(
            name="SearchBody",
            fields=[
                ("document", models.OneToOneField(on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name="body", serialize=False, to="portal.searchdocument")),
                ("fields", models.JSONField(default=dict)),
                ("text", models.TextField(blank=True)),
                ("digest", models.CharField(blank=True, max_length=32)),
            ],
        ),
        migrations.RunPython(add_full_text, drop_full_text, elidable=False),
    ]
