"""The pieces of a rendered form page: a Control (one Field and the widget or
extension that renders and reads it), a Group (a nested object, shown as a
fieldset) and Rows (an array of objects: one group per item, added and removed in
the page)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from scaffolder.fields.base import MISSING, Field, FieldExtension

__all__ = ["INDEX", "Control", "Group", "Node", "Rows", "dotted", "walk"]

#: Stands for the row number in the blank row an array of objects adds from.
INDEX = "__index__"


def dotted(path: tuple[Any, ...]) -> str:
    """A value path as the form names it: ``repo.owner``, ``envs.0.name``."""
    return ".".join(str(part) for part in path)


@dataclass
class Control:
    """One field: ``field`` (the contract's Field), the ``extension`` that renders and
    reads it (a ``ui:field`` or a built-in widget), a ``note`` when the asked-for
    extension is not installed, whether changing it re-renders the page
    (``controlling``), the widget's ``view`` data, and its ``default``."""

    kind: ClassVar[str] = "control"
    field: Field
    extension: FieldExtension
    path: tuple[Any, ...]
    note: str = ""
    controlling: bool = False
    view: dict[str, Any] = field(default_factory=dict)
    default: Any = MISSING

    @property
    def name(self) -> str:
        return self.field.name

    @property
    def key(self) -> str:
        return self.field.html_name

    @property
    def label(self) -> str:
        return self.field.label

    @property
    def hidden(self) -> bool:
        return self.field.ui.get("ui:widget") == "hidden"

    @property
    def framed(self) -> bool:
        """Built-in widgets render only their inputs and the form frames them (label,
        description, help, errors); an extension's template renders all of it."""
        return bool(getattr(self.extension, "framed", False))

    @property
    def grouped(self) -> bool:
        """Several inputs: framed by a fieldset and legend rather than a label."""
        return bool(getattr(self.extension, "grouped", False))

    @property
    def error_id(self) -> str:
        return f"{self.field.html_id}-error"

    @property
    def describedby(self) -> str:
        """The ids of the texts the frame renders, for the input's ``aria-describedby``."""
        ids = []
        if self.field.description:
            ids.append(f"{self.field.html_id}-description")
        if self.help:
            ids.append(f"{self.field.html_id}-help")
        if self.field.errors:
            ids.append(self.error_id)
        return " ".join(ids)

    @property
    def autofocus(self) -> bool:
        return self.field.ui.get("ui:autofocus") is True

    @property
    def readonly(self) -> bool:
        return self.field.ui.get("ui:readonly") is True or self.field.schema.get("readOnly") is True

    @property
    def disabled(self) -> bool:
        return self.field.ui.get("ui:disabled") is True

    @property
    def placeholder(self) -> str:
        text = self.field.ui.get("ui:placeholder")
        return text if isinstance(text, str) else ""

    @property
    def autocomplete(self) -> str:
        text = self.field.ui.get("ui:autocomplete")
        return text if isinstance(text, str) else ""

    @property
    def help(self) -> str:
        text = self.field.ui.get("ui:help")
        return text if isinstance(text, str) else ""


class _Placed:
    """Where a group of inputs sits in the values: its dotted key and DOM id."""

    path: tuple[Any, ...]

    @property
    def key(self) -> str:
        return dotted(self.path)

    @property
    def html_id(self) -> str:
        return "f-" + "-".join(str(part) for part in self.path)


@dataclass
class Group(_Placed):
    """A nested object: a fieldset of its properties' nodes."""

    kind: ClassVar[str] = "group"
    name: str
    path: tuple[Any, ...]
    label: str
    ui: dict[str, Any]
    description: str = ""
    required: bool = False
    items: list[Node] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    note: str = ""
    controlling: bool = False
    default: Any = MISSING


@dataclass
class Rows(_Placed):
    """An array of objects: one Group per item, and a ``blank`` group (its path holds
    :data:`INDEX`) the page copies when a row is added."""

    kind: ClassVar[str] = "rows"
    name: str
    path: tuple[Any, ...]
    label: str
    ui: dict[str, Any]
    schema: dict[str, Any]
    description: str = ""
    required: bool = False
    rows: list[Group] = field(default_factory=list)
    blank: Group | None = None
    errors: list[str] = field(default_factory=list)
    note: str = ""
    controlling: bool = False
    default: Any = MISSING

    @property
    def marker(self) -> str:
        """The hidden input that says the rows were posted (even when none are left)."""
        return f"{self.key}.rows"


Node = Control | Group | Rows


def walk(nodes: list[Node]) -> Iterator[Node]:
    """Every node, depth first (a row's nodes, not the blank row's)."""
    for node in nodes:
        yield node
        if isinstance(node, Group):
            yield from walk(node.items)
        elif isinstance(node, Rows):
            yield from walk(list(node.rows))
