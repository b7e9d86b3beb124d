"""What the template editor page shows, from a request: the YAML and its problems,
where a dry run's files come from, the form the template makes (read back from what
was posted, through the form engine), and a recorded dry run.

The views in ``editor_views`` decide what to do; this module only assembles.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, QueryDict
from django.urls import reverse

from catalog import services as catalog
from scaffolder.actions import all_actions
from scaffolder.editor import (
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_FILES,
    ParsedTemplate,
    entity_yaml,
    parse_template,
)
from scaffolder.editor_results import MAX_SHOWN_BYTES, RunView, file_view, run_view
from scaffolder.editor_store import read_bundle
from scaffolder.fields import FieldContext
from scaffolder.fields.context import field_context
from scaffolder.forms import FormSchemaError, form_pages, read_page, shown_pages
from scaffolder.forms.rows import with_row_added, without_row
from scaffolder.task_page import Line, output_refs

__all__ = ["EditorState", "Source", "editor_context", "loaded_state", "posted_state",
           "registered", "run_context", "run_state"]  # fmt: skip

#: Names of the editor's own inputs; a template's fields are named by property paths,
#: which never hold a colon.
YAML_FIELD, TEMPLATE_FIELD, UPLOAD_FIELD = "editor:yaml", "editor:template", "editor:upload"


@dataclass(frozen=True)
class Source:
    """Where a dry run's skeleton files come from: a catalog template's location, an
    uploaded folder, or nowhere (a pasted template sees no files)."""

    kind: str = "pasted"
    ref: str = ""
    upload: str = ""
    label: str = ""
    files: int = 0
    left_out: int = 0


@dataclass
class EditorState:
    """The editor as one request has it: the YAML (read), its source, a notice when
    the source is gone, and the form's answers with their errors."""

    yaml_text: str
    source: Source
    parsed: ParsedTemplate
    notice: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    emptied: set[str] = field(default_factory=set)
    form_error: str = ""


def registered(ref: str) -> dict[str, Any] | None:
    """The catalog's Template entity ``ref`` (checked or not: the editor is where a
    broken one gets fixed), or None."""
    entity = catalog.get_entity(ref) if ref else None
    return entity if entity and str(entity.get("kind", "")).lower() == "template" else None


def _source(request: HttpRequest, ref: str, upload: str) -> tuple[Source, str]:
    """The source the request names, and a notice if it is gone (a template removed
    from the catalog, an upload that expired); a gone source leaves a pasted one."""
    if upload:
        bundle = read_bundle(request.user, "upload", upload, paths=())
        if bundle is None:
            return Source(), "The uploaded folder has expired; upload it again to use its files."
        manifest = bundle[0]
        return Source("upload", upload=upload, label=manifest["name"] or "uploaded folder",
                      files=len(manifest["paths"]), left_out=manifest["left_out"]), ""  # fmt: skip
    if ref:
        entity = registered(ref)
        if entity is None:
            return Source(), f"{ref} is no longer in the catalog; its files cannot be used."
        metadata = entity["metadata"]
        return Source("registered", ref=ref, label=metadata.get("title") or metadata["name"]), ""
    return Source(), ""


def _parsed(yaml_text: str) -> ParsedTemplate:
    """``yaml_text`` read, steps checked against the actions installed here."""
    return parse_template(yaml_text, {action.id for action in all_actions()})


def _read_form(state: EditorState, data: QueryDict, context: FieldContext) -> None:
    """Read every shown page of the posted form into ``state`` (pages in order, so a
    page's ``when`` sees the answers of the pages before it), then apply a list
    button that was pressed (``_action``: ``add:<field>``, ``remove:<field>:<row>``),
    as the template form does."""
    spec, done = state.parsed.spec, set()
    action = data.get("_action", "")
    if action.startswith("remove:"):
        key, _, row = action.removeprefix("remove:").rpartition(":")
        data = without_row(data, key, int(row)) if row.isdigit() else data
    try:
        while waiting := [index for index, _ in shown_pages(spec, state.values)
                          if index not in done]:  # fmt: skip
            result = read_page(spec, waiting[0], data, state.values, context,
                               secrets=state.secrets, emptied=state.emptied)  # fmt: skip
            state.values, state.secrets = result.values, result.secrets
            state.emptied = result.emptied
            for path, messages in result.errors.items():
                state.errors.setdefault(path, []).extend(messages)
            done.add(waiting[0])
        key = action.removeprefix("add:")
        for index in sorted(done) if action.startswith("add:") else ():
            state.values = with_row_added(spec, index, state.values, key, context, data)
    except FormSchemaError as exc:
        state.form_error = str(exc)


def posted_state(request: HttpRequest) -> EditorState:
    """The editor as the posted form has it, the form read back through the engine."""
    source, notice = _source(request, request.POST.get(TEMPLATE_FIELD, "").strip(),
                             request.POST.get(UPLOAD_FIELD, "").strip())  # fmt: skip
    yaml_text = request.POST.get(YAML_FIELD, "")
    state = EditorState(yaml_text, source, _parsed(yaml_text), notice)
    if state.parsed.form_ready:
        _read_form(state, request.POST, field_context(request.user, source.ref))
    return state


def loaded_state(request: HttpRequest, ref: str = "", upload: str = "") -> EditorState:
    """The editor opened on the catalog template ``ref``, the uploaded folder
    ``upload``, or empty."""
    source, notice = _source(request, ref.strip(), upload.strip())
    yaml_text = ""
    if source.kind == "registered":
        yaml_text = entity_yaml(registered(source.ref) or {})
    elif source.kind == "upload":
        yaml_text = (read_bundle(request.user, "upload", upload, paths=()) or ({}, {}))[0]["yaml"]
    return EditorState(yaml_text, source, _parsed(yaml_text), notice)


def run_state(request: HttpRequest, manifest: Mapping[str, Any]) -> EditorState:
    """The editor as it was when the recorded run ``manifest`` started."""
    source, notice = _source(request, manifest["source"]["template"], manifest["source"]["upload"])
    return EditorState(manifest["yaml"], source, _parsed(manifest["yaml"]), notice,
                       values=dict(manifest["values"]))  # fmt: skip


def _shown_errors(state: EditorState, data: Mapping[str, Any] | None) -> dict[str, list[str]]:
    """The errors to show beside the fields: all of them after a dry run was asked for
    (``data`` None); while the person is still typing, only those of fields they
    filled in (an empty required field is not yet a mistake)."""
    if data is None:
        return state.errors
    return {path: messages for path, messages in state.errors.items()
            if path and str(data.get(path, "")).strip()}  # fmt: skip


def editor_context(request: HttpRequest, state: EditorState, *,
                   data: Mapping[str, Any] | None = None, keep_form: bool = False,
                   **extra: Any) -> dict[str, Any]:  # fmt: skip
    """Everything the editor page's parts need for ``state``; ``data`` is what was
    posted while typing (see ``_shown_errors``), None to show every error. With
    ``keep_form`` (an HTMX update of a page that shows a form) a YAML that makes no
    form leaves the form on the page as it is (``kept``), answers and all, instead of
    taking it away while someone is in the middle of an edit."""
    context = field_context(request.user, state.source.ref)
    pages, form_error = [], state.form_error
    if state.parsed.form_ready and not form_error:
        try:
            pages = form_pages(state.parsed.spec, state.values, context,
                               errors=_shown_errors(state, data),
                               emptied=state.emptied)  # fmt: skip
        except FormSchemaError as exc:
            form_error = str(exc)
    unusable = form_error or not state.parsed.form_ready
    return {
        "yaml_text": state.yaml_text, "parsed": state.parsed, "source": state.source,
        "notice": state.notice, "line_numbers": range(1, state.yaml_text.count("\n") + 2),
        "error_lines": set(state.parsed.lines), "form_pages": pages, "form_error": form_error,
        "kept": bool(keep_form and unusable and state.yaml_text.strip()),
        "context": context, "choices": _template_choices(),
        "limits": {"files": MAX_UPLOAD_FILES, "bytes": MAX_UPLOAD_BYTES}, **extra,
    }  # fmt: skip


def _template_choices() -> list[tuple[str, str]]:
    """(ref, label) of every catalog template, by label."""
    choices = []
    for entity in catalog.entities_of_kind("template"):
        metadata = entity.get("metadata") or {}
        namespace, name = metadata.get("namespace") or "default", metadata.get("name", "")
        label = metadata.get("title") or name
        if namespace != "default":
            label = f"{label} ({namespace})"
        choices.append((f"template:{namespace}/{name}".lower(), str(label)))
    return sorted(choices, key=lambda choice: choice[1].lower())


def run_context(key: str, manifest: dict[str, Any], selected: str,
                data: bytes | None) -> dict[str, Any]:  # fmt: skip
    """The recorded run ``key`` as the page shows it, with the file ``selected`` (its
    kept contents ``data``)."""
    refs = output_refs(manifest["output"] or {})
    present = set(refs) - catalog.missing_refs(refs) if refs else set()
    run = run_view(manifest, present)
    entry = next((item for item in manifest["files"] if item["path"] == selected), None)
    return {
        "run": run, "run_key": key, "selected": selected,
        "run_url": reverse("scaffolder:editor_run", kwargs={"run": key}),
        "file": file_view(entry, data) if entry else None, "max_shown": MAX_SHOWN_BYTES,
        "log_lines": _log_lines(run), "output_texts": [
            (text, catalog.markdown_html(text.content)) for text in run.outcome.texts],
    }  # fmt: skip


def _log_lines(run: RunView) -> list[tuple[Line, str, int]]:
    """Each log line with its step's name, and (on a step's first line) the step's
    number, which the step list links to."""
    names = {step.id: (number, step.name) for number, step in enumerate(run.steps, start=1)}
    seen: set[str] = set()
    lines = []
    for line in run.lines:
        number, name = names.get(line.step_id, (0, ""))
        first = bool(number) and line.step_id not in seen
        seen.add(line.step_id)
        lines.append((line, name, number if first else 0))
    return lines
