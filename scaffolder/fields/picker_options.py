"""The ``ui:options`` of the entity pickers, read as Backstage's EntityPicker reads them.

``catalogFilter`` is an object, or an array of objects OR-ed, in the catalog's filter
syntax: each key maps to a string, an array of strings (any of them) or
``{exists: true}`` (the key is present). ``allowedKinds`` (deprecated) stands for
``catalogFilter: {kind: allowedKinds}`` when there is no ``catalogFilter``.
``defaultKind`` and ``defaultNamespace`` complete what someone types (``team-a`` ->
``group:default/team-a``); ``defaultNamespace: false`` means "default".
``allowArbitraryValues`` (default true) lets free text through; ``autoSelect``
(default true) picks the highlighted suggestion when the input loses focus.

A template is written by many people: an option of the wrong shape raises
PickerConfigError, whose message names the option, so the form shows what to fix in
the template instead of silently ignoring it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["PickerConfigError", "PickerOptions", "catalog_filter"]

#: Filter sets for ``catalog.services``: key -> values (empty: the key exists).
FilterSets = list[dict[str, set[str]]]


class PickerConfigError(ValueError):
    """A picker's ``ui:options`` cannot be used; ``str()`` says which and why, in words
    the form shows under the field."""

    def __str__(self) -> str:
        return f"This field's template options are invalid: {self.args[0]}"


def _text(value: Any) -> str | None:
    """A filter value as JavaScript's ``String(value)`` gives it (Backstage calls
    ``toString()``), or None for what is not a string, number or boolean."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return value if isinstance(value, str) else None


def _values(key: str, value: Any) -> set[str]:
    """The values one ``catalogFilter`` key allows; an empty set for ``{exists: true}``."""
    if isinstance(value, Mapping):
        if value.get("exists") is True and len(value) == 1:
            return set()
        raise PickerConfigError(
            f"ui:options.catalogFilter: {key} must be a string, a list of strings or "
            "{exists: true}"
        )
    items = value if isinstance(value, list) else [value]
    found = {_text(item) for item in items}
    if None in found:
        raise PickerConfigError(
            f"ui:options.catalogFilter: the values of {key} must be strings, got "
            f"{value!r}"[:300]
        )
    return {item for item in found if item is not None}


def catalog_filter(options: Mapping[str, Any]) -> FilterSets:
    """The filter sets ``options`` select (empty: every entity), from ``catalogFilter``
    or the deprecated ``allowedKinds``. A key given an empty array is left out, as
    Backstage sends no condition for it; one empty object matches everything."""
    chosen = options.get("catalogFilter")
    if not chosen and options.get("allowedKinds"):
        kinds = options["allowedKinds"]
        if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
            raise PickerConfigError("ui:options.allowedKinds must be a list of kinds")
        chosen = {"kind": kinds}
    if not chosen:
        return []
    objects = chosen if isinstance(chosen, list) else [chosen]
    sets: FilterSets = []
    for item in objects:
        if not isinstance(item, Mapping):
            raise PickerConfigError(
                "ui:options.catalogFilter must be an object or a list of objects, e.g. "
                "{kind: Group}"
            )
        conditions = {str(key): _values(str(key), value) for key, value in item.items()
                      if value != []}  # fmt: skip
        if not conditions:
            return []  # an empty object matches every entity, so the union does too
        sets.append(conditions)
    return sets


def _flag(options: Mapping[str, Any], name: str, default: bool) -> bool:
    value = options.get(name, default)
    if not isinstance(value, bool):
        raise PickerConfigError(f"ui:options.{name} must be true or false, got {value!r}")
    return value


def _default_kind(options: Mapping[str, Any]) -> str | None:
    kind = options.get("defaultKind")
    if kind is not None and (not isinstance(kind, str) or not kind):
        raise PickerConfigError(f"ui:options.defaultKind must be a kind, got {kind!r}")
    return kind


def _default_namespace(options: Mapping[str, Any]) -> str:
    namespace = options.get("defaultNamespace")
    if namespace is None or namespace is False or namespace == "":
        return "default"
    if not isinstance(namespace, str):
        raise PickerConfigError(
            f"ui:options.defaultNamespace must be a namespace or false, got {namespace!r}"
        )
    return namespace


@dataclass(frozen=True)
class PickerOptions:
    """A picker's options, checked."""

    filters: FilterSets = field(default_factory=list)
    default_kind: str | None = None
    default_namespace: str = "default"
    allow_arbitrary: bool = True
    auto_select: bool = True

    @classmethod
    def read(cls, options: Mapping[str, Any]) -> PickerOptions:
        """The options of ``ui:options``; PickerConfigError if one has the wrong shape."""
        return cls(
            filters=catalog_filter(options),
            default_kind=_default_kind(options),
            default_namespace=_default_namespace(options),
            allow_arbitrary=_flag(options, "allowArbitraryValues", True),
            auto_select=_flag(options, "autoSelect", True),
        )
