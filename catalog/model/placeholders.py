"""``$text``, ``$json`` and ``$yaml`` placeholders, resolved as Backstage does.

An object whose only key is ``$text``, ``$json`` or ``$yaml`` is replaced by the
content of the file its value names: the text, the parsed JSON, or the one parsed
YAML document. Objects without ``$`` keys are searched; objects with a ``$`` key and
other keys, and unknown ``$foo`` keys, are left untouched (Backstage's rules).

Placeholders are a way to pull files into entities, so they are confined (the lesson
of Backstage's CVE-2026-106498): a relative target is resolved against the entity's
file and must stay under ``confine_to``, by default that file's directory (for
``file`` bases after following symlinks; for ``url`` and ``git`` bases as a prefix,
with encoded ``..`` refused). An absolute ``http(s)`` URL is not confined here: it is
read through ``read``, whose policy (allowed hosts, public addresses) decides. One
entity may read at most ``MAX_READS`` files.
"""

from __future__ import annotations

import copy
import json
import os.path
import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from catalog.model.errors import PlaceholderError, ReadError, YamlError
from catalog.model.text import unstorable_character
from catalog.model.yaml_docs import DEFAULT_LIMITS, parse_documents
from catalog.readers.git import parse_git_target
from catalog.readers.targets import check_named_from, resolve_target

__all__ = ["MAX_READS", "resolve_placeholders"]

MAX_READS = 50
_KEYS = ("$text", "$json", "$yaml")


def resolve_placeholders(
    entity: dict[str, Any],
    *,
    base_type: str,
    base_target: str,
    read: Callable[[str, str], bytes],
    confine_to: str | None = None,
) -> dict[str, Any]:
    """Return a copy of ``entity`` with every placeholder replaced by what it names.

    ``read(type, target)`` returns the bytes of a location and raises ReadError.
    ``confine_to`` is the directory (``file`` bases) or URL/git-target prefix (``url``
    and ``git`` bases) that relative targets must stay under; by default the
    directory of ``base_target``. Raises PlaceholderError whose ``field`` is the
    dotted path of the placeholder (``spec.definition``).
    """
    return _Resolver(base_type, base_target, read, confine_to).value(entity, "")


class _Resolver:
    def __init__(
        self,
        base_type: str,
        base_target: str,
        read: Callable[[str, str], bytes],
        confine_to: str | None,
    ) -> None:
        self.base_type = base_type
        self.base_target = base_target
        self.read = read
        self.confine_to = confine_to
        self.reads = 0

    def value(self, value: Any, field: str) -> Any:
        if isinstance(value, list):
            return [self.value(item, _join(field, str(i))) for i, item in enumerate(value)]
        if not isinstance(value, dict):
            return value
        if not any(isinstance(key, str) and key.startswith("$") for key in value):
            return {key: self.value(item, _join(field, str(key))) for key, item in value.items()}
        if len(value) == 1 and next(iter(value)) in _KEYS:
            ((key, target),) = value.items()
            return self.placeholder(key, target, field)
        return copy.deepcopy(value)

    def placeholder(self, key: str, target: Any, field: str) -> Any:
        if not isinstance(target, str):
            raise PlaceholderError(
                f"Placeholder {key} expected a string value, got {_json_type(target)}",
                field=field,
            )
        self.reads += 1
        if self.reads > MAX_READS:
            raise PlaceholderError(
                f"Placeholder {key}: more than {MAX_READS} placeholders in one entity",
                field=field,
            )
        try:
            location_type, resolved = resolve_target(self.base_type, self.base_target, target)
            if not urlsplit(target).scheme:
                self.confine(location_type, resolved)
            check_named_from(self.base_type, self.base_target, location_type, resolved)
            data = self.read(location_type, resolved)
        except ReadError as exc:
            raise PlaceholderError(
                f"Placeholder {key} could not read location {target}, {exc}", field=field
            ) from None
        return _parse(key, data, target, field)

    def confine(self, location_type: str, resolved: str) -> None:
        """Refuse a relative target that resolves outside ``confine_to``."""
        if self.confine_to is None:
            self.confine_to = _directory_of(self.base_type, self.base_target)
        limit = self.confine_to
        if location_type == "file":
            inside = Path(resolved).resolve().is_relative_to(Path(limit).resolve())
        elif location_type == "url":
            segments = unquote(urlsplit(resolved).path).replace("\\", "/").split("/")
            inside = resolved.startswith(_with_slash(limit)) and not any(
                segment in (".", "..") for segment in segments
            )
        else:
            inside = resolved.startswith(limit if limit.endswith(":") else _with_slash(limit))
        if not inside:
            raise ReadError("it is outside the directory of the entity's file")


def _directory_of(base_type: str, base_target: str) -> str:
    """The default confinement: the directory of the entity's file."""
    if base_type == "file":
        return os.path.dirname(base_target)
    if base_type == "url":
        return urljoin(base_target, ".")
    if base_type == "git":
        repo, ref, path = parse_git_target(base_target)
        directory = posixpath.dirname(path)
        return f"{repo}#{ref}:{directory}/" if directory else f"{repo}#{ref}:"
    return base_target


def _parse(key: str, data: bytes, target: str, field: str) -> Any:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise PlaceholderError(
            f"Placeholder {key} could not read location {target}, it is not UTF-8 text",
            field=field,
        ) from None
    if key == "$text":
        problem = unstorable_character(text)
        if problem:
            raise PlaceholderError(f"Placeholder $text could not read location {target}, it "
                                   f"contains {problem}, which cannot be stored", field=field)
        return text
    if key == "$json":
        return _parse_json(text, target, field)
    try:
        documents = parse_documents(text, source=target)
    except YamlError as exc:
        raise PlaceholderError(
            f"Placeholder $yaml failed to parse YAML data at {target}, {exc}", field=field
        ) from None
    if len(documents) != 1:
        raise PlaceholderError(
            f"Placeholder $yaml expected to find exactly one document of data at {target}, "
            f"found {len(documents)}",
            field=field,
        )
    return documents[0][1]


def _parse_json(text: str, target: str, field: str) -> Any:
    def no_constant(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    try:
        value = json.loads(text, parse_constant=no_constant)
        _check_value(value, DEFAULT_LIMITS.max_depth)
    except (ValueError, RecursionError) as exc:
        reason = "it is nested too deeply" if isinstance(exc, RecursionError) else exc
        raise PlaceholderError(
            f"Placeholder $json failed to parse JSON data at {target}, {reason}", field=field
        ) from None
    return value


def _check_value(value: Any, limit: int) -> None:
    """Raise ValueError if parsed JSON nests deeper than ``limit`` or holds text that
    cannot be stored (in a key or a string), as YAML documents are checked."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            problem = unstorable_character(item)
            if problem:
                raise ValueError(f"it contains {problem}, which cannot be stored")
            continue
        if isinstance(item, dict):
            item = [*item, *item.values()]
        if not isinstance(item, list):
            continue
        if depth > limit:
            raise ValueError(f"it is nested deeper than {limit} levels")
        stack.extend((child, depth + 1) for child in item)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "array" if isinstance(value, list) else "object"


def _join(field: str, key: str) -> str:
    return f"{field}.{key}" if field else key


def _with_slash(prefix: str) -> str:
    return prefix if prefix.endswith("/") else prefix + "/"
