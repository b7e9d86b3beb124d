"""A posted form page merged into the answers, and checked.

Each field's widget reads its own inputs (typed: numbers, booleans, lists, choices).
An emptied input removes the answer (or sets ``ui:emptyValue``); a field the form did
not post (a disabled input) keeps its answer or takes its default. Secret fields keep
the real value aside and answer with as many ``*``. Fields that appear because of
what was just posted (a ``dependencies`` branch) are read too. Then the page's own
JSON Schema checks all the answers (Draft 7, as the task API does) and each
extension runs its server-side check; every failure lands on the field it concerns.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from scaffolder.fields.base import MISSING, FieldContext
from scaffolder.forms.build import PageBuilder
from scaffolder.forms.messages import field_messages
from scaffolder.forms.nodes import Control, Group, Node, Rows, walk
from scaffolder.forms.widgets import FieldReadError
from scaffolder.parameters import pages
from scaffolder.schema_errors import input_errors

__all__ = ["PageResult", "lookup", "read_page"]

#: How often a page is re-read as fields appear (conditionals nest rarely deeper).
_ROUNDS = 4


class _Empty:
    """The person emptied the field: its answer goes (and its default stays away)."""


EMPTY = _Empty()


@dataclass
class PageResult:
    """What reading a page gave: all the answers (``values``), all the secrets, errors by
    dotted field path (``""``: the page's own), and the paths emptied on purpose."""

    values: dict[str, Any]
    secrets: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)
    emptied: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.errors


def lookup(values: Any, path: tuple[Any, ...]) -> Any:
    """The answer at ``path`` (MISSING if there is none)."""
    for part in path:
        if isinstance(values, Mapping) and part in values:
            values = values[part]
        elif isinstance(values, list) and isinstance(part, int) and part < len(values):
            values = values[part]
        else:
            return MISSING
    return values


class _Reader:
    """Reads posted ``data`` through a page's nodes."""

    def __init__(self, builder: PageBuilder, data: Mapping[str, Any],
                 secrets: Mapping[str, str], emptied: Collection[str]) -> None:  # fmt: skip
        self.builder, self.data = builder, data
        self.secrets = dict(secrets)
        self.emptied = set(emptied)
        builder.emptied = self.emptied  # fields emptied in this post show empty too
        self.read_errors: dict[str, str] = {}

    def items(self, nodes: list[Node], base: Mapping[str, Any]) -> dict[str, Any]:
        out = dict(base)
        for node in nodes:
            value = self.node(node, out.get(node.name, MISSING))
            if value is MISSING:
                if node.name not in out and node.default is not MISSING:
                    out[node.name] = node.default
            elif value is EMPTY:
                out.pop(node.name, None)
                self.emptied.add(node.key)
            else:
                out[node.name] = value
                self.emptied.discard(node.key)
        return out

    def node(self, node: Node, old: Any) -> Any:
        if isinstance(node, Control):
            return self.control(node)
        if isinstance(node, Group):
            return self.items(node.items, old if isinstance(old, Mapping) else {})
        if node.marker not in self.data:
            return MISSING
        return [self.row(node, index) for index in self.row_indexes(node)]

    def control(self, control: Control) -> Any:
        try:
            value = control.extension.read(self.data, control.field)
        except FieldReadError as exc:
            self.read_errors[control.key] = str(exc)
            return MISSING
        secret = getattr(control.extension, "secret", False)
        if value == "" or (secret and value is None):
            if secret:
                self.secrets.pop(control.name, None)
            return control.field.ui.get("ui:emptyValue", EMPTY)
        if secret and isinstance(value, str):
            self.secrets[control.name] = value
            return "*" * len(value)
        return value

    def row_indexes(self, rows: Rows) -> list[int]:
        """The item numbers posted (rows added in the page are numbered freely)."""
        prefix = f"{rows.key}."
        found = {int(part) for key in self.data if key.startswith(prefix)
                 for part in [key[len(prefix):].split(".", 1)[0]] if part.isdigit()}  # fmt: skip
        return sorted(found)

    def row(self, rows: Rows, index: int) -> dict[str, Any]:
        """One posted item: read, and read again while fields appear."""
        value: dict[str, Any] = {}
        for _ in range(_ROUNDS):
            group = self.builder.row(rows.schema, value, (*rows.path, index))
            read = self.items(group.items, {})
            if read == value:
                break
            value = read
        return value


def _keys(nodes: list[Node]) -> dict[str, Node]:
    return {node.key: node for node in walk(nodes)}


def read_page(spec: Mapping[str, Any], page_index: int, data: Mapping[str, Any],
              values: Mapping[str, Any], context: FieldContext, *,
              secrets: Mapping[str, str] | None = None,
              emptied: Collection[str] = ()) -> PageResult:  # fmt: skip
    """Merge page ``page_index`` (of ``spec.parameters``) as posted in ``data`` (a
    QueryDict; uploaded files in it too) into ``values``, and check it.

    ``secrets`` are those kept so far (a Secret field left empty keeps its own);
    ``emptied`` the paths emptied earlier. IndexError if there is no such page;
    FormSchemaError if its schema cannot be shown."""
    builder = PageBuilder(pages(spec)[page_index], page_index, context, emptied=emptied)
    reader = _Reader(builder, data, secrets or {}, emptied)
    current = dict(values)
    for _ in range(_ROUNDS):
        read = reader.items(builder.build(current), current)
        if read == current:
            break
        current = read
    errors = _errors(builder, builder.build(current), current, context, reader.read_errors)
    return PageResult(values=current, secrets=reader.secrets, errors=errors,
                      emptied=reader.emptied)  # fmt: skip


def _errors(builder: PageBuilder, nodes: list[Node], values: dict[str, Any],
            context: FieldContext, read_errors: Mapping[str, str],
            ) -> dict[str, list[str]]:  # fmt: skip
    """Failures by dotted path: what could not be read, each extension's own check,
    then the page's JSON Schema (a type failure is left out where the widget already
    said what is wrong with the text)."""
    keyed = _keys(nodes)
    errors: dict[str, list[str]] = {key: [text] for key, text in read_errors.items()}
    checked: set[str] = set()
    for node in keyed.values():
        if not isinstance(node, Control):
            continue
        value = lookup(values, node.path)
        if value is MISSING or value is None or value == "":
            continue
        found = node.extension.check(value, node.field, context)
        if found:
            errors.setdefault(node.key, []).extend(found)
            checked.add(node.key)
    for path, keyword, text in field_messages(input_errors(values, builder.schema), keyed):
        if keyword == "type" and path in checked:
            continue
        bucket = errors.setdefault(path, [])
        if text not in bucket:
            bucket.append(text)
    return errors
