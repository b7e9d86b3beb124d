"""Single-input widgets: text (with its HTML5 input types), textarea, hidden, masked
(password), number (and range), file, and a fixed ``const`` value."""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, unquote

from scaffolder.fields.base import MISSING, Field
from scaffolder.forms.schema import json_type
from scaffolder.forms.widgets.base import FieldReadError, Widget, display, posted_list

__all__ = [
    "MAX_FILE_BYTES",
    "ConstValue",
    "FileInput",
    "HiddenInput",
    "MaskedInput",
    "NumberInput",
    "TextArea",
    "TextInput",
]

#: The largest file a ``file`` widget keeps (as a data URL in the answers).
MAX_FILE_BYTES = 1024 * 1024
_INTEGER = re.compile(r"^[+-]?\d+$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
#: HTML input types for JSON Schema formats and rjsf widget names.
_FORMAT_TYPES = {"email": "email", "uri": "url", "url": "url", "date": "date",
                 "date-time": "datetime-local", "datetime": "datetime-local",
                 "time": "time", "color": "color", "alt-date": "date",
                 "alt-datetime": "datetime-local"}  # fmt: skip
_INPUT_TYPES = {"text", "email", "url", "tel", "search", "date", "datetime-local", "time",
                "month", "week", "color", "number", "password"}  # fmt: skip


class TextInput(Widget):
    """``<input>``: type from ``ui:options.inputType``, else ``ui:widget``, else the
    schema's ``format`` (email, uri, date, date-time, time, color), else text."""

    template = "scaffolder/forms/widgets/text.html"

    def view(self, field: Field) -> dict[str, Any]:
        return {**super().view(field), "input_type": self.input_type(field)}

    def input_type(self, field: Field) -> str:
        wanted = field.options.get("inputType")
        if isinstance(wanted, str) and wanted in _INPUT_TYPES:
            return wanted
        for hint in (field.ui.get("ui:widget"), field.schema.get("format")):
            if isinstance(hint, str) and hint in _FORMAT_TYPES:
                return _FORMAT_TYPES[hint]
        return "text"


class TextArea(Widget):
    """``<textarea>`` (``ui:options.rows``, default 5); line breaks kept as ``\\n``."""

    template = "scaffolder/forms/widgets/textarea.html"

    def view(self, field: Field) -> dict[str, Any]:
        rows = field.options.get("rows")
        fits = isinstance(rows, int) and not isinstance(rows, bool) and 1 <= rows <= 60
        return {**super().view(field), "rows": rows if fits else 5}

    def read(self, data: Mapping[str, Any], field: Field) -> Any:
        if field.html_name not in data:
            return MISSING
        raw = data.get(field.html_name)
        return raw.replace("\r\n", "\n") if isinstance(raw, str) else raw


class HiddenInput(Widget):
    """``ui:widget: hidden``: posted as it was given; non-string types as JSON."""

    template = "scaffolder/forms/widgets/hidden.html"

    def read(self, data: Mapping[str, Any], field: Field) -> Any:
        raw = super().read(data, field)
        if not isinstance(raw, str) or json_type(field.schema) == "string" or raw == "":
            return raw
        try:
            return json.loads(raw)
        except ValueError:
            return raw


class MaskedInput(Widget):
    """``ui:widget: password``: never written back into the page. A value once given
    shows as set; leaving the input empty keeps it, "Clear" removes it."""

    template = "scaffolder/forms/widgets/masked.html"
    #: The review page shows every masked value as this.
    mask = "******"

    def view(self, field: Field) -> dict[str, Any]:
        value = field.value
        is_set = isinstance(value, str) and value != ""
        return {"is_set": is_set, "length": len(value) if is_set else 0,
                "clear_name": f"{field.html_name}.clear"}  # fmt: skip

    def read(self, data: Mapping[str, Any], field: Field) -> Any:
        if data.get(f"{field.html_name}.clear"):
            return ""
        raw = data.get(field.html_name)
        return MISSING if raw in (None, "") else raw

    def review(self, value: Any, field: Field) -> str:
        return self.mask


def parse_number(text: str, integer: bool) -> int | float | None:
    """``text`` as a JSON number (an int when it has no fraction), or None."""
    if _INTEGER.match(text):
        return int(text)
    if not _NUMBER.match(text):
        return None
    number = float(text)
    if not math.isfinite(number):
        return None
    if number.is_integer() and (integer or abs(number) < 2**53):
        return int(number)
    return None if integer else number


class NumberInput(Widget):
    """``<input type=number>`` (or ``range`` for ``ui:widget: range``): the posted text
    becomes an int or float; text that is not a number is kept as typed, and flagged."""

    template = "scaffolder/forms/widgets/number.html"

    def view(self, field: Field) -> dict[str, Any]:
        schema = field.schema
        integer = json_type(schema) == "integer"
        step = schema.get("multipleOf") or (1 if integer else "any")
        return {**super().view(field), "step": step, "min": schema.get("minimum"),
                "max": schema.get("maximum"),
                "range": field.ui.get("ui:widget") == "range"}  # fmt: skip

    def read(self, data: Mapping[str, Any], field: Field) -> Any:
        raw = super().read(data, field)
        if not isinstance(raw, str) or raw == "":
            return raw
        number = parse_number(raw, json_type(field.schema) == "integer")
        return raw if number is None else number

    def check(self, value: Any, field: Field, context: Any) -> list[str]:
        if not isinstance(value, str):
            return []
        if json_type(field.schema) == "integer":
            return [f"Enter a whole number; “{value}” is not one."]
        return [f"Enter a number; “{value}” is not one."]


class FileInput(Widget):
    """``ui:widget: file`` (or ``format: data-url``): the file as rjsf stores it, a
    data URL ``data:<type>;name=<file name>;base64,<bytes>``."""

    template = "scaffolder/forms/widgets/file.html"

    def view(self, field: Field) -> dict[str, Any]:
        name, size = file_summary(field.value)
        accept = field.options.get("accept")
        return {"file_name": name, "file_size": size, "clear_name": f"{field.html_name}.clear",
                "accept": accept if isinstance(accept, str) else ""}  # fmt: skip

    def read(self, data: Mapping[str, Any], field: Field) -> Any:
        if data.get(f"{field.html_name}.clear"):
            return ""
        upload = next((item for item in posted_list(data, field.html_name)
                       if hasattr(item, "read") and getattr(item, "name", "")), None)  # fmt: skip
        if upload is None:
            return MISSING
        if upload.size > MAX_FILE_BYTES:
            raise FieldReadError(f"{upload.name} is {upload.size // 1024} KB; files up to "
                                 f"{MAX_FILE_BYTES // 1024} KB can be attached.")  # fmt: skip
        kind = getattr(upload, "content_type", "") or "application/octet-stream"
        upload.seek(0)  # a page is read more than once when fields appear
        body = base64.b64encode(upload.read()).decode()
        return f"data:{kind};name={quote(upload.name)};base64,{body}"

    def review(self, value: Any, field: Field) -> str:
        name, size = file_summary(value)
        return f"{name} ({size})" if name else display(value)


def file_summary(value: Any) -> tuple[str, str]:
    """A data URL's file name and size (``"notes.txt", "2 KB"``); empty if not one."""
    if not isinstance(value, str) or not value.startswith("data:") or ";base64," not in value:
        return "", ""
    head, _, body = value.partition(";base64,")
    name = next((unquote(part[5:]) for part in head.split(";") if part.startswith("name=")),
                "file")  # fmt: skip
    size = len(body) * 3 // 4 - body.count("=")
    return name, f"{size} bytes" if size < 1024 else f"{round(size / 1024)} KB"


class ConstValue(Widget):
    """A property with ``const``: shown, not editable, always that value."""

    template = "scaffolder/forms/widgets/const.html"

    def view(self, field: Field) -> dict[str, Any]:
        return {"text": display(field.schema.get("const"))}

    def read(self, data: Mapping[str, Any], field: Field) -> Any:
        return field.schema.get("const")
