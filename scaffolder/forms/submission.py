"""What a task is created with, from a person's draft: the answers the shown fields
ask for, and the secrets of the Secret fields still answered."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scaffolder.fields.base import MISSING, FieldContext
from scaffolder.forms.build import form_schema
from scaffolder.forms.nodes import Control, walk
from scaffolder.forms.pages import form_pages, shown_pages
from scaffolder.forms.reading import lookup
from scaffolder.forms.schema import Resolver
from scaffolder.parameters import visible_values

__all__ = ["secret_controls", "submitted_secrets", "submitted_values"]


def submitted_values(spec: Mapping[str, Any], values: Mapping[str, Any],
                     context: FieldContext) -> dict[str, Any]:  # fmt: skip
    """The answers a task is created with: without values only hidden pages ask for,
    and without values of fields a shown page declares but no longer shows (a
    ``dependencies`` or ``if`` branch that stopped applying)."""
    shown = visible_values(spec, values)
    declared: set[str] = set()
    for _, page in shown_pages(spec, shown):
        schema = form_schema(page)
        declared |= Resolver(schema).declared_names(schema)
    offered = {node.name for page in form_pages(spec, shown, context) for node in page.items}
    return {key: value for key, value in shown.items() if key not in declared - offered}


def secret_controls(spec: Mapping[str, Any], values: Mapping[str, Any],
                    context: FieldContext) -> list[Control]:  # fmt: skip
    """The Secret fields the shown pages ask for that ``values`` answer: what a task
    was given secrets for, so a retry can ask for them again."""
    return [node for page in form_pages(spec, values, context) for node in walk(page.items)
            if isinstance(node, Control) and getattr(node.extension, "secret", False)
            and lookup(values, node.path) is not MISSING]  # fmt: skip


def submitted_secrets(spec: Mapping[str, Any], values: Mapping[str, Any],
                      secrets: Mapping[str, str],
                      context: FieldContext) -> dict[str, str]:  # fmt: skip
    """The secrets of the Secret fields that ``values`` (as :func:`submitted_values`
    gives them) still answer; a secret whose field is hidden now is not sent."""
    names = {node.name for node in secret_controls(spec, values, context)}
    return {name: secret for name, secret in secrets.items() if name in names}
