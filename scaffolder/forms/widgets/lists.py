"""An array of plain values (strings, numbers, booleans) as a list of inputs with add
and remove buttons. Every row posts under the same name; empty rows are dropped; a
hidden ``<name>.rows`` input marks the list as posted, so removing every row empties
it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scaffolder.fields.base import MISSING, Field
from scaffolder.forms.schema import json_type
from scaffolder.forms.widgets.base import Widget, display, posted_list
from scaffolder.forms.widgets.inputs import parse_number

__all__ = ["ValueList"]


def _item_type(field: Field) -> str:
    items = field.schema.get("items")
    return json_type(items) if isinstance(items, Mapping) else "string"


class ValueList(Widget):
    """Rows of text (or number) inputs; duplicates are reported when the schema asks
    for ``uniqueItems``."""

    template = "scaffolder/forms/widgets/list.html"
    grouped = True

    def view(self, field: Field) -> dict[str, Any]:
        items = field.value if isinstance(field.value, list) else []
        kind = _item_type(field)
        items = items or [""]  # one row to type into without asking for it first
        input_type = "number" if kind in ("number", "integer") else "text"
        return {"rows": [self.text(item) for item in items], "input_type": input_type,
                "marker": f"{field.html_name}.rows",
                "step": 1 if kind == "integer" else "any",
                "max_items": field.schema.get("maxItems")}  # fmt: skip

    def read(self, data: Mapping[str, Any], field: Field) -> Any:
        if f"{field.html_name}.rows" not in data:
            return MISSING
        kind = _item_type(field)
        rows = [text.strip() for text in posted_list(data, field.html_name)
                if isinstance(text, str) and text.strip()]  # fmt: skip
        return [self._typed(text, kind) for text in rows]

    @staticmethod
    def _typed(text: str, kind: str) -> Any:
        if kind in ("number", "integer"):
            number = parse_number(text, kind == "integer")
            return text if number is None else number
        if kind == "boolean" and text in ("true", "false"):
            return text == "true"
        return text

    def check(self, value: Any, field: Field, context: Any) -> list[str]:
        if not isinstance(value, list):
            return []
        kind = _item_type(field)
        problems = []
        if kind in ("number", "integer"):
            wanted = "a whole number" if kind == "integer" else "a number"
            problems += [f"Item {i}: enter {wanted}; “{item}” is not one."
                         for i, item in enumerate(value, 1) if isinstance(item, str)]  # fmt: skip
        if field.schema.get("uniqueItems") is True:
            seen: list[Any] = []
            for item in value:
                if item in seen:
                    problems.append(f"“{display(item)}” is listed more than once; each item "
                                    "must be different.")  # fmt: skip
                    break
                seen.append(item)
        return problems
