"""A page schema turned into nodes (Controls, Groups, Rows) for the answers at hand.

Each property is resolved (``$ref``, ``allOf``, conditionals) with its own value, gets
its default when the answers have none (unless the person emptied it), and is handed
to the ``ui:field`` extension it names, or to the built-in widget for its JSON type.
An extension that is not installed falls back to that widget, with a note saying so.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from jsonschema import Draft7Validator
from jsonschema.exceptions import best_match

from scaffolder.fields import field_extension
from scaffolder.fields.base import MISSING, Field, FieldContext, FieldExtension
from scaffolder.forms.defaults import default_value
from scaffolder.forms.nodes import INDEX, Control, Group, Node, Rows, dotted
from scaffolder.forms.schema import (
    FormSchemaError,
    Resolver,
    is_flagged,
    json_type,
    ordered,
    ui_keys,
    unflagged,
    without_ui,
)
from scaffolder.forms.widgets import Widget, widget_for

__all__ = ["PageBuilder", "checked", "form_schema"]


def form_schema(page: Mapping[str, Any]) -> dict[str, Any]:
    """The page as the form shows and validates it: feature-flagged properties gone,
    and without ``when`` (which decides whether the page shows, not what it asks)."""
    return {key: value for key, value in unflagged(page).items() if key != "when"}


_META_SCHEMA = Draft7Validator(Draft7Validator.META_SCHEMA,
                               format_checker=Draft7Validator.FORMAT_CHECKER)  # fmt: skip


def checked(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` if it is valid draft-07 JSON Schema; else FormSchemaError saying
    where it is not (a ``required: true``, a pattern that is no regular expression)."""
    error = best_match(_META_SCHEMA.iter_errors(schema))
    if error is None:
        return schema
    where = "/".join(str(part) for part in error.absolute_path) or "the page"
    title = schema.get("title") or "untitled"
    raise FormSchemaError(f"The page “{title}” is not valid JSON Schema: at {where}, "
                          f"{error.message}")


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _note(name: str) -> str:
    return f"Field extension {name} is not installed here; showing a plain input"


class PageBuilder:
    """Builds the nodes of page ``index`` (of ``spec.parameters``). ``errors`` (by
    dotted path) are attached to the fields they name; ``emptied`` paths show empty
    rather than their default."""

    def __init__(self, page: Mapping[str, Any], index: int, context: FieldContext,
                 errors: Mapping[str, list[str]] | None = None,
                 emptied: Collection[str] = ()) -> None:  # fmt: skip
        self.index = index
        self.schema = checked(form_schema(page))
        self.resolver = Resolver(self.schema)
        self.context = context
        self.errors = errors or {}
        self.emptied = set(emptied)

    def build(self, values: Mapping[str, Any]) -> list[Node]:
        """The page's nodes for ``values`` (all the answers so far)."""
        controls: set[str] = set()
        values = self.filled(self.schema, values, ())
        schema = self.resolver.resolve(self.schema, values, controls)
        return self.children(schema, values, (), controls)

    def filled(self, schema: Any, value: Any, path: tuple[Any, ...]) -> Any:
        """An object's answers with its properties' defaults where it has none (as rjsf
        fills them before it decides which conditional fields apply)."""
        if not isinstance(value, Mapping):
            return value
        defaults = default_value(self.resolver, schema, value)
        if not isinstance(defaults, Mapping):
            return value
        out = dict(value)
        for key, default in defaults.items():
            if key not in out and dotted((*path, key)) not in self.emptied:
                out[key] = default
        return out

    def children(self, schema: Mapping[str, Any], value: Any, path: tuple[Any, ...],
                 controls: set[str]) -> list[Node]:  # fmt: skip
        """The nodes of an object's properties, in ``ui:order`` order."""
        properties = schema.get("properties")
        if not isinstance(properties, Mapping):
            return []
        listed = schema.get("required")
        required = {name for name in listed if isinstance(name, str)} if isinstance(
            listed, list) else set()  # fmt: skip
        current = value if isinstance(value, Mapping) else {}
        nodes = []
        for name in ordered(list(properties), schema.get("ui:order")):
            sub = properties[name]
            if not isinstance(sub, Mapping) or is_flagged(sub):
                continue
            node = self.node(name, sub, current.get(name, MISSING), (*path, name),
                             name in required, name in controls)  # fmt: skip
            if node is not None:
                nodes.append(node)
        return nodes

    def node(self, name: str, raw: Mapping[str, Any], value: Any, path: tuple[Any, ...],
             required: bool, controlling: bool) -> Node | None:  # fmt: skip
        """One property's node (None for a ``null`` property, which shows nothing)."""
        default = default_value(self.resolver, raw, value)
        if value is MISSING and dotted(path) not in self.emptied:
            value = default
        controls: set[str] = set()
        value = self.filled(raw, value, path)
        schema = self.resolver.resolve(raw, {} if value is MISSING else value, controls)
        ui, kind = ui_keys(schema), json_type(schema)
        if kind == "null":
            return None
        extension, note = self._extension(ui)
        description = _text(ui.get("ui:description")) or _text(schema.get("description"))
        common = {"name": name, "path": path, "ui": ui, "required": required, "note": note,
                  "controlling": controlling, "default": default, "description": description,
                  "errors": list(self.errors.get(dotted(path), []))}  # fmt: skip
        label = _text(ui.get("ui:title")) or _text(schema.get("title"))
        if extension is None and kind == "object":
            return Group(label=label or name, items=self.children(schema, value, path, controls),
                         **common)  # fmt: skip
        items = self.resolver.resolve(schema.get("items"), {}) if "items" in schema else None
        if extension is None and kind == "array" and items and json_type(items) == "object":
            return self._rows(schema, value, label or name, common)
        return self._control(schema, value, label, extension, items, common)

    def _control(self, schema: dict[str, Any], value: Any, label: str,
                 extension: FieldExtension | None, items: dict[str, Any] | None,
                 common: dict[str, Any]) -> Control:  # fmt: skip
        extension = extension or widget_for(schema, common["ui"])
        plain = without_ui(schema)
        if items is not None:
            plain["items"] = items
        path = common["path"]
        description = common["description"] or getattr(extension, "default_description", "")
        field = Field(
            name=common["name"], path=tuple(str(part) for part in path), html_name=dotted(path),
            schema=plain, ui=common["ui"], description=description, required=common["required"],
            label=label or getattr(extension, "default_title", None) or common["name"],
            value=value, errors=common["errors"], page=self.index,
        )  # fmt: skip
        view = extension.view(field) if isinstance(extension, Widget) else {}
        return Control(field=field, extension=extension, path=path, note=common["note"],
                       controlling=common["controlling"], view=view,
                       default=common["default"])  # fmt: skip

    def _rows(self, schema: dict[str, Any], value: Any, label: str,
              common: dict[str, Any]) -> Rows:  # fmt: skip
        path = common["path"]
        current = value if isinstance(value, list) else []
        return Rows(label=label, schema=without_ui(schema),
                    rows=[self.row(schema, item, (*path, i)) for i, item in enumerate(current)],
                    blank=self.row(schema, MISSING, (*path, INDEX)), **common)  # fmt: skip

    def row(self, array: Mapping[str, Any], value: Any, path: tuple[Any, ...]) -> Group:
        """Item ``path[-1]`` of an array of objects, as a group of its fields."""
        if value is MISSING:
            value = default_value(self.resolver, array.get("items"))
        value = self.filled(array.get("items"), value, path)
        controls: set[str] = set()
        schema = self.resolver.resolve(array.get("items"), value if isinstance(value, Mapping)
                                       else {}, controls)  # fmt: skip
        title = _text(schema.get("title")) or "Item"
        number = "" if path[-1] == INDEX else f" {path[-1] + 1}"
        return Group(name=str(path[-1]), path=path, label=f"{title}{number}", ui=ui_keys(schema),
                     items=self.children(schema, value, path, controls),
                     errors=list(self.errors.get(dotted(path), [])))  # fmt: skip

    @staticmethod
    def _extension(ui: Mapping[str, Any]) -> tuple[FieldExtension | None, str]:
        """The ``ui:field`` extension, or None and a note if it is not installed."""
        name = ui.get("ui:field")
        if not isinstance(name, str) or not name:
            return None, ""
        found = field_extension(name)
        return (found, "") if found is not None else (None, _note(name))
