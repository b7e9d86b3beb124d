"""Widgets over a fixed set of values: a boolean checkbox, a select or radio buttons
for ``enum``/``oneOf`` choices (or yes/no), and checkboxes or a multiple select for an
array whose items are such choices.

A choice posts its value as text (:func:`encoded`); reading maps it back to the typed
value (``8080``, ``true``), and text that matches no choice is kept as posted so the
schema's ``enum`` check reports it next to the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scaffolder.fields.base import MISSING, Field
from scaffolder.forms.schema import choices, json_type, ui_keys
from scaffolder.forms.widgets.base import Widget, display, encoded, posted_list

__all__ = ["Checkbox", "CheckboxList", "ChoiceRadio", "ChoiceSelect", "MultiSelect",
           "item_choices", "own_choices"]  # fmt: skip

_YES_NO = [(True, "Yes"), (False, "No")]


def own_choices(field: Field) -> list[tuple[Any, str]]:
    """The field's choices; a boolean without any is yes/no."""
    found = choices(field.schema, field.ui)
    if found is None and json_type(field.schema) == "boolean":
        return _YES_NO
    return found or []


def item_choices(field: Field) -> list[tuple[Any, str]]:
    """The choices of an array field's items (``ui:enumNames`` on the array names them)."""
    items = field.schema.get("items")
    if not isinstance(items, Mapping):
        return []
    return choices(items, {**ui_keys(items), **field.ui}) or []


def _typed(text: Any, options: list[tuple[Any, str]]) -> Any:
    """The choice whose value posts as ``text``; else ``text`` itself."""
    return next((value for value, _ in options if encoded(value) == text), text)


def _options(options: list[tuple[Any, str]], selected: list[Any]) -> list[dict[str, Any]]:
    chosen = {encoded(value) for value in selected}
    return [{"value": encoded(value), "label": label, "selected": encoded(value) in chosen}
            for value, label in options]  # fmt: skip


def _label_of(value: Any, options: list[tuple[Any, str]]) -> str:
    return next((label for option, label in options if encoded(option) == encoded(value)),
                display(value))  # fmt: skip


class Checkbox(Widget):
    """A boolean as one checkbox. A hidden ``false`` goes first, so an unticked box
    still posts (``false``) and a ticked one posts ``false, true`` (the last wins)."""

    template = "scaffolder/forms/widgets/checkbox.html"

    def view(self, field: Field) -> dict[str, Any]:
        return {"checked": field.value is True, "inline_label": True}

    def read(self, data: Mapping[str, Any], field: Field) -> Any:
        posted = posted_list(data, field.html_name)
        return posted[-1] == "true" if posted else MISSING

    def review(self, value: Any, field: Field) -> str:
        return _label_of(value, own_choices(field))


class ChoiceSelect(Widget):
    """A ``<select>`` with an empty first option unless the field is required and
    already has a value."""

    template = "scaffolder/forms/widgets/select.html"

    def view(self, field: Field) -> dict[str, Any]:
        selected = [] if field.value is MISSING else [field.value]
        options = _options(own_choices(field), selected)
        chosen = any(option["selected"] for option in options)
        return {"options": options, "blank": not (field.required and chosen)}

    def read(self, data: Mapping[str, Any], field: Field) -> Any:
        if field.html_name not in data:
            return MISSING
        return _typed(data.get(field.html_name), own_choices(field))

    def review(self, value: Any, field: Field) -> str:
        return _label_of(value, own_choices(field))


class ChoiceRadio(ChoiceSelect):
    """Radio buttons, one per choice."""

    template = "scaffolder/forms/widgets/radio.html"
    grouped = True


class CheckboxList(Widget):
    """An array of choices as checkboxes. A hidden empty value marks the list as
    posted, so unticking every box empties it."""

    template = "scaffolder/forms/widgets/checkboxes.html"
    grouped = True

    def view(self, field: Field) -> dict[str, Any]:
        selected = field.value if isinstance(field.value, list) else []
        return {"options": _options(item_choices(field), selected)}

    def read(self, data: Mapping[str, Any], field: Field) -> Any:
        if field.html_name not in data:
            return MISSING
        options = item_choices(field)
        return [_typed(text, options) for text in posted_list(data, field.html_name)
                if text != ""]  # fmt: skip

    def review(self, value: Any, field: Field) -> str:
        if not isinstance(value, list):
            return display(value)
        options = item_choices(field)
        return ", ".join(_label_of(item, options) for item in value)


class MultiSelect(CheckboxList):
    """An array of choices as ``<select multiple>`` (``ui:widget: select``)."""

    template = "scaffolder/forms/widgets/multiselect.html"
    grouped = False
