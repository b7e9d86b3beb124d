"""What a picker's suggestion list shows, and the address of a picker's endpoints.

A combobox input (``role=combobox``) controls a listbox of options; the type-ahead
endpoint answers with the list for what was typed, which HTMX swaps in. The list and
its status line (how many, or why none) live in one popup element so one swap
replaces both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from scaffolder.fields.base import Field, FieldContext

__all__ = ["Listbox", "Suggestion", "field_url"]

#: Query parameters that name the field an endpoint serves. They start with ``_`` so
#: they cannot clash with a property's own input name (``name``, ``page``, ...).
TEMPLATE_PARAM, PAGE_PARAM, PATH_PARAM = "_template", "_page", "_path"
NAME_PARAM, INPUT_PARAM = "_name", "_input"


@dataclass(frozen=True)
class Suggestion:
    """One option: the value choosing it stores, and what the option shows."""

    value: str
    label: str
    detail: str = ""
    description: str = ""
    count: int | None = None


@dataclass(frozen=True)
class Listbox:
    """The suggestions for one field. ``searched`` is False for the closed list a
    widget starts with (no status to announce); ``error`` says why there are none when
    the field's options are unusable."""

    html_id: str
    suggestions: list[Suggestion] = field(default_factory=list)
    searched: bool = False
    error: str = ""

    @property
    def popup_id(self) -> str:
        return f"{self.html_id}-suggestions"

    @property
    def listbox_id(self) -> str:
        return f"{self.html_id}-listbox"


def field_url(url_name: str, field: Field, context: FieldContext, **extra: str) -> str:
    """The address of a picker endpoint for ``field`` of ``context``'s template:
    template ref, page index and property path in the query (what the endpoint looks
    the field up by), plus ``extra`` parameters."""
    query = [(TEMPLATE_PARAM, context.template_ref), (PAGE_PARAM, str(field.page)),
             *((PATH_PARAM, part) for part in field.path), *extra.items()]  # fmt: skip
    return f"{reverse(url_name)}?{urlencode(query)}"
