"""EntityTagsPicker: a list of tags, suggested from the catalog's ``metadata.tags``.

As in Backstage, each new tag is lower-cased and trimmed, must be a valid catalog tag
(``^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$``, at most 63 characters: the catalog's own
``isValidTag``) and repeats are ignored; the value is always a list. Suggestions are
the tags entities already carry (of ``ui:options.kinds`` only, if given), with how
many entities carry each when ``showCounts`` is set; ``helperText`` (deprecated)
replaces the help text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

from catalog import services as catalog
from scaffolder.fields import register_field
from scaffolder.fields.base import MISSING, Field, FieldContext, FieldExtension
from scaffolder.fields.entity_pickers import SUGGEST_URL, SUGGESTIONS, described_by
from scaffolder.fields.listbox import INPUT_PARAM, Listbox, Suggestion, field_url
from scaffolder.fields.multi_entity import ADD_SUFFIX, MultiView, posted_items, split_typed
from scaffolder.fields.picker_options import PickerConfigError

__all__ = ["MAX_TAG_LENGTH", "EntityTagsPicker", "tag_errors", "tag_options"]

MAX_TAG_LENGTH = 63
DEFAULT_HELP = ("Add any relevant tags, hit 'Enter' to add new tags. Valid format: "
                "[a-z0-9+#] separated by [-], at most 63 characters")  # fmt: skip


def tag_errors(tag: Any) -> list[str]:
    """Why ``tag`` is not a catalog tag (empty when it is one)."""
    if not isinstance(tag, str):
        return [f"{json.dumps(tag)} is not a tag: tags are strings"]
    if len(tag) > MAX_TAG_LENGTH:
        return [f'"{tag[:MAX_TAG_LENGTH]}…" is too long: a tag has at most '
                f"{MAX_TAG_LENGTH} characters"]  # fmt: skip
    if not catalog.is_valid_tag(tag):
        return [f'"{tag}" is not a valid tag: use lower-case letters, digits and ":", "+" '
                'or "#", in words separated by single hyphens (e.g. "c++" or "lang:go")']
    return []


def tag_options(field: Field) -> tuple[list[str], bool]:
    """``(kinds, showCounts)`` of the field; PickerConfigError when malformed."""
    return _kinds(field.options), _show_counts(field.options)


def _kinds(options: Mapping[str, Any]) -> list[str]:
    kinds = options.get("kinds")
    if kinds is None:
        return []
    if not isinstance(kinds, list) or not all(isinstance(k, str) and k for k in kinds):
        raise PickerConfigError("ui:options.kinds must be a list of kinds, e.g. [Component]")
    return kinds


def _show_counts(options: Mapping[str, Any]) -> bool:
    show = options.get("showCounts", False)
    if not isinstance(show, bool):
        raise PickerConfigError(f"ui:options.showCounts must be true or false, got {show!r}")
    return show


class EntityTagsPicker(FieldExtension):
    """Tags as chips, with the catalog's tags as suggestions."""

    name: ClassVar[str] = "EntityTagsPicker"
    template: ClassVar[str] = "scaffolder/fields/entity_tags_picker.html"
    default_title: ClassVar[str] = "Tags"
    default_description: ClassVar[str] = DEFAULT_HELP

    def read(self, data: Mapping[str, Any], field: Field) -> Any:
        """The tags, lower-cased and trimmed, repeats dropped; MISSING only when the
        form did not post the field (an empty list otherwise, as Backstage starts it)."""
        items = posted_items(data, field)
        if items is None:
            return MISSING
        return list(dict.fromkeys(item.strip().lower() for item in items))

    def check(self, value: Any, field: Field, context: FieldContext) -> list[str]:
        """Every tag is a valid catalog tag."""
        if value is MISSING or value is None:
            return []
        if not isinstance(value, list):
            return ["Tags must be a list of strings"]
        return [message for tag in value for message in tag_errors(tag)]

    def search_text(self, data: Mapping[str, Any], field: Field) -> str:
        name = data.get(INPUT_PARAM) or field.html_name + ADD_SUFFIX
        typed = split_typed(data.get(name))
        return typed[-1].lower() if typed else ""

    def listbox(self, text: str, field: Field, context: FieldContext) -> Listbox:
        """Tags of the catalog that start with (then contain) ``text``, by count when
        ``showCounts`` is set, else alphabetically."""
        try:
            kinds, counts = tag_options(field)
        except PickerConfigError as exc:
            return Listbox(field.html_id, searched=True, error=str(exc))
        found = catalog.suggest_tags(text, kinds, limit=SUGGESTIONS, by_count=counts)
        options = [Suggestion(value=tag, label=tag, count=count if counts else None)
                   for tag, count in found]  # fmt: skip
        return Listbox(field.html_id, options, searched=True)

    def help_text(self, field: Field) -> str:
        """``helperText`` (deprecated) wins over the description, as in Backstage."""
        helper = field.options.get("helperText")
        return helper if isinstance(helper, str) and helper else field.description or DEFAULT_HELP

    def picker_view(self, field: Field, context: FieldContext) -> MultiView:
        values = field.value if isinstance(field.value, list) else []
        chosen = tuple(value for value in values if isinstance(value, str))
        add, help_text = field.html_name + ADD_SUFFIX, self.help_text(field)
        common = {"chosen": chosen, "input_name": add, "help": help_text,
                  "described_by": described_by(field, help_text)}  # fmt: skip
        try:
            tag_options(field)
        except PickerConfigError as exc:
            return MultiView("", Listbox(field.html_id), error=str(exc), **common)
        url = field_url(SUGGEST_URL, field, context, **{INPUT_PARAM: add})
        return MultiView("", Listbox(field.html_id), suggest_url=url, **common)


register_field(EntityTagsPicker())
