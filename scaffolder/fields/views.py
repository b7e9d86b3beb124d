"""The pickers' endpoints: the type-ahead suggestions of a field and a re-rendered
widget (RepoUrlPicker's group after another host is chosen).

Both are told which field they serve (template ref, page index and property path in
the query) and read its options from the stored template: a browser cannot widen a
field's ``catalogFilter`` or ``allowedHosts`` by editing a request. An unknown
template, page or property, or a field whose extension has no such endpoint, is a
404. Both answer with an HTML fragment, which HTMX swaps in.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from portal.http_methods import require_GET
from scaffolder.fields import field_extension
from scaffolder.fields.base import Field, FieldExtension
from scaffolder.fields.context import field_context
from scaffolder.fields.listbox import NAME_PARAM, PAGE_PARAM, PATH_PARAM, TEMPLATE_PARAM
from scaffolder.fields.lookup import UnknownField, template_field

__all__ = ["suggestions", "widget"]


def _requested(request: HttpRequest, capability: str) -> tuple[Field, Any]:
    """The field the query names and its extension, which must offer ``capability``
    (a method name); Http404 otherwise."""
    template_ref = request.GET.get(TEMPLATE_PARAM, "")
    try:
        page = int(request.GET.get(PAGE_PARAM, ""))
    except ValueError:
        raise Http404("No such field: the page must be a number") from None
    try:
        field = template_field(template_ref, page, request.GET.getlist(PATH_PARAM),
                               request.GET.get(NAME_PARAM, ""))  # fmt: skip
    except UnknownField as exc:
        raise Http404(f"No such field: {exc}") from None
    name = field.ui.get("ui:field")
    extension: FieldExtension | None = field_extension(name) if isinstance(name, str) else None
    if extension is None or not callable(getattr(extension, capability, None)):
        raise Http404(f"The field {'.'.join(field.path)} has no {capability}")
    return field, extension


@require_GET
def suggestions(request: HttpRequest) -> HttpResponse:
    """The suggestion list for what was typed into a picker (``_input`` names the
    input whose text to complete)."""
    field, extension = _requested(request, "listbox")
    context = field_context(request.user, request.GET[TEMPLATE_PARAM])
    text = extension.search_text(request.GET, field)
    listbox = extension.listbox(text, field, context)
    return render(request, "scaffolder/fields/_listbox.html", {"listbox": listbox})


@require_GET
def widget(request: HttpRequest) -> HttpResponse:
    """A picker's widget for the values in the query (read as a form post would be),
    so a choice that changes which inputs apply re-renders the group."""
    field, extension = _requested(request, "picker_view")
    context = field_context(request.user, request.GET[TEMPLATE_PARAM])
    field.value = extension.read(request.GET, field)
    return render(request, f"{extension.template}#widget",
                  {"field": field, "extension": extension, "context": context})  # fmt: skip
