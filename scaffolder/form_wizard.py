"""One person filling one template's form: the template, their draft, the pages shown
for their answers, and the page (or the review) rendered as a full page or as the
``wizard`` partial an HTMX request swaps in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django_htmx.http import push_url

from scaffolder.fields.base import FieldContext
from scaffolder.fields.context import field_context
from scaffolder.forms import FormPage, form_pages, read_page, review_rows
from scaffolder.forms.draft import Draft

__all__ = ["REVIEW", "Wizard"]

#: ``?step=review``: the review page after the last form page.
REVIEW = "review"
TEMPLATE = "scaffolder/form/template_form.html"
BUTTONS = {"backButtonText": "Back", "reviewButtonText": "Review",
           "createButtonText": "Create"}  # fmt: skip


@dataclass
class Wizard:
    """The form of ``entity`` for the person behind ``request``."""

    request: HttpRequest
    entity: dict[str, Any]
    context: FieldContext
    draft: Draft

    @classmethod
    def start(cls, request: HttpRequest, entity: dict[str, Any]) -> Wizard:
        metadata = entity["metadata"]
        ref = f"template:{metadata.get('namespace') or 'default'}/{metadata['name']}".lower()
        return cls(request, entity, field_context(request.user, ref),
                   Draft.load(request.session, ref))  # fmt: skip

    @property
    def spec(self) -> dict[str, Any]:
        return self.entity["spec"]

    @property
    def ref(self) -> str:
        return self.draft.template_ref

    @property
    def namespace(self) -> str:
        return self.entity["metadata"].get("namespace") or "default"

    @property
    def name(self) -> str:
        return self.entity["metadata"]["name"]

    @property
    def title(self) -> str:
        return self.entity["metadata"].get("title") or self.name

    @property
    def description(self) -> str:
        text = self.entity["metadata"].get("description")
        return text.strip() if isinstance(text, str) else ""

    @property
    def url(self) -> str:
        return reverse("scaffolder:template_form",
                       kwargs={"namespace": self.namespace, "name": self.name})  # fmt: skip

    @property
    def buttons(self) -> dict[str, str]:
        """Back, Review and Create, renamed by ``spec.presentation.buttonLabels``."""
        labels = ((self.spec.get("presentation") or {}).get("buttonLabels") or {})
        return {key: labels[key] if isinstance(labels.get(key), str) and labels[key].strip()
                else text for key, text in BUTTONS.items()}  # fmt: skip

    def step_url(self, step: int | str, check: bool = False) -> str:
        return f"{self.url}?step={step}" + ("&check=1" if check else "")

    def pages(self, errors: dict[str, list[str]] | None = None) -> list[FormPage]:
        return form_pages(self.spec, self.draft.values, self.context, errors=errors,
                          emptied=self.draft.emptied)  # fmt: skip

    def save(self) -> None:
        self.draft.save(self.request.session)

    def page_errors(self, page: FormPage) -> dict[str, list[str]]:
        """What page ``page`` reports for the answers kept (nothing posted)."""
        result = read_page(self.spec, page.index, {}, self.draft.values, self.context,
                           secrets=self.draft.secrets, emptied=self.draft.emptied)  # fmt: skip
        return result.errors

    def first_failing(self) -> tuple[int, dict[str, list[str]]] | None:
        """The first shown page the answers do not pass, and its errors."""
        for page in self.pages():
            errors = self.page_errors(page)
            if errors:
                return page.position, errors
        return None

    def render(self, step: int | str, *, errors: dict[str, list[str]] | None = None,
               push: str = "", problems: Sequence[str] = ()) -> HttpResponse:  # fmt: skip
        """Page ``step`` (a position, or REVIEW) with ``errors`` by field and
        ``problems`` that belong to no field; ``push`` is the URL an HTMX swap shows."""
        pages = self.pages(errors)
        page = None if step == REVIEW else pages[int(step) - 1]
        current = len(pages) + 1 if page is None else page.position
        context = {
            "wizard": self, "pages": pages, "page": page, "step": step, "context": self.context,
            "rows": review_rows(self.spec, self.draft.values, self.context) if page is None else [],
            "steps": [{"position": p.position, "title": p.title,
                       "state": "done" if p.position < current else
                       "current" if p.position == current else "todo"} for p in pages],
            "review_state": "current" if page is None else "todo",
            "action_url": self.step_url(step), "refresh_url": self.step_url(step),
            "problems": [*(page.errors if page else []), *problems],
            "last_page": page is not None and page.position == len(pages),
        }  # fmt: skip
        htmx = getattr(self.request, "htmx", None)
        partial = bool(htmx) and not htmx.history_restore_request
        response = render(self.request, f"{TEMPLATE}#wizard" if partial else TEMPLATE, context)
        if partial and push:
            push_url(response, push)
        return response
