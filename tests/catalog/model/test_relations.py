"""derive_relations emits what Backstage's BuiltinKindsEntityProcessor (and the scaffolder
module, for Templates) emit: both directions, per-field default kinds, own namespace."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.model.errors import EntityValidationError, InvalidEntityRef
from catalog.model.relations import RELATION_PAIRS, Relation, derive_relations
from catalog.model.validation import validate_entity

R = Relation


def entity(kind: str, spec: dict[str, Any], **metadata: str) -> dict[str, Any]:
    api_version = (
        "scaffolder.backstage.io/v1beta3" if kind == "Template" else "backstage.io/v1alpha1"
    )
    return {
        "apiVersion": api_version,
        "kind": kind,
        "metadata": {"name": "me", **metadata},
        "spec": spec,
    }


def both(source: str, forward: str, inverse: str, target: str) -> list[Relation]:
    return [R(source, forward, target), R(target, inverse, source)]


COMPONENT = {"type": "service", "lifecycle": "production", "owner": "team-a"}
OWNED = both("component:default/me", "ownedBy", "ownerOf", "group:default/team-a")


def test_relation_pairs_are_backstages() -> None:
    assert RELATION_PAIRS == (
        ("ownedBy", "ownerOf"),
        ("consumesApi", "apiConsumedBy"),
        ("providesApi", "apiProvidedBy"),
        ("dependsOn", "dependencyOf"),
        ("parentOf", "childOf"),
        ("memberOf", "hasMember"),
        ("partOf", "hasPart"),
    )


# --- owner ----------------------------------------------------------------------------------


def test_owner_defaults_to_a_group_in_the_entitys_namespace() -> None:
    assert derive_relations(entity("Component", COMPONENT)) == OWNED
    assert derive_relations(entity("Component", COMPONENT, namespace="ops")) == both(
        "component:ops/me", "ownedBy", "ownerOf", "group:ops/team-a"
    )


def test_owner_kind_and_namespace_can_be_given() -> None:
    spec = {**COMPONENT, "owner": "user:guest"}
    assert derive_relations(entity("Component", spec)) == both(
        "component:default/me", "ownedBy", "ownerOf", "user:default/guest"
    )
    spec = {**COMPONENT, "owner": "Group:Platform/Team-A"}
    assert derive_relations(entity("Component", spec, namespace="ops")) == both(
        "component:ops/me", "ownedBy", "ownerOf", "group:platform/team-a"
    )


def test_refs_are_canonical_lower_case() -> None:
    spec = {**COMPONENT, "owner": "Team-A"}
    assert derive_relations(entity("Component", spec, name="Me")) == OWNED


@pytest.mark.parametrize(
    ("kind", "spec"),
    [
        (
            "API",
            {"type": "openapi", "lifecycle": "production", "owner": "team-a", "definition": "x"},
        ),
        ("Resource", {"type": "database", "owner": "team-a"}),
        ("System", {"owner": "team-a"}),
        ("Domain", {"owner": "team-a"}),
        ("Template", {"type": "service", "steps": [], "owner": "team-a"}),
    ],
)
def test_owner_of_each_owned_kind(kind: str, spec: dict[str, Any]) -> None:
    assert derive_relations(entity(kind, spec)) == both(
        f"{kind.lower()}:default/me", "ownedBy", "ownerOf", "group:default/team-a"
    )


def test_template_without_owner_has_no_relations() -> None:
    assert derive_relations(entity("Template", {"type": "service", "steps": []})) == []


# --- Component ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "forward", "inverse", "target"),
    [
        ("subcomponentOf", "parent", "partOf", "hasPart", "component:default/parent"),
        ("providesApis", ["pets"], "providesApi", "apiProvidedBy", "api:default/pets"),
        ("consumesApis", ["pets"], "consumesApi", "apiConsumedBy", "api:default/pets"),
        ("dependsOn", ["resource:db"], "dependsOn", "dependencyOf", "resource:default/db"),
        ("dependencyOf", ["component:app"], "dependencyOf", "dependsOn", "component:default/app"),
        ("system", "audio", "partOf", "hasPart", "system:default/audio"),
    ],
)
def test_component_fields(
    field: str, value: object, forward: str, inverse: str, target: str
) -> None:
    relations = derive_relations(entity("Component", {**COMPONENT, field: value}))
    assert relations == [*OWNED, *both("component:default/me", forward, inverse, target)]


def test_component_emits_fields_in_backstage_order() -> None:
    spec = {
        **COMPONENT,
        "system": "audio",
        "dependsOn": ["component:lib"],
        "consumesApis": ["in"],
        "providesApis": ["out"],
        "subcomponentOf": "parent",
    }
    types = [relation.type for relation in derive_relations(entity("Component", spec))]
    assert types == [
        "ownedBy", "ownerOf", "partOf", "hasPart", "providesApi", "apiProvidedBy",
        "consumesApi", "apiConsumedBy", "dependsOn", "dependencyOf", "partOf", "hasPart",
    ]  # fmt: skip


@pytest.mark.parametrize("field", ["dependsOn", "dependencyOf"])
def test_dependencies_need_an_explicit_kind(field: str) -> None:
    spec = {**COMPONENT, field: ["component:ok", "lib"]}
    with pytest.raises(InvalidEntityRef) as caught:
        derive_relations(entity("Component", spec))
    assert caught.value.field == f"spec.{field}.1"
    assert str(caught.value) == (
        'Entity reference "lib" had missing or empty kind (e.g. did not start with "component:" '
        "or similar)"
    )


def test_bad_single_reference_names_the_field() -> None:
    with pytest.raises(EntityValidationError) as caught:
        derive_relations(entity("Component", {**COMPONENT, "system": "system:"}))
    assert caught.value.field == "spec.system"


def test_dependency_of_accepts_what_the_schema_does_not_check() -> None:
    spec = {**COMPONENT, "dependencyOf": {"kind": "Component", "name": "app"}}
    assert derive_relations(entity("Component", spec))[2:] == both(
        "component:default/me", "dependencyOf", "dependsOn", "component:default/app"
    )
    for empty in ("", 0, False, None, []):
        assert derive_relations(entity("Component", {**COMPONENT, "dependencyOf": empty})) == OWNED
    with pytest.raises(InvalidEntityRef) as caught:
        derive_relations(entity("Component", {**COMPONENT, "dependencyOf": [5]}))
    assert caught.value.field == "spec.dependencyOf.0"


def test_duplicates_are_removed() -> None:
    spec = {**COMPONENT, "providesApis": ["pets", "Pets", "api:default/pets"]}
    assert derive_relations(entity("Component", spec)) == [
        *OWNED,
        *both("component:default/me", "providesApi", "apiProvidedBy", "api:default/pets"),
    ]


# --- other kinds ------------------------------------------------------------------------------


def test_api_system() -> None:
    spec = {"type": "grpc", "lifecycle": "x", "owner": "team-a", "definition": "x", "system": "s"}
    assert derive_relations(entity("API", spec))[2:] == both(
        "api:default/me", "partOf", "hasPart", "system:default/s"
    )


def test_resource_fields() -> None:
    spec = {
        "type": "database",
        "owner": "team-a",
        "dependsOn": ["resource:disk"],
        "dependencyOf": ["component:app"],
        "system": "s",
    }
    assert derive_relations(entity("Resource", spec))[2:] == [
        *both("resource:default/me", "dependsOn", "dependencyOf", "resource:default/disk"),
        *both("resource:default/me", "dependencyOf", "dependsOn", "component:default/app"),
        *both("resource:default/me", "partOf", "hasPart", "system:default/s"),
    ]


def test_system_domain() -> None:
    assert derive_relations(entity("System", {"owner": "team-a", "domain": "audio"}))[2:] == both(
        "system:default/me", "partOf", "hasPart", "domain:default/audio"
    )


def test_domain_subdomain_of() -> None:
    spec = {"owner": "team-a", "subdomainOf": "audio"}
    assert derive_relations(entity("Domain", spec))[2:] == both(
        "domain:default/me", "partOf", "hasPart", "domain:default/audio"
    )


def test_group_parent_children_and_members() -> None:
    spec = {"type": "team", "parent": "org", "children": ["sub"], "members": ["ann", "group:x"]}
    assert derive_relations(entity("Group", spec, namespace="ops")) == [
        *both("group:ops/me", "childOf", "parentOf", "group:ops/org"),
        *both("group:ops/me", "parentOf", "childOf", "group:ops/sub"),
        *both("group:ops/me", "hasMember", "memberOf", "user:ops/ann"),
        *both("group:ops/me", "hasMember", "memberOf", "group:ops/x"),
    ]


def test_group_parent_listed_as_child_is_deduplicated() -> None:
    spec = {"type": "team", "parent": "org", "children": ["org"]}
    assert derive_relations(entity("Group", spec)) == [
        *both("group:default/me", "childOf", "parentOf", "group:default/org"),
        *both("group:default/me", "parentOf", "childOf", "group:default/org"),
    ]


def test_user_member_of() -> None:
    spec = {"memberOf": ["team-a", "group:default/team-b"]}
    assert derive_relations(entity("User", spec, namespace="dev")) == [
        *both("user:dev/me", "memberOf", "hasMember", "group:dev/team-a"),
        *both("user:dev/me", "memberOf", "hasMember", "group:default/team-b"),
    ]
    assert derive_relations(entity("User", {"memberOf": []})) == []


def test_location_and_unknown_kinds_have_none() -> None:
    spec = {"owner": "team-a", "targets": ["./a.yaml"], "dependsOn": ["component:x"]}
    assert derive_relations(entity("Location", spec)) == []
    assert derive_relations(entity("Widget", spec)) == []


def test_template_needs_the_scaffolder_api_version() -> None:
    template = entity("Template", {"type": "service", "steps": [], "owner": "team-a"})
    template["apiVersion"] = "backstage.io/v1alpha1"
    assert derive_relations(template) == []


def test_works_on_validated_entities() -> None:
    validated = validate_entity(entity("Component", {**COMPONENT, "providesApis": ["pets"]}))
    assert len(derive_relations(validated)) == 4


REF_FIELDS = st.sampled_from(
    [
        "owner",
        "system",
        "subcomponentOf",
        "providesApis",
        "consumesApis",
        "dependsOn",
        "dependencyOf",
    ]
)
REFS = st.text(st.sampled_from("aB:/-_.x"), min_size=1, max_size=12)


@settings(deadline=None)
@given(st.dictionaries(REF_FIELDS, REFS | st.lists(REFS, max_size=3), max_size=5))
def test_every_relation_comes_with_its_inverse(fields: dict[str, object]) -> None:
    try:
        relations = derive_relations(validate_entity(entity("Component", {**COMPONENT, **fields})))
    except EntityValidationError:
        return
    inverse = {**dict(RELATION_PAIRS), **{b: a for a, b in RELATION_PAIRS}}
    assert len(set(relations)) == len(relations)
    for relation in relations:
        assert Relation(relation.target, inverse[relation.type], relation.source) in relations
        assert relation.source == relation.source.lower()
        assert relation.target == relation.target.lower()
