"""A page schema turned into fields: order, nesting, required, conditionals, ``$ref``,
``allOf``, choices, defaults, ``const``, the ``ui:*`` keys, feature flags and the
fallback for a ``ui:field`` that is not installed."""

from __future__ import annotations

from typing import Any

import pytest

from scaffolder.fields.base import MISSING
from scaffolder.fields.entity_name import EntityNamePicker
from scaffolder.fields.secret import Secret
from scaffolder.forms import Control, FormSchemaError, Group, Rows, form_pages
from scaffolder.forms.nodes import walk
from scaffolder.forms.widgets.inputs import (
    ConstValue,
    FileInput,
    HiddenInput,
    MaskedInput,
    NumberInput,
    TextArea,
    TextInput,
)
from scaffolder.forms.widgets.lists import ValueList
from scaffolder.forms.widgets.selection import (
    Checkbox,
    CheckboxList,
    ChoiceRadio,
    ChoiceSelect,
    MultiSelect,
)
from tests.scaffolder.forms.conftest import CONTEXT, spec_of


def page_of(page: dict[str, Any], values: dict[str, Any] | None = None, **options: Any):
    return form_pages(spec_of(page), values or {}, CONTEXT, **options)[0]


def controls(page: dict[str, Any], values: dict[str, Any] | None = None) -> dict[str, Control]:
    """The page's controls by dotted path."""
    return {node.key: node for node in walk(page_of(page, values).items)
            if isinstance(node, Control)}  # fmt: skip


def names(page: dict[str, Any], values: dict[str, Any] | None = None) -> list[str]:
    return [node.name for node in page_of(page, values).items]


def test_properties_follow_ui_order_with_a_star_for_the_rest() -> None:
    properties = {name: {"type": "string"} for name in ("a", "b", "c", "d", "e")}
    assert names({"properties": properties}) == ["a", "b", "c", "d", "e"]
    assert names({"properties": properties, "ui:order": ["d", "*", "b"]}) == [
        "d", "a", "c", "e", "b"]  # fmt: skip
    # names the order leaves out go last; names it lists that do not exist are ignored
    assert names({"properties": properties, "ui:order": ["e", "zzz", "c"]}) == [
        "e", "c", "a", "b", "d"]  # fmt: skip


def test_nested_objects_are_fieldsets_with_their_own_required_and_order() -> None:
    page = {"required": ["repo"], "properties": {"repo": {
        "type": "object", "title": "Repository", "description": "Where the code goes",
        "required": ["name"], "ui:order": ["name", "*"],
        "properties": {"owner": {"type": "string"}, "name": {"type": "string", "title": "Name"}},
    }}}  # fmt: skip
    group = page_of(page).items[0]
    assert isinstance(group, Group)
    assert (group.label, group.description, group.required) == (
        "Repository", "Where the code goes", True)  # fmt: skip
    assert [node.name for node in group.items] == ["name", "owner"]
    name, owner = (node.field for node in group.items)
    assert (name.html_name, name.html_id, name.required, name.label) == (
        "repo.name", "f-repo-name", True, "Name")  # fmt: skip
    assert (owner.path, owner.required, owner.label) == (("repo", "owner"), False, "owner")


def test_array_of_objects_is_a_list_of_row_fieldsets() -> None:
    page = {"properties": {"envs": {"type": "array", "title": "Environments", "items": {
        "type": "object", "title": "Environment", "required": ["name"],
        "properties": {"name": {"type": "string"},
                       "replicas": {"type": "integer", "default": 1}}}}}}  # fmt: skip
    rows = page_of(page, {"envs": [{"name": "dev"}, {"name": "prod", "replicas": 3}]}).items[0]
    assert isinstance(rows, Rows) and rows.label == "Environments"
    assert [group.label for group in rows.rows] == ["Environment 1", "Environment 2"]
    first = {node.key: node.field for node in rows.rows[0].items}
    assert first["envs.0.name"].value == "dev" and first["envs.0.name"].required
    assert first["envs.0.replicas"].value == 1  # the item's default
    assert rows.rows[1].items[1].field.value == 3
    assert rows.blank.label == "Environment" and rows.blank.items[0].key == "envs.__index__.name"


def test_required_marks_fields_and_the_dependencies_list_form_adds_to_it() -> None:
    page = {"required": ["a"], "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
            "dependencies": {"a": ["b"]}}  # fmt: skip
    assert not controls(page)["b"].field.required
    assert controls(page, {"a": "x"})["b"].field.required  # b is needed once a is given
    assert controls(page)["a"].controlling  # changing a re-renders the page


def test_schema_dependencies_add_fields_once_their_property_is_given() -> None:
    page = {"properties": {"billing": {"type": "boolean"}},
            "dependencies": {"billing": {
                "required": ["account"],
                "properties": {"account": {"type": "string"}}}}}  # fmt: skip
    assert names(page) == ["billing"]
    assert names(page, {"billing": True}) == ["billing", "account"]
    assert controls(page, {"billing": True})["account"].field.required


def test_dependencies_with_one_of_show_the_branch_the_answer_selects() -> None:
    page = {"properties": {"cloud": {"type": "string", "enum": ["aws", "gcp"], "default": "aws"}},
            "dependencies": {"cloud": {"oneOf": [
                {"properties": {"cloud": {"const": "aws"}, "region": {"type": "string"}},
                 "required": ["region"]},
                {"properties": {"cloud": {"enum": ["gcp"]}, "project": {"type": "string"}}},
            ]}}}  # fmt: skip
    assert names(page) == ["cloud", "region"]  # the default selects the aws branch
    assert names(page, {"cloud": "gcp"}) == ["cloud", "project"]
    assert controls(page)["region"].field.required
    assert controls(page)["cloud"].field.schema["enum"] == ["aws", "gcp"]  # not the branch's


def test_if_then_else_applies_the_branch_the_answers_match() -> None:
    page = {"properties": {"kind": {"type": "string", "enum": ["web", "worker"]}},
            "if": {"properties": {"kind": {"const": "web"}}, "required": ["kind"]},
            "then": {"properties": {"port": {"type": "integer", "default": 8080}},
                     "required": ["port"]},
            "else": {"properties": {"queue": {"type": "string"}}}}  # fmt: skip
    assert names(page) == ["kind", "queue"]
    web = controls(page, {"kind": "web"})
    assert list(web) == ["kind", "port"] and web["port"].field.required
    assert web["port"].field.value == 8080 and web["kind"].controlling
    assert names(page, {"kind": "worker"}) == ["kind", "queue"]


def test_all_of_is_merged_with_its_defaults_and_conditions() -> None:
    page = {"properties": {"name": {"type": "string"}},
            "allOf": [
                {"properties": {"name": {"default": "svc", "title": "Name"},
                                "tier": {"type": "string", "default": "gold"}}},
                {"if": {"properties": {"tier": {"const": "gold"}}},
                 "then": {"properties": {"sla": {"type": "string", "title": "SLA"}}}},
            ]}  # fmt: skip
    fields = controls(page)
    assert list(fields) == ["name", "tier", "sla"]  # the default tier meets the condition
    assert fields["name"].field.value == "svc" and fields["name"].field.label == "Name"
    assert fields["tier"].field.value == "gold"
    assert list(controls(page, {"tier": "silver"})) == ["name", "tier"]


def test_ref_to_definitions_inside_the_page() -> None:
    page = {"definitions": {"port": {"type": "integer", "minimum": 1, "title": "Port"}},
            "properties": {"http": {"$ref": "#/definitions/port", "default": 80},
                           "admin": {"$ref": "#/definitions/port"}}}  # fmt: skip
    fields = controls(page)
    assert fields["http"].field.label == "Port" and fields["http"].field.value == 80
    assert fields["admin"].field.schema["minimum"] == 1
    assert isinstance(fields["admin"].extension, NumberInput)


@pytest.mark.parametrize(("ref", "says"), [
    ("#/definitions/missing", "points to nothing in the page"),
    ("https://example.com/schema.json", "points outside the page"),
    ("#/definitions/loop", "nests too deep"),
])  # fmt: skip
def test_a_ref_the_form_cannot_follow_is_a_clear_error(ref: str, says: str) -> None:
    page = {"definitions": {"loop": {"$ref": "#/definitions/loop"}},
            "properties": {"x": {"$ref": ref}}}  # fmt: skip
    with pytest.raises(FormSchemaError, match=says):
        page_of(page)


def test_an_invalid_page_schema_is_a_clear_error() -> None:
    page = {"title": "About", "properties": {"name": {"type": "string", "required": True}}}
    with pytest.raises(FormSchemaError, match=r"The page “About” is not valid JSON Schema: "
                                              r"at properties/name/required"):  # fmt: skip
        page_of(page)


def test_one_of_and_any_of_consts_are_choices_with_their_titles() -> None:
    page = {"properties": {
        "size": {"type": "string", "oneOf": [{"const": "s", "title": "Small"},
                                             {"const": "l", "title": "Large"}]},
        "level": {"type": "integer", "anyOf": [{"const": 1, "title": "One"}, {"const": 2}]},
    }}  # fmt: skip
    fields = controls(page)
    assert isinstance(fields["size"].extension, ChoiceSelect)
    assert [(o["value"], o["label"]) for o in fields["size"].view["options"]] == [
        ("s", "Small"), ("l", "Large")]  # fmt: skip
    assert [(o["value"], o["label"]) for o in fields["level"].view["options"]] == [
        ("1", "One"), ("2", "2")]  # fmt: skip


def test_enum_names_and_ui_enum_names_label_the_choices() -> None:
    page = {"properties": {
        "a": {"type": "string", "enum": ["x", "y"], "enumNames": ["Ex", "Why"], "default": "y"},
        "b": {"type": "string", "enum": ["x", "y"], "enumNames": ["Ex"],
              "ui:enumNames": ["U1", "U2"]},
        "c": {"type": "string", "enum": ["x", "y"], "enumNames": ["Ex"]},
    }}  # fmt: skip
    fields = controls(page)
    assert [(o["label"], o["selected"]) for o in fields["a"].view["options"]] == [
        ("Ex", False), ("Why", True)]  # fmt: skip
    assert [o["label"] for o in fields["b"].view["options"]] == ["U1", "U2"]
    assert [o["label"] for o in fields["c"].view["options"]] == ["Ex", "y"]


def test_defaults_fill_fields_the_answers_leave_empty_unless_emptied_on_purpose() -> None:
    page = {"properties": {
        "name": {"type": "string", "default": "svc"},
        "tags": {"type": "array", "items": {"type": "string"}, "default": ["a"]},
        "repo": {"type": "object", "default": {"host": "github.com"},
                 "properties": {"host": {"type": "string"},
                                "branch": {"type": "string", "default": "main"}}},
    }}  # fmt: skip
    fields = controls(page)
    assert fields["name"].field.value == "svc" and fields["tags"].view["rows"] == ["a"]
    assert fields["repo.host"].field.value == "github.com"
    assert fields["repo.branch"].field.value == "main"
    assert controls(page, {"name": "mine"})["name"].field.value == "mine"
    emptied = {field.name: field.value for field in page_of(page, emptied={"name"}).fields}
    assert emptied["name"] is MISSING and emptied["branch"] == "main"


def test_const_is_shown_fixed() -> None:
    fields = controls({"properties": {"api": {"type": "string", "const": "v2", "title": "API"}}})
    assert isinstance(fields["api"].extension, ConstValue)
    assert fields["api"].view == {"text": "v2"} and fields["api"].field.value == "v2"


@pytest.mark.parametrize(("schema", "widget", "view"), [
    ({"type": "string"}, TextInput, {"input_type": "text"}),
    ({"type": "string", "ui:widget": "textarea", "ui:options": {"rows": 8}}, TextArea, {"rows": 8}),
    ({"type": "string", "ui:widget": "textarea"}, TextArea, {"rows": 5}),
    ({"type": "string", "ui:widget": "password"}, MaskedInput, {"is_set": False}),
    ({"type": "string", "ui:widget": "hidden", "default": "x"}, HiddenInput, {"text": "x"}),
    ({"type": "string", "enum": ["a", "b"], "ui:widget": "radio"}, ChoiceRadio, {}),
    ({"type": "string", "enum": ["a", "b"]}, ChoiceSelect, {"blank": True}),
    ({"type": "boolean"}, Checkbox, {"checked": False}),
    ({"type": "boolean", "ui:widget": "radio"}, ChoiceRadio, {}),
    ({"type": "boolean", "ui:widget": "select"}, ChoiceSelect, {}),
    ({"type": "array", "items": {"enum": ["a", "b"]}, "ui:widget": "checkboxes"}, CheckboxList, {}),
    ({"type": "array", "items": {"enum": ["a", "b"]}}, CheckboxList, {}),
    ({"type": "array", "items": {"enum": ["a", "b"]}, "ui:widget": "select"}, MultiSelect, {}),
    ({"type": "array", "items": {"type": "string"}}, ValueList, {"rows": [""]}),
    ({"type": "string", "ui:widget": "color"}, TextInput, {"input_type": "color"}),
    ({"type": "string", "format": "date"}, TextInput, {"input_type": "date"}),
    ({"type": "string", "ui:widget": "date"}, TextInput, {"input_type": "date"}),
    ({"type": "string", "format": "email"}, TextInput, {"input_type": "email"}),
    ({"type": "string", "ui:widget": "email"}, TextInput, {"input_type": "email"}),
    ({"type": "string", "format": "uri"}, TextInput, {"input_type": "url"}),
    ({"type": "string", "ui:widget": "uri"}, TextInput, {"input_type": "url"}),
    ({"type": "string", "format": "date-time"}, TextInput, {"input_type": "datetime-local"}),
    ({"type": "string", "ui:options": {"inputType": "tel"}}, TextInput, {"input_type": "tel"}),
    ({"type": "string", "ui:widget": "file"}, FileInput, {"file_name": ""}),
    ({"type": "string", "format": "data-url"}, FileInput, {"file_name": ""}),
    ({"type": "integer", "minimum": 1, "maximum": 9}, NumberInput, {"step": 1, "min": 1, "max": 9}),
    ({"type": "number", "ui:widget": "updown"}, NumberInput, {"step": "any", "range": False}),
    ({"type": "integer", "ui:widget": "range"}, NumberInput, {"range": True}),
])  # fmt: skip
def test_widgets_by_ui_widget_type_and_format(schema: dict[str, Any], widget: type,
                                              view: dict[str, Any]) -> None:  # fmt: skip
    control = controls({"properties": {"x": schema}})["x"]
    assert type(control.extension) is widget
    assert view.items() <= control.view.items()


def test_ui_keys_reach_the_field_and_its_control() -> None:
    fields = controls({"properties": {"x": {
        "type": "string", "title": "Schema title", "description": "Schema description",
        "ui:title": "Shown title", "ui:description": "Shown description", "ui:help": "Help",
        "ui:placeholder": "e.g. x", "ui:autofocus": True, "ui:readonly": True,
        "ui:disabled": True, "ui:autocomplete": "off",
    }}})  # fmt: skip
    control = fields["x"]
    assert (control.field.label, control.field.description) == ("Shown title", "Shown description")
    assert (control.help, control.placeholder, control.autocomplete) == ("Help", "e.g. x", "off")
    assert control.autofocus and control.readonly and control.disabled
    assert "ui:help" not in control.field.schema and control.field.ui["ui:help"] == "Help"
    assert control.describedby == "f-x-description f-x-help"


def test_an_extension_that_is_not_installed_falls_back_with_a_note() -> None:
    fields = controls({"properties": {
        "repo": {"type": "string", "ui:field": "AccordionField", "ui:options": {"rows": 3}},
        "count": {"type": "integer", "ui:field": "SelectFieldFromApi"},
    }})  # fmt: skip
    assert isinstance(fields["repo"].extension, TextInput)
    assert fields["repo"].note == ("Field extension AccordionField is not installed here; "
                                   "showing a plain input")  # fmt: skip
    assert isinstance(fields["count"].extension, NumberInput)
    assert "SelectFieldFromApi" in fields["count"].note


def test_installed_extensions_are_used() -> None:
    fields = controls({"properties": {
        "name": {"type": "string", "ui:field": "EntityNamePicker"},
        "token": {"type": "string", "ui:field": "Secret"}}})  # fmt: skip
    assert isinstance(fields["name"].extension, EntityNamePicker) and not fields["name"].note
    assert isinstance(fields["token"].extension, Secret)


def test_feature_flagged_pages_and_properties_are_dropped() -> None:
    spec = spec_of(
        {"title": "Flagged", "backstage:featureFlag": "experimental",
         "properties": {"a": {"type": "string"}}},
        {"title": "Also flagged", "ui:backstage": {"featureFlag": "beta"},
         "properties": {"b": {"type": "string"}}},
        {"title": "Shown", "required": ["c", "d", "e"], "properties": {
            "c": {"type": "string", "backstage:featureFlag": "x"},
            "d": {"type": "string", "ui:backstage": {"featureFlag": "y", "review": {"show": True}}},
            "e": {"type": "string"}}},
    )  # fmt: skip
    pages = form_pages(spec, {}, CONTEXT)
    assert [(p.index, p.position, p.title) for p in pages] == [(2, 1, "Shown")]
    assert [f.name for f in pages[0].fields] == ["e"] and pages[0].fields[0].required


def test_pages_hidden_by_when_are_left_out_and_untitled_pages_get_the_default_title() -> None:
    spec = spec_of({"properties": {"cloud": {"type": "string"}}},
                   {"title": "AWS", "when": "${{ parameters.cloud === 'aws' }}",
                    "properties": {"region": {"type": "string"}}},
                   {"title": "Never", "when": False,
                    "properties": {"x": {"type": "string"}}})  # fmt: skip
    assert [p.title for p in form_pages(spec, {}, CONTEXT)] == [
        "Please enter the following information"]  # fmt: skip
    shown = form_pages(spec, {"cloud": "aws"}, CONTEXT)
    assert [(p.index, p.position, p.title) for p in shown] == [
        (0, 1, "Please enter the following information"), (1, 2, "AWS")]  # fmt: skip


def test_errors_and_field_pages_are_attached() -> None:
    spec = spec_of({"properties": {"a": {"type": "string"}}}, {"properties": {
        "b": {"type": "object", "properties": {"c": {"type": "string"}}}}})
    pages = form_pages(spec, {}, CONTEXT, errors={"b.c": ["Required"], "b": ["Bad"], "": ["Page"]})
    assert [f.page for f in pages[0].fields + pages[1].fields] == [0, 1]
    assert pages[1].fields[0].errors == ["Required"] and pages[1].items[0].errors == ["Bad"]
    assert pages[1].errors == ["Page"]
    assert controls({"properties": {"a": {"type": "string"}}})["a"].describedby == ""
