"""A summary of an AsyncAPI document for its API's page: title, versions, servers,
channels with their operations and message names, for AsyncAPI 2.x and 3.x.
Descriptions are CommonMark in AsyncAPI; ``description_html`` renders and sanitises
them (catalog.definitions.markdown).

The document is untrusted: every lookup tolerates a wrong shape, ``$ref`` chains are
followed a bounded number of hops, lists are capped, and what could not be read is
named in ``problems`` instead of failing the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from django.utils.safestring import SafeString

from catalog.definitions.markdown import markdown_html

__all__ = [
    "AsyncApiSummary",
    "AsyncChannel",
    "AsyncOperation",
    "AsyncServer",
    "as_mapping",
    "as_text",
    "summarize_asyncapi",
]

#: Servers, channels, operations and messages listed per AsyncAPI summary list.
MAX_ITEMS = 500
#: ``$ref`` hops followed before a chain is treated as a loop.
MAX_REF_HOPS = 16


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


class _Described:
    """A part of the document with a Markdown ``description``."""

    description: str

    @property
    def description_html(self) -> SafeString:
        return markdown_html(self.description)


@dataclass
class AsyncChannel(_Described):
    name: str
    address: str = ""
    description: str = ""
    operations: list[AsyncOperation] = field(default_factory=list)


@dataclass
class AsyncServer(_Described):
    name: str
    url: str = ""
    protocol: str = ""
    description: str = ""


@dataclass
class AsyncApiSummary(_Described):
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


def summarize_asyncapi(document: dict[str, Any]) -> AsyncApiSummary:
    """Title, servers, channels, operations and message names of an AsyncAPI 2.x or
    3.x document. Anything of the wrong shape is skipped and named in ``problems``;
    this never raises on a mapping."""
    info = as_mapping(document.get("info"))
    summary = AsyncApiSummary(
        spec_version=as_text(document.get("asyncapi")),
        title=as_text(info.get("title")),
        version=as_text(info.get("version")),
        description=as_text(info.get("description")),
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
        url = as_text(server.get("url")) or (
            as_text(server.get("host")) + as_text(server.get("pathname")))
        servers.append(AsyncServer(name, url, as_text(server.get("protocol")),
                                   as_text(server.get("description"))))  # fmt: skip
    return servers


def _channels_v2(document: dict[str, Any], problems: list[str]) -> list[AsyncChannel]:
    channels = []
    for name, value in _entries(document, "channels", problems):
        item = _resolve(document, value)
        if not isinstance(item, dict):
            problems.append(f"Channel “{name}” is not a mapping.")
            continue
        channel = AsyncChannel(name, name, as_text(item.get("description")))
        for action in ("publish", "subscribe"):
            if action not in item:
                continue
            operation = _resolve(document, item[action])
            if not isinstance(operation, dict):
                problems.append(f"The {action} operation of channel “{name}” is not a mapping.")
                continue
            channel.operations.append(AsyncOperation(
                action, as_text(operation.get("operationId")),
                as_text(operation.get("summary") or operation.get("description")),
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
        description = as_text(item.get("description") or item.get("title"))
        channel = AsyncChannel(name, as_text(address) if address is not None else name, description)
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
            as_text(operation.get("action")).lower() or "operation", name,
            as_text(operation.get("summary") or operation.get("title")
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
            if name := as_text(resolved.get(key)):
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


def as_mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_text(value: Any) -> str:
    """Scalars as text (YAML turns ``version: 1`` into a number); anything else ""."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return ""
