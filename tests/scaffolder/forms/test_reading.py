"""A posted page read into typed answers and checked: numbers, booleans, choices,
lists, objects, files; what an empty input, a disabled input and ``ui:emptyValue``
do; and every failure next to the field it concerns, in words."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from scaffolder.forms import read_page
from scaffolder.forms.widgets.inputs import MAX_FILE_BYTES
from tests.scaffolder.forms.conftest import CONTEXT, posted, spec_of


def read(page: dict[str, Any], data: Any, values: dict[str, Any] | None = None, **options: Any):
    return read_page(spec_of(page), 0, posted(data) if isinstance(data, dict | list) else data,
                     values or {}, CONTEXT, **options)  # fmt: skip


def one(schema: dict[str, Any], data: dict[str, Any], **page: Any):
    """Read one property ``x`` posted as ``data``."""
    return read({"properties": {"x": schema}, **page}, data)


@pytest.mark.parametrize(("schema", "text", "value"), [
    ({"type": "integer"}, "8080", 8080),
    ({"type": "integer"}, " -3 ", -3),
    ({"type": "integer"}, "3.0", 3),
    ({"type": "integer"}, "1e3", 1000),
    ({"type": "number"}, "1.5", 1.5),
    ({"type": "number"}, "2", 2),
    ({"type": "number"}, ".5", 0.5),
    ({"type": "string"}, "  padded  ", "padded"),
    ({"type": "string", "ui:widget": "textarea"}, "line 1\r\nline 2\r\n", "line 1\nline 2\n"),
    ({"type": "integer", "enum": [1, 2]}, "2", 2),
    ({"type": "boolean", "ui:widget": "radio"}, "false", False),
    ({"type": "string", "oneOf": [{"const": "s", "title": "Small"}]}, "s", "s"),
    ({"type": ["number", "null"], "enum": [1.5, None]}, "null", None),
    ({"type": "integer", "ui:widget": "hidden"}, "7", 7),
    ({"type": "string", "ui:widget": "hidden"}, "7", "7"),
])  # fmt: skip
def test_posted_text_becomes_a_typed_value(schema: dict[str, Any], text: str, value: Any) -> None:
    result = one(schema, {"x": text})
    assert result.values == {"x": value} and result.ok
    assert type(result.values["x"]) is type(value)


@pytest.mark.parametrize(("schema", "text", "message"), [
    ({"type": "integer"}, "abc", "Enter a whole number; “abc” is not one."),
    ({"type": "integer"}, "3.5", "Enter a whole number; “3.5” is not one."),
    ({"type": "number"}, "1,5", "Enter a number; “1,5” is not one."),
    ({"type": "number"}, "1e999", "Enter a number; “1e999” is not one."),
])  # fmt: skip
def test_text_that_is_no_number_is_kept_and_flagged_once(schema: dict[str, Any], text: str,
                                                        message: str) -> None:  # fmt: skip
    result = one(schema, {"x": text})
    assert result.values == {"x": text}  # kept as typed, so the page shows it again
    assert result.errors == {"x": [message]}  # not also "is not of a type(s) integer"


def test_a_checkbox_posts_false_when_unticked() -> None:
    page = {"properties": {"on": {"type": "boolean"}}}
    assert read(page, [("on", "false"), ("on", "true")]).values == {"on": True}
    assert read(page, [("on", "false")]).values == {"on": False}
    assert read(page, {}, {"on": True}).values == {"on": True}  # not posted (disabled): kept


def test_a_choice_that_matches_none_is_kept_and_reported() -> None:
    result = one({"type": "string", "enum": ["a", "b"]}, {"x": "c"})
    assert result.values == {"x": "c"} and result.errors == {"x": ["Choose one of: a, b"]}
    result = one({"type": "string", "oneOf": [{"const": "a", "title": "A"}]}, {"x": "z"})
    assert result.errors == {"x": ["Choose one of the options"]}


def test_lists_of_values_drop_empty_rows_and_type_their_items() -> None:
    page = {"properties": {"tags": {"type": "array", "items": {"type": "string"}},
                           "ports": {"type": "array", "items": {"type": "integer"}}}}  # fmt: skip
    result = read(page, [("tags.rows", ""), ("tags", "a"), ("tags", " "), ("tags", "b "),
                         ("ports.rows", ""), ("ports", "80"), ("ports", "x")])  # fmt: skip
    assert result.values == {"tags": ["a", "b"], "ports": [80, "x"]}
    assert result.errors == {"ports": ["Item 2: enter a whole number; “x” is not one."]}
    assert read(page, [("tags.rows", "")], {"tags": ["a"]}).values == {"tags": []}
    assert read(page, {}, {"tags": ["a"]}).values == {"tags": ["a"]}  # not posted: kept


def test_unique_items_reports_the_repeated_item() -> None:
    result = one({"type": "array", "uniqueItems": True, "items": {"type": "string"}},
                 {"x.rows": "", "x": ["api", "web", "api"]})  # fmt: skip
    assert result.errors == {"x": ["“api” is listed more than once; each item must be different.",
                                   "Each item must be different"]}  # fmt: skip


def test_checkboxes_read_the_typed_values_ticked() -> None:
    page = {"properties": {"envs": {"type": "array", "uniqueItems": True,
                                    "items": {"type": "integer", "enum": [1, 2, 3]}}}}  # fmt: skip
    assert read(page, [("envs", ""), ("envs", "1"), ("envs", "3")]).values == {"envs": [1, 3]}
    assert read(page, [("envs", "")], {"envs": [2]}).values == {"envs": []}


def test_nested_objects_and_their_required_fields() -> None:
    page = {"properties": {"repo": {"type": "object", "required": ["name"], "properties": {
        "name": {"type": "string"}, "private": {"type": "boolean", "default": True}}}}}  # fmt: skip
    result = read(page, {"repo.name": "api"})
    assert result.values == {"repo": {"name": "api", "private": True}} and result.ok
    result = read(page, {"repo.name": ""})
    assert result.values == {"repo": {"private": True}}
    assert result.errors == {"repo.name": ["Required"]}


def test_rows_of_objects_are_read_by_their_posted_numbers() -> None:
    page = {"properties": {"envs": {"type": "array", "items": {
        "type": "object", "required": ["name"],
        "properties": {"name": {"type": "string"},
                       "size": {"type": "integer", "default": 1}}}}}}  # fmt: skip
    result = read(page, {"envs.rows": "", "envs.0.name": "dev", "envs.7.name": "",
                         "envs.7.size": "3"})  # fmt: skip
    assert result.values == {"envs": [{"name": "dev", "size": 1}, {"size": 3}]}
    assert result.errors == {"envs.1.name": ["Required"]}
    assert read(page, {"envs.rows": ""}, {"envs": [{"name": "x"}]}).values == {"envs": []}


def test_an_emptied_input_removes_the_answer_or_sets_ui_empty_value() -> None:
    page = {"properties": {"a": {"type": "string", "default": "x"},
                           "b": {"type": "string", "ui:emptyValue": ""},
                           "c": {"type": "integer", "ui:emptyValue": 0}}}  # fmt: skip
    result = read(page, {"a": "", "b": "", "c": ""}, {"a": "old", "other": 1})
    assert result.values == {"b": "", "c": 0, "other": 1}  # other pages' answers stay
    assert result.emptied == {"a"}
    again = read(page, {"a": "new"}, result.values, emptied=result.emptied)
    assert again.values["a"] == "new" and again.emptied == set()


def test_fields_the_page_did_not_post_keep_their_answer_or_take_their_default() -> None:
    page = {"properties": {"a": {"type": "string", "ui:disabled": True, "default": "d"},
                           "b": {"type": "string", "ui:disabled": True},
                           "c": {"type": "string", "const": "fixed"}}}  # fmt: skip
    assert read(page, {}).values == {"a": "d", "c": "fixed"}
    assert read(page, {"c": "changed"}, {"a": "mine", "b": "kept"}).values == {
        "a": "mine", "b": "kept", "c": "fixed"}  # fmt: skip


@pytest.mark.parametrize(("schema", "text", "message"), [
    ({"type": "string", "pattern": "^[a-z]+$"}, "A1", "Must match the pattern ^[a-z]+$"),
    ({"type": "string", "minLength": 3}, "ab", "Must be at least 3 characters"),
    ({"type": "string", "maxLength": 1}, "ab", "Must be at most 1 character"),
    ({"type": "string", "format": "email"}, "nope", "Enter an email address, such as "
                                                    "name@example.com"),
    ({"type": "integer", "minimum": 1024}, "80", "Must be 1024 or more"),
    ({"type": "integer", "maximum": 9}, "10", "Must be 9 or less"),
    ({"type": "integer", "exclusiveMinimum": 0}, "0", "Must be more than 0"),
    ({"type": "integer", "multipleOf": 5}, "7", "Must be a multiple of 5"),
    ({"type": "string", "pattern": "^a", "errorMessage": "Start with an a"}, "b",
     "Start with an a"),
    ({"type": "string", "minLength": 2, "errorMessage": {"minLength": "Two or more"}}, "b",
     "Two or more"),
])  # fmt: skip
def test_schema_failures_are_worded_for_the_field(schema: dict[str, Any], text: str,
                                                  message: str) -> None:  # fmt: skip
    assert one(schema, {"x": text}).errors == {"x": [message]}


def test_required_and_its_error_message() -> None:
    page = {"required": ["a", "b"], "errorMessage": {"required": {"b": "Say who owns it"}},
            "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}  # fmt: skip
    assert read(page, {}).errors == {"a": ["Required"], "b": ["Say who owns it"]}


def test_list_bounds_go_to_the_list_field() -> None:
    result = one({"type": "array", "minItems": 2, "items": {"type": "string", "minLength": 2}},
                 {"x.rows": "", "x": ["a"]})  # fmt: skip
    assert sorted(result.errors["x"]) == ["Add at least 2 items", "Must be at least 2 characters"]


def test_a_dependency_names_the_field_that_asks_for_it() -> None:
    page = {"properties": {"billing": {"type": "boolean", "title": "Billing"},
                           "account": {"type": "string"}},
            "dependencies": {"billing": ["account"]}}  # fmt: skip
    assert read(page, [("billing", "false"), ("billing", "true")]).errors == {
        "account": ["Required when “Billing” is given"]}  # fmt: skip


def test_fields_a_post_makes_appear_are_read_in_the_same_post() -> None:
    page = {"properties": {"language": {"type": "string", "enum": ["python", "go"]}},
            "dependencies": {"language": {"oneOf": [
                {"properties": {"language": {"const": "python"},
                                "version": {"type": "string", "default": "3.13"}}},
                {"required": ["module"],
                 "properties": {"language": {"const": "go"}, "module": {"type": "string"}}},
            ]}}}  # fmt: skip
    result = read(page, {"language": "go", "module": "example.com/x"})
    assert result.values == {"language": "go", "module": "example.com/x"} and result.ok
    result = read(page, {"language": "go"})
    assert result.errors == {"module": ["Required"]}  # the branch chosen, not "is not one of"
    assert read(page, {"language": "python"}).values == {"language": "python", "version": "3.13"}


def test_if_then_failures_land_on_the_then_field() -> None:
    page = {"properties": {"kind": {"type": "string"}},
            "if": {"properties": {"kind": {"const": "web"}}},
            "then": {"required": ["port"],
                     "properties": {"port": {"type": "integer"}}}}  # fmt: skip
    assert read(page, {"kind": "web"}).errors == {"port": ["Required"]}


def test_a_file_is_kept_as_a_data_url() -> None:
    page = {"properties": {"notes": {"type": "string", "ui:widget": "file"}}}
    upload = SimpleUploadedFile("read me.txt", b"hello", content_type="text/plain")
    result = read(page, {"notes": upload})
    assert result.values == {"notes": "data:text/plain;name=read%20me.txt;base64,aGVsbG8="}
    assert read(page, {}, result.values).values == result.values  # no new file: kept
    assert read(page, {"notes.clear": "1"}, result.values).values == {}


def test_a_file_too_large_is_refused_next_to_its_field() -> None:
    page = {"properties": {"notes": {"type": "string", "ui:widget": "file"}}}
    big = SimpleUploadedFile("big.bin", b"x" * (MAX_FILE_BYTES + 1))
    result = read(page, {"notes": big}, {"notes": "data:text/plain;name=a;base64,YQ=="})
    assert result.values == {"notes": "data:text/plain;name=a;base64,YQ=="}
    assert result.errors == {
        "notes": ["big.bin is 1024 KB; files up to 1024 KB can be attached."]}


def test_a_page_that_does_not_exist() -> None:
    with pytest.raises(IndexError):
        read_page(spec_of({"properties": {}}), 3, posted({}), {}, CONTEXT)
