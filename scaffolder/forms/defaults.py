"""Default values, as react-jsonschema-form fills them in before a page is shown.

A property's ``default`` (also one that an ``allOf`` item adds), a ``const`` (rjsf
treats it as the default), and for objects the defaults of their properties, merged
under the object's own ``default``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scaffolder.fields.base import MISSING
from scaffolder.forms.schema import Resolver, json_type

__all__ = ["default_value"]


def default_value(resolver: Resolver, schema: Any, value: Any = MISSING) -> Any:
    """The value a field starts with when the answers have none: a deep copy of its
    default, an object of its properties' defaults, or MISSING."""
    resolved = resolver.resolve(schema, {} if value is MISSING else value)
    if "const" in resolved:
        return _copy(resolved["const"])
    own = _copy(resolved.get("default", MISSING))
    properties = resolved.get("properties")
    if json_type(resolved) != "object" or not isinstance(properties, Mapping):
        return own
    result = dict(own) if isinstance(own, Mapping) else {}
    current = value if isinstance(value, Mapping) else {}
    for name, sub in properties.items():
        if name in result:
            continue
        inner = default_value(resolver, sub, current.get(name, MISSING))
        if inner is not MISSING:
            result[name] = inner
    return result


def _copy(value: Any) -> Any:
    """A copy of a JSON value from the schema, so a form never edits the template."""
    if isinstance(value, Mapping):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value
