"""``fields=``: keep only the named parts of each entity, as Backstage does."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from portal.api.errors import ApiError

__all__ = ["parse_fields", "project"]


def parse_fields(values: Iterable[str]) -> list[list[str]]:
    """Comma-separated and/or repeated dotted paths; ``[`` is refused like Backstage."""
    paths = []
    for value in values:
        for field in value.split(","):
            field = field.strip()
            if not field:
                continue
            if "[" in field:
                message = f'Invalid field "{field}", array type fields are not supported'
                raise ApiError("InputError", message)
            paths.append(field.split("."))
    return paths


def project(entity: dict[str, Any], paths: list[list[str]]) -> dict[str, Any]:
    """The parts of ``entity`` named by ``paths``. A part that does not exist is joined
    with the next one, so ``metadata.annotations.backstage.io/view-url`` works."""
    result: dict[str, Any] = {}
    for parts in paths:
        _copy_path(entity, result, parts)
    return result


def _copy_path(source: Any, target: dict[str, Any], parts: list[str]) -> None:
    """Copy the value at ``parts`` into ``target`` only if the whole path exists, so a
    path through a string or an array leaves nothing behind (as in Backstage)."""
    keys, index = [], 0
    while index < len(parts):
        if not isinstance(source, dict):
            return
        key, end = parts[index], index
        while key not in source and end + 1 < len(parts):
            end += 1
            key = f"{key}.{parts[end]}"
        if key not in source:
            return
        keys.append(key)
        source, index = source[key], end + 1
    for key in keys[:-1]:
        target = target.setdefault(key, {})
    target[keys[-1]] = source
