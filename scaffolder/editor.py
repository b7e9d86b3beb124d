"""The template editor's checks, free of Django: what is wrong with a pasted
``template.yaml`` and on which line, and which folder an upload holds.

The editor shows every problem at once, each at the line it is on, so an author fixes
a template without running it to find the next mistake. The YAML goes through the
catalog's bounded loader (``parse_documents``), so a pasted file is held to the same
limits as a catalog file; its syntax errors carry their line. Problems found in the
loaded values (not a Template, a step without ``action``, a page of
``spec.parameters`` that is not a JSON Schema) are JSON paths; the line each one is
on comes from the node graph of the same text, composed again once it is known to be
valid and within the limits (composing builds no values and expands no aliases).

What a dry run answers is turned into pages by ``scaffolder.editor_results``.
"""

from __future__ import annotations

import base64
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from jsonschema import Draft7Validator

from catalog.model.errors import YamlError
from catalog.model.yaml_docs import YamlLimits, parse_documents
from scaffolder.template_entity import shape_errors

__all__ = [
    "API_VERSION",
    "MAX_UPLOAD_BYTES",
    "MAX_UPLOAD_FILES",
    "MAX_YAML_BYTES",
    "ParsedTemplate",
    "Problem",
    "TemplateDirectory",
    "UploadError",
    "dry_run_body",
    "entity_yaml",
    "parse_template",
    "pointer",
    "template_directory",
]

API_VERSION = "scaffolder.backstage.io/v1beta3"
#: A template is a page or two of YAML; a megabyte is a mistake (a pasted log).
MAX_YAML_BYTES = 512 * 1024
#: One template and its skeleton; Django refuses more than 100 files per request anyway.
MAX_UPLOAD_FILES = 100
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
#: Folders an upload leaves out: version control and installed dependencies are no
#: part of a template, and would use up the file limit.
IGNORED_FOLDERS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__"})
TEMPLATE_FILES = ("template.yaml", "template.yml")

_LIMITS = YamlLimits(max_bytes=MAX_YAML_BYTES, max_documents=20)
_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SCHEMA_CHECKER = Draft7Validator(Draft7Validator.META_SCHEMA,
                                  format_checker=Draft7Validator.FORMAT_CHECKER)  # fmt: skip
_JSON_TYPES = "string, number, integer, boolean, object, array or null"

JsonPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the template: what, where in it (``path``, JSON keys and
    indexes; empty for the whole text) and its 1-based line (None if unplaced)."""

    message: str
    line: int | None = None
    path: JsonPath = ()

    @property
    def where(self) -> str:
        """The path as a JSON pointer (``/spec/steps/0/action``), as Backstage's
        messages name places."""
        return pointer(self.path)


@dataclass(frozen=True)
class ParsedTemplate:
    """The editor's YAML, read: the entity when the text is one YAML mapping (even a
    wrong one, so the form can still be shown), every problem in line order, and
    whether ``spec.parameters`` is sound enough to render as a form."""

    entity: dict[str, Any] | None
    problems: tuple[Problem, ...]
    form_ready: bool = False

    @property
    def runnable(self) -> bool:
        """A dry run may start: a Template with nothing wrong in it."""
        return self.entity is not None and not self.problems

    @property
    def spec(self) -> dict[str, Any]:
        """``spec`` of the entity ({} when there is none)."""
        spec = (self.entity or {}).get("spec")
        return spec if isinstance(spec, dict) else {}

    @property
    def lines(self) -> list[int]:
        """The lines that have a problem, for the editor's gutter."""
        return sorted({problem.line for problem in self.problems if problem.line})


class _Dumper(yaml.SafeDumper):
    """YAML as template authors write it: lists indented under their key, text with
    line breaks as ``|`` blocks, long expressions on one line."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    """Text with line breaks as a ``|`` block, as descriptions are written."""
    return dumper.represent_scalar("tag:yaml.org,2002:str", value,
                                   style="|" if "\n" in value else None)  # fmt: skip


_Dumper.add_representer(str, _text)
#: What the catalog adds to an entity it serves; no part of the template as written.
_SERVED_KEYS = ("relations", "status")
_SERVED_METADATA = ("uid", "etag", "generation")


def entity_yaml(entity: Mapping[str, Any]) -> str:
    """A catalog entity as the YAML its author would have written: without what the
    catalog adds (relations, status, uid, etag, generation)."""
    authored = {key: value for key, value in entity.items() if key not in _SERVED_KEYS}
    if isinstance(authored.get("metadata"), Mapping):
        authored["metadata"] = {key: value for key, value in authored["metadata"].items()
                                if key not in _SERVED_METADATA}  # fmt: skip
    return yaml.dump(authored, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=4096)


def pointer(path: Sequence[str | int]) -> str:
    """``("spec", "steps", 0)`` as ``/spec/steps/0`` (RFC 6901, ``~`` and ``/`` escaped)."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def parse_template(text: str, known_actions: Collection[str] | None = None) -> ParsedTemplate:
    """Read the editor's YAML as one Template entity and list what is wrong with it:
    YAML syntax and limits, the envelope (apiVersion, kind, metadata.name), Backstage's
    Template schema (``check_template``), pages of ``spec.parameters`` that are not
    draft-07 JSON Schemas, and (given ``known_actions``) steps naming no installed
    action."""
    if not text.strip():
        return ParsedTemplate(None, (Problem("The editor is empty: choose a registered "
                                             "template, upload a folder or paste a "
                                             "template.yaml."),))  # fmt: skip
    try:
        documents = parse_documents(text, source="template.yaml", limits=_LIMITS)
    except YamlError as exc:
        return ParsedTemplate(None, (Problem(f"YAML syntax: {exc.detail}", exc.line),))
    roots = list(yaml.compose_all(text, Loader=_Loader))
    if not documents:
        return ParsedTemplate(None, (Problem("The YAML holds no document."),))
    if len(documents) > 1:
        second = roots[documents[1][0]]
        return ParsedTemplate(None, (Problem(
            f"The YAML holds {len(documents)} documents; the editor takes one Template "
            "(the second starts here).", second.start_mark.line + 1),))  # fmt: skip
    index, entity = documents[0]
    root = roots[index]
    if not isinstance(entity, dict):
        return ParsedTemplate(None, (Problem(
            "A template is a YAML mapping with apiVersion, kind, metadata and spec; this is "
            f"a {_type_name(entity)}.", root.start_mark.line + 1),))  # fmt: skip
    kind, metadata = _kind_problems(entity), _metadata_problems(entity)
    found, parameters = kind + metadata, []
    if not kind:  # a Component or a v1beta2 template: its spec means something else
        parameters = _parameter_problems(entity.get("spec"))
        found += [*_shape_problems(entity), *parameters, *_action_problems(entity, known_actions)]
    problems = sorted({Problem(message, _line(root, path), path) for message, path in found},
                      key=lambda p: (p.line or 0, str(p.path), p.message))  # fmt: skip
    form_ready = not kind and not parameters and isinstance(entity.get("spec"), dict)
    return ParsedTemplate(entity, tuple(problems), form_ready)


def _type_name(value: Any) -> str:
    """A YAML value's kind as an author would name it."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    return "number" if isinstance(value, (int, float)) else type(value).__name__.lower()


def _kind_problems(entity: Mapping[str, Any]) -> list[tuple[str, JsonPath]]:
    """apiVersion and kind: without the right ones nothing else is worth checking."""
    problems: list[tuple[str, JsonPath]] = []
    for key, expected in (("apiVersion", API_VERSION), ("kind", "Template")):
        if entity.get(key) != expected:
            problems.append((f"{key} must be {expected}, not {entity[key]!r}", (key,))
                            if key in entity else (f"{key} is missing: it must be {expected}", ())
                            )  # fmt: skip
    return problems


def _metadata_problems(entity: Mapping[str, Any]) -> list[tuple[str, JsonPath]]:
    """What the catalog requires of any entity's metadata: a name."""
    metadata = entity.get("metadata")
    if not isinstance(metadata, dict):
        return [("metadata must be a mapping with at least a name",
                 ("metadata",) if "metadata" in entity else ())]  # fmt: skip
    if not isinstance(metadata.get("name"), str) or not metadata["name"].strip():
        return [("metadata.name is required: the template's name, such as my-service-template",
                 ("metadata", "name") if "name" in metadata else ("metadata",))]  # fmt: skip
    return []


def _shape_problems(entity: Mapping[str, Any]) -> list[tuple[str, JsonPath]]:
    """Backstage's Template schema, worded as Backstage words it, minus the path the
    editor shows beside each message anyway."""
    return [(str(error).removeprefix(pointer(error.path)).strip(), error.path)
            for error in shape_errors(entity)]  # fmt: skip


def _pages(parameters: Any) -> list[tuple[JsonPath, Any]]:
    """The pages of ``spec.parameters`` with their paths (an object is one page)."""
    if isinstance(parameters, list):
        return [(("spec", "parameters", index), page) for index, page in enumerate(parameters)]
    return [(("spec", "parameters"), parameters)]


def _parameter_problems(spec: Any) -> list[tuple[str, JsonPath]]:
    """Pages of ``spec.parameters`` that are not draft-07 JSON Schemas (a misspelt
    ``type``, a ``required`` that is not a list, a ``pattern`` that is no regex)."""
    if not isinstance(spec, dict) or spec.get("parameters") is None:
        return []
    parameters = spec["parameters"]
    if not isinstance(parameters, (dict, list)):
        return [("spec.parameters must be a mapping (one form page) or a list of pages",
                 ("spec", "parameters"))]  # fmt: skip
    problems: list[tuple[str, JsonPath]] = []
    for base, page in _pages(parameters):
        if not isinstance(page, dict):
            problems.append(("A form page must be a mapping: a JSON Schema with title and "
                             "properties", base))  # fmt: skip
            continue
        for error in _SCHEMA_CHECKER.iter_errors(page):
            problems.append((_schema_message(error), (*base, *error.absolute_path)))
    return problems


def _schema_message(error: Any) -> str:
    """jsonschema's complaint about a schema, said for the common slips."""
    path = list(error.absolute_path)
    if path and path[-1] == "type" and error.validator == "anyOf":
        return f"{error.instance!r} is not a JSON Schema type; use {_JSON_TYPES}"
    if error.validator == "format" and error.validator_value == "regex":
        return f"{error.instance!r} is not a valid regular expression"
    return error.message


def _action_problems(entity: Mapping[str, Any],
                     known: Collection[str] | None) -> list[tuple[str, JsonPath]]:  # fmt: skip
    """Steps naming an action nobody installed (Backstage only finds out when the run
    reaches the step)."""
    spec = entity.get("spec")
    steps = spec.get("steps") if isinstance(spec, dict) else None
    if known is None or not isinstance(steps, list):
        return []
    return [(f"No installed action is called {step['action']!r}; the Actions page lists "
             "those there are", ("spec", "steps", index, "action"))
            for index, step in enumerate(steps)
            if isinstance(step, dict) and isinstance(step.get("action"), str)
            and step["action"] not in known]  # fmt: skip


def _line(root: yaml.Node, path: Sequence[str | int]) -> int:
    """The line of the deepest node of ``path`` the YAML has: a mapping entry's key, a
    list item's first line; a part that is missing stops the walk at its parent."""
    node, mark = root, root.start_mark
    for part in path:
        if isinstance(node, yaml.MappingNode):
            entry = next(((key, value) for key, value in node.value
                          if isinstance(key, yaml.ScalarNode) and key.value == str(part)),
                         None)  # fmt: skip
            if entry is None:
                break
            mark, node = entry[0].start_mark, entry[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) \
                and 0 <= part < len(node.value):  # fmt: skip
            node = node.value[part]
            mark = node.start_mark
        else:
            break
    return mark.line + 1


class UploadError(ValueError):
    """An uploaded folder the editor cannot take; the message says why and what to do."""


@dataclass(frozen=True)
class TemplateDirectory:
    """A template's folder as uploaded: its name, its template's text, every file
    with its path inside the folder (sorted), and how many uploaded files were left
    out (outside the template's folder, or version control and dependency folders)."""

    name: str
    yaml_text: str
    files: tuple[tuple[str, bytes], ...]
    left_out: int = 0


def _clean_path(path: str) -> tuple[str, ...]:
    """An uploaded file's relative path as its parts; UploadError for anything that
    could name a place outside the folder."""
    parts = [part for part in path.replace("\\", "/").split("/") if part not in ("", ".")]
    if "\0" in path or path.startswith("/") or ".." in parts or not parts:
        raise UploadError(f"{path!r} is not a path inside the uploaded folder")
    return tuple(parts)


def _size(count: int) -> str:
    """A byte count as people read it (``2.5 MB``)."""
    if count < 1024:
        return f"{count} bytes"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KB"
    return f"{count / 1024 / 1024:.1f} MB"


def _template_file(paths: Collection[tuple[str, ...]]) -> tuple[str, ...]:
    """The template.yaml nearest the top of the upload; UploadError if there is none or
    several are equally near (a folder of many templates)."""
    found = sorted((path for path in paths if path[-1] in TEMPLATE_FILES), key=len)
    if not found:
        raise UploadError("The folder has no template.yaml. Upload the folder that holds "
                          "the template's template.yaml and its skeleton.")  # fmt: skip
    nearest = [path for path in found if len(path) == len(found[0])]
    if len(nearest) > 1:
        names = ", ".join("/".join(path) for path in nearest[:3])
        raise UploadError(f"The folder holds {len(nearest)} templates ({names}"
                          f"{', ...' if len(nearest) > 3 else ''}); upload one "
                          "template's folder.")  # fmt: skip
    return found[0]


def template_directory(uploaded: Sequence[tuple[str, bytes]]) -> TemplateDirectory:
    """The template an uploaded folder holds (``(relative path, content)`` per file, as
    the browser sends a chosen folder): the nearest template.yaml and the files beside
    and below it. UploadError, saying what to change, for an empty upload, more than
    ``MAX_UPLOAD_FILES`` files or ``MAX_UPLOAD_BYTES``, unsafe or repeated paths, no
    template.yaml or several, or one that is not UTF-8."""
    if not uploaded:
        raise UploadError("No files were uploaded: choose the folder that holds the "
                          "template's template.yaml.")  # fmt: skip
    files: dict[tuple[str, ...], bytes] = {}
    ignored = 0
    for path, data in uploaded:
        parts = _clean_path(path)
        if IGNORED_FOLDERS.intersection(parts[:-1]):
            ignored += 1
            continue
        if parts in files:
            raise UploadError(f"{'/'.join(parts)} was uploaded twice")
        files[parts] = data
    if len(files) > MAX_UPLOAD_FILES:
        raise UploadError(f"The folder has {len(files)} files; the editor takes at most "
                          f"{MAX_UPLOAD_FILES} (template.yaml and its skeleton). Upload "
                          "the template's own folder, without build output.")  # fmt: skip
    total = sum(len(data) for data in files.values())
    if total > MAX_UPLOAD_BYTES:
        raise UploadError(f"The folder's files add up to {_size(total)}; the editor takes "
                          f"at most {_size(MAX_UPLOAD_BYTES)}.")  # fmt: skip
    template = _template_file(files)
    root = template[:-1]
    inside = {"/".join(parts[len(root):]): data for parts, data in files.items()
              if parts[:len(root)] == root}  # fmt: skip
    try:
        text = files[template].decode("utf-8")
    except UnicodeDecodeError:
        raise UploadError(f"{'/'.join(template)} is not UTF-8 text") from None
    return TemplateDirectory(
        name=root[-1] if root else "", yaml_text=text, files=tuple(sorted(inside.items())),
        left_out=ignored + len(files) - len(inside),
    )  # fmt: skip


def dry_run_body(entity: Mapping[str, Any], yaml_text: str, values: Mapping[str, Any],
                 secrets: Mapping[str, str],
                 files: Sequence[tuple[str, bytes]] = ()) -> dict[str, Any]:  # fmt: skip
    """Backstage's dry-run request for the editor's template (``POST /v2/dry-run``, as
    its template editor sends it): the entity, the values and secrets, and every file
    of the template's folder sorted by path, with ``template.yaml`` holding the text
    being edited rather than the text uploaded."""
    contents = {path: data for path, data in files if path not in TEMPLATE_FILES}
    contents[TEMPLATE_FILES[0]] = yaml_text.encode("utf-8")
    return {
        "template": dict(entity),
        "values": dict(values),
        "secrets": dict(secrets),
        "directoryContents": [{"path": path, "base64Content": base64.b64encode(data).decode()}
                              for path, data in sorted(contents.items())],
    }  # fmt: skip
