"""MultiEntityPicker: several catalog entities, stored as a list of refs.

Chosen refs are chips (one hidden input each, under the field's name); an "add"
input takes typed text, which without JavaScript may hold several refs separated by
commas. Each is completed with the field's defaults; repeats are dropped. The list
respects the schema's ``maxItems`` (no more can be added once it is full), every
value must parse as an entity ref (Backstage's check, message included), and with
``allowArbitraryValues: false`` each must be an entity the field offers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from catalog import services as catalog
from scaffolder.fields import register_field
from scaffolder.fields.base import MISSING, Field, FieldContext
from scaffolder.fields.entity_pickers import (
    SUGGEST_URL,
    CatalogPicker,
    PickerView,
    complete_ref,
    described_by,
)
from scaffolder.fields.listbox import INPUT_PARAM, Listbox, field_url
from scaffolder.fields.picker_options import PickerConfigError
from scaffolder.forms.widgets.base import posted_list

__all__ = ["ADD_SUFFIX", "MultiEntityPicker", "MultiView", "split_typed"]

#: The add input posts under the field's name plus this suffix.
ADD_SUFFIX = ".add"
_SEPARATORS = re.compile(r"[,\n]+")


def split_typed(text: Any) -> list[str]:
    """The items typed into an add input: comma- or line-separated, trimmed."""
    if not isinstance(text, str):
        return []
    return [item.strip() for item in _SEPARATORS.split(text) if item.strip()]


def posted_items(data: Mapping[str, Any], field: Field) -> list[str] | None:
    """The chips and the typed items posted for a list field, in order, or None when
    the form posted neither (the field was not on it)."""
    add = field.html_name + ADD_SUFFIX
    if field.html_name not in data and add not in data:
        return None
    chips = [item.strip() for item in posted_list(data, field.html_name) if isinstance(item, str)]
    return [item for item in chips if item] + split_typed(data.get(add))


@dataclass(frozen=True)
class MultiView(PickerView):
    """A list picker's view: the chosen values and whether the list is full."""

    chosen: tuple[str, ...] = ()
    max_items: int | None = None

    @property
    def full(self) -> bool:
        return self.max_items is not None and len(self.chosen) >= self.max_items


def _max_items(field: Field) -> int | None:
    value = field.schema.get("maxItems")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class MultiEntityPicker(CatalogPicker):
    """A list of entity refs from the catalog."""

    name: ClassVar[str] = "MultiEntityPicker"
    template: ClassVar[str] = "scaffolder/fields/multi_entity_picker.html"
    fills_single_match: ClassVar[bool] = False

    def read(self, data: Mapping[str, Any], field: Field) -> Any:
        """The completed refs, repeats dropped; ``""`` when none is chosen (an empty
        answer, which the form drops: Backstage leaves the value unset until something
        is picked), MISSING when the field was not posted."""
        items = posted_items(data, field)
        if items is None:
            return MISSING
        if not items:
            return ""
        options = self.typing_options(field)
        return list(dict.fromkeys(complete_ref(item, options) for item in items))

    def check(self, value: Any, field: Field, context: FieldContext) -> list[str]:
        """Every value parses as an entity ref; with arbitrary values off, each is an
        entity the field offers."""
        if value is MISSING or value is None:
            return []
        if not isinstance(value, list):
            return ["Must be a list of entity refs, e.g. [group:default/team-a]"]
        try:
            options = self.picker_options(field, context)
        except PickerConfigError as exc:
            return [str(exc)]
        errors, refs = [], []
        for item in value:
            if not isinstance(item, str):
                errors.append(f"{json.dumps(item)} is not a valid entity ref")
                continue
            try:
                refs.append(catalog.stringify_entity_ref(catalog.parse_entity_ref(item)))
            except catalog.InvalidEntityRef:
                errors.append(f"{item} is not a valid entity ref")
        return errors + self.refused(list(dict.fromkeys(refs)), options)

    def search_text(self, data: Mapping[str, Any], field: Field) -> str:
        """The last item typed into the add input (earlier ones are already chips)."""
        name = data.get(INPUT_PARAM) or field.html_name + ADD_SUFFIX
        typed = split_typed(data.get(name))
        return typed[-1] if typed else ""

    def picker_view(self, field: Field, context: FieldContext) -> MultiView:
        values = field.value if isinstance(field.value, list) else []
        chosen = tuple(value for value in values if isinstance(value, str))
        add = field.html_name + ADD_SUFFIX
        common = {"chosen": chosen, "input_name": add, "help": field.description,
                  "described_by": described_by(field, field.description)}  # fmt: skip
        try:
            options = self.picker_options(field, context)
        except PickerConfigError as exc:
            return MultiView("", Listbox(field.html_id), error=str(exc), **common)
        url = field_url(SUGGEST_URL, field, context, **{INPUT_PARAM: add})
        return MultiView("", Listbox(field.html_id), suggest_url=url,
                         options=options, max_items=_max_items(field), **common)  # fmt: skip


register_field(MultiEntityPicker())
