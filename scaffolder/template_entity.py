"""The shape a Template entity must have before anything of it runs: Backstage's
``Template.v1beta3`` schema for the parts the runner relies on (steps and output).

Backstage reports the first violation as ``/spec/steps/0/id must be string - type:
string`` (a TypeError, HTTP 500); Greenroom words it the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jsonschema import Draft7Validator

from scaffolder.errors import StepError

__all__ = ["TemplateShapeError", "check_template"]

_STRING = {"type": "string"}
_SCHEMA = {
    "type": "object",
    "required": ["spec"],
    "properties": {"spec": {
        "type": "object",
        "required": ["steps"],
        "properties": {
            "type": _STRING,
            "steps": {"type": "array", "items": {
                "type": "object", "required": ["action"],
                "properties": {"id": _STRING, "name": _STRING, "action": _STRING}}},
            "output": {"type": "object", "properties": {
                "links": {"type": "array"}, "text": {"type": "array"}},
                "additionalProperties": _STRING},
        },
    }},
}  # fmt: skip
_VALIDATOR = Draft7Validator(_SCHEMA)


class TemplateShapeError(StepError):
    """The template breaks the Template entity schema (Backstage: a TypeError)."""

    name = "TypeError"


def _message(error: Any) -> str:
    where = "/" + "/".join(str(part) for part in error.absolute_path)
    if error.validator == "type":
        return f"{where} must be {error.validator_value} - type: {error.validator_value}"
    if error.validator == "required":
        missing = error.message.split("'")[1]
        return f"{where} must have required property '{missing}' - missingProperty: {missing}"
    return f"{where} {error.message}"


def check_template(entity: Mapping[str, Any]) -> None:
    """Raise TemplateShapeError with the first violation, if any."""
    error = next(iter(_VALIDATOR.iter_errors(dict(entity))), None)
    if error is not None:
        raise TemplateShapeError(_message(error))
