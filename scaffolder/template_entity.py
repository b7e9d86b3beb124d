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

__all__ = ["TemplateShapeError", "check_template", "shape_errors"]

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
    """The template breaks the Template entity schema (Backstage: a TypeError);
    ``path`` is where, as JSON keys and indexes (``("spec", "steps", 0, "id")``)."""

    name = "TypeError"

    def __init__(self, message: str, path: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.path = path


def _message(error: Any) -> str:
    where = "/" + "/".join(str(part) for part in error.absolute_path)
    if error.validator == "type":
        return f"{where} must be {error.validator_value} - type: {error.validator_value}"
    if error.validator == "required":
        missing = error.message.split("'")[1]
        return f"{where} must have required property '{missing}' - missingProperty: {missing}"
    return f"{where} {error.message}"


def shape_errors(entity: Mapping[str, Any]) -> list[TemplateShapeError]:
    """Every violation, in the order Backstage would report them one at a time; the
    template editor lists them all at once, each at its line."""
    return [TemplateShapeError(_message(error), tuple(error.absolute_path))
            for error in _VALIDATOR.iter_errors(dict(entity))]  # fmt: skip


def check_template(entity: Mapping[str, Any]) -> None:
    """Raise TemplateShapeError with the first violation, if any."""
    errors = shape_errors(entity)
    if errors:
        raise errors[0]
