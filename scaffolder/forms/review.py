"""The review page: the answers a task will get, as rows a person reads.

Backstage's rules (``ReviewState``): ``ui:backstage.review.show: false`` hides a
field, ``mask`` shows that text instead of the value, a ``password`` widget or a
Secret shows ``******``, choices show their names (enumNames, oneOf titles), an
object becomes one row per key unless ``explode: false``, and ``review.name``
renames the row. Only what the task is sent is listed: values of pages that ``when``
hides, and of fields whose condition no longer holds, are left out, as they are
left out of the task.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from scaffolder.fields.base import MISSING, FieldContext
from scaffolder.forms.nodes import Control, Group, Node, Rows
from scaffolder.forms.pages import form_pages
from scaffolder.forms.reading import lookup
from scaffolder.forms.submission import submitted_values
from scaffolder.forms.widgets import MaskedInput, display

__all__ = ["OTHER_VALUES", "ReviewRow", "review_rows"]

#: Between an object's label and its key's in an exploded row (a chevron).
NEST = " \u203a "
#: The section of answers no shown page asks for (``?formData=`` may bring them).
OTHER_VALUES = "Other values"


@dataclass(frozen=True)
class ReviewRow:
    """One line of the review: the page it is from (its title, and its ``step``
    position; 0 for answers no page asks for), a label and the value as text; ``items``
    when the value reads better as a list (rows of a list, an unexploded object)."""

    page: str
    label: str
    value: str
    path: str = ""
    items: tuple[str, ...] = ()
    step: int = 0


def review_rows(spec: Mapping[str, Any], values: Mapping[str, Any],
                context: FieldContext) -> list[ReviewRow]:  # fmt: skip
    """The review rows, page by page, then any answers no page asks for."""
    answers = submitted_values(spec, values, context)
    rows: list[ReviewRow] = []
    offered: set[str] = set()
    for page in form_pages(spec, answers, context):
        for node in page.items:
            offered.add(node.name)
            found = _rows(node, answers, page.title, "")
            rows += [replace(row, step=page.position) for row in found]
    rows += [ReviewRow(OTHER_VALUES, key, display(value), key)
             for key, value in answers.items() if key not in offered]  # fmt: skip
    return rows


def _review_options(node: Node) -> dict[str, Any]:
    ui = node.field.ui if isinstance(node, Control) else node.ui
    backstage = ui.get("ui:backstage")
    review = backstage.get("review") if isinstance(backstage, Mapping) else None
    return dict(review) if isinstance(review, Mapping) else {}


def _rows(node: Node, answers: Mapping[str, Any], page: str, parent: str) -> list[ReviewRow]:
    value = lookup(answers, node.path)
    if value is MISSING:
        return []
    options = _review_options(node)
    name = options.get("name")
    label = name if isinstance(name, str) and name else (
        f"{parent}{NEST}{node.label}" if parent else node.label)
    if options.get("mask"):
        return [ReviewRow(page, label, str(options["mask"]), node.key)]
    if options.get("show") is False:
        return []
    explode = options.get("explode") is not False
    if isinstance(node, Group) and isinstance(value, Mapping):
        if explode:
            return _exploded(node, value, answers, page, label)
        lines = [f"{row.label}: {row.value}" for row in _exploded(node, value, answers, page, "")]
        return [ReviewRow(page, label, "", node.key, tuple(lines))]
    if isinstance(node, Rows) and isinstance(value, list):
        lines = ["; ".join(f"{row.label}: {row.value}" for row in rows)
                 for rows in (_exploded(group, item, answers, page, "")
                              for group, item in zip(node.rows, value, strict=False))]  # fmt: skip
        return [ReviewRow(page, label, "", node.key, tuple(lines))]
    if isinstance(node, Control):
        return _control_rows(node, value, page, label, explode)
    return [ReviewRow(page, label, display(value), node.key)]


def _exploded(group: Group, value: Mapping[str, Any], answers: Mapping[str, Any], page: str,
              label: str) -> list[ReviewRow]:  # fmt: skip
    rows: list[ReviewRow] = []
    for child in group.items:
        rows += _rows(child, answers, page, label)
    known = {child.name for child in group.items}
    prefix = f"{label}{NEST}" if label else ""
    rows += [ReviewRow(page, f"{prefix}{key}", display(item), f"{group.key}.{key}")
             for key, item in value.items() if key not in known]  # fmt: skip
    return rows


def _control_rows(control: Control, value: Any, page: str, label: str,
                  explode: bool) -> list[ReviewRow]:  # fmt: skip
    if control.field.ui.get("ui:widget") == "password":
        return [ReviewRow(page, label, MaskedInput.mask, control.key)]
    if isinstance(value, Mapping) and explode and not getattr(control.extension, "secret", False):
        return [ReviewRow(page, f"{label}{NEST}{key}", display(item), f"{control.key}.{key}")
                for key, item in value.items()]  # fmt: skip
    return [ReviewRow(page, label, control.extension.review(value, control.field), control.key)]
