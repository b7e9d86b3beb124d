"""Schemas as table rows (scaffolder.schema_rows): types in words, required markers,
defaults, allowed values, constraints, nested properties as indented sub-rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scaffolder import schema_rows as module
from scaffolder.schema_rows import schema_rows, type_summary


def by_path(schema) -> dict[str, module.SchemaRow]:
    return {row.path: row for row in schema_rows(schema)}


@pytest.mark.parametrize(("schema", "words"), [
    ({"type": "string"}, "string"),
    ({"type": ["string", "boolean"]}, "string or boolean"),
    ({"type": "array", "items": {"type": "string"}}, "array of string"),
    ({"type": "array", "items": {"type": ["string", "number"]}}, "array of (string or number)"),
    ({"type": "array"}, "array"),
    ({"type": "array", "items": [{"type": "string"}, {"type": "number"}]},
     "array (string, number)"),
    ({"type": "object"}, "object"),
    ({"type": "object", "additionalProperties": {"type": "string"}}, "map of string"),
    ({"type": "object", "additionalProperties": {"anyOf": [{"type": "string"},
      {"type": "array", "items": {"type": "string"}}]}}, "map of (string or array of string)"),
    ({}, "any"),
    (True, "any"),
    ({"properties": {"a": {}}}, "object"),
    ({"type": "string", "format": "uri"}, "string (uri)"),
    ({"const": "x"}, 'constant "x"'),
    ({"oneOf": [{"const": "a"}, {"const": "b"}]}, "string"),
    ({"anyOf": [{"type": "string"}, {"type": "number"}]}, "string or number"),
    ({"$ref": "#/definitions/thing"}, "see #/definitions/thing"),
    ({"enum": [1, "a"]}, "value"),
])  # fmt: skip
def test_type_summary(schema, words: str) -> None:
    assert type_summary(schema) == words


def test_top_level_properties_with_required_default_and_allowed_values() -> None:
    rows = schema_rows({
        "type": "object", "required": ["url"],
        "properties": {
            "url": {"type": "string", "title": "URL", "description": "Where from"},
            "visibility": {"type": "string", "enum": ["private", "public"], "default": "private"},
            "count": {"type": "integer", "minimum": 1, "maximum": 10},
            "name": {"type": "string", "pattern": "^[a-z]+$", "minLength": 1, "maxLength": 63},
            "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True,
                     "minItems": 2},
            "flag": {"type": "boolean", "default": False, "deprecated": True},
        },
    })  # fmt: skip
    assert [row.name for row in rows] == ["url", "visibility", "count", "name", "tags", "flag"]
    url, visibility, count, name, tags, flag = rows
    assert url.required and url.title == "URL" and url.description == "Where from"
    assert not visibility.required and visibility.default == '"private"'
    assert visibility.allowed == ('"private"', '"public"')
    assert count.notes == ("minimum 1", "maximum 10")
    assert name.notes == ("at least 1 character", "at most 63 characters", "pattern ^[a-z]+$")
    assert tags.type == "array of string" and tags.notes == ("at least 2 items", "no duplicates")
    assert flag.default == "false" and flag.has_default and "deprecated" in flag.notes
    assert not url.has_default
    assert all(row.depth == 0 for row in rows)


def test_nested_objects_and_array_items_become_indented_sub_rows() -> None:
    rows = by_path({"type": "object", "properties": {
        "settings": {"type": "object", "additionalProperties": False, "required": ["name"],
                     "properties": {"name": {"type": "string"},
                                    "deep": {"type": "object",
                                             "properties": {"x": {"type": "number"}}}}},
        "branches": {"type": "array", "items": {"type": "object", "required": ["name"],
                                                "properties": {"name": {"type": "string"}}}},
    }})  # fmt: skip
    assert list(rows) == ["settings", "settings.name", "settings.deep", "settings.deep.x",
                          "branches", "branches[].name"]  # fmt: skip
    assert rows["settings"].notes == ("no other keys",)
    assert rows["settings.name"].depth == 1 and rows["settings.name"].required
    assert rows["settings.deep.x"].depth == 2
    assert rows["branches"].type == "array of object"
    assert rows["branches[].name"].depth == 1 and rows["branches[].name"].required


def test_alternatives_with_properties_are_grouped_rows() -> None:
    rows = schema_rows({"oneOf": [
        {"type": "object", "required": ["catalogInfoUrl"],
         "properties": {"catalogInfoUrl": {"type": "string"}}},
        {"type": "object", "title": "From a repository",
         "properties": {"repoContentsUrl": {"type": "string"}}},
    ]})  # fmt: skip
    assert [(r.name, r.depth, r.synthetic) for r in rows] == [
        ("option 1 of 2", 0, True), ("catalogInfoUrl", 1, False),
        ("From a repository", 0, True), ("repoContentsUrl", 1, False)]  # fmt: skip
    assert rows[1].required and not rows[3].required


def test_enum_written_as_one_of_consts_lists_its_values() -> None:
    row = schema_rows({"properties": {"v": {"oneOf": [{"const": "a", "title": "A"},
                                                      {"const": "b"}]}}})[0]  # fmt: skip
    assert row.type == "string" and row.allowed == ('"a"', '"b"')


def test_a_schema_that_is_not_an_object_gives_one_value_row() -> None:
    assert [(r.name, r.type) for r in schema_rows({"type": "string", "description": "x"})] == [
        ("(value)", "string")]  # fmt: skip
    assert schema_rows({}) == []
    assert schema_rows({"type": "object", "additionalProperties": {}}) == []
    assert schema_rows(None) == []


def test_long_values_are_cut_and_unserialisable_ones_still_shown() -> None:
    rows = schema_rows({"properties": {"a": {"default": "x" * 500}, "b": {"default": {1, 2}}}})
    assert len(rows[0].default) == module.MAX_VALUE and rows[0].default.endswith("…")
    assert rows[1].default  # a set is not JSON: repr is shown instead of failing


def test_deep_and_huge_schemas_are_bounded() -> None:
    deep: dict = {"type": "string"}
    for level in range(50):
        deep = {"type": "object", "properties": {f"p{level}": deep}}
    rows = schema_rows(deep)
    assert max(row.depth for row in rows) <= module.MAX_DEPTH + 1
    wide = {"properties": {f"p{i}": {"type": "object", "properties": {f"q{j}": {}
            for j in range(50)}} for i in range(50)}}  # fmt: skip
    assert len(schema_rows(wide)) == module.MAX_ROWS


def test_every_backstage_action_schema_gives_rows_without_raw_json() -> None:
    known = json.loads((Path(module.__file__).parent / "actions"
                        / "backstage_schemas.json").read_text())  # fmt: skip
    for action_id, entry in known.items():
        for part in ("input", "output"):
            schema = entry["schema"].get(part)
            if not schema or not ({"properties", "anyOf", "oneOf"} & set(schema)):
                continue
            rows = schema_rows(schema)
            assert rows, (action_id, part)
            for row in rows:
                assert "{" not in row.type, (action_id, row)
    collaborators = by_path(known["publish:github"]["schema"]["input"])
    assert collaborators["collaborators[]|1.user"].required
