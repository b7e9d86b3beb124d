"""The review rows, by Backstage's rules: choice names, ``review.show: false``,
``mask``, password and Secret as ``******``, objects one row per key unless
``explode: false``, ``review.name``; and only the answers a task is sent."""

from __future__ import annotations

from typing import Any

from scaffolder.forms import review_rows, submitted_secrets, submitted_values
from tests.scaffolder.forms.conftest import CONTEXT, spec_of


def rows(spec: dict[str, Any], values: dict[str, Any]) -> list[tuple[str, str]]:
    return [(row.label, row.value) for row in review_rows(spec, values, CONTEXT)]


def test_values_read_as_a_person_reads_them() -> None:
    spec = spec_of({"title": "About", "properties": {
        "name": {"type": "string", "title": "Name"},
        "size": {"type": "string", "enum": ["s", "l"], "enumNames": ["Small", "Large"]},
        "tier": {"type": "integer", "oneOf": [{"const": 1, "title": "Gold"}, {"const": 2}]},
        "public": {"type": "boolean", "title": "Public"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "envs": {"type": "array", "items": {"enum": ["dev", "prod"], "enumNames": ["Dev", "Prod"]}},
        "port": {"type": "integer"},
        "unanswered": {"type": "string"},
    }})  # fmt: skip
    values = {"name": "api", "size": "l", "tier": 1, "public": False, "tags": ["a", "b"],
              "envs": ["prod", "dev"], "port": 8080}  # fmt: skip
    assert rows(spec, values) == [("Name", "api"), ("size", "Large"), ("tier", "Gold"),
                                  ("Public", "No"), ("tags", "a, b"), ("envs", "Prod, Dev"),
                                  ("port", "8080")]  # fmt: skip
    assert {row.page for row in review_rows(spec, values, CONTEXT)} == {"About"}
    assert {row.step for row in review_rows(spec, values, CONTEXT)} == {1}


def test_review_options_hide_mask_and_rename() -> None:
    spec = spec_of({"properties": {
        "internal": {"type": "string", "ui:backstage": {"review": {"show": False}}},
        "account": {"type": "string", "ui:backstage": {"review": {"mask": "<hidden>"}}},
        "team": {"type": "string", "title": "Team", "ui:backstage": {"review": {"name": "Owner"}}},
        "password": {"type": "string", "ui:widget": "password"},
        "token": {"type": "string", "ui:field": "Secret"},
    }})  # fmt: skip
    values = {"internal": "x", "account": "1234", "team": "a", "password": "p", "token": "****"}
    assert rows(spec, values) == [("account", "<hidden>"), ("Owner", "a"),
                                  ("password", "******"), ("token", "******")]  # fmt: skip


def test_objects_explode_into_one_row_per_key_unless_told_not_to() -> None:
    repo = {"type": "object", "title": "Repository", "properties": {
        "host": {"type": "string", "title": "Host"}, "name": {"type": "string"},
        "visibility": {"type": "string", "enum": ["public", "private"],
                       "enumNames": ["Public", "Private"]}}}  # fmt: skip
    spec = spec_of({"properties": {
        "repo": repo,
        "mirror": {**repo, "title": "Mirror", "ui:backstage": {"review": {"explode": False}}},
        "extra": {"type": "object"},
    }})  # fmt: skip
    values = {"repo": {"host": "github.com", "name": "api", "visibility": "private"},
              "mirror": {"host": "gitlab.com", "name": "api"},
              "extra": {"free": "form", "n": 2}}  # fmt: skip
    found = review_rows(spec, values, CONTEXT)
    assert [(row.label, row.value, row.items) for row in found] == [
        ("Repository \u203a Host", "github.com", ()),
        ("Repository \u203a name", "api", ()),
        ("Repository \u203a visibility", "Private", ()),
        ("Mirror", "", ("Host: gitlab.com", "name: api")),
        ("extra \u203a free", "form", ()),
        ("extra \u203a n", "2", ()),
    ]  # fmt: skip


def test_rows_of_objects_are_listed_one_line_per_item() -> None:
    spec = spec_of({"properties": {"envs": {"type": "array", "title": "Environments", "items": {
        "type": "object", "properties": {"name": {"type": "string", "title": "Name"},
                                         "size": {"type": "integer"}}}}}})  # fmt: skip
    found = review_rows(spec, {"envs": [{"name": "dev", "size": 1}, {"name": "prod"}]}, CONTEXT)
    assert [(row.label, row.items) for row in found] == [
        ("Environments", ("Name: dev; size: 1", "Name: prod"))]  # fmt: skip


def test_a_file_shows_its_name_and_size() -> None:
    spec = spec_of({"properties": {"notes": {"type": "string", "format": "data-url"}}})
    values = {"notes": "data:text/plain;name=read%20me.txt;base64,aGVsbG8="}
    assert rows(spec, values) == [("notes", "read me.txt (5 bytes)")]


def test_only_what_the_task_is_sent_is_reviewed() -> None:
    spec = spec_of(
        {"title": "Cloud", "properties": {"cloud": {"type": "string", "enum": ["aws", "gcp"]}},
         "dependencies": {"cloud": {"oneOf": [
             {"properties": {"cloud": {"const": "aws"}, "region": {"type": "string"}}},
             {"properties": {"cloud": {"const": "gcp"}, "project": {"type": "string"}}}]}}},
        {"title": "AWS", "when": "${{ parameters.cloud === 'aws' }}",
         "properties": {"account": {"type": "string"}}},
    )  # fmt: skip
    values = {"cloud": "gcp", "region": "eu-west-1", "project": "p1", "account": "42",
              "fromLink": "kept"}  # fmt: skip
    # region belongs to a branch no longer chosen, account to a page now hidden
    assert submitted_values(spec, values, CONTEXT) == {"cloud": "gcp", "project": "p1",
                                                        "fromLink": "kept"}  # fmt: skip
    found = review_rows(spec, values, CONTEXT)
    assert [(row.page, row.step, row.label, row.value) for row in found] == [
        ("Cloud", 1, "cloud", "gcp"), ("Cloud", 1, "project", "p1"),
        ("Other values", 0, "fromLink", "kept")]  # fmt: skip


def test_secrets_of_fields_no_longer_answered_are_not_sent() -> None:
    spec = spec_of({"properties": {"useToken": {"type": "boolean"}},
                    "dependencies": {"useToken": {"oneOf": [
                        {"properties": {"useToken": {"const": True},
                                        "token": {"type": "string", "ui:field": "Secret"}}},
                        {"properties": {"useToken": {"const": False}}}]}}})  # fmt: skip
    secrets = {"token": "s3cret", "other": "x"}
    on = submitted_values(spec, {"useToken": True, "token": "******"}, CONTEXT)
    assert submitted_secrets(spec, on, secrets, CONTEXT) == {"token": "s3cret"}
    off = submitted_values(spec, {"useToken": False, "token": "******"}, CONTEXT)
    assert off == {"useToken": False}
    assert submitted_secrets(spec, off, secrets, CONTEXT) == {}
