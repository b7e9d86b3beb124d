"""The template form, ``/create/templates/<namespace>/<name>/``: one page per shown
``spec.parameters`` page (``?step=N``), then a review (``?step=review``), then Create.

Every answer is kept in the person's session as soon as a page is posted, so Back,
the stepper and a reload lose nothing; Next checks the page and shows each error
next to its field. Buttons post ``_action``: ``next``, ``back``, ``goto:<step>``,
``refresh`` (a field that decides which fields show changed), ``add:<list>``,
``remove:<list>:<row>``, ``create`` and ``reset``. An HTMX request gets the
``wizard`` partial and the new step's URL pushed; a plain one is redirected there.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from portal.http_methods import require_http_methods
from scaffolder import services
from scaffolder.errors import InputError, NotAllowedError, NotFoundError
from scaffolder.form_wizard import REVIEW, Wizard
from scaffolder.forms import FormSchemaError, read_page, submitted_secrets, submitted_values
from scaffolder.forms.rows import with_row_added, without_row
from scaffolder.parameters import ValuesInvalid
from scaffolder.template_entity import TemplateShapeError

__all__ = ["template_form"]

CHANGED = ("Some answers no longer pass the template (it may have changed since you "
           "started). Fix them below, then go on.")  # fmt: skip


def _unusable(request: HttpRequest, ref: str, reason: str) -> HttpResponse:
    """The clear error page for a template whose form cannot be shown."""
    return render(request, "scaffolder/form/template_error.html",
                  {"ref": ref, "reason": reason}, status=422)  # fmt: skip


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def template_form(request: HttpRequest, namespace: str, name: str) -> HttpResponse:
    """A template's form, page by page, its review and Create."""
    ref = f"template:{namespace}/{name}"
    try:
        entity = _template(ref)
        services.check_may_run(entity, request.user)
        wizard = Wizard.start(request, entity)
        return _post(request, wizard) if request.method == "POST" else _get(request, wizard)
    except (_Unusable, FormSchemaError) as exc:
        return _unusable(request, ref, str(exc))
    except NotAllowedError as exc:
        return render(request, "403.html", {"reason": str(exc)}, status=403)
    except NotFoundError:
        raise Http404(f"No template {ref}") from None


class _Unusable(Exception):
    """The template exists but cannot run: ``str()`` says why."""


def _template(ref: str) -> dict[str, Any]:
    """The Template entity ``ref`` names; Http404 if there is none, _Unusable if it
    breaks the Template schema."""
    try:
        return services.template_entity(ref)
    except (NotFoundError, InputError):
        raise Http404(f"No template {ref}") from None
    except TemplateShapeError as exc:
        raise _Unusable(f"The template is not valid: {exc}") from None


def _step(text: str | None, count: int) -> int | str:
    """``?step=`` as a page position (1..count) or REVIEW; anything else is page 1 (the
    review, for a template that asks for nothing)."""
    if text == REVIEW or count == 0:
        return REVIEW
    if text and text.isdigit() and 1 <= int(text) <= count:
        return int(text)
    return 1


def _go(wizard: Wizard, step: int | str, check: bool = False) -> HttpResponse:
    """Show ``step``: rendered and pushed for HTMX, else a redirect to its URL."""
    url = wizard.step_url(step, check)
    if wizard.request.htmx:
        errors = wizard.page_errors(wizard.pages()[int(step) - 1]) if check else None
        return wizard.render(step, errors=errors, push=url)
    return redirect(url)


def _get(request: HttpRequest, wizard: Wizard) -> HttpResponse:
    if "formData" in request.GET:
        return _prefill(request, wizard, request.GET["formData"])
    pages = wizard.pages()
    step = _step(request.GET.get("step"), len(pages))
    if step == REVIEW:
        failing = wizard.first_failing()
        if failing is not None:
            return _go(wizard, failing[0], check=True)
        return wizard.render(REVIEW)
    errors = wizard.page_errors(pages[int(step) - 1]) if request.GET.get("check") else None
    return wizard.render(step, errors=errors)


def _prefill(request: HttpRequest, wizard: Wizard, text: str) -> HttpResponse:
    """``?formData=<json>``: start the draft from those answers (as Backstage's "Start
    over" links do); JSON that does not parse is reported and the form starts as is."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        messages.error(request, f"The link's formData is not valid JSON ({exc}); the form "
                                "was not prefilled.")  # fmt: skip
        return redirect(wizard.step_url(1))
    if not isinstance(data, dict):
        messages.error(request, "The link's formData must be a JSON object, such as "
                                '{"name": "my-service"}; the form was not prefilled.')  # fmt: skip
        return redirect(wizard.step_url(1))
    wizard.draft.clear(request.session)
    wizard.draft.values = data
    wizard.save()
    messages.info(request, "The form was filled in from the link; check each page.")
    return redirect(wizard.step_url(1))


def _posted(request: HttpRequest) -> QueryDict:
    """The posted fields and files, as one QueryDict the widgets read from."""
    data = request.POST.copy()
    for name in request.FILES:
        data.setlist(name, request.FILES.getlist(name))
    return data


def _post(request: HttpRequest, wizard: Wizard) -> HttpResponse:
    action = request.POST.get("_action", "next")
    if action == "reset":
        wizard.draft.clear(request.session)
        messages.info(request, "Started over: every answer was cleared.")
        return _go(wizard, 1)
    pages = wizard.pages()
    step = _step(request.GET.get("step"), len(pages))
    target = _goto(action, len(pages))
    if step == REVIEW:
        if action == "create":
            return _create(request, wizard)
        return _go(wizard, target or len(pages))
    page = pages[int(step) - 1]
    data = _posted(request)
    if action.startswith("remove:"):
        key, _, index = action.removeprefix("remove:").rpartition(":")
        data = without_row(data, key, int(index)) if index.isdigit() else data
    result = read_page(wizard.spec, page.index, data, wizard.draft.values, wizard.context,
                       secrets=wizard.draft.secrets, emptied=wizard.draft.emptied)  # fmt: skip
    wizard.draft.update(result)
    if action.startswith("add:"):
        key = action.removeprefix("add:")
        wizard.draft.values = with_row_added(wizard.spec, page.index, wizard.draft.values, key,
                                             wizard.context, data)  # fmt: skip
    wizard.save()
    if action == "next":
        return _next(wizard, page.index, result.errors, int(step))
    if action == "back":
        return _go(wizard, max(int(step) - 1, 1))
    if target:
        return _go(wizard, min(target, len(wizard.pages())))
    if request.htmx:  # refresh, add, remove: the same page again, as it now is
        return wizard.render(step)
    return redirect(wizard.step_url(step))


def _goto(action: str, count: int) -> int | None:
    """The page a stepper button (``goto:<step>``) asks for, if it is one."""
    number = action.removeprefix("goto:")
    if action.startswith("goto:") and number.isdigit() and 1 <= int(number) <= count:
        return int(number)
    return None


def _next(wizard: Wizard, index: int, errors: dict[str, list[str]], step: int) -> HttpResponse:
    """After a page passes, the next shown page (or the review); else the same page
    with its errors and every answer kept."""
    if errors:
        return wizard.render(step, errors=errors)
    following = [page.position for page in wizard.pages() if page.index > index]
    if following:
        return _go(wizard, following[0])
    failing = wizard.first_failing()
    if failing is not None:
        return _go(wizard, failing[0], check=True)
    return _go(wizard, REVIEW)


def _create(request: HttpRequest, wizard: Wizard) -> HttpResponse:
    """Create the task from the draft and open its page; answers the template no
    longer accepts send the person back to the page that asks for them."""
    values = submitted_values(wizard.spec, wizard.draft.values, wizard.context)
    secrets = submitted_secrets(wizard.spec, values, wizard.draft.secrets, wizard.context)
    _template(wizard.ref)  # still there, still a valid template (else 404 or the error page)
    try:
        task = services.create_task(wizard.ref, values, secrets,
                                    services.Caller.for_user(request.user))
    except ValuesInvalid as exc:
        failing = wizard.first_failing()
        if failing is None:
            problems = [f"{e['property'].removeprefix('instance').lstrip('.') or 'The form'}: "
                        f"{e['message']}" for e in exc.errors]  # fmt: skip
            return wizard.render(REVIEW, problems=problems)
        step, errors = failing
        return wizard.render(step, errors=errors, problems=[CHANGED],
                             push=wizard.step_url(step, check=True))  # fmt: skip
    wizard.draft.clear(request.session)
    url = reverse("scaffolder:task", kwargs={"task_id": task.pk})
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
