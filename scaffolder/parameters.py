"""A template's form pages: which are shown for the values given, and whether the
values pass them, as Backstage's task and dry-run endpoints check them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from jsonschema import Draft7Validator

from scaffolder.schema_errors import npm_message, property_path
from scaffolder.templating import is_truthy, render_value

__all__ = [
    "ValuesInvalid",
    "checked_values",
    "page_shown",
    "pages",
    "secrets_errors",
    "validation_errors",
    "visible_values",
]


class ValuesInvalid(Exception):
    """The values (or secrets) do not pass the template's pages: ``errors`` in the npm
    jsonschema shape, answered as ``400 {errors}`` by the task and dry-run endpoints."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(f"{len(errors)} validation errors")
        self.errors = errors


def checked_values(spec: Mapping[str, Any], values: Mapping[str, Any],
                   secrets: Mapping[str, str]) -> dict[str, Any]:  # fmt: skip
    """The values the shown pages ask for, once they and the secrets pass those pages;
    else ValuesInvalid."""
    shown = visible_values(spec, values)
    errors = validation_errors(spec, shown) or secrets_errors(spec, secrets)
    if errors:
        raise ValuesInvalid(errors)
    return shown


def pages(spec: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``spec.parameters`` as a list of pages (an object is one page)."""
    parameters = spec.get("parameters")
    if parameters is None:
        return []
    return [p for p in (parameters if isinstance(parameters, list) else [parameters])
            if isinstance(p, dict)]  # fmt: skip


def page_shown(page: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    """Whether ``page`` is shown for ``values``: its ``when`` (a boolean, or an
    expression over ``parameters``) is truthy, or it has none."""
    condition = page.get("when")
    if condition is None:
        return True
    if isinstance(condition, str):
        condition = render_value(condition, {"parameters": dict(values)})
    return is_truthy(condition)


def visible_values(spec: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` without those that only pages hidden by ``when`` ask for."""
    shown, hidden = set(), set()
    for page in pages(spec):
        names = set((page.get("properties") or {}).keys())
        (shown if page_shown(page, values) else hidden).update(names)
    return {key: value for key, value in values.items() if key not in hidden - shown}


def _error_json(error: Any, instance_name: str = "instance") -> dict[str, Any]:
    """A failure in the npm ``jsonschema`` ValidationError shape Backstage returns."""
    path = list(error.absolute_path)
    message = npm_message(error).removeprefix(property_path(path)).strip()
    argument = error.validator_value
    if error.validator == "required":
        argument = re.findall(r"'([^']*)' is a required property", error.message)[0]
    return {
        "path": path,
        "property": property_path(path).replace("instance", instance_name, 1),
        "message": message,
        "schema": error.schema,
        "instance": error.instance,
        "name": error.validator,
        "argument": argument,
        "stack": f"{property_path(path)} {message}",
    }


def _errors(schema: Mapping[str, Any], instance: Any) -> list[Any]:
    """Failures in the order npm jsonschema reports them (the schema's key order)."""
    validator = Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)
    return list(validator.iter_errors(instance))


def validation_errors(spec: Mapping[str, Any], values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Failures of ``values`` (all of them) against the first shown page they fail,
    as Backstage reports them."""
    for page in pages(spec):
        if page_shown(page, values):
            found = [_error_json(error) for error in _errors(page, dict(values))]
            if found:
                return found
    return []


def secrets_errors(spec: Mapping[str, Any], secrets: Mapping[str, str]) -> list[dict[str, Any]]:
    """Failures of the posted secrets against ``spec.secrets.schema``; the secret
    values themselves are never echoed (``instance`` is always ``{}``)."""
    schema = (spec.get("secrets") or {}).get("schema")
    if not isinstance(schema, Mapping):
        return []
    found = []
    for error in _errors(schema, dict(secrets)):
        shown = _error_json(error, "secrets")
        if error.validator == "required":
            shown["message"] = f"{shown['property']}.{shown['argument']} is required"
        else:
            shown["message"] = f"{shown['property']} {shown['message']}"
        found.append({**shown, "instance": {}})
    return found
