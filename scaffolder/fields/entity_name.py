"""``ui:field: EntityNamePicker``: a text input for a new entity's name, checked on the
server by the rule Backstage checks only in the browser (Kubernetes'
``isValidObjectName``, which the catalog applies to ``metadata.name``)."""

from __future__ import annotations

import re
from typing import Any

from scaffolder.fields import register_field
from scaffolder.fields.base import Field, FieldContext
from scaffolder.forms.widgets import TextInput

__all__ = ["INVALID_NAME", "EntityNamePicker", "is_valid_object_name"]

#: Backstage's message, word for word (``entityNamePickerValidation``).
INVALID_NAME = ("Must start and end with an alphanumeric character, and contain only "
                "alphanumeric characters, hyphens, underscores, and periods. Maximum "
                "length is 63 characters.")  # fmt: skip
_OBJECT_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")


def is_valid_object_name(value: Any) -> bool:
    """1 to 63 characters, ``[A-Za-z0-9]`` at both ends, ``-``, ``_`` and ``.`` inside."""
    return (isinstance(value, str) and 1 <= len(value) <= 63
            and bool(_OBJECT_NAME.fullmatch(value)))


class EntityNamePicker(TextInput):
    """A name for the entity the template creates. Its label and help default to
    Backstage's ("Name", "Unique name of the component"); ``ui:autofocus`` focuses it."""

    name = "EntityNamePicker"
    default_title = "Name"
    default_description = "Unique name of the component"

    def check(self, value: Any, field: Field, context: FieldContext) -> list[str]:
        return [] if is_valid_object_name(value) else [INVALID_NAME]


register_field(EntityNamePicker())
