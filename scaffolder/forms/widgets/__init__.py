"""The built-in widgets for JSON types, as react-jsonschema-form picks them: by
``ui:widget`` first, then by type, ``format`` and whether the schema offers choices.
They implement the same FieldExtension interface as a ``ui:field`` extension."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scaffolder.fields.base import FieldExtension
from scaffolder.forms.schema import choices, json_type, ui_keys
from scaffolder.forms.widgets.base import FieldReadError, Widget, display
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

__all__ = ["FieldReadError", "MaskedInput", "TextInput", "Widget", "display", "widget_for"]

TEXT, TEXTAREA, HIDDEN, MASKED = TextInput(), TextArea(), HiddenInput(), MaskedInput()
NUMBER, FILE, CONST = NumberInput(), FileInput(), ConstValue()
CHECKBOX, SELECT, RADIO = Checkbox(), ChoiceSelect(), ChoiceRadio()
CHECKBOXES, MULTISELECT, LIST = CheckboxList(), MultiSelect(), ValueList()


def widget_for(schema: Mapping[str, Any], ui: Mapping[str, Any]) -> FieldExtension:
    """The widget for a (resolved) property that is not an object of fields."""
    widget = ui.get("ui:widget")
    if widget == "hidden":
        return HIDDEN
    if "const" in schema:
        return CONST
    kind = json_type(schema)
    if kind == "array":
        return _array_widget(schema, widget)
    if choices(schema, ui) is not None or kind == "boolean":
        if widget == "radio":
            return RADIO
        if widget == "select" or kind != "boolean":
            return SELECT
        return CHECKBOX
    if kind in ("number", "integer"):
        return NUMBER
    return _string_widget(schema, widget)


def _array_widget(schema: Mapping[str, Any], widget: Any) -> FieldExtension:
    items = schema.get("items")
    if isinstance(items, Mapping) and choices(items, ui_keys(items)) is not None:
        return MULTISELECT if widget == "select" else CHECKBOXES
    return LIST


def _string_widget(schema: Mapping[str, Any], widget: Any) -> FieldExtension:
    if widget == "textarea":
        return TEXTAREA
    if widget == "password":
        return MASKED
    if widget == "file" or schema.get("format") == "data-url":
        return FILE
    return TEXT
