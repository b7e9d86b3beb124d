"""Read an author's ``mkdocs.yml`` without trusting it.

MkDocs itself loads its configuration with PyYAML's unsafe loader (``!!python/...``
tags import and call anything, ``!ENV`` reads the environment, ``!relative`` and
``INHERIT`` read other files). Greenroom reads it with a safe loader that knows only
the few ``!!python/name:`` objects a clean configuration may name, refuses every other
tag, duplicate keys (PyYAML and other parsers disagree on which one wins, a known way
to smuggle ``hooks`` past a checker) and oversized or deeply nested documents.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from techdocs.generate.problems import DocsProblem, ProblemKind
from techdocs.generate.python_names import ALLOWED_PYTHON_NAMES, PYTHON_NAME_MARKER

__all__ = ["MAX_ALIASES", "MAX_BYTES", "MAX_DEPTH", "load_mkdocs_yaml"]

MAX_BYTES = 256 * 1024
MAX_DEPTH = 30
MAX_ALIASES = 100
_PYTHON_NAME = "tag:yaml.org,2002:python/name:"


def _refused(filename: str, node: Node, message: str, key: str = "") -> DocsProblem:
    line = node.start_mark.line + 1
    return DocsProblem(ProblemKind.REFUSED_CONFIG, f"{filename}, line {line}: {message}", key=key)


class _Loader(yaml.SafeLoader):
    """SafeLoader with Greenroom's refusals; ``filename`` names the file in messages."""

    filename = "mkdocs.yml"

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _refused(self.filename, self.peek_event(),  # type: ignore[arg-type]
                               f"more than {MAX_ALIASES} aliases")
        return super().compose_node(parent, index)

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        tag = node.tag or ""
        if tag.startswith(_PYTHON_NAME):
            name = tag[len(_PYTHON_NAME):]
            if name not in ALLOWED_PYTHON_NAMES:
                raise _refused(self.filename, node,
                               f"the tag !!python/name:{name} names Python code; only "
                               f"{', '.join(sorted(ALLOWED_PYTHON_NAMES))} may be named",
                               key=f"!!python/name:{name}")  # fmt: skip
            return {PYTHON_NAME_MARKER: name}
        known = tag in self.yaml_constructors or tag.startswith("tag:yaml.org,2002:")
        if not known or tag.startswith("tag:yaml.org,2002:python/"):
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise _refused(self.filename, node,
                           f"the tag {shown} is not allowed (Greenroom reads mkdocs.yml as "
                           "plain data: no Python objects, environment variables or other "
                           "files)", key=shown)  # fmt: skip
        return super().construct_object(node, deep)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, ScalarNode):
                if key_node.value in seen:
                    raise _refused(self.filename, key_node,
                                   f"the key {key_node.value!r} appears twice in one mapping",
                                   key=str(key_node.value))  # fmt: skip
                seen.add(key_node.value)
        return super().construct_mapping(node, deep)


def _depth(node: Node, filename: str, level: int = 0) -> None:
    if level > MAX_DEPTH:
        raise _refused(filename, node, f"nested deeper than {MAX_DEPTH} levels")
    if isinstance(node, SequenceNode):
        for child in node.value:
            _depth(child, filename, level + 1)
    elif isinstance(node, MappingNode):
        for key, value in node.value:
            _depth(key, filename, level + 1)
            _depth(value, filename, level + 1)


def load_mkdocs_yaml(text: str, filename: str = "mkdocs.yml") -> dict[str, Any]:
    """The configuration as plain data (allowed Python names as marker dicts, merge
    keys applied as PyYAML applies them). Raises DocsProblem(REFUSED_CONFIG)."""
    if len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        raise DocsProblem(ProblemKind.REFUSED_CONFIG,
                          f"{filename} is larger than {MAX_BYTES // 1024} KiB")  # fmt: skip
    loader = _Loader(text)
    loader.filename = filename
    try:
        node = loader.get_single_node()
        if node is None:
            return {}
        _depth(node, filename)
        data = loader.construct_document(node)
    except DocsProblem:
        raise
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise DocsProblem(ProblemKind.REFUSED_CONFIG,
                          f"{filename}{where}: not valid YAML ({problem})") from None  # fmt: skip
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise DocsProblem(ProblemKind.REFUSED_CONFIG,
                          f"{filename} must be a mapping of settings (site_name: ...)")  # fmt: skip
    return data
