"""The pages a template's form shows for the answers so far, with their fields."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from scaffolder.api.views import DEFAULT_PAGE_TITLE
from scaffolder.fields.base import Field, FieldContext
from scaffolder.forms.build import PageBuilder
from scaffolder.forms.nodes import Control, Node, walk
from scaffolder.forms.schema import is_flagged
from scaffolder.forms.widgets.inputs import FileInput
from scaffolder.parameters import page_shown, pages

__all__ = ["FormPage", "form_pages", "shown_pages"]


@dataclass
class FormPage:
    """One shown page: ``index`` in ``spec.parameters``, ``position`` among the shown
    pages (1-based, as the stepper counts), its title and description, its nodes, and
    errors that belong to no single field."""

    index: int
    position: int
    title: str
    description: str
    items: list[Node]
    errors: list[str] = field(default_factory=list)

    @property
    def fields(self) -> list[Field]:
        """Every field of the page, nested ones included, in the order shown."""
        return [node.field for node in walk(self.items) if isinstance(node, Control)]

    @property
    def has_files(self) -> bool:
        """Whether the page uploads a file (the form then posts multipart)."""
        return any(isinstance(node, Control) and isinstance(node.extension, FileInput)
                   for node in walk(self.items))  # fmt: skip


def shown_pages(spec: Mapping[str, Any], values: Mapping[str, Any]) -> list[tuple[int, dict]]:
    """``(index, page)`` of the pages shown for ``values``: not behind a feature flag,
    and their ``when`` holds (evaluated as the task API evaluates it)."""
    return [(index, page) for index, page in enumerate(pages(spec))
            if not is_flagged(page) and page_shown(page, values)]  # fmt: skip


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def form_pages(spec: Mapping[str, Any], values: Mapping[str, Any], context: FieldContext, *,
               errors: Mapping[str, list[str]] | None = None,
               emptied: Collection[str] = ()) -> list[FormPage]:  # fmt: skip
    """The shown pages for ``values``, each with its fields carrying the current values
    (or their defaults). ``errors`` (by dotted path, ``""`` for the page) come from
    :func:`read_page`; ``emptied`` paths show empty instead of their default.
    FormSchemaError if a page's schema cannot be shown."""
    errors = errors or {}
    result = []
    for index, page in shown_pages(spec, values):
        items = PageBuilder(page, index, context, errors, emptied).build(values)
        result.append(FormPage(
            index=index, position=len(result) + 1,
            title=_text(page.get("title")) or DEFAULT_PAGE_TITLE,
            description=_text(page.get("description")), items=items,
            errors=list(errors.get("", [])),
        ))  # fmt: skip
    return result
