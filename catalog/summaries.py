"""What pages show of an entity: one flat, typed summary per served entity.

Tables, relation cards, the APIs explorer and home cards all show the same handful of
fields, read from the served JSON in one place so that an entity with any optional
field absent (no title, no owner, no spec at all) still shows cleanly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

__all__ = ["EntitySummary", "entity_path", "ref_parts", "short_ref", "summarize"]


def ref_parts(ref: str) -> tuple[str, str, str]:
    """(kind, namespace, name) of a canonical ref ``kind:namespace/name``; refs missing
    parts (as written in some spec fields) get ``""`` kind and the default namespace."""
    kind, _, rest = ref.partition(":") if ":" in ref.split("/")[0] else ("", "", ref)
    namespace, _, name = rest.partition("/") if "/" in rest else ("", "", rest)
    return kind, namespace or "default", name


def entity_path(ref: str) -> str:
    """The page of the entity ``ref``: ``/catalog/<namespace>/<kind>/<name>``."""
    kind, namespace, name = ref_parts(ref)
    return "/catalog/" + "/".join(quote(part, safe="") for part in (namespace, kind, name))


def short_ref(ref: str, default_kind: str = "") -> str:
    """``ref`` as people read it: the default namespace and ``default_kind`` left out
    (``group:default/team-a`` -> ``team-a`` on an owner column)."""
    kind, namespace, name = ref_parts(ref)
    text = name if namespace == "default" else f"{namespace}/{name}"
    return text if not kind or kind == default_kind.lower() else f"{kind}:{text}"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _relation_targets(entity: Mapping[str, Any], relation: str) -> list[str]:
    relations = entity.get("relations") or []
    return [r["targetRef"] for r in relations if isinstance(r, dict) and r.get("type") == relation]


@dataclass(frozen=True)
class EntitySummary:
    """The fields tables and cards show."""

    ref: str
    kind: str
    namespace: str
    name: str
    title: str = ""
    description: str = ""
    type: str = ""
    lifecycle: str = ""
    owners: tuple[str, ...] = ()
    system: str = ""
    tags: tuple[str, ...] = ()
    error_count: int = 0
    relations: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.title or self.name

    @property
    def path(self) -> str:
        return entity_path(self.ref)


def summarize(entity: Mapping[str, Any]) -> EntitySummary:
    """The summary of a served entity (a dict of its final JSON)."""
    metadata = entity.get("metadata") if isinstance(entity.get("metadata"), dict) else {}
    spec = entity.get("spec") if isinstance(entity.get("spec"), dict) else {}
    profile = spec.get("profile") if isinstance(spec.get("profile"), dict) else {}
    kind = _text(entity.get("kind"))
    namespace = _text(metadata.get("namespace")) or "default"
    name = _text(metadata.get("name"))
    systems = [r for r in _relation_targets(entity, "partOf") if r.startswith("system:")]
    status = entity.get("status") if isinstance(entity.get("status"), dict) else {}
    relations: dict[str, list[str]] = {}
    for relation in entity.get("relations") or []:
        if isinstance(relation, dict):
            relations.setdefault(relation.get("type", ""), []).append(relation.get("targetRef", ""))
    return EntitySummary(
        ref=f"{kind}:{namespace}/{name}".lower(),
        kind=kind,
        namespace=namespace,
        name=name,
        title=_text(metadata.get("title")) or _text(profile.get("displayName")),
        description=_text(metadata.get("description")),
        type=_text(spec.get("type")),
        lifecycle=_text(spec.get("lifecycle")),
        owners=tuple(_relation_targets(entity, "ownedBy")),
        system=systems[0] if systems else "",
        tags=tuple(t for t in metadata.get("tags") or [] if isinstance(t, str)),
        error_count=len(status.get("items") or []) if isinstance(status.get("items"), list) else 0,
        relations={k: tuple(v) for k, v in relations.items()},
    )
