"""Register an existing component (the locations list is ``locations.py``).

Registering follows Backstage's catalog-import page, in three steps on one page:
analyze a URL (nothing is stored), review what it would add and what is wrong with
it, import. Each step is a plain POST that also works without JavaScript; with HTMX
the same view returns only the result partial.

Every signed-in user may register, as in Backstage.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml
from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers

from catalog import services
from catalog.config import catalog_settings
from catalog.ingestion.tree import Problem
from catalog.model.errors import CatalogError
from catalog.models import Entity, Location, LocationSource
from catalog.readers.file import confined_path
from catalog.summaries import EntitySummary, summarize
from portal.http_methods import require_http_methods

__all__ = ["register"]

#: Rows shown of one result (entities, problems); the rest are counted, not listed.
MAX_ROWS = 500
MAX_TARGET = 2000


def parse_location(text: str, *, file_roots: tuple[Any, ...]) -> tuple[str, str]:
    """``(type, target)`` for what someone pasted: an http(s) URL, a location ref such
    as ``url:https://...`` or ``git:<repo>#<ref>:<path>``, or an absolute path when
    the portal reads local files. Raises ValueError with a message to show."""
    text = text.strip()
    if not text:
        raise ValueError("Enter the URL of a catalog-info.yaml file or of a repository.")
    if any(ord(char) < 32 or ord(char) == 127 for char in text):
        raise ValueError("The location contains control characters; paste a single URL.")
    prefix, _, rest = text.partition(":")
    prefix = prefix.lower()
    if prefix in ("http", "https"):
        location_type, target = "url", text
    elif prefix in ("url", "git") and rest:
        location_type, target = prefix, rest.strip()
    elif prefix == "file" and rest:
        location_type, target = "file", _file_url_path(rest.strip())
    elif text.startswith(("/", "~")):
        location_type, target = "file", text
    else:
        raise ValueError("Enter an http(s) URL of a catalog-info.yaml file or of a repository "
                         "(or url:<URL>, git:<repository>#<ref>:<path>).")  # fmt: skip
    if location_type == "file":
        target = _readable_file(target, file_roots)
    return location_type, target


def _file_url_path(rest: str) -> str:
    """The path of ``file:/x``, ``file:///x`` or ``file://localhost/x``."""
    if not rest.startswith("//"):
        return rest
    parts = urlsplit("file:" + rest)
    if parts.netloc not in ("", "localhost"):
        raise ValueError("Only local file:// paths can be registered.")
    return unquote(parts.path)


def _readable_file(target: str, file_roots: tuple[Any, ...]) -> str:
    """``target``, as given, if the portal may read it: the check every file location
    passes (``confined_path``), before anything looks at the path, so a refused path
    reveals nothing about what exists outside the allowed folders."""
    try:
        confined_path(target, file_roots)
    except CatalogError as exc:
        raise ValueError(str(exc)) from None
    return target


class AnalyzeForm(forms.Form):
    """Step 1: what to analyze."""

    target = forms.CharField(max_length=MAX_TARGET, strip=True, label="URL", error_messages={
        "required": "Enter the URL of a catalog-info.yaml file or of a repository."})  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "target" in data:
            roots = catalog_settings().policy.file_roots
            try:
                data["type"], data["target"] = parse_location(data["target"], file_roots=roots)
            except ValueError as exc:
                self.add_error("target", str(exc))
        return data


class ImportForm(forms.Form):
    """Step 3: the location the analysis settled on (hidden fields)."""

    type = forms.ChoiceField(choices=[(t, t) for t in services.LOCATION_TYPES])
    target = forms.CharField(max_length=MAX_TARGET, strip=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("type") == "file" and "target" in data:
            try:
                data["target"] = _readable_file(data["target"],
                                                catalog_settings().policy.file_roots)  # fmt: skip
            except ValueError as exc:
                self.add_error("target", str(exc))
        return data


@dataclass
class PreviewRow:
    """One entity of an analysis: what it is and whether the catalog already has it."""

    summary: EntitySummary
    file: str
    taken_by: str = ""


@dataclass
class AnalysisView:
    """What the review step shows."""

    location_type: str
    target: str
    rows: list[PreviewRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    proposed_yaml: str = ""
    registered: Location | None = None
    hidden_rows: int = 0

    @property
    def location_ref(self) -> str:
        return f"{self.location_type}:{self.target}"

    @property
    def new_rows(self) -> int:
        return sum(1 for row in self.rows if not row.taken_by)

    @property
    def can_import(self) -> bool:
        """Something new to add, from a location not registered yet."""
        return self.new_rows > 0 and self.registered is None


def _analysis_view(analysis: services.Analysis) -> AnalysisView:
    """The analysis, with the owner of each ref already in the catalog (one query per
    thousand refs) and the proposed catalog file written out as YAML."""
    view = AnalysisView(analysis.location_type, analysis.target, problems=analysis.problems)
    view.registered = services.find_location(analysis.location_type, analysis.target)
    taken = services.provided_by([e.ref for e in analysis.entities[:MAX_ROWS]])
    for emitted in analysis.entities[:MAX_ROWS]:
        taken_by = taken.get(emitted.ref, "")
        view.rows.append(PreviewRow(summarize(emitted.entity), emitted.location_key, taken_by))
    view.hidden_rows = max(0, len(analysis.entities) - MAX_ROWS)
    if analysis.proposed:
        view.proposed_yaml = yaml.safe_dump_all(analysis.proposed, sort_keys=False)
    return view


def _respond(request: HttpRequest, context: dict[str, Any], partial: str) -> HttpResponse:
    """The result partial for HTMX, else the whole page with the result in place."""
    if request.htmx:
        return render(request, f"catalog/register.html#{partial}", context)
    context.setdefault("form", AnalyzeForm())
    return render(request, "catalog/register.html", context)


def _first_error(form: forms.Form) -> str:
    errors = [message for field_errors in form.errors.values() for message in field_errors]
    return errors[0] if errors else "The form is incomplete."


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def register(request: HttpRequest) -> HttpResponse:
    """The register page (GET); analyze (POST ``step=analyze``) or import
    (POST ``step=import``)."""
    if request.method == "GET":
        return render(request, "catalog/register.html", {"form": AnalyzeForm()})
    if request.POST.get("step") == "import":
        return _import(request)
    return _analyze(request)


def _analyze(request: HttpRequest) -> HttpResponse:
    """Step 2: read the location without storing anything, and show what it holds."""
    form = AnalyzeForm(request.POST)
    context: dict[str, Any] = {"form": form, "step": "analyze"}
    if not form.is_valid():
        context["error"] = _first_error(form)
        return _respond(request, context, "analysis")
    try:
        analysis = services.analyze_location(form.cleaned_data["type"],
                                             form.cleaned_data["target"])  # fmt: skip
    except CatalogError as exc:
        context["error"] = str(exc)
    else:
        context["analysis"] = _analysis_view(analysis)
    return _respond(request, context, "analysis")


def _import(request: HttpRequest) -> HttpResponse:
    """Step 3: register the analyzed location, refusing (and storing nothing) when it
    is already registered or cannot be read now."""
    form = ImportForm(request.POST)
    context: dict[str, Any] = {"step": "import"}
    if not form.is_valid():
        context["error"] = f"{_first_error(form)} Analyze the URL again."
        return _respond(request, context, "analysis")
    location_type, target = form.cleaned_data["type"], form.cleaned_data["target"]
    context["form"] = AnalyzeForm(initial={"target": f"{location_type}:{target}"})
    existing = services.find_location(location_type, target)
    if existing is not None:
        context["error"] = f"{existing.ref} is already registered."
        context["existing"] = existing
        return _respond(request, context, "analysis")
    try:
        # Vetted first: a location that cannot be read or brings nothing is not stored.
        location, summary = services.register_location(
            location_type, target, source=LocationSource.API, vet=True)  # fmt: skip
    except services.LocationError as exc:
        context["error"] = str(exc)
        if exc.name == "ConflictError":
            context["existing"] = services.find_location(location_type, target)
        return _respond(request, context, "analysis")
    except CatalogError as exc:
        context["error"] = str(exc)
        return _respond(request, context, "analysis")
    context.update(_imported(location, summary.problems if summary else []))
    return _respond(request, context, "imported")


def _imported(location: Location, problems: list[Problem]) -> dict[str, Any]:
    """The entities the new location provides (a count and one page of rows), for the
    result step."""
    rows = Entity.objects.filter(location=location).exclude(parent_ref="").order_by("ref")
    count = rows.count()
    summaries = [summarize(json.loads(final or processed)) for final, processed
                 in rows.values_list("final_json", "processed_json")[:MAX_ROWS]]  # fmt: skip
    return {"location": location, "added": summaries, "added_count": count,
            "hidden_rows": max(0, count - MAX_ROWS), "problems": problems}  # fmt: skip
