"""Entity references: ``[<kind>:][<namespace>/]<name>``, parsed and printed as Backstage does.

Spec fields (``owner``, ``dependsOn``, ...) point at other entities with these references, and
the catalog stores and looks entities up by the canonical, lower-cased ``kind:namespace/name``
string. Parsing follows Backstage's ``parseEntityRef`` to the character (including the
``a/b:c`` case, where a ``/`` before the first ``:`` makes the colon part of the name), so the
same YAML yields the same relations in both systems.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any, NamedTuple

from catalog.model.errors import InvalidEntityRef
from catalog.model.formats import shown

__all__ = [
    "DEFAULT_NAMESPACE",
    "EntityRef",
    "entity_ref",
    "parse_entity_ref",
    "stringify_entity_ref",
]

DEFAULT_NAMESPACE = "default"


class EntityRef(NamedTuple):
    """A parsed reference; parts keep their original casing, ``str()`` gives the canonical form."""

    kind: str
    namespace: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.namespace}/{self.name}".lower()


def _json_text(value: object) -> str:
    """``value`` as JavaScript's ``JSON.stringify`` would print it in Backstage's messages."""
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    except (TypeError, ValueError, RecursionError):
        text = type(value).__name__
    return shown(text)


def _not_on_form(text: str) -> InvalidEntityRef:
    return InvalidEntityRef(
        f"Entity reference {text} was not on the form [<kind>:][<namespace>/]<name>"
    )


def _split(ref: str) -> tuple[str | None, str | None, str]:
    """Cut a string reference at the first ``:`` and the first ``/`` (Backstage's rule)."""
    colon = ref.find(":")
    slash = ref.find("/")
    if slash != -1 and slash < colon:
        colon = -1
    kind = None if colon == -1 else ref[:colon]
    namespace = None if slash == -1 else ref[colon + 1 : slash]
    name = ref[max(colon + 1, slash + 1) :]
    if kind == "" or namespace == "" or name == "":
        raise _not_on_form(f'"{shown(ref)}"')
    return kind, namespace, name


def _checked(ref: object, part: str, value: object) -> str:
    """One filled-in part, which must be a non-empty string."""
    if value is not None and not isinstance(value, str):
        raise _not_on_form(_json_text(ref))
    if not value:
        example = ' (e.g. did not start with "component:" or similar)' if part == "kind" else ""
        raise InvalidEntityRef(
            f"Entity reference {_json_text(ref)} had missing or empty {part}{example}"
        )
    return value


def parse_entity_ref(
    ref: str | Mapping[str, Any],
    *,
    default_kind: str | None = None,
    default_namespace: str = DEFAULT_NAMESPACE,
) -> EntityRef:
    """Parse a string or ``{kind?, namespace?, name}`` reference, filling missing parts.

    Missing kind and namespace come from the defaults (an empty ``default_namespace`` means
    ``default``). Raises ``InvalidEntityRef`` with Backstage's message for anything that is
    not a reference, including non-string parts, which Backstage would let through.
    """
    if ref is None or (isinstance(ref, str) and not ref):
        raise InvalidEntityRef("Entity reference must not be empty")
    if isinstance(ref, str):
        kind, namespace, name = _split(ref)
    elif isinstance(ref, Mapping):
        kind, namespace, name = ref.get("kind"), ref.get("namespace"), ref.get("name")
    else:
        raise _not_on_form(_json_text(ref))
    kind = default_kind if kind is None else kind
    namespace = (default_namespace or DEFAULT_NAMESPACE) if namespace is None else namespace
    return EntityRef(
        _checked(ref, "kind", kind),
        _checked(ref, "namespace", namespace),
        _checked(ref, "name", name),
    )


def entity_ref(entity: Mapping[str, Any]) -> str:
    """Canonical reference of an entity document (namespace ``default`` when absent)."""
    metadata = entity["metadata"]
    namespace = metadata.get("namespace") or DEFAULT_NAMESPACE
    return f"{entity['kind']}:{namespace}/{metadata['name']}".lower()


def stringify_entity_ref(
    ref: EntityRef | Mapping[str, Any] | str,
    *,
    default_kind: str | None = None,
    default_namespace: str = DEFAULT_NAMESPACE,
) -> str:
    """Canonical lower-cased ``kind:namespace/name`` of a parsed ref, an entity, or a reference.

    This is the catalog's key for entities and relation targets, so every lookup goes
    through it and is case-insensitive like Backstage's.
    """
    if isinstance(ref, EntityRef):
        return str(ref)
    if isinstance(ref, Mapping) and "metadata" in ref:
        return entity_ref(ref)
    parsed = parse_entity_ref(ref, default_kind=default_kind, default_namespace=default_namespace)
    return str(parsed)


def generated_location_name(location_type: str, target: str) -> str:
    """The name Backstage gives the Location entity of a registered location.

    It is fixed when the location is registered: moving the location (``PUT
    /locations/{id}``) keeps the name, so the entity keeps its identity.
    """
    key = f"{location_type}:{target}"
    return "generated-" + hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()
