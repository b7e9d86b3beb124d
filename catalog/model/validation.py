"""Entity validation: Backstage's checks, in Backstage's order, with Backstage's messages.

A catalog file must be accepted or rejected here exactly when Backstage would accept or reject
it, and the first problem reported must be the one Backstage reports, so users can move files
between the two systems. The order is the processing pipeline's:

1. envelope (``EntityEnvelope`` schema: ``apiVersion``, ``kind``, ``metadata.name``),
2. policies: ``SchemaValidEntityPolicy`` (``Entity`` schema, "Malformed envelope, ..."),
   ``DefaultNamespaceEntityPolicy``, ``NoForeignRootFieldsEntityPolicy``,
   ``FieldFormatEntityPolicy`` (see ``catalog.model.formats``),
3. kind validation (see ``catalog.model.kinds``),
4. the stitcher's rule that no two keys may differ only in casing (they would collide in the
   lower-cased search index).

Validation is input-proof: whatever it is given, it returns a validated copy or raises
``EntityValidationError``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, cast

from catalog.model.errors import EntityValidationError
from catalog.model.formats import check_field_formats, shown
from catalog.model.kinds import Array, Object, Schema, SchemaViolation, String, check_kind
from catalog.model.refs import DEFAULT_NAMESPACE
from catalog.model.search_keys import leaves

__all__ = ["ROOT_FIELDS", "validate_entity"]

ROOT_FIELDS = ("apiVersion", "kind", "metadata", "spec")

_TEXT = String(min_length=1)
_ENVELOPE = Object(
    required=("apiVersion", "kind", "metadata"),
    properties=(
        ("apiVersion", _TEXT),
        ("kind", _TEXT),
        (
            "metadata",
            Object(required=("name",), properties=(("name", _TEXT), ("namespace", _TEXT))),
        ),
    ),
)
_METADATA = Object(
    required=("name",),
    properties=(
        ("uid", _TEXT),
        ("etag", _TEXT),
        ("name", _TEXT),
        ("namespace", _TEXT),
        ("title", _TEXT),
        ("description", String()),
        ("labels", Object(pattern_values=String())),
        ("annotations", Object(pattern_values=String())),
        ("tags", Array(_TEXT)),
        (
            "links",
            Array(
                Object(
                    required=("url",),
                    properties=(("url", _TEXT), ("title", _TEXT), ("icon", _TEXT), ("type", _TEXT)),
                )
            ),
        ),
    ),
)
_REFERENCE = Object(
    required=("kind", "namespace", "name"),
    properties=(("kind", _TEXT), ("namespace", _TEXT), ("name", _TEXT)),
    additional=False,
)
_RELATION = Object(
    required=("type", "targetRef"),
    properties=(
        ("type", String(min_length=1, pattern=r"^\w+$")),
        ("target", _REFERENCE),
        ("targetRef", _TEXT),
    ),
    additional=False,
)
_ERROR = Object(
    required=("name", "message"),
    properties=(("name", _TEXT), ("message", String()), ("code", String()), ("stack", String())),
)
_STATUS_ITEM = Object(
    required=("type", "level", "message"),
    properties=(
        ("type", _TEXT),
        ("level", String(enum=("info", "warning", "error"))),
        ("message", String()),
        ("error", _ERROR),
    ),
)
_ENTITY = Object(
    required=("apiVersion", "kind", "metadata"),
    properties=(
        ("apiVersion", _TEXT),
        ("kind", _TEXT),
        ("metadata", _METADATA),
        ("spec", Object()),
        ("relations", Array(_RELATION)),
        ("status", Object(properties=(("items", Array(_STATUS_ITEM)),))),
    ),
    additional=False,
)

_INDEXED_METADATA = ("metadata.name", "metadata.namespace", "metadata.uid")


class _NonStringKey(Exception):
    """A mapping key that JSON cannot carry."""


def _refuse(key: object) -> str:
    raise _NonStringKey(key)


def _copy(value: object) -> object:
    """Deep copy as plain JSON containers (dict, list), refusing non-string keys.

    A reference cycle (possible with YAML aliases) ends in ``RecursionError``.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return {
            (key if isinstance(key, str) else _refuse(key)): _copy(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_copy(item) for item in value]
    return value


def _non_string_key(value: object, path: tuple[str | int, ...]) -> tuple[object, str] | None:
    """Find the first non-string key again, with its path, to report it (the slow path)."""
    children: Iterable[tuple[str | int, object]] = ()
    if isinstance(value, Mapping):
        for key in value:
            if not isinstance(key, str):
                return key, ".".join(str(part) for part in path)
        children = value.items()
    elif isinstance(value, list | tuple):
        children = enumerate(value)
    for name, child in children:
        found = _non_string_key(child, (*path, name))
        if found is not None:
            return found
    return None


def _copy_entity(entity: object) -> object:
    try:
        return _copy(entity)
    except _NonStringKey:
        key, field = _non_string_key(entity, ()) or (None, "")
        raise EntityValidationError(
            f'"{shown(field)}" has a key of type {type(key).__name__}; keys must be strings',
            field=field,
        ) from None


def _check(schema: Schema, document: object, prefix: str, *, with_params: bool) -> None:
    try:
        schema.check(document, ())
    except SchemaViolation as violation:
        message = prefix + violation.text(with_params=with_params)
        raise EntityValidationError(message, field=violation.field) from None


def _check_root_fields(entity: dict[str, Any]) -> None:
    """``relations`` and ``status`` pass the schema but are output-only, never input."""
    for key in entity:
        if key not in ROOT_FIELDS:
            raise EntityValidationError(f"Unknown field {shown(key)}", field=key)


def _check_key_casing(entity: dict[str, Any]) -> None:
    """Reject keys that collide once lower-cased, e.g. annotations ``Foo`` and ``foo``."""
    keys: dict[str, None] = {}
    item_keys: set[str] = set()
    for key, _, is_item in leaves(entity):
        if is_item:
            # Array items that differ only in casing are one index row, not a clash.
            if key.lower() in item_keys:
                continue
            item_keys.add(key.lower())
        keys[key] = None
    keys.update(dict.fromkeys(_INDEXED_METADATA))
    if len({key.lower() for key in keys}) == len(keys):
        return
    seen: set[str] = set()
    duplicates: list[str] = []
    first_field = ""
    for key in keys:
        lower = key.lower()
        if lower in seen:
            duplicates.append(lower)
            first_field = first_field or key
        seen.add(lower)
    if duplicates:
        listed = "', '".join(shown(key) for key in duplicates)
        raise EntityValidationError(
            f"Entity has duplicate keys that vary only in casing, '{listed}'", field=first_field
        )


def _validate(entity: object) -> dict[str, Any]:
    copied = _copy_entity(entity)
    _check(_ENVELOPE, copied, "", with_params=True)
    _check(_ENTITY, copied, "Malformed envelope, ", with_params=False)
    document = cast(dict[str, Any], copied)
    document["metadata"].setdefault("namespace", DEFAULT_NAMESPACE)
    _check_root_fields(document)
    check_field_formats(document)
    check_kind(document)
    _check_key_casing(document)
    return document


def validate_entity(entity: object) -> dict[str, Any]:
    """Validate one entity document and return a new, namespace-defaulted copy of it.

    Raises ``EntityValidationError`` (``field`` = dotted path of the culprit, ``""`` for the
    whole entity) with Backstage's message for the first problem found, and never raises
    anything else, whatever ``entity`` is. The input is not modified.
    """
    try:
        return _validate(entity)
    except RecursionError:
        raise EntityValidationError(
            "Entity is nested too deeply or contains a reference cycle"
        ) from None
