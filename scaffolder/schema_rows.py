"""JSON Schemas as rows of a table people read: the actions page shows each action's
input and output this way, never as raw JSON.

One row per property, nested object properties (and the properties of array items and
of ``oneOf``/``anyOf`` alternatives) as indented sub-rows. Each row carries the
property's title, a readable type (``array of string``, ``string or boolean``,
``map of string``, ``any``), whether it is required, its description, default, allowed
values and the constraints that matter to someone writing a step (pattern, lengths,
bounds, format). Django-free: plain data in, plain data out.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["SchemaRow", "schema_rows", "type_summary"]

#: Nesting shown (deeper properties are summarised by their type only).
MAX_DEPTH = 5
#: Rows per schema, so that a huge plugin schema cannot make a page unbounded.
MAX_ROWS = 400
#: Longest default or allowed value shown, in characters.
MAX_VALUE = 80


@dataclass(frozen=True)
class SchemaRow:
    """One property of a schema."""

    #: The property's name; ``[]`` marks the items of an array (``files[]``), and an
    #: alternative of oneOf/anyOf is named ``option N``.
    name: str
    #: Dotted path from the top, e.g. ``settings.visibility`` (unique within a table).
    path: str
    #: 0 for top-level properties, 1 for their properties, ...
    depth: int
    type: str
    title: str = ""
    description: str = ""
    required: bool = False
    #: The default as JSON text (``"main"``, ``false``, ``[]``), or "" when none.
    default: str = ""
    #: Allowed values (enum, or the consts of oneOf/anyOf alternatives), as JSON text.
    allowed: tuple[str, ...] = ()
    #: Other constraints in words: ``pattern ^[a-z]+$``, ``at least 1 character`` ...
    notes: tuple[str, ...] = ()
    #: True for a row that groups alternatives or array items rather than naming a key.
    synthetic: bool = False

    @property
    def has_default(self) -> bool:
        return bool(self.default)


def _json(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def _schema(value: Any) -> Mapping[str, Any]:
    """A subschema as a mapping (``true`` and ``{}`` are both "anything")."""
    return value if isinstance(value, Mapping) else {}


def _alternatives(schema: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    for keyword in ("oneOf", "anyOf"):
        if isinstance(schema.get(keyword), list):
            return [_schema(alt) for alt in schema[keyword]]
    return []


def _consts(alternatives: list[Mapping[str, Any]]) -> list[Any] | None:
    """The values, if every alternative is a ``const`` (an enum written as oneOf)."""
    if alternatives and all("const" in alt for alt in alternatives):
        return [alt["const"] for alt in alternatives]
    return None


def type_summary(schema: Any, depth: int = 0) -> str:
    """A schema's type in words: ``string``, ``string or boolean``, ``array of
    string``, ``object``, ``map of string``, ``any``, ``"exact value"``."""
    schema = _schema(schema)
    if depth > MAX_DEPTH:
        return "…"
    if "const" in schema:
        return f"constant {_json(schema['const'])}"
    if isinstance(schema.get("$ref"), str):
        return f"see {schema['$ref']}"
    alternatives = _alternatives(schema)
    if alternatives:
        consts = _consts(alternatives)
        if consts is not None:
            kinds = {type(value).__name__ for value in consts}
            return "string" if kinds == {"str"} else "value"
        return _join(type_summary(alt, depth + 1) for alt in alternatives)
    types = schema.get("type")
    names = [types] if isinstance(types, str) else [t for t in types or [] if isinstance(t, str)]
    if not names:
        if "properties" in schema:
            names = ["object"]
        elif "items" in schema:
            names = ["array"]
        elif "enum" in schema:
            return "value"
        else:
            return "any"
    return _join(_one_type(name, schema, depth) for name in names)


def _join(parts: Any) -> str:
    unique = list(dict.fromkeys(parts))
    return " or ".join(unique) if unique else "any"


def _one_type(name: str, schema: Mapping[str, Any], depth: int) -> str:
    if name == "array":
        items = schema.get("items")
        if isinstance(items, list):  # a tuple: draft 7 positional items
            return "array (" + ", ".join(type_summary(i, depth + 1) for i in items) + ")"
        if items is None or _schema(items) == {}:
            return "array"
        inner = type_summary(items, depth + 1)
        return f"array of {inner}" if " or " not in inner else f"array of ({inner})"
    if name == "object" and not schema.get("properties"):
        extra = schema.get("additionalProperties")
        if isinstance(extra, Mapping) and extra:
            inner = type_summary(extra, depth + 1)
            return f"map of {inner}" if " or " not in inner else f"map of ({inner})"
    if name == "string" and isinstance(schema.get("format"), str):
        return f"string ({schema['format']})"
    return name


def _notes(schema: Mapping[str, Any]) -> tuple[str, ...]:
    notes = []
    for keyword, words in (("minLength", "at least {} character"),
                           ("maxLength", "at most {} character"),
                           ("minItems", "at least {} item"), ("maxItems", "at most {} item"),
                           ("minProperties", "at least {} key"),
                           ("maxProperties", "at most {} key")):  # fmt: skip
        value = schema.get(keyword)
        if isinstance(value, int) and not isinstance(value, bool):
            notes.append(words.format(value) + ("" if value == 1 else "s"))
    for keyword, words in (("minimum", "minimum {}"), ("maximum", "maximum {}"),
                           ("exclusiveMinimum", "greater than {}"),
                           ("exclusiveMaximum", "less than {}"),
                           ("multipleOf", "multiple of {}")):  # fmt: skip
        value = schema.get(keyword)
        if isinstance(value, int | float) and not isinstance(value, bool):
            notes.append(words.format(value))
    if isinstance(schema.get("pattern"), str):
        notes.append(f"pattern {schema['pattern']}")
    if schema.get("uniqueItems") is True:
        notes.append("no duplicates")
    if schema.get("deprecated") is True:
        notes.append("deprecated")
    if schema.get("readOnly") is True:
        notes.append("read only")
    if schema.get("additionalProperties") is False and schema.get("properties"):
        notes.append("no other keys")
    return tuple(notes)


def _allowed(schema: Mapping[str, Any]) -> tuple[str, ...]:
    if isinstance(schema.get("enum"), list):
        return tuple(_json(value) for value in schema["enum"])
    consts = _consts(_alternatives(schema))
    if consts is not None:
        return tuple(_json(value) for value in consts)
    items = _schema(schema.get("items"))
    if isinstance(items.get("enum"), list):  # array of enum: list the choices too
        return tuple(_json(value) for value in items["enum"])
    return ()


class _Rows:
    def __init__(self) -> None:
        self.rows: list[SchemaRow] = []

    def full(self) -> bool:
        return len(self.rows) >= MAX_ROWS

    def add_properties(self, schema: Mapping[str, Any], prefix: str, depth: int) -> None:
        properties = schema.get("properties")
        if not isinstance(properties, Mapping) or depth > MAX_DEPTH:
            return
        required = schema.get("required")
        required = set(required) if isinstance(required, list) else set()
        for name, child in properties.items():
            if self.full():
                return
            path = f"{prefix}.{name}" if prefix else str(name)
            self.add(str(name), path, _schema(child), depth, required=name in required)

    def add(self, name: str, path: str, schema: Mapping[str, Any], depth: int,
            required: bool = False, synthetic: bool = False) -> None:  # fmt: skip
        description = schema.get("description")
        title = schema.get("title")
        self.rows.append(SchemaRow(
            name=name, path=path, depth=depth, type=type_summary(schema),
            title=title if isinstance(title, str) else "",
            description=description if isinstance(description, str) else "",
            required=required, default=_json(schema["default"]) if "default" in schema else "",
            allowed=_allowed(schema), notes=_notes(schema), synthetic=synthetic,
        ))  # fmt: skip
        self.add_children(schema, path, depth + 1)

    def add_children(self, schema: Mapping[str, Any], path: str, depth: int) -> None:
        """Sub-rows: an object's properties, the properties of its array's items and of
        each alternative that has any (an alternative of plain types is only summarised
        in the parent's type)."""
        self.add_properties(schema, path, depth)
        items = _schema(schema.get("items"))
        if items and depth <= MAX_DEPTH:
            self.add_children(items, f"{path}[]", depth)
        alternatives = _alternatives(schema)
        with_properties = [alt for alt in alternatives if alt.get("properties")]
        if with_properties and depth <= MAX_DEPTH:
            for number, alt in enumerate(alternatives, start=1):
                if self.full():
                    return
                if alt.get("properties"):
                    label = alt.get("title") if isinstance(alt.get("title"), str) else ""
                    name = label or f"option {number} of {len(alternatives)}"
                    self.add(name, f"{path}|{number}", alt, depth, synthetic=True)


def schema_rows(schema: Any) -> list[SchemaRow]:
    """The rows of an object schema's properties, nested ones indented below their
    parent; a schema that is not an object with properties (``{"type": "string"}``,
    ``{}``) gives one row named ``(value)`` describing the whole value, or none for
    an empty schema."""
    schema = _schema(schema)
    rows = _Rows()
    if schema.get("properties") or _alternatives(schema):
        rows.add_children(schema, "", 0)
    elif schema and set(schema) - {"$schema", "additionalProperties", "type"}:
        rows.add("(value)", "", schema, 0, synthetic=True)
    elif schema.get("type") not in (None, "object"):
        rows.add("(value)", "", schema, 0, synthetic=True)
    return rows.rows
