"""MultiEntityPicker and EntityTagsPicker against the anchor's table: both store a
list; every MultiEntityPicker value must parse as an entity ref (Backstage's message)
and the list respects ``maxItems``; every tag is lower-cased and trimmed, must pass
the catalog's ``isValidTag`` (at most 63 characters) and repeats are ignored."""

from __future__ import annotations

import pytest

from scaffolder.fields import MISSING, field_extension
from scaffolder.fields.base import FieldContext
from tests.scaffolder.fields.conftest import DEV, make_field, posted

MULTI, TAGS = field_extension("MultiEntityPicker"), field_extension("EntityTagsPicker")
ARRAY = {"type": "array", "items": {"type": "string"}}
NOBODY = FieldContext(None, DEV)


# MultiEntityPicker ---------------------------------------------------------------------
def test_multi_stores_chips_then_typed_refs_completed_without_repeats() -> None:
    field = make_field("MultiEntityPicker", {"defaultKind": "Component"}, schema=ARRAY)
    data = posted(("f", "component:default/checkout"), ("f", "Group:team-a"),
                  ("f.add", "ledger, checkout\nuser:alice"))  # fmt: skip
    assert MULTI.read(data, field) == ["component:default/checkout", "group:default/team-a",
                                       "component:default/ledger", "user:default/alice"]


def test_multi_with_nothing_chosen_is_an_empty_answer() -> None:
    field = make_field("MultiEntityPicker", schema=ARRAY)
    assert MULTI.read(posted(("f.add", "")), field) == ""
    assert MULTI.read(posted(("g", "x")), field) is MISSING


def test_every_value_must_parse_as_an_entity_ref() -> None:
    field = make_field("MultiEntityPicker", schema=ARRAY)
    assert MULTI.read(posted(("f.add", "checkout")), field) == ["checkout"]
    assert MULTI.check(["checkout", "group:default/team-a", "x:", 7], field, NOBODY) == [
        "checkout is not a valid entity ref", "x: is not a valid entity ref",
        "7 is not a valid entity ref"]  # fmt: skip
    assert MULTI.check("group:default/team-a", field, NOBODY) == [
        "Must be a list of entity refs, e.g. [group:default/team-a]"]
    assert MULTI.check([], field, NOBODY) == []


@pytest.mark.django_db
def test_multi_without_arbitrary_values_takes_only_offered_entities(dev_context) -> None:
    field = make_field("MultiEntityPicker", {"catalogFilter": {"kind": "Component"},
                                             "allowArbitraryValues": False}, schema=ARRAY)
    assert MULTI.check(["component:default/checkout", "component:default/ledger"], field,
                       dev_context) == []  # fmt: skip
    assert MULTI.check(["component:default/checkout", "system:default/shop",
                        "component:default/gone"], field, dev_context) == [
        "system:default/shop is not one of the entities this field offers",
        "component:default/gone is not in the catalog; choose one of the suggested entities",
    ]  # fmt: skip


@pytest.mark.django_db
def test_multi_respects_max_items(dev_context) -> None:
    schema = {**ARRAY, "maxItems": 2}
    field = make_field("MultiEntityPicker", schema=schema, value=["group:default/team-a"])
    view = MULTI.picker_view(field, dev_context)
    assert (view.max_items, view.full, view.chosen) == (2, False, ("group:default/team-a",))
    field.value = ["group:default/team-a", "group:default/team-b"]
    assert MULTI.picker_view(field, dev_context).full is True


# EntityTagsPicker ----------------------------------------------------------------------
def test_tags_are_lower_cased_and_trimmed_and_repeats_ignored() -> None:
    field = make_field("EntityTagsPicker", schema=ARRAY)
    data = posted(("f", "python"), ("f", " Java "), ("f.add", "PYTHON, c++ ,lang:go"))
    assert TAGS.read(data, field) == ["python", "java", "c++", "lang:go"]


def test_tags_are_always_a_list_once_posted() -> None:
    field = make_field("EntityTagsPicker", schema=ARRAY)
    assert TAGS.read(posted(("f.add", "")), field) == []
    assert TAGS.read(posted(("other", "")), field) is MISSING


@pytest.mark.parametrize(("tag", "message"), [
    ("python", None),
    ("c++", None),
    ("lang:go", None),
    ("c#-dotnet", None),
    ("a" * 63, None),
    ("snake_case", '"snake_case" is not a valid tag: use lower-case letters, digits and ":", '
                   '"+" or "#", in words separated by single hyphens (e.g. "c++" or "lang:go")'),
    ("two--dashes", '"two--dashes" is not a valid tag: use lower-case letters, digits and ":", '
                    '"+" or "#", in words separated by single hyphens (e.g. "c++" or "lang:go")'),
    ("-leading", '"-leading" is not a valid tag: use lower-case letters, digits and ":", '
                 '"+" or "#", in words separated by single hyphens (e.g. "c++" or "lang:go")'),
    ("Upper", '"Upper" is not a valid tag: use lower-case letters, digits and ":", '
              '"+" or "#", in words separated by single hyphens (e.g. "c++" or "lang:go")'),
    ("a" * 64, f'"{"a" * 63}…" is too long: a tag has at most 63 characters'),
    (5, "5 is not a tag: tags are strings"),
])  # fmt: skip
def test_each_tag_must_pass_is_valid_tag(tag, message) -> None:
    field = make_field("EntityTagsPicker", schema=ARRAY)
    assert TAGS.check([tag], field, NOBODY) == ([message] if message else [])


def test_tags_must_be_a_list() -> None:
    field = make_field("EntityTagsPicker", schema=ARRAY)
    assert TAGS.check("python", field, NOBODY) == ["Tags must be a list of strings"]


def test_tags_review_lists_them() -> None:
    field = make_field("EntityTagsPicker", schema=ARRAY)
    assert TAGS.review(["python", "java"], field) == "python, java"


@pytest.mark.parametrize(("options", "message"), [
    ({"kinds": "Component"}, "ui:options.kinds must be a list of kinds, e.g. [Component]"),
    ({"showCounts": "yes"}, "ui:options.showCounts must be true or false, got 'yes'"),
])  # fmt: skip
@pytest.mark.django_db
def test_malformed_tag_options_are_explained(options, message, dev_context) -> None:
    field = make_field("EntityTagsPicker", options, schema=ARRAY)
    assert TAGS.listbox("py", field, dev_context).error == (
        f"This field's template options are invalid: {message}")
    assert TAGS.picker_view(field, dev_context).error.endswith(message)


def test_helper_text_replaces_the_help_as_in_backstage() -> None:
    field = make_field("EntityTagsPicker", {"helperText": "Pick a few"}, schema=ARRAY)
    assert TAGS.help_text(field) == "Pick a few"
    field = make_field("EntityTagsPicker", schema=ARRAY)
    assert TAGS.help_text(field).startswith("Add any relevant tags, hit 'Enter'")
