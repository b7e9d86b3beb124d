"""``$text``, ``$json`` and ``$yaml`` placeholders, as Backstage resolves them.

Any object with exactly one key among those three is replaced by the content of the
file it names: text, parsed JSON, or one parsed YAML document. Relative targets are
resolved against the file the entity was read from and must stay inside that file's
directory (or repository directory / URL directory), so a catalog file cannot pull
``../../etc/passwd`` or a secret from elsewhere into an entity. Absolute URLs are
read through the same reader and policy as locations (allowed hosts only, no private
addresses). Unknown ``$foo`` keys and objects with more keys are left untouched.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from catalog.model.errors import PlaceholderError, ReadError, YamlError
from catalog.model.yaml_docs import parse_documents
from catalog.readers.targets import resolve_target

__all__ = ["MAX_READS", "resolve_placeholders"]

MAX_READS = 50
_KEYS = ("$text", "$json", "$yaml")


def resolve_placeholders(
    entity: dict[str, Any], *, base_type: str, base_target: str,
    read: Callable[[str, str], bytes],
) -> dict[str, Any]:  # fmt: skip
    """Return a copy of ``entity`` with every placeholder replaced."""
    state = {"reads": 0}

    def visit(value: Any, path: str) -> Any:
        if isinstance(value, dict):
            if len(value) == 1:
                ((key, target),) = value.items()
                if key in _KEYS:
                    return _resolve(key, target, path, base_type, base_target, read, state)
            return {k: visit(v, f"{path}.{k}" if path else str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [visit(item, f"{path}.{i}") for i, item in enumerate(value)]
        return value

    return visit(entity, "")


def _resolve(key: str, target: Any, path: str, base_type: str, base_target: str,
             read: Callable[[str, str], bytes], state: dict[str, int]) -> Any:  # fmt: skip
    if not isinstance(target, str) or not target:
        raise PlaceholderError(f"Placeholder {key} must be a non-empty string", field=path)
    state["reads"] += 1
    if state["reads"] > MAX_READS:
        raise PlaceholderError(f"more than {MAX_READS} placeholders in one entity", field=path)
    try:
        kind, resolved = resolve_target(base_type, base_target, target)
        if not urlsplit(target).scheme:
            _confine(kind, resolved, base_type, base_target)
        data = read(kind, resolved)
    except ReadError as exc:
        raise PlaceholderError(
            f"Placeholder {key} could not read location {target}, {exc}", field=path
        ) from None
    return _parse(key, data, target, path)


def _confine(kind: str, resolved: str, base_type: str, base_target: str) -> None:
    """A relative placeholder target must stay in its file's directory tree."""
    if kind == "file":
        base_dir = Path(base_target).parent.resolve()
        real = Path(resolved).resolve()
        inside = real == base_dir or base_dir in real.parents
    elif kind == "git":
        inside = not resolved.split("#", 1)[1].split(":", 1)[1].startswith("..")
    else:
        base_dir = posixpath.dirname(urlsplit(base_target).path) + "/"
        target = urlsplit(resolved)
        inside = (target.netloc == urlsplit(base_target).netloc
                  and posixpath.normpath(target.path).startswith(base_dir))  # fmt: skip
    if not inside:
        raise ReadError("the target is outside the location's directory")


def _parse(key: str, data: bytes, target: str, path: str) -> Any:
    try:
        text = data.decode("utf-8")
        if key == "$text":
            return text
        if key == "$json":
            return json.loads(text)
        documents = parse_documents(text, source=target)
    except UnicodeDecodeError:
        raise PlaceholderError(
            f"Placeholder {key} {target} is not UTF-8 text", field=path
        ) from None
    except json.JSONDecodeError as exc:
        raise PlaceholderError(f"Placeholder $json failed to parse JSON data at {target}, {exc}",
                               field=path) from None  # fmt: skip
    except YamlError as exc:
        raise PlaceholderError(f"Placeholder $yaml failed to parse YAML data at {target}, {exc}",
                               field=path) from None  # fmt: skip
    if len(documents) != 1:
        raise PlaceholderError(
            f"Placeholder $yaml expected to find exactly one document of data at {target}, "
            f"found {len(documents)}", field=path)  # fmt: skip
    return documents[0][1]
