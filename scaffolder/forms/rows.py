"""Adding and removing list rows. The page posts the button pressed
(``add:<field>``, ``remove:<field>:<row>``); the answers change on the server and the
page is shown again, so lists work the same with and without JavaScript."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scaffolder.fields.base import MISSING, FieldContext
from scaffolder.forms.build import PageBuilder
from scaffolder.forms.defaults import default_value
from scaffolder.forms.nodes import Control, Rows, walk
from scaffolder.forms.reading import lookup
from scaffolder.forms.widgets.base import posted_list
from scaffolder.forms.widgets.lists import ValueList
from scaffolder.parameters import pages

__all__ = ["with_row_added", "without_row"]


def _set(values: Any, path: tuple[Any, ...], value: Any) -> Any:
    """``values`` with ``value`` at ``path`` (copies along the path, never edits)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(values, list) and isinstance(head, int) and head < len(values):
        copy = list(values)
        copy[head] = _set(values[head], rest, value)
        return copy
    copy = dict(values) if isinstance(values, Mapping) else {}
    copy[head] = _set(copy.get(head, MISSING), rest, value)
    return copy


def with_row_added(spec: Mapping[str, Any], page_index: int, values: Mapping[str, Any],
                   key: str, context: FieldContext,
                   data: Mapping[str, Any]) -> dict[str, Any]:  # fmt: skip
    """``values`` with one more row in the list field ``key`` of the page: an object
    list gets an item of its defaults, a value list an empty row after the rows
    ``data`` posted (empty ones included, so the new row is really new). Unchanged
    if ``key`` is no list of the page."""
    builder = PageBuilder(pages(spec)[page_index], page_index, context)
    node = next((n for n in walk(builder.build(values)) if n.key == key), None)
    if isinstance(node, Rows):
        current = lookup(values, node.path)
        item = default_value(builder.resolver, node.schema.get("items"))
        item = {} if item is MISSING else item
        return _set(values, node.path, [*(current if isinstance(current, list) else []), item])
    if isinstance(node, Control) and isinstance(node.extension, ValueList):
        posted = [text for text in posted_list(data, key) if isinstance(text, str)]
        return _set(values, node.path, [*(posted or [""]), ""])
    return dict(values)


def without_row(data: Any, key: str, index: int) -> Any:
    """The posted ``data`` (a QueryDict) without row ``index`` of list field ``key``."""
    copy = data.copy()
    prefix = f"{key}.{index}."
    row_keys = [name for name in copy if name.startswith(prefix)]
    for name in row_keys:
        del copy[name]
    if not row_keys:
        rows = copy.getlist(key)
        if 0 <= index < len(rows):
            del rows[index]
            copy.setlist(key, rows)
    return copy
