"""How an API entity's ``spec.definition`` is shown on its page, like Backstage's
api-docs plugin: Swagger UI for OpenAPI, a server-side summary for AsyncAPI, and
highlighted source for GraphQL, gRPC and everything else.

Definitions are untrusted text from catalog files. They are parsed only with ``json``
or the catalog's bounded YAML loader, summaries are rendered by Django templates with
autoescaping, and source is highlighted by Pygments, whose HTML formatter escapes it:
Pygments' output is the one piece of HTML built in Python, and the only value marked
safe here. A definition over ``MAX_RENDER_BYTES`` is neither parsed nor highlighted, so
one huge file cannot make its page slow; the raw endpoint still serves all of it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import (
    GraphQLLexer,
    JsonLexer,
    ProtoBufLexer,
    TextLexer,
    TypeScriptLexer,
    YamlLexer,
)

from catalog.definitions.asyncapi import AsyncApiSummary, as_mapping, as_text, summarize_asyncapi
from catalog.model.errors import YamlError
from catalog.model.yaml_docs import YamlLimits, parse_documents

__all__ = [
    "MAX_RENDER_BYTES",
    "AsyncApiSummary",
    "DefinitionView",
    "definition_context",
    "definition_text",
    "describe",
    "download_filename",
    "source_format",
    "summarize_asyncapi",
]

#: Larger definitions are not parsed or highlighted on the page (about a second of
#: work and several megabytes of HTML); the raw link serves them.
MAX_RENDER_BYTES = 1_000_000
_YAML_LIMITS = YamlLimits(max_bytes=MAX_RENDER_BYTES, max_documents=2)
_FORMATTER = HtmlFormatter(cssclass="highlight", wrapcode=True)
_LEXERS: dict[str, type[Lexer]] = {
    "json": JsonLexer,
    "yaml": YamlLexer,
    "graphql": GraphQLLexer,
    "proto": ProtoBufLexer,
    "ts": TypeScriptLexer,
    "txt": TextLexer,
}
_FIXED_FORMATS = {"graphql": "graphql", "grpc": "proto", "trpc": "ts"}
_DATA_TYPES = ("openapi", "asyncapi")


@dataclass
class DefinitionView:
    """Everything ``catalog/entity/definition.html`` shows.

    ``renderer`` is ``openapi`` (Swagger UI), ``asyncapi`` (summary and source),
    ``source`` (highlighted or plain source) or ``none`` (nothing to show).
    """

    type: str
    renderer: str
    raw_url: str
    download_url: str
    filename: str = ""
    format: str = "txt"
    size: int = 0
    line_count: int = 0
    source_html: SafeString | str = ""
    note: str = ""
    asyncapi: AsyncApiSummary | None = None

    @property
    def too_large(self) -> bool:
        return self.size > MAX_RENDER_BYTES


def definition_context(entity: dict[str, Any]) -> dict[str, Any]:
    """Template context for the definition fragment of an API entity's page."""
    return {"definition": describe(entity)}


def definition_text(entity: dict[str, Any]) -> str | None:
    """``spec.definition`` as text that encodes to UTF-8, or None when there is none.

    A lone surrogate (possible in JSON escapes) would make encoding the page fail, so
    it is replaced here, once, for both the page and the raw endpoint.
    """
    text = as_mapping(entity.get("spec")).get("definition")
    if not isinstance(text, str) or not text.strip():
        return None
    return text.encode("utf-8", "replace").decode("utf-8")


def source_format(api_type: str, text: str) -> str:
    """The definition's file format: ``json``, ``yaml``, ``graphql``, ``proto``, ``ts``
    or ``txt`` — from the type where it fixes the language, else from the content."""
    kind = api_type.strip().lower()
    if kind in _FIXED_FORMATS:
        return _FIXED_FORMATS[kind]
    if _looks_like_json(text):
        return "json"
    return "yaml" if kind in _DATA_TYPES else "txt"


def download_filename(entity: dict[str, Any], text: str, fmt: str = "") -> str:
    """``<name>.<ext>`` for the download of the entity's definition."""
    name = as_text(as_mapping(entity.get("metadata")).get("name")) or "definition"
    api_type = as_text(as_mapping(entity.get("spec")).get("type"))
    return f"{name}.{fmt or source_format(api_type, text)}"


def describe(entity: dict[str, Any]) -> DefinitionView:
    """Decide how the entity's definition is shown and prepare what that needs."""
    metadata = as_mapping(entity.get("metadata"))
    api_type = as_text(as_mapping(entity.get("spec")).get("type")).strip()
    raw_url = reverse("catalog:entity_definition", args=[
        as_text(metadata.get("namespace")) or "default",
        (as_text(entity.get("kind")) or "api").lower(),
        as_text(metadata.get("name")),
    ])  # fmt: skip
    view = DefinitionView(api_type, "none", raw_url, f"{raw_url}?download=1")
    text = definition_text(entity)
    if text is None:
        view.note = "This API has no definition (spec.definition is empty or missing)."
        return view
    view.format = source_format(api_type, text)
    view.filename = download_filename(entity, text, view.format)
    view.size = len(text.encode("utf-8"))
    view.line_count = text.count("\n") + (0 if text.endswith("\n") else 1)
    kind = api_type.lower()
    view.renderer = "source"
    if kind == "openapi":
        _prepare_openapi(view, text)
    elif kind == "asyncapi":
        _prepare_asyncapi(view, text)
    elif kind not in ("graphql", "grpc"):
        view.note = _no_viewer_note(api_type, view.format)
    if view.too_large:
        shown = "highlight" if view.renderer == "openapi" else "show"
        view.note = " ".join(filter(None, [view.note, (
            f"The definition is {_size_text(view.size)}, too large to {shown} "
            "here; open the raw file or download it.")]))  # fmt: skip
    else:
        view.source_html = _highlight(text, view.format)
    return view


def _size_text(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{size / 1000:.0f} kB"


def _no_viewer_note(api_type: str, fmt: str) -> str:
    what = f"API type “{api_type}”" if api_type else "APIs without a spec.type"
    shown = {"json": "highlighted as JSON", "ts": "highlighted as TypeScript"}
    return (f"Greenroom has no viewer for {what}; the definition is "
            f"{shown.get(fmt, 'shown as text')}.")  # fmt: skip


def _prepare_openapi(view: DefinitionView, text: str) -> None:
    """Swagger UI renders the document in the browser; a document that does not parse
    here would only show Swagger UI's error, so it is shown as source with the reason."""
    view.renderer = "openapi"
    if view.too_large:
        return
    document, error = _parse(text)
    if error:
        view.renderer = "source"
        view.note = f"This OpenAPI definition could not be read ({error}); showing its source."
    elif not isinstance(document, dict) or not ({"openapi", "swagger"} & document.keys()):
        view.renderer = "source"
        view.note = ("This definition has no openapi or swagger field, so it is not an "
                     "OpenAPI document; showing its source.")  # fmt: skip


def _prepare_asyncapi(view: DefinitionView, text: str) -> None:
    if view.too_large:
        return
    document, error = _parse(text)
    if error:
        view.note = f"This AsyncAPI definition could not be read ({error}); showing its source."
    elif not isinstance(document, dict):
        view.note = "This AsyncAPI definition is not a mapping; showing its source."
    else:
        view.renderer = "asyncapi"
        view.asyncapi = summarize_asyncapi(document)


def _highlight(text: str, fmt: str) -> SafeString:
    lexer = _LEXERS.get(fmt, TextLexer)(stripnl=False, ensurenl=True)
    # Pygments' HtmlFormatter escapes every token (& < > " '), so its output is safe.
    return mark_safe(highlight(text, lexer, _FORMATTER))  # noqa: S308


def _looks_like_json(text: str) -> bool:
    """JSON documents start with ``{`` or ``[``; a YAML flow mapping can too, so the
    text is parsed when it is small enough to do so cheaply."""
    if text.lstrip()[:1] not in ("{", "["):
        return False
    if len(text) > MAX_RENDER_BYTES:
        return True
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def _parse(text: str) -> tuple[Any, str]:
    """(document, "") or (None, why it could not be read). JSON first, as the YAML
    loader (YAML 1.1 lexing) rejects some valid JSON, such as tab indentation."""
    if text.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(text), ""
        except (ValueError, RecursionError):
            pass
    try:
        documents = parse_documents(text, source="spec.definition", limits=_YAML_LIMITS)
    except YamlError as exc:
        return None, str(exc)
    if len(documents) != 1:
        return None, f"expected one YAML document, found {len(documents)}"
    return documents[0][1], ""
