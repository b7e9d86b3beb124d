"""Template tags of the field extensions' widgets."""

from __future__ import annotations

from typing import Any

from django import template

from scaffolder.fields.base import Field, FieldContext

register = template.Library()


@register.simple_tag
def picker_view(extension: Any, field: Field, context: FieldContext) -> Any:
    """What a picker's template shows beyond the field (its ``picker_view()``), worked
    out in Python so the template stays declarative."""
    return extension.picker_view(field, context)
