"""Field extensions (``ui:field``) by name: the registry the form engine asks.

Built-in extensions register themselves when ``scaffolder.fields.extensions`` is
imported; a plugin adds one with :func:`register_field`.
"""

from __future__ import annotations

from scaffolder.fields.base import MISSING, Field, FieldContext, FieldExtension

__all__ = ["MISSING", "Field", "FieldContext", "FieldExtension", "field_extension",
           "register_field"]  # fmt: skip

_extensions: dict[str, FieldExtension] = {}


def register_field(extension: FieldExtension) -> FieldExtension:
    """Make ``extension`` answer for its ``ui:field`` name; a name registers once."""
    if not extension.name:
        raise ValueError("a field extension needs a name")
    if extension.name in _extensions:
        raise ValueError(f"field extension {extension.name!r} is already registered")
    _extensions[extension.name] = extension
    return extension


def field_extension(name: str) -> FieldExtension | None:
    """The extension registered for ``ui:field: name``, or None (the form falls back to
    the JSON type's widget and says so)."""
    from scaffolder.fields import extensions  # noqa: F401  (registers the built-ins)

    return _extensions.get(name)
