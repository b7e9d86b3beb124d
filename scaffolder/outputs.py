"""What a run reports at the end: its rendered ``output``, and in a dry run the fake
outputs of the actions it could not run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scaffolder.templating import UNDEFINED, is_truthy, render_value

__all__ = ["example_output", "rendered_output"]

_CONDITIONAL = ("links", "text")


def example_output(schema: Mapping[str, Any]) -> Any:
    """A value shaped like ``schema``: its first example, else ``"<example>"``, 0,
    false, or objects and arrays of those (Backstage's stand-in for a skipped action)."""
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return examples[0]
    kind = schema.get("type")
    if kind == "object":
        return {key: example_output(sub) for key, sub in (schema.get("properties") or {}).items()}
    if kind == "array":
        items = schema.get("items")
        first = items[0] if isinstance(items, list) and items else items
        return [example_output(first)] if isinstance(first, Mapping) else []
    return {"string": "<example>", "number": 0, "integer": 0, "boolean": False}.get(
        kind if isinstance(kind, str) else "", "<unknown>"
    )


def _without_if(item: Any) -> Any:
    return {k: v for k, v in item.items() if k != "if"} if isinstance(item, dict) else item


def rendered_output(output: Mapping[str, Any], context: Mapping[str, Any]) -> dict[str, Any]:
    """``spec.output`` rendered without secrets; ``links`` and ``text`` items whose
    ``if`` renders falsy are dropped (an ``if`` that renders undefined is simply gone)."""
    rendered = render_value(dict(output), context)
    rendered = {} if rendered is UNDEFINED else rendered
    for key in _CONDITIONAL:
        items = rendered.get(key)
        if isinstance(items, list):
            rendered[key] = [_without_if(item) for item in items if not isinstance(item, dict)
                             or "if" not in item or is_truthy(item["if"])]  # fmt: skip
    return rendered
