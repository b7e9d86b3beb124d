"""Safe, limited YAML 1.2 parsing of catalog files.

Catalog files are written by many people, so they are untrusted: only core YAML
tags are accepted (no ``!!python/...``), duplicate keys are an error (as in
Backstage's parser), and limits on size, alias uses, nesting depth and document count
stop a hostile file in milliseconds instead of exhausting memory. Scalars follow the
YAML 1.2 core schema like Backstage's ``yaml`` library: ``yes``/``no``/``on``/``off``
stay strings, dates stay strings, ``<<`` is an ordinary key.

The limits are checked on the composed node graph, before any Python object is
built, and the graph is walked iteratively, so a 10,000-deep document fails with a
clear error rather than a RecursionError. libyaml (``CSafeLoader``) parses when
available, which is what makes 10,000-entity files take about a second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from catalog.model.errors import YamlError

__all__ = ["DEFAULT_LIMITS", "YamlLimits", "parse_documents"]

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class YamlLimits:
    """Bounds that keep a hostile file cheap to reject."""

    max_bytes: int = 10 * 1024 * 1024
    max_aliases: int = 1000
    max_depth: int = 64
    max_documents: int = 100_000
    #: Values one document may expand to, counting every alias use in full.
    max_nodes: int = 200_000


DEFAULT_LIMITS = YamlLimits()

_CORE_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}  # fmt: skip

# YAML 1.2 core schema resolvers (PyYAML ships YAML 1.1's).
_RESOLVERS: list[tuple[str, re.Pattern[str], str]] = [
    ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF"),
    ("tag:yaml.org,2002:int",
     re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), "-+0123456789"),
    ("tag:yaml.org,2002:float",
     re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"), "-+0123456789."),
    ("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), "~nN"),
]  # fmt: skip


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader with YAML 1.2 core scalars and strict mappings."""

    yaml_implicit_resolvers: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}


_Loader.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in _RESOLVERS:
    _Loader.add_implicit_resolver(_tag, _regexp, list(_first))
_Loader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^$"), [""])


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    text = node.value
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text)


def _construct_float(loader: _Loader, node: yaml.ScalarNode) -> float:
    text = node.value.lower()
    if text.endswith(".inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    if text == ".nan":
        return float("nan")
    return float(text)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise YamlError(f"mapping keys must be scalars (line {key_node.start_mark.line + 1})",
                            line=key_node.start_mark.line + 1)  # fmt: skip
        if key in mapping:
            line = key_node.start_mark.line + 1
            raise YamlError(f"Map keys must be unique: {str(key)[:80]!r} (line {line})", line=line)
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_Loader.yaml_constructors = dict(_BaseLoader.yaml_constructors)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:str", _BaseLoader.construct_yaml_str)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _BaseLoader.construct_yaml_str)


def parse_documents(
    data: bytes | str, *, source: str, limits: YamlLimits = DEFAULT_LIMITS
) -> list[tuple[int, Any]]:
    """Parse every document of a catalog file.

    Returns ``(index, value)`` for each non-empty document; indexes count every
    document from 0 in file order. Raises YamlError naming ``source`` (and the line
    when known) for any problem with the file as a whole.
    """
    text = _decode(data, source, limits)
    loader = _Loader(text)
    documents: list[tuple[int, Any]] = []
    try:
        index = 0
        while loader.check_node():
            node = loader.get_node()
            if index >= limits.max_documents:
                raise YamlError(f"{source}: more than {limits.max_documents} documents")
            if node is not None:
                _check_graph(node, source, limits)
                value = loader.construct_document(node)
                if value is not None:
                    documents.append((index, value))
            index += 1
    except YamlError as exc:
        if exc.args[0].startswith(source):
            raise
        raise YamlError(f"{source}: {exc}", line=exc.line) from None
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, source) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"{source}: malformed YAML: {str(exc).splitlines()[0]}") from None
    finally:
        loader.dispose()
    return documents


def _decode(data: bytes | str, source: str, limits: YamlLimits) -> str:
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        raise YamlError(f"{source}: file is {size:,} bytes; the limit is {limits.max_bytes:,}")
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise YamlError(f"{source}: not valid UTF-8 (byte {exc.start})") from None


def _syntax_error(exc: yaml.MarkedYAMLError, source: str) -> YamlError:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "malformed YAML"
    if mark is None:
        return YamlError(f"{source}: malformed YAML: {problem}")
    line = mark.line + 1
    return YamlError(f"{source}:{line}:{mark.column + 1}: malformed YAML: {problem}", line=line)


def _check_graph(root: yaml.Node, source: str, limits: YamlLimits) -> None:
    """Reject unknown tags, alias floods, recursive aliases and deep nesting before
    any object is constructed.

    Aliases are cheap in the parsed graph but every later step (validation, JSON,
    hashing) expands them, so the limit is on the *expanded* size of the document,
    computed once per node (iteratively, post-order).
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    aliases = 0
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, finished = stack.pop()
        key, line = id(node), node.start_mark.line + 1
        children = _children(node)
        if finished:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[key] > limits.max_nodes:
                message = f"the document expands to more than {limits.max_nodes:,} values"
                raise YamlError(f"{source}:{line}: {message} (alias bomb?)", line=line)
            continue
        if key in sizes:
            aliases += 1
            if aliases > limits.max_aliases:
                raise YamlError(f"{source}: more than {limits.max_aliases} alias uses", line=line)
            continue
        if key in open_nodes:
            raise YamlError(f"{source}:{line}: an alias refers to itself", line=line)
        if node.tag not in _CORE_TAGS:
            raise YamlError(f"{source}:{line}: the tag {node.tag[:60]} is not allowed", line=line)
        if depth > limits.max_depth:
            raise YamlError(f"{source}:{line}: nested deeper than {limits.max_depth} levels",
                            line=line)  # fmt: skip
        open_nodes.add(key)
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in children)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []
