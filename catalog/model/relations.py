"""Relations between entities, derived from spec fields as Backstage's processors emit them.

Backstage's ``BuiltinKindsEntityProcessor`` (and the scaffolder module for ``Template``) turn
every reference in a known spec field into two relation rows: ``self --forward--> target``
and ``target --inverse--> self``. Both rows belong to the entity that declared them, which is
how an entity ends up showing relations it never declared (a Group's ``hasMember`` from its
Users' ``memberOf``). Targets need not exist; dangling relations are kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from catalog.model.errors import InvalidEntityRef
from catalog.model.kinds import TEMPLATE_API_VERSION
from catalog.model.refs import DEFAULT_NAMESPACE, entity_ref, parse_entity_ref

__all__ = [
    "RELATION_API_CONSUMED_BY",
    "RELATION_API_PROVIDED_BY",
    "RELATION_CHILD_OF",
    "RELATION_CONSUMES_API",
    "RELATION_DEPENDENCY_OF",
    "RELATION_DEPENDS_ON",
    "RELATION_HAS_MEMBER",
    "RELATION_HAS_PART",
    "RELATION_MEMBER_OF",
    "RELATION_OWNED_BY",
    "RELATION_OWNER_OF",
    "RELATION_PAIRS",
    "RELATION_PARENT_OF",
    "RELATION_PART_OF",
    "RELATION_PROVIDES_API",
    "Relation",
    "derive_relations",
]

RELATION_OWNED_BY = "ownedBy"
RELATION_OWNER_OF = "ownerOf"
RELATION_CONSUMES_API = "consumesApi"
RELATION_API_CONSUMED_BY = "apiConsumedBy"
RELATION_PROVIDES_API = "providesApi"
RELATION_API_PROVIDED_BY = "apiProvidedBy"
RELATION_DEPENDS_ON = "dependsOn"
RELATION_DEPENDENCY_OF = "dependencyOf"
RELATION_PARENT_OF = "parentOf"
RELATION_CHILD_OF = "childOf"
RELATION_MEMBER_OF = "memberOf"
RELATION_HAS_MEMBER = "hasMember"
RELATION_PART_OF = "partOf"
RELATION_HAS_PART = "hasPart"

RELATION_PAIRS: tuple[tuple[str, str], ...] = (
    (RELATION_OWNED_BY, RELATION_OWNER_OF),
    (RELATION_CONSUMES_API, RELATION_API_CONSUMED_BY),
    (RELATION_PROVIDES_API, RELATION_API_PROVIDED_BY),
    (RELATION_DEPENDS_ON, RELATION_DEPENDENCY_OF),
    (RELATION_PARENT_OF, RELATION_CHILD_OF),
    (RELATION_MEMBER_OF, RELATION_HAS_MEMBER),
    (RELATION_PART_OF, RELATION_HAS_PART),
)
"""Each relation type with its inverse, forward direction first."""


class Relation(NamedTuple):
    """A directed relation between two canonical (lower-cased) entity references."""

    source: str
    type: str
    target: str


class _RefField(NamedTuple):
    """A spec field holding references, and the relations each reference yields."""

    name: str
    default_kind: str | None
    forward: str
    inverse: str


_OWNER = _RefField("owner", "Group", RELATION_OWNED_BY, RELATION_OWNER_OF)
_SYSTEM = _RefField("system", "System", RELATION_PART_OF, RELATION_HAS_PART)
# No default kind: a dependency can be a Component or a Resource, so the kind must be given.
_DEPENDS_ON = _RefField("dependsOn", None, RELATION_DEPENDS_ON, RELATION_DEPENDENCY_OF)
_DEPENDENCY_OF = _RefField("dependencyOf", None, RELATION_DEPENDENCY_OF, RELATION_DEPENDS_ON)

# Field order is Backstage's emission order.
_BUILTIN_FIELDS: dict[str, tuple[_RefField, ...]] = {
    "Component": (
        _OWNER,
        _RefField("subcomponentOf", "Component", RELATION_PART_OF, RELATION_HAS_PART),
        _RefField("providesApis", "API", RELATION_PROVIDES_API, RELATION_API_PROVIDED_BY),
        _RefField("consumesApis", "API", RELATION_CONSUMES_API, RELATION_API_CONSUMED_BY),
        _DEPENDS_ON,
        _DEPENDENCY_OF,
        _SYSTEM,
    ),
    "API": (_OWNER, _SYSTEM),
    "Resource": (_OWNER, _DEPENDS_ON, _DEPENDENCY_OF, _SYSTEM),
    "User": (_RefField("memberOf", "Group", RELATION_MEMBER_OF, RELATION_HAS_MEMBER),),
    "Group": (
        _RefField("parent", "Group", RELATION_CHILD_OF, RELATION_PARENT_OF),
        _RefField("children", "Group", RELATION_PARENT_OF, RELATION_CHILD_OF),
        _RefField("members", "User", RELATION_HAS_MEMBER, RELATION_MEMBER_OF),
    ),
    "System": (_OWNER, _RefField("domain", "Domain", RELATION_PART_OF, RELATION_HAS_PART)),
    "Domain": (_OWNER, _RefField("subdomainOf", "Domain", RELATION_PART_OF, RELATION_HAS_PART)),
}


def _ref_fields(entity: Mapping[str, Any]) -> tuple[_RefField, ...]:
    """Builtin kinds match on ``kind`` alone; the scaffolder module also checks apiVersion."""
    if entity["kind"] == "Template":
        return (_OWNER,) if entity.get("apiVersion") == TEMPLATE_API_VERSION else ()
    return _BUILTIN_FIELDS.get(entity["kind"], ())


def _targets(spec: Mapping[str, Any], name: str) -> list[tuple[str, Any]]:
    """``(field path, reference)`` pairs of one field; JavaScript-falsy values yield none."""
    value = spec.get(name)
    if value is None or (isinstance(value, str | int | float) and not value):
        return []
    if isinstance(value, list):
        return [(f"spec.{name}.{index}", item) for index, item in enumerate(value)]
    return [(f"spec.{name}", value)]


def _target_ref(target: Any, field: _RefField, namespace: str, path: str) -> str:
    try:
        parsed = parse_entity_ref(
            target, default_kind=field.default_kind, default_namespace=namespace
        )
    except InvalidEntityRef as error:
        raise InvalidEntityRef(str(error), field=path) from None
    return str(parsed)


def derive_relations(entity: Mapping[str, Any]) -> list[Relation]:
    """Every relation a validated entity declares, both directions, without duplicates.

    Missing kinds default per field (``owner`` -> Group, ``providesApis`` -> API, ...) and
    missing namespaces to the entity's own namespace, as in Backstage. Location entities
    declare none. Raises ``InvalidEntityRef`` (an ``EntityValidationError``) naming the
    field, e.g. ``spec.dependsOn.0``, for a reference that cannot be parsed.
    """
    namespace = entity["metadata"].get("namespace") or DEFAULT_NAMESPACE
    self_ref = entity_ref(entity)
    spec = entity.get("spec")
    if not isinstance(spec, Mapping):
        return []
    relations: dict[Relation, None] = {}
    for field in _ref_fields(entity):
        for path, target in _targets(spec, field.name):
            target_ref = _target_ref(target, field, namespace, path)
            relations[Relation(self_ref, field.forward, target_ref)] = None
            relations[Relation(target_ref, field.inverse, self_ref)] = None
    return list(relations)
