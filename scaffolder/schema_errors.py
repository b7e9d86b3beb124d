"""JSON Schema failures worded as Backstage words them.

Backstage validates step inputs and form values with the npm ``jsonschema`` library
and shows its messages (``instance requires property "url"``); templates' authors
and scripts read those, so Greenroom validates with Python's ``jsonschema`` and
words each failure the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError

__all__ = ["input_errors", "npm_message", "property_path"]

_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def property_path(path: Iterable[Any]) -> str:
    """``instance.files[0].from``, ``instance["ui:x"]``: npm jsonschema's notation."""
    text = "instance"
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _IDENTIFIER.match(str(part)):
            text += f".{part}"
        else:
            text += f"[{json.dumps(part)}]"
    return text


def _js(value: Any) -> str:
    """``String(value)`` for an enum list or a bound, as the messages print them."""
    if isinstance(value, list):
        return ",".join(_js(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def npm_message(error: ValidationError) -> str:
    """One failure as ``<property> <what is wrong>``."""
    where = property_path(error.absolute_path)
    validator, expected = error.validator, error.validator_value
    if validator == "required":
        missing = re.findall(r"'([^']*)' is a required property", error.message)
        return f'{where} requires property "{missing[0] if missing else expected}"'
    if validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties") or {}))
        return f'{where} is not allowed to have the additional property "{extra[0]}"'
    messages = {
        "type": f"is not of a type(s) {_js(expected)}",
        "enum": f"is not one of enum values: {_js(expected)}",
        "const": f"does not exactly match expected constant: {json.dumps(expected)}",
        "pattern": f'does not match pattern "{expected}"',
        "format": f'does not conform to the "{expected}" format',
        "minLength": f"does not meet minimum length of {expected}",
        "maxLength": f"does not meet maximum length of {expected}",
        "minItems": f"does not meet minimum length of {expected}",
        "maxItems": f"does not meet maximum length of {expected}",
        "minimum": f"must be greater than or equal to {_js(expected)}",
        "maximum": f"must be less than or equal to {_js(expected)}",
        "uniqueItems": "contains duplicate item",
    }
    if validator in ("anyOf", "oneOf"):
        branches = ",".join(f"[subschema {i}]" for i in range(len(expected)))
        what = "is not any of" if validator == "anyOf" else "is not exactly one from"
        return f"{where} {what} {branches}"
    return f"{where} {messages.get(validator, error.message)}"


def input_errors(instance: Any, schema: Mapping[str, Any]) -> list[ValidationError]:
    """Every failure of ``instance`` against the draft-07 ``schema``."""
    validator = Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)
    return list(validator.iter_errors(instance))  # schema key order, as npm jsonschema
