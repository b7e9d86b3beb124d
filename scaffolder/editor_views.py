"""The template editor (``/create/edit/``): a template's YAML beside the form it makes,
its problems with their lines, and dry runs with the files they would create.

A template comes from the catalog (``?template=<ref>``: its skeleton is read from its
catalog location, as a task's would be), from an uploaded folder (``?upload=<key>``:
its files are kept for later previews and runs) or is pasted. The page is one form:
the YAML and the source travel with every request, so editing re-renders the form
preview (HTMX, debounced) and nothing typed is lost when something is refused.

A dry run publishes and registers nothing. Its record is kept (``editor_store``) under
``/create/edit/runs/<key>/``, so each file is opened by a link (an HTMX swap of the
file browser, the URL following) without running the template again, and reloading
shows the same run.

POST views read their own body (``_guarded``): an upload is capped while it is read,
and a request too large for Django gets the editor back with the reason, not a bare
400 page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url, reswap, retarget

from portal.http_methods import require_GET, require_http_methods, require_POST
from scaffolder.dry_run import dry_run as dry_run_request
from scaffolder.dry_run import dry_run_template
from scaffolder.editor import (
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_FILES,
    MAX_YAML_BYTES,
    UploadError,
    dry_run_body,
    template_directory,
)
from scaffolder.editor_page import (
    EditorState,
    editor_context,
    loaded_state,
    posted_state,
    registered,
    run_context,
    run_state,
)
from scaffolder.editor_results import default_file, run_record
from scaffolder.editor_store import read_bundle, save_bundle
from scaffolder.errors import StepError
from scaffolder.parameters import ValuesInvalid
from scaffolder.runner import with_step_defaults
from scaffolder.services import Caller, check_actions, template_info

__all__ = ["dry_run", "editor", "run_page", "upload"]

PAGE = "scaffolder/editor.html"


def _partial(request: HttpRequest) -> bool:
    """Whether to answer with a fragment: an HTMX request, except a history restore
    (the browser went back to a URL htmx had no copy of, and needs the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


class _CappedUpload(FileUploadHandler):
    """Stops reading an upload once its files pass ``MAX_UPLOAD_BYTES``, so an
    oversized folder is refused before it fills a disk."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > MAX_UPLOAD_BYTES:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _guarded(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """``view`` with the upload cap installed before anything reads the body (so CSRF
    is checked here rather than by the middleware, as Django documents for upload
    handlers) and with a body Django refuses answered by the editor and its reason."""
    protected = csrf_protect(view)

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.upload_handlers.insert(0, _CappedUpload(request))
        try:
            return protected(request, *args, **kwargs)
        except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent) as exc:
            notice = _too_big(exc)
        context = editor_context(request, loaded_state(request), notice=notice)
        if not _partial(request):
            return render(request, PAGE, context, status=413)
        # htmx swaps only 2xx answers; whatever part asked, the whole editor answers
        response = render(request, f"{PAGE}#workspace", context)
        return reswap(retarget(response, "#editor-workspace"), "outerHTML")

    return csrf_exempt(guarded)


def _too_big(exc: Exception) -> str:
    """What to tell someone whose request Django refused as too large."""
    if isinstance(exc, TooManyFilesSent):
        return (f"That folder has more than {MAX_UPLOAD_FILES} files; the editor takes a "
                "template's own folder (template.yaml and its skeleton), without build "
                "output.")  # fmt: skip
    return (f"That was more than the editor takes: a template of up to "
            f"{filesizeformat(MAX_YAML_BYTES)}, or a folder of up to "
            f"{filesizeformat(MAX_UPLOAD_BYTES)}.")  # fmt: skip


def _upload_capped(request: HttpRequest) -> bool:
    """Whether the upload cap stopped reading this request's files."""
    return any(isinstance(handler, _CappedUpload) and handler.exceeded
               for handler in request.upload_handlers)  # fmt: skip


@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
@_guarded
def editor(request: HttpRequest) -> HttpResponse:
    """The editor. GET loads a catalog template (``?template=``), an uploaded folder
    (``?upload=``) or nothing; POST re-reads the edited YAML and form (the preview an
    HTMX request gets, or the whole page without JavaScript)."""
    if request.method == "GET":
        template = f"{PAGE}#workspace" if _partial(request) else PAGE
        asked = request.GET
        state = loaded_state(request, asked.get("template", ""), asked.get("upload", ""))
        return render(request, template, editor_context(request, state))
    if not _partial(request):
        return render(request, PAGE, editor_context(request, posted_state(request),
                                                    data=request.POST))  # fmt: skip
    context = editor_context(request, posted_state(request), data=request.POST, keep_form=True)
    if context["kept"]:  # only the problems and the button change; the form stays
        return reswap(render(request, f"{PAGE}#preview-update", context), "none")
    return render(request, f"{PAGE}#preview", context)


@require_POST
@vary_on_headers("HX-Request")
@_guarded
def upload(request: HttpRequest) -> HttpResponse:
    """Take a template's folder (the files with their paths, which the page's script
    reads from the chosen folder) and open it in the editor; refused with the reason,
    and the editor as it was, if the folder breaks a limit or holds no template."""
    template = f"{PAGE}#workspace" if _partial(request) else PAGE
    try:
        folder = template_directory(_uploaded_files(request))
    except UploadError as exc:
        context = editor_context(request, posted_state(request), data=request.POST,
                                 upload_error=str(exc))  # fmt: skip
        return render(request, template, context)
    manifest = {"name": folder.name, "yaml": folder.yaml_text, "left_out": folder.left_out,
                "paths": [path for path, _ in folder.files]}  # fmt: skip
    key = save_bundle(request.user, "upload", manifest, dict(folder.files))
    url = f"{reverse('scaffolder:editor')}?upload={key}"
    if not _partial(request):
        return redirect(url)
    state = loaded_state(request, upload=key)
    return push_url(render(request, template, editor_context(request, state)), url)


def _uploaded_files(request: HttpRequest) -> list[tuple[str, bytes]]:
    """The posted files with their paths inside the chosen folder."""
    files, paths = request.FILES.getlist("files"), request.POST.getlist("paths")
    if _upload_capped(request):  # only known once the body has been read
        raise UploadError(f"The folder's files add up to more than "
                          f"{filesizeformat(MAX_UPLOAD_BYTES)}, the most the editor "
                          "takes.")  # fmt: skip
    if files and not paths:
        raise UploadError("The browser sent the files without their paths in the folder; "
                          "uploading a folder needs JavaScript switched on.")  # fmt: skip
    if len(files) != len(paths):
        raise UploadError(f"The browser sent {len(files)} files but {len(paths)} paths; "
                          "choose the folder again.")  # fmt: skip
    return [(path, file.read()) for path, file in zip(paths, files, strict=True)]


def _execute(request: HttpRequest, state: EditorState) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Dry-run the editor's template with its source's files and the form's answers;
    the run's record (a failed run is recorded too, with its log up to the failure).
    ValuesInvalid if the answers do not pass the template's pages."""
    entity, source = state.parsed.entity or {}, state.source
    user = Caller.for_user(request.user).template_user()
    log: list[dict[str, Any]] = []

    def emit(body: dict[str, Any]) -> None:
        log.append({"body": dict(body), "at": timezone.now().isoformat()})

    try:
        check_actions(entity, request.user)
        if source.kind == "registered":
            info = replace(template_info(registered(source.ref) or {"metadata": {}}),
                           metadata=entity["metadata"])  # fmt: skip
            answer = dry_run_template(entity, info, state.values, state.secrets, user, emit)
        else:
            bundle = read_bundle(request.user, "upload", source.upload) if source.upload else None
            files = sorted((bundle or ({}, {}))[1].items())
            answer = dry_run_request(dry_run_body(entity, state.yaml_text, state.values,
                                                  state.secrets, files), user, emit)  # fmt: skip
    except ValuesInvalid:
        raise
    except Exception as exc:  # an action's own failure ends the run, as in the dry-run API
        name = exc.name if isinstance(exc, StepError) else type(exc).__name__
        steps = with_step_defaults(entity["spec"]["steps"])
        return run_record(steps, log, error=(name, str(exc) or name))
    return run_record(answer["steps"], log, output=answer["output"],
                      contents=answer["directoryContents"])  # fmt: skip


def _refusal(state: EditorState) -> list[str]:
    """Why the editor's template cannot be dry-run as it stands (nothing if it can)."""
    if not state.parsed.runnable:
        return ["Fix the problems listed under the form first."]
    if state.form_error:
        return [f"The form cannot be read: {state.form_error}"]
    if state.errors:
        count = sum(len(messages) for messages in state.errors.values())
        return [
            f"The form has {count} problem{'s' if count != 1 else ''}; they are marked "
            "beside its fields."
        ]
    return []


@require_POST
@vary_on_headers("HX-Request")
@_guarded
def dry_run(request: HttpRequest) -> HttpResponse:
    """Dry-run the template as the form holds it (publishing and registering nothing),
    keep the record and show it: a redirect to the run's page, or for HTMX the result
    with the URL following. A template with problems, or answers its pages refuse, is
    not run; the editor says why beside the form."""
    state = posted_state(request)
    template = f"{PAGE}#dry-run-response" if _partial(request) else PAGE
    refusal = _refusal(state)
    if not refusal:
        try:
            manifest, contents = _execute(request, state)
        except ValuesInvalid as exc:
            refusal = [error["stack"].removeprefix("instance.") for error in exc.errors]
    if refusal:
        context = editor_context(request, state, keep_form=_partial(request), refusal=refusal)
        return render(request, template, context)
    manifest.update(
        yaml=state.yaml_text,
        values=state.values,
        source={"template": state.source.ref, "upload": state.source.upload},
    )
    key = save_bundle(request.user, "run", manifest, contents)
    url = reverse("scaffolder:editor_run", kwargs={"run": key})
    if not _partial(request):
        return redirect(url)
    selected = default_file(manifest["files"])
    context = editor_context(request, state, **run_context(key, manifest, selected,
                                                           contents.get(selected)))  # fmt: skip
    return push_url(render(request, template, context), url)


@require_GET
@vary_on_headers("HX-Request")
def run_page(request: HttpRequest, run: str) -> HttpResponse:
    """A recorded dry run in the editor, with one of its files open (``?file=``, else
    the first); an HTMX request gets only the file browser. A run that expired or is
    someone else's is not found, and so is a file the run did not create."""
    bundle = read_bundle(request.user, "run", run, paths=())
    if bundle is None:
        return render(request, "scaffolder/editor_run_missing.html", status=404)
    manifest = bundle[0]
    asked = request.GET.get("file", "")
    selected = asked or default_file(manifest["files"])
    known = any(item["path"] == selected for item in manifest["files"])
    data = None
    if known:
        kept = read_bundle(request.user, "run", run, paths=[selected]) or ({}, {})
        data = kept[1].get(selected)
    context = run_context(run, manifest, selected if known else "", data)
    status = 404 if asked and not known else 200
    if asked and not known:
        context["file_missing"] = asked
    if _partial(request):
        return render(request, f"{PAGE}#files", context, status=status)
    state = run_state(request, manifest)
    return render(request, PAGE, editor_context(request, state, **context), status=status)
