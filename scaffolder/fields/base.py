"""What a form field is, and what a field extension (a ``ui:field``) must provide.

A template's form page is a JSON Schema; the form engine (``scaffolder/forms/``) turns
each property into a :class:`Field` and asks the extension named by its ``ui:field``
(or the built-in widget for its JSON type) to render it, to read its value back from
the posted form, and to check it on the server. The values stored are exactly the ones
Backstage's field extensions store (entity ref strings, RepoUrlPicker's
``host?owner=&repo=`` string, tag lists), because templates parse them with
``parseEntityRef`` and ``parseRepoUrl``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

__all__ = ["MISSING", "Field", "FieldContext", "FieldExtension"]


class _Missing:
    """Nothing was submitted for a field (distinct from an empty string or null)."""

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


@dataclass
class Field:
    """One property of a form page, as the form engine hands it to a widget.

    ``path`` is the property's place in the values (``("repo", "name")`` for a nested
    object); ``html_name`` is the input name the widget must post under (a widget with
    several inputs uses ``html_name`` as a prefix: ``f"{html_name}.owner"``).
    ``schema`` is the property's JSON Schema without ``ui:*`` keys, ``ui`` holds those
    keys (``ui:field``, ``ui:options``, ``ui:help``, ...). ``page`` is the index of the
    template page (in ``spec.parameters``) that declares the property: with the
    template ref and ``path`` it names the field, so an endpoint such as the pickers'
    type-ahead reads the field's options from the stored template, never from the
    browser."""

    name: str
    path: tuple[str, ...]
    html_name: str
    schema: dict[str, Any]
    ui: dict[str, Any]
    label: str
    description: str = ""
    required: bool = False
    value: Any = MISSING
    errors: list[str] = field(default_factory=list)
    page: int = 0

    @property
    def options(self) -> dict[str, Any]:
        """``ui:options`` (always a dict)."""
        options = self.ui.get("ui:options")
        return options if isinstance(options, dict) else {}

    @property
    def html_id(self) -> str:
        """A DOM id for the field's main input (label ``for=``, error ``aria-describedby``)."""
        return "f-" + "-".join(self.path)


@dataclass(frozen=True)
class FieldContext:
    """Who fills the form and against which template: what pickers and server-side
    checks need beyond the field itself (the user's entity ref and the refs they own
    through, for OwnedEntityPicker and MyGroupsPicker; the template, for the
    type-ahead endpoint to read a field's ``ui:options`` from the stored template
    instead of trusting the browser)."""

    user: Any
    user_ref: str
    ownership_refs: tuple[str, ...] = ()
    template_ref: str = ""


class FieldExtension:
    """A ``ui:field`` such as ``EntityPicker``. Subclasses set ``name`` and
    ``template`` and override what differs from a plain text input."""

    #: The ``ui:field`` value that selects this extension.
    name: ClassVar[str] = ""
    #: The template that renders the widget; it gets ``field`` (a Field),
    #: ``extension`` (this object) and ``context`` (the FieldContext), and renders the
    #: whole field: its label, input(s), help and ``field.errors``.
    template: ClassVar[str] = ""
    #: Secret fields keep the real value in the task's secrets under the property
    #: name; the form value is a string of ``*`` of the same length (as Backstage).
    secret: ClassVar[bool] = False

    def read(self, data: Mapping[str, Any], field: Field) -> Any:
        """The field's JSON value from the posted form ``data`` (a QueryDict), or
        MISSING when the form did not post it. Default: the one string input."""
        if field.html_name not in data:
            return MISSING
        raw = data.get(field.html_name)
        return raw.strip() if isinstance(raw, str) else raw

    def check(self, value: Any, field: Field, context: FieldContext) -> list[str]:
        """The extension's own rule on the server, beyond JSON Schema (Backstage runs
        these only in the browser). Messages, empty when the value passes."""
        return []

    def review(self, value: Any, field: Field) -> str:
        """The value as the review page shows it."""
        if isinstance(value, list):
            return ", ".join(str(item) for item in value)
        return "" if value is MISSING or value is None else str(value)
