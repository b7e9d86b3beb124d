"""JSON Schema failures as messages next to the field they concern.

jsonschema reports a missing property on its parent object, a ``oneOf`` failure on
the object whose branches disagree, a bad list item under its index. The form wants
each next to a field, in words a person acts on: ``Required``, ``Must match the
pattern ^[a-z]+$``. A template's own ``errorMessage`` (the ajv-errors keyword
Backstage's form supports) replaces the wording.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from jsonschema.exceptions import ValidationError

from scaffolder.forms.nodes import Node, dotted
from scaffolder.schema_errors import npm_message, property_path

__all__ = ["FieldMessage", "field_messages"]

FieldMessage = tuple[str, str, str]  # (dotted path, failed keyword, message)

_FORMATS = {
    "email": "Enter an email address, such as name@example.com",
    "uri": "Enter a full URL, such as https://example.com/path",
    "url": "Enter a full URL, such as https://example.com/path",
    "date": "Enter a date as YYYY-MM-DD",
    "date-time": "Enter a date and time, such as 2025-01-31T09:30:00Z",
    "time": "Enter a time, such as 09:30:00",
    "ipv4": "Enter an IPv4 address, such as 10.0.0.1",
    "ipv6": "Enter an IPv6 address",
    "hostname": "Enter a host name, such as api.example.com",
    "regex": "Enter a valid regular expression",
}
_TYPES = {"integer": "Enter a whole number", "number": "Enter a number",
          "string": "Enter text", "boolean": "Choose yes or no", "array": "Enter a list",
          "object": "Fill in the fields", "null": "Leave this empty"}  # fmt: skip


def _js(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _plural(count: Any, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


_WORDINGS: dict[str, Callable[[Any], str]] = {
    "type": lambda x: _TYPES.get(x if isinstance(x, str) else "", "Wrong kind of value"),
    "enum": lambda x: "Choose one of: " + ", ".join(_js(v) for v in x or []),
    "const": lambda x: f"Must be {_js(x)}",
    "pattern": lambda x: f"Must match the pattern {x}",
    "format": lambda x: _FORMATS.get(str(x), f"Must be a valid {x}"),
    "minLength": lambda x: f"Must be at least {_plural(x, 'character')}",
    "maxLength": lambda x: f"Must be at most {_plural(x, 'character')}",
    "minimum": lambda x: f"Must be {_js(x)} or more",
    "maximum": lambda x: f"Must be {_js(x)} or less",
    "exclusiveMinimum": lambda x: f"Must be more than {_js(x)}",
    "exclusiveMaximum": lambda x: f"Must be less than {_js(x)}",
    "multipleOf": lambda x: f"Must be a multiple of {_js(x)}",
    "minItems": lambda x: f"Add at least {_plural(x, 'item')}",
    "maxItems": lambda x: f"At most {_plural(x, 'item')}",
    "uniqueItems": lambda x: "Each item must be different",
    "oneOf": lambda x: "Choose one of the options",
    "anyOf": lambda x: "Choose one of the options",
    "not": lambda x: "This value is not allowed",
}


def _wording(error: ValidationError) -> str:
    """The failure in plain words (npm jsonschema's wording for the rare keywords)."""
    wording = _WORDINGS.get(str(error.validator))
    if wording is not None:
        return wording(error.validator_value)
    text = npm_message(error).removeprefix(property_path(error.absolute_path)).strip()
    return text[:1].upper() + text[1:]


def _custom(schema: Any, keyword: str, name: str = "") -> str | None:
    """The template's ajv-errors ``errorMessage`` for ``keyword`` (a string covers
    every keyword; an object names keywords, and ``required`` may name properties)."""
    custom = schema.get("errorMessage") if isinstance(schema, Mapping) else None
    if isinstance(custom, str):
        return custom
    if not isinstance(custom, Mapping):
        return None
    chosen = custom.get(keyword)
    if isinstance(chosen, Mapping):
        chosen = chosen.get(name)
    return chosen if isinstance(chosen, str) else None


def _branches(error: ValidationError) -> Iterator[ValidationError]:
    """A ``oneOf``/``anyOf`` failure's errors in the branch the answers come closest to:
    the one whose failures are not about the choice that selects it (``enum``,
    ``const``), then the one with the fewest failures."""
    by_branch: dict[Any, list[ValidationError]] = {}
    for sub in error.context or []:
        by_branch.setdefault(sub.relative_schema_path[0], []).append(sub)
    if not by_branch:
        yield error
        return

    def distance(errors: list[ValidationError]) -> tuple[int, int]:
        selecting = sum(e.validator in ("enum", "const") for e in errors)
        return selecting, len(errors)

    yield from min(by_branch.values(), key=distance)


def _choices(error: ValidationError) -> bool:
    """Whether a ``oneOf``/``anyOf`` lists choices (``{const, title}``), not schemas."""
    branches = error.validator_value
    return isinstance(branches, list) and all(
        isinstance(b, Mapping) and "const" in b for b in branches)


def _leaves(errors: Iterable[ValidationError]) -> Iterator[ValidationError]:
    for error in errors:
        if error.validator in ("oneOf", "anyOf") and error.context and not _choices(error):
            yield from _leaves(_branches(error))
        else:
            yield error


def _targets(error: ValidationError, labels: Mapping[str, str]) -> list[FieldMessage]:
    """Where a failure belongs and what it says there."""
    path = tuple(error.absolute_path)
    if error.validator == "required":
        missing = re.findall(r"'([^']*)' is a required property", error.message)
        name = missing[0] if missing else str(error.validator_value)
        text = _custom(error.schema, "required", name) or "Required"
        return [(dotted((*path, name)), "required", text)]
    if error.validator == "dependencies" and isinstance(error.instance, Mapping):
        found = []
        for key, needs in (error.validator_value or {}).items():
            if key in error.instance and isinstance(needs, list):
                given = labels.get(dotted((*path, key)), key)
                found += [(dotted((*path, need)), "dependencies",
                           _custom(error.schema, "dependencies", need)
                           or f"Required when “{given}” is given")
                          for need in needs if need not in error.instance]  # fmt: skip
        return found
    return [(dotted(path), error.validator, _custom(error.schema, error.validator) or
             _wording(error))]  # fmt: skip


def field_messages(errors: Iterable[ValidationError],
                   nodes: Mapping[str, Node]) -> list[FieldMessage]:  # fmt: skip
    """Each failure as (the dotted path of the node it belongs to, keyword, message);
    a failure below any field (a list item) goes to the nearest field above it, one
    that no field takes to ``""`` (the page)."""
    labels = {key: node.label for key, node in nodes.items()}
    found: list[FieldMessage] = []
    for error in _leaves(errors):
        for path, keyword, text in _targets(error, labels):
            while path and path not in nodes:
                path = path.rpartition(".")[0]
            if (path, keyword, text) not in found:
                found.append((path, keyword, text))
    return found
