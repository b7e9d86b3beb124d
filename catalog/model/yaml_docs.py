"""Safe, bounded YAML 1.2 parsing of multi-document catalog files.

Catalog files come from many repositories, so they are untrusted input. This module
turns one file into plain Python values (dict, list, str, int, float, bool, None) the
way Backstage's ``yaml`` library does, and refuses anything that could hurt the
process that reads it:

- only the YAML 1.2 core tags (``!!str``, ``!!int``, ``!!float``, ``!!bool``,
  ``!!null``, ``!!map``, ``!!seq``); ``!!python/...`` and custom ``!foo`` tags are an
  error, so nothing is ever imported or called;
- duplicate mapping keys are an error (``Map keys must be unique``), as in Backstage;
- text the database cannot store (a ``"\\0"`` escape: see ``catalog.model.text``) is
  an error where it is written;
- limits on file size (checked before parsing), documents per file, nesting depth and
  alias use. Alias uses are counted in the *expanded* document, like Backstage's
  ``maxAliasCount``, so a billion-laughs file fails after a few hundred bytes of work;
  values that alias expansion adds are capped per file as well.

Scalars follow the YAML 1.2 core schema: ``yes``/``no``/``on``/``off`` and dates stay
strings, ``0o17``/``0x1f`` are ints, no sexagesimal numbers, and ``<<`` is an ordinary
key. Values are what a JavaScript consumer would store: mapping keys become strings
(``1: x`` -> ``{"1": "x"}``, ``null`` -> ``""``), whole floats become ints (``1.0`` ->
``1``) and ``.inf``/``.nan`` become ``None`` (JSON has neither). An aliased value is
copied, never shared, so changing one place of an entity never changes another.

libyaml (``CSafeLoader``) scans and composes the node graph; it also caps nesting at
1,000 levels, so composing never overflows the C stack. Values are then built by a
recursive walk whose depth is checked before every descent and so never exceeds
``2 * max_depth`` frames (``max_depth`` is at most 256).
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass
from typing import Any

import yaml

from catalog.model.errors import YamlError
from catalog.model.text import unstorable_character

__all__ = ["DEFAULT_LIMITS", "YamlLimits", "parse_documents"]

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"

# The YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution).
_PATTERNS = {
    _NULL: re.compile(r"~|null|Null|NULL|"),
    _BOOL: re.compile(r"true|True|TRUE|false|False|FALSE"),
    _INT: re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"),
    _FLOAT: re.compile(
        r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
    ),
    _STR: re.compile(r".*", re.DOTALL),
}
_NUMBER_START = frozenset("0123456789+-.")
_MAX_SAFE_INT = 2**53


@dataclass(frozen=True)
class YamlLimits:
    """Bounds that keep a hostile file cheap to reject."""

    #: Size of the file in bytes, checked before parsing.
    max_bytes: int = 10 * 1024 * 1024
    #: Alias uses per document, counting the aliases inside aliased content every
    #: time it is expanded (Backstage's ``maxAliasCount`` counts the same way).
    max_aliases: int = 1000
    #: Nesting of mappings and sequences (the document's root is level 1).
    max_depth: int = 64
    #: Documents per file, empty ones included.
    max_documents: int = 100_000
    #: Values that expanding aliases may add to the whole file.
    max_alias_values: int = 100_000

    def __post_init__(self) -> None:
        if not 1 <= self.max_depth <= 256:  # the builder recurses two frames per level
            raise ValueError("max_depth must be between 1 and 256")


DEFAULT_LIMITS = YamlLimits()


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """libyaml's parser and composer with YAML 1.2 core tag resolution.

    Only ``resolve`` is overridden; PyYAML's constructors are never used, so its
    global resolver and constructor tables are left alone.
    """

    def resolve(self, kind: type, value: str | None, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            return _implicit_tag(value or "") if implicit[0] else _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP


def _implicit_tag(value: str) -> str:
    if not value:
        return _NULL
    first = value[0]
    if first in _NUMBER_START:
        if _PATTERNS[_INT].fullmatch(value):
            return _INT
        if _PATTERNS[_FLOAT].fullmatch(value):
            return _FLOAT
    elif first in "tTfF":
        if _PATTERNS[_BOOL].fullmatch(value):
            return _BOOL
    elif first in "~nN" and _PATTERNS[_NULL].fullmatch(value):
        return _NULL
    return _STR


def parse_documents(
    data: bytes | str, *, source: str, limits: YamlLimits = DEFAULT_LIMITS
) -> list[tuple[int, Any]]:
    """Parse every document of a catalog file.

    Returns ``(index, value)`` for each non-empty document; indexes count every
    document, empty ones included, from 0 in file order. Values that are not mappings
    are returned as they are. Raises YamlError, with a one-line message starting with
    ``source`` and the line when known, for anything wrong with the file.
    """
    loader = _Loader(_checked_bytes(data, source, limits))
    builder = _Builder(source, limits)
    documents: list[tuple[int, Any]] = []
    try:
        index = 0
        while loader.check_node():
            if index >= limits.max_documents:
                raise YamlError(source, f"more than {limits.max_documents:,} documents")
            value = builder.document(loader.get_node())
            if value is not None:
                documents.append((index, value))
            index += 1
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, source) from None
    except yaml.YAMLError as exc:
        raise YamlError(source, _first_line(str(exc))) from None
    except RecursionError:  # the pure-Python fallback parser has no depth limit of its own
        raise YamlError(source, "nested too deeply") from None
    finally:
        loader.dispose()
    return documents


def _checked_bytes(data: bytes | str, source: str, limits: YamlLimits) -> bytes:
    # A str has at least one byte per character: refuse a huge one before encoding it.
    if len(data) > limits.max_bytes:
        raise YamlError(source, f"the file is larger than {limits.max_bytes:,} bytes")
    if isinstance(data, str):
        try:
            data = data.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise YamlError(source, f"not valid UTF-8 (character {exc.start})") from None
        if len(data) > limits.max_bytes:
            raise YamlError(source, f"the file is larger than {limits.max_bytes:,} bytes")
        return data
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlError(source, f"not valid UTF-8 (byte {exc.start})") from None
    return data


#: Contexts that name a construct left open (a quote, a bracket): its start is where
#: the mistake is, while the parser only notices later, often at the end of the file.
_OPENED = ("quoted scalar", "flow ")


def _syntax_error(exc: yaml.MarkedYAMLError, source: str) -> YamlError:
    """The error at the line where the problem starts: the opening of an unclosed
    quote or bracket rather than the end of the file where the parser gave up."""
    problem = "malformed YAML: " + _first_line(exc.problem or exc.context or "syntax error")
    if exc.context and exc.problem:
        problem = f"{problem} ({_first_line(exc.context)})"
    mark = exc.problem_mark or exc.context_mark
    opened = exc.context_mark is not None and any(w in (exc.context or "") for w in _OPENED)
    if opened and exc.problem_mark is not None and exc.problem_mark.line != exc.context_mark.line:
        problem += f"; noticed at line {exc.problem_mark.line + 1}"
        mark = exc.context_mark
    if mark is None:
        return YamlError(source, problem)
    return YamlError(source, problem, line=mark.line + 1, column=mark.column + 1)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "malformed YAML"


class _Builder:
    """Turns composed documents into plain values, enforcing the limits on the way.

    Documents are walked in file order, so an alias always refers either to a node
    that is already built (its value, size, alias count and height are remembered)
    or to one of its own ancestors (a recursive alias, refused).
    """

    def __init__(self, source: str, limits: YamlLimits) -> None:
        self.source = source
        self.limits = limits
        self.alias_values = 0
        self.seen: set[int] = set()
        # id(collection node) -> (value, expanded size, alias uses inside, height)
        self.built: dict[int, tuple[Any, int, int, int]] = {}
        self.aliases = 0

    def document(self, root: yaml.Node) -> Any:
        self.seen = set()
        self.built = {}
        self.aliases = 0
        value, _size, _aliases, _height = self.node(root, 1, root)
        return value

    def node(self, node: yaml.Node, depth: int, site: yaml.Node) -> tuple[Any, int, int, int]:
        """Build ``node`` (written at ``site``, for messages); return its value, expanded
        size, alias uses and height."""
        key = id(node)
        if key in self.seen:
            return self.alias(node, depth, site)
        self.seen.add(key)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node), 1, 0, 0
        if depth > self.limits.max_depth:
            raise self.error(node, f"nested deeper than {self.limits.max_depth} levels")
        if isinstance(node, yaml.MappingNode):
            built = self.mapping(node, depth)
        else:
            built = self.sequence(node, depth)
        self.built[key] = built
        return built

    def mapping(self, node: yaml.MappingNode, depth: int) -> tuple[Any, int, int, int]:
        if node.tag != _MAP:
            raise self.error(node, f"the tag {_shown(node.tag)} is not allowed on a mapping")
        result: dict[str, Any] = {}
        size, aliases, height = 1, 0, 1
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.error(key_node, "mapping keys must be scalars")
            key, _, key_aliases, _ = self.node(key_node, depth + 1, node)
            key = _key_text(key)
            if key in result:
                raise self.error(key_node, f"Map keys must be unique; {_shown(key)} is repeated")
            value, value_size, value_aliases, value_height = self.node(
                value_node, depth + 1, key_node
            )
            result[key] = value
            size += 1 + value_size
            aliases += key_aliases + value_aliases
            height = max(height, value_height + 1)
        return result, size, aliases, height

    def sequence(self, node: yaml.SequenceNode, depth: int) -> tuple[Any, int, int, int]:
        if node.tag != _SEQ:
            raise self.error(node, f"the tag {_shown(node.tag)} is not allowed on a sequence")
        result: list[Any] = []
        size, aliases, height = 1, 0, 1
        for item in node.value:
            value, item_size, item_aliases, item_height = self.node(item, depth + 1, node)
            result.append(value)
            size += item_size
            aliases += item_aliases
            height = max(height, item_height + 1)
        return result, size, aliases, height

    def alias(self, node: yaml.Node, depth: int, site: yaml.Node) -> tuple[Any, int, int, int]:
        """A node met a second time: an alias. Check what expanding it costs first."""
        if isinstance(node, yaml.ScalarNode):
            value, size, inner, height = self.scalar(node), 1, 0, 0
        elif id(node) in self.built:
            value, size, inner, height = self.built[id(node)]
        else:
            raise self.error(site, "an alias refers to a node that contains it")
        self.aliases += 1 + inner
        if self.aliases > self.limits.max_aliases:
            raise self.error(site, f"more than {self.limits.max_aliases:,} alias uses")
        if depth + height - 1 > self.limits.max_depth:
            raise self.error(site, f"nested deeper than {self.limits.max_depth} levels")
        self.alias_values += size
        if self.alias_values > self.limits.max_alias_values:
            raise self.error(
                site, f"aliases expand to more than {self.limits.max_alias_values:,} values"
            )
        return copy.deepcopy(value), size, 1 + inner, height

    def scalar(self, node: yaml.ScalarNode) -> Any:
        tag, text = node.tag, node.value
        if tag == _STR:
            problem = unstorable_character(text)
            if problem:
                raise self.error(node, f"the text contains {problem}, which cannot be stored")
            return text
        pattern = _PATTERNS.get(tag)
        if pattern is None:
            raise self.error(node, f"the tag {_shown(tag)} is not allowed")
        if not pattern.fullmatch(text):
            raise self.error(node, f"{_shown(text)} is not a valid {tag.rsplit(':', 1)[1]}")
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return text[0] in "tT"
        if tag == _INT:
            return self.integer(node, text)
        if text[-1] in "fFnN":  # .inf, .nan: JSON has no such numbers
            return None
        return _number(float(text))

    def integer(self, node: yaml.ScalarNode, text: str) -> int:
        try:
            if text.startswith(("0o", "0x")):
                return int(text[2:], 8 if text[1] == "o" else 16)
            return int(text)
        except ValueError:  # more digits than Python converts
            raise self.error(node, "the integer is too long") from None

    def error(self, node: yaml.Node, message: str) -> YamlError:
        mark = node.start_mark
        return YamlError(self.source, message, line=mark.line + 1, column=mark.column + 1)


def _number(value: float) -> float | int | None:
    """A float as JavaScript stores it: whole numbers are ints, overflow is ``None``."""
    if not math.isfinite(value):
        return None
    if value.is_integer() and abs(value) < _MAX_SAFE_INT:
        return int(value)
    return value


def _key_text(key: Any) -> str:
    """A mapping key as the string JavaScript would use."""
    if isinstance(key, str):
        return key
    if key is None:
        return ""
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def _shown(text: str) -> str:
    return repr(text[:60] + ("..." if len(text) > 60 else ""))
