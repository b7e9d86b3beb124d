"""What every built-in widget shares: the posted values of a name, the text a value
shows as, and ``view()`` (what its template needs beyond the Field)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

from scaffolder.fields.base import MISSING, Field, FieldExtension

__all__ = ["FieldReadError", "Widget", "display", "encoded", "posted_list"]


class FieldReadError(ValueError):
    """What was posted for a field cannot become a value at all (a file too large to
    keep); the field shows the message and keeps its previous value."""


def posted_list(data: Mapping[str, Any], name: str) -> list[Any]:
    """Every value posted under ``name`` (a QueryDict's list, or a plain mapping's)."""
    if hasattr(data, "getlist"):
        return list(data.getlist(name))
    value = data.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def encoded(value: Any) -> str:
    """A JSON value as an HTML form value: strings as they are, the rest as JSON
    (``8080``, ``true``, ``null``), so a posted option maps back to its typed value."""
    return value if isinstance(value, str) else json.dumps(value)


def display(value: Any) -> str:
    """A value as a person reads it (no Python reprs, no JSON braces for flat data)."""
    if value is MISSING or value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(display(item) for item in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{key}: {display(item)}" for key, item in value.items())
    return str(value)


class Widget(FieldExtension):
    """A built-in widget for a JSON type. ``view()`` feeds its template; the review
    page shows ``review()``."""

    #: The form renders the label, description, help and errors around the widget.
    framed: ClassVar[bool] = True
    #: The widget is several inputs: framed by a fieldset and legend, not a label.
    grouped: ClassVar[bool] = False
    #: The label a field gets when its schema has no title (None: the property name).
    default_title: str | None = None
    #: The description a field gets when its schema has none.
    default_description: str = ""

    def view(self, field: Field) -> dict[str, Any]:
        """What the template shows beyond ``field``: the value as input text."""
        return {"text": self.text(field.value)}

    def text(self, value: Any) -> str:
        """The value as an input's ``value=`` text."""
        if value is MISSING or value is None:
            return ""
        return value if isinstance(value, str) else encoded(value)

    def review(self, value: Any, field: Field) -> str:
        return display(value)
