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
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

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
#: Servers, channels, operations and messages listed per AsyncAPI summary list.
MAX_ITEMS = 500
#: ``$ref`` hops followed before a chain is treated as a loop.
MAX_REF_HOPS = 16

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
class AsyncOperation:
    """One operation: ``publish``/``subscribe`` (2.x) or ``send``/``receive`` (3.x)."""

    action: str
    name: str = ""
    summary: str = ""
    messages: list[str] = field(default_factory=list)

    @property
    def action_class(self) -> str:
        """A CSS-safe key for the action (the action itself is author text)."""
        known = ("publish", "subscribe", "send", "receive")
        return self.action if self.action in known else "other"


@dataclass
class AsyncChannel:
    name: str
    address: str = ""
    description: str = ""
    operations: list[AsyncOperation] = field(default_factory=list)


@dataclass
class AsyncServer:
    name: str
    url: str = ""
    protocol: str = ""
    description: str = ""


@dataclass
class AsyncApiSummary:
    """What the page lists of an AsyncAPI document; ``problems`` names what was skipped."""

    spec_version: str = ""
    title: str = ""
    version: str = ""
    description: str = ""
    servers: list[AsyncServer] = field(default_factory=list)
    channels: list[AsyncChannel] = field(default_factory=list)
    #: 3.x operations whose channel could not be found.
    loose_operations: list[AsyncOperation] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


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
    text = _map(entity.get("spec")).get("definition")
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
    name = _text(_map(entity.get("metadata")).get("name")) or "definition"
    return f"{name}.{fmt or source_format(_text(_map(entity.get('spec')).get('type')), text)}"


def describe(entity: dict[str, Any]) -> DefinitionView:
    """Decide how the entity's definition is shown and prepare what that needs."""
    metadata = _map(entity.get("metadata"))
    api_type = _text(_map(entity.get("spec")).get("type")).strip()
    raw_url = reverse("catalog:entity_definition", args=[
        _text(metadata.get("namespace")) or "default",
        (_text(entity.get("kind")) or "api").lower(),
        _text(metadata.get("name")),
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


# AsyncAPI ---------------------------------------------------------------------------


def summarize_asyncapi(document: dict[str, Any]) -> AsyncApiSummary:
    """Title, servers, channels, operations and message names of an AsyncAPI 2.x or
    3.x document. Anything of the wrong shape is skipped and named in ``problems``;
    this never raises on a mapping."""
    info = _map(document.get("info"))
    summary = AsyncApiSummary(
        spec_version=_text(document.get("asyncapi")),
        title=_text(info.get("title")),
        version=_text(info.get("version")),
        description=_text(info.get("description")),
    )
    major = summary.spec_version.split(".", 1)[0]
    if not summary.spec_version:
        summary.problems.append("The document has no asyncapi version field.")
        major = "3" if "operations" in document else "2"
    if major not in ("2", "3"):
        summary.problems.append(
            f"AsyncAPI {summary.spec_version} is not summarised; only 2.x and 3.x are.")
        return summary
    summary.servers = _servers(document, summary.problems)
    if major == "2":
        summary.channels = _channels_v2(document, summary.problems)
    else:
        _channels_v3(document, summary)
    return summary


def _servers(document: dict[str, Any], problems: list[str]) -> list[AsyncServer]:
    servers = []
    for name, value in _entries(document, "servers", problems):
        server = _resolve(document, value)
        if not isinstance(server, dict):
            problems.append(f"Server “{name}” is not a mapping.")
            continue
        url = _text(server.get("url")) or (
            _text(server.get("host")) + _text(server.get("pathname")))
        servers.append(AsyncServer(name, url, _text(server.get("protocol")),
                                   _text(server.get("description"))))  # fmt: skip
    return servers


def _channels_v2(document: dict[str, Any], problems: list[str]) -> list[AsyncChannel]:
    channels = []
    for name, value in _entries(document, "channels", problems):
        item = _resolve(document, value)
        if not isinstance(item, dict):
            problems.append(f"Channel “{name}” is not a mapping.")
            continue
        channel = AsyncChannel(name, name, _text(item.get("description")))
        for action in ("publish", "subscribe"):
            if action not in item:
                continue
            operation = _resolve(document, item[action])
            if not isinstance(operation, dict):
                problems.append(f"The {action} operation of channel “{name}” is not a mapping.")
                continue
            channel.operations.append(AsyncOperation(
                action, _text(operation.get("operationId")),
                _text(operation.get("summary") or operation.get("description")),
                _message_names_v2(document, operation.get("message")),
            ))  # fmt: skip
        channels.append(channel)
    return channels


def _message_names_v2(document: dict[str, Any], message: Any) -> list[str]:
    """A 2.x operation has one message, or several under ``oneOf``."""
    resolved = _resolve(document, message)
    if isinstance(resolved, dict) and isinstance(resolved.get("oneOf"), list):
        return [_message_name(document, m) for m in resolved["oneOf"][:MAX_ITEMS]]
    return [_message_name(document, message)] if message is not None else []


def _channels_v3(document: dict[str, Any], summary: AsyncApiSummary) -> None:
    """3.x lists channels and operations apart; each operation points at its channel
    with a ``$ref``, which is matched to the channel it resolves to."""
    problems = summary.problems
    by_identity: dict[int, tuple[AsyncChannel, dict[str, Any]]] = {}
    for name, value in _entries(document, "channels", problems):
        item = _resolve(document, value)
        if not isinstance(item, dict):
            problems.append(f"Channel “{name}” is not a mapping.")
            continue
        address = item.get("address")
        description = _text(item.get("description") or item.get("title"))
        channel = AsyncChannel(name, _text(address) if address is not None else name, description)
        summary.channels.append(channel)
        by_identity[id(item)] = (channel, item)
    for name, value in _entries(document, "operations", problems):
        operation = _resolve(document, value)
        if not isinstance(operation, dict):
            problems.append(f"Operation “{name}” is not a mapping.")
            continue
        target = by_identity.get(id(_resolve(document, operation.get("channel"))))
        messages = operation.get("messages")
        if isinstance(messages, list):
            names = [_message_name(document, m) for m in messages[:MAX_ITEMS]]
        elif target is not None:  # no list: every message of the channel
            names = _channel_messages(document, target[1])
        else:
            names = []
        entry = AsyncOperation(
            _text(operation.get("action")).lower() or "operation", name,
            _text(operation.get("summary") or operation.get("title")
                  or operation.get("description")), names,
        )  # fmt: skip
        if target is None:
            summary.loose_operations.append(entry)
        else:
            target[0].operations.append(entry)


def _channel_messages(document: dict[str, Any], channel: dict[str, Any]) -> list[str]:
    messages = channel.get("messages")
    if not isinstance(messages, dict):
        return []
    return [_message_name(document, value, str(key))
            for key, value in list(messages.items())[:MAX_ITEMS]]  # fmt: skip


def _message_name(document: dict[str, Any], value: Any, fallback: str = "") -> str:
    """A message's ``name``, ``title`` or ``messageId``, else the last segment of its
    ``$ref`` (``#/components/messages/lightMeasured`` -> ``lightMeasured``)."""
    resolved = _resolve(document, value)
    if isinstance(resolved, dict):
        for key in ("name", "title", "messageId"):
            if name := _text(resolved.get(key)):
                return name
    ref = value.get("$ref") if isinstance(value, dict) else None
    if isinstance(ref, str) and ref:
        return _unescape(unquote(ref.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]))
    return fallback or "(unnamed message)"


def _entries(document: dict[str, Any], key: str, problems: list[str]) -> list[tuple[str, Any]]:
    """The (name, value) pairs of a top-level mapping such as ``channels``, capped."""
    value = document.get(key)
    if value is None:
        return []
    if not isinstance(value, dict):
        problems.append(f"{key} is not a mapping.")
        return []
    if len(value) > MAX_ITEMS:
        problems.append(f"Only the first {MAX_ITEMS} of {len(value)} {key} are listed.")
    return [(str(k), v) for k, v in list(value.items())[:MAX_ITEMS]]


def _resolve(document: dict[str, Any], value: Any) -> Any:
    """Follow local ``$ref`` chains (``#/a/b``); an external or broken reference, or a
    loop, gives back the last object that still holds a ``$ref``."""
    for _ in range(MAX_REF_HOPS):
        ref = value.get("$ref") if isinstance(value, dict) else None
        if not isinstance(ref, str) or not ref.startswith("#/"):
            return value
        target = _pointer(document, ref[2:])
        if target is None:
            return value
        value = target
    return value


def _pointer(document: Any, pointer: str) -> Any:
    node = document
    for part in unquote(pointer).split("/"):
        key = _unescape(part)
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return None
    return node


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    """Scalars as text (YAML turns ``version: 1`` into a number); anything else ""."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return ""
