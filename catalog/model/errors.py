"""Errors of the catalog's Django-free core.

Every problem with catalog input is one of these, so ingestion can record it against
the right place (a file, a document, a field) and the API can map it to Backstage's
error names. Messages are one line and never include secrets.
"""

from __future__ import annotations

__all__ = [
    "CatalogError",
    "EntityValidationError",
    "InvalidEntityRef",
    "PlaceholderError",
    "ReadError",
    "YamlError",
]


class CatalogError(Exception):
    """Base of all catalog input errors. ``name`` is the Backstage-style error name."""

    name = "Error"


class EntityValidationError(CatalogError, ValueError):
    """An entity breaks a format or kind rule.

    Attributes:
        field: dotted path of the offending field (``metadata.name``, ``spec.owner``,
            ``metadata.tags.2``), or ``""`` when the whole entity is wrong.
    """

    name = "InputError"

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class InvalidEntityRef(EntityValidationError):
    """A string or object is not a valid ``[kind:][namespace/]name`` entity reference."""


class YamlError(CatalogError):
    """A catalog file is not acceptable YAML (syntax, limits, tags, encoding).

    The message is ``source:line:column: detail`` (compiler style, for the command
    line); ``located`` is the same without the source, for a problem row that names
    the file already.

    Attributes:
        line: 1-based line of the problem when known.
        column: 1-based column of the problem when known.
    """

    name = "InputError"

    def __init__(self, source: str, detail: str, *, line: int | None = None,
                 column: int | None = None) -> None:  # fmt: skip
        where = f"{source}:{line}:{column}" if line is not None else source
        super().__init__(f"{where}: {detail}")
        self.detail = detail
        self.line = line
        self.column = column

    @property
    def located(self) -> str:
        """``line L, column C: detail``, or the detail alone when no line is known."""
        if self.line is None:
            return self.detail
        return f"line {self.line}, column {self.column}: {self.detail}"


class ReadError(CatalogError):
    """A location or placeholder target could not be read (missing, refused, too big,
    network failure).

    Attributes:
        not_found: True when the target does not exist (matters for
            ``presence: optional`` locations).
    """

    name = "NotFoundError"

    def __init__(self, message: str, *, not_found: bool = False) -> None:
        super().__init__(message)
        self.not_found = not_found
        if not not_found:
            self.name = "Error"


class PlaceholderError(CatalogError):
    """A ``$text``/``$json``/``$yaml`` placeholder could not be resolved.

    Attributes:
        field: dotted path of the placeholder inside the entity.
    """

    name = "InputError"

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field
