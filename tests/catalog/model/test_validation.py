"""validate_entity accepts and rejects what Backstage does, with Backstage's first message.

Expected messages were checked against @backstage/catalog-model 1.10.3 (envelope validator,
default entity policies, kind validators) and the scaffolder's Template schema.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.model.errors import EntityValidationError
from catalog.model.relations import derive_relations
from catalog.model.validation import validate_entity

DOCS = (
    "To learn more about catalog file format, visit: https://github.com/backstage/backstage/"
    "blob/master/docs/architecture-decisions/adr002-default-catalog-file-format.md"
)
OBJECT_NAME = (
    "a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], "
    "at most 63 characters in total"
)
DNS_LABEL = (
    "a string that is sequences of [a-z0-9] separated by [-], at most 63 characters in total"
)
TAG = "a string that is sequences of [a-z0-9+#] separated by [-], at most 63 characters in total"
PREFIX_SUFFIX = "a valid prefix and/or suffix"


def component(**changes: Any) -> dict[str, Any]:
    """A valid Component; ``changes`` maps ``a__b`` paths to new values (None deletes)."""
    entity: dict[str, Any] = {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {"name": "wayback-search"},
        "spec": {"type": "service", "lifecycle": "production", "owner": "team-a"},
    }
    return changed(entity, **changes)


def changed(entity: dict[str, Any], **changes: Any) -> dict[str, Any]:
    entity = copy.deepcopy(entity)
    for path, value in changes.items():
        *parents, last = path.split("__")
        target = entity
        for part in parents:
            target = target.setdefault(part, {})
        if value is None:
            target.pop(last, None)
        else:
            target[last] = value
    return entity


def entity_of(kind: str, spec: dict[str, Any], api_version: str = "backstage.io/v1alpha1") -> dict:
    return {"apiVersion": api_version, "kind": kind, "metadata": {"name": "x"}, "spec": spec}


def rejected(entity: object) -> EntityValidationError:
    with pytest.raises(EntityValidationError) as caught:
        validate_entity(entity)
    return caught.value


def assert_rejected(entity: object, message: str, field: str) -> None:
    error = rejected(entity)
    assert (str(error), error.field) == (message, field)


def format_message(field: str, expected: str, value: str) -> str:
    return f'"{field}" is not valid; expected {expected} but found "{value}". {DOCS}'


# --- result -------------------------------------------------------------------------------


def test_returns_a_copy_with_the_default_namespace() -> None:
    entity = component(metadata__labels={"tier": "gold"})
    before = copy.deepcopy(entity)
    result = validate_entity(entity)
    assert entity == before
    assert result["metadata"]["namespace"] == "default"
    assert result["metadata"]["labels"] is not entity["metadata"]["labels"]
    assert result == changed(before, metadata__namespace="default")


def test_keeps_an_explicit_namespace() -> None:
    assert validate_entity(component(metadata__namespace="ops"))["metadata"]["namespace"] == "ops"


def test_copies_mappings_and_tuples_as_plain_json_containers() -> None:
    entity = component(spec__providesApis=("a", "b"))
    assert validate_entity(entity)["spec"]["providesApis"] == ["a", "b"]


# --- envelope -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, 5, "x", [], ["apiVersion"]])
def test_envelope_requires_an_object(value: object) -> None:
    assert_rejected(value, "<root> must be object - type: object", "")


@pytest.mark.parametrize("missing", ["apiVersion", "kind", "metadata"])
def test_envelope_requires_api_version_kind_and_metadata(missing: str) -> None:
    assert_rejected(
        component(**{missing: None}),
        f"<root> must have required property '{missing}' - missingProperty: {missing}",
        missing,
    )


def test_envelope_requires_non_empty_strings() -> None:
    assert_rejected(
        component(apiVersion=5), "/apiVersion must be string - type: string", "apiVersion"
    )
    assert_rejected(
        component(kind=""), "/kind must NOT have fewer than 1 characters - limit: 1", "kind"
    )
    assert_rejected(component(metadata=[]), "/metadata must be object - type: object", "metadata")
    assert_rejected(
        component(metadata__name=None),
        "/metadata must have required property 'name' - missingProperty: name",
        "metadata.name",
    )
    assert_rejected(
        component(metadata__name=""),
        "/metadata/name must NOT have fewer than 1 characters - limit: 1",
        "metadata.name",
    )
    assert_rejected(
        component(metadata__namespace=""),
        "/metadata/namespace must NOT have fewer than 1 characters - limit: 1",
        "metadata.namespace",
    )


def test_envelope_is_checked_before_anything_else() -> None:
    entity = component(metadata__name=7, extra=1, metadata__tags="x")
    assert_rejected(entity, "/metadata/name must be string - type: string", "metadata.name")


# --- entity schema ("Malformed envelope") --------------------------------------------------


def test_schema_rejects_unknown_root_fields() -> None:
    validate_entity(component())
    assert_rejected(
        component(zzz=1), "Malformed envelope, <root> must NOT have additional properties", "zzz"
    )


def test_schema_requires_spec_to_be_an_object() -> None:
    assert_rejected(component(spec=[]), "Malformed envelope, /spec must be object", "spec")


@pytest.mark.parametrize(
    ("path", "value", "message", "field"),
    [
        ("title", "", "/metadata/title must NOT have fewer than 1 characters", "metadata.title"),
        ("uid", "", "/metadata/uid must NOT have fewer than 1 characters", "metadata.uid"),
        ("description", 5, "/metadata/description must be string", "metadata.description"),
        ("labels", [], "/metadata/labels must be object", "metadata.labels"),
        ("labels", {"a": 1}, "/metadata/labels/a must be string", "metadata.labels.a"),
        (
            "annotations",
            {"example.com/x": True},
            "/metadata/annotations/example.com~1x must be string",
            "metadata.annotations.example.com/x",
        ),
        ("tags", "java", "/metadata/tags must be array", "metadata.tags"),
        (
            "tags",
            ["java", ""],
            "/metadata/tags/1 must NOT have fewer than 1 characters",
            "metadata.tags.1",
        ),
        (
            "links",
            [{}],
            "/metadata/links/0 must have required property 'url'",
            "metadata.links.0.url",
        ),
        (
            "links",
            [{"url": "https://a.example", "type": ""}],
            "/metadata/links/0/type must NOT have fewer than 1 characters",
            "metadata.links.0.type",
        ),
    ],
)
def test_schema_checks_metadata_types(path: str, value: object, message: str, field: str) -> None:
    assert_rejected(
        component(**{f"metadata__{path}": value}), f"Malformed envelope, {message}", field
    )


def test_schema_accepts_the_documented_metadata() -> None:
    validate_entity(
        component(
            metadata__title="Wayback Search",
            metadata__description="",
            metadata__labels={"tier": "", "example.com/team": "A_b.c"},
            metadata__annotations={"backstage.io/techdocs-ref": "dir:.", "x": "any text at all"},
            metadata__tags=["java", "c++", "lang:go"],
            metadata__links=[{"url": "https://a.example", "title": "A", "icon": "i", "type": "t"}],
        )
    )


# --- policies: foreign root fields ---------------------------------------------------------


@pytest.mark.parametrize(
    "field", [{"relations": [{"type": "ownedBy", "targetRef": "group:default/a"}]}, {"status": {}}]
)
def test_rejects_output_only_root_fields(field: dict[str, object]) -> None:
    (name,) = field
    assert_rejected(component(**field), f"Unknown field {name}", name)


def test_malformed_output_fields_fail_the_schema_first() -> None:
    assert_rejected(
        component(relations=[{"type": "owned-by", "targetRef": "x"}]),
        'Malformed envelope, /relations/0/type must match pattern "^\\w+$"',
        "relations.0.type",
    )


# --- policies: field formats -----------------------------------------------------------------


@pytest.mark.parametrize("value", ["backstage.io/v1alpha1", "v1", "my-company.net/V2beta"])
def test_api_version_format_valid(value: str) -> None:
    with pytest.raises(EntityValidationError, match="No processor recognized"):
        validate_entity(component(apiVersion=value, kind="Other"))


@pytest.mark.parametrize("value", ["1.0", "a/b/c", "Backstage.io/v1", "backstage.io/v-1", "/v1"])
def test_api_version_format_invalid(value: str) -> None:
    assert_rejected(
        component(apiVersion=value),
        format_message("apiVersion", PREFIX_SUFFIX, value),
        "apiVersion",
    )


def test_kind_format() -> None:
    expected = "a string that is a sequence of [a-zA-Z][a-z0-9A-Z], at most 63 characters in total"
    for value in ("1Component", "My-Kind", "K" * 64):
        assert_rejected(component(kind=value), format_message("kind", expected, value), "kind")


@pytest.mark.parametrize("value", ["a", "A_b.c-1", "x" * 63, "wayback-search"])
def test_name_format_valid(value: str) -> None:
    validate_entity(component(metadata__name=value))


@pytest.mark.parametrize("value", ["-a", "a_", "a b", "x" * 64, "ä"])
def test_name_format_invalid(value: str) -> None:
    assert_rejected(
        component(metadata__name=value),
        format_message("metadata.name", OBJECT_NAME, value),
        "metadata.name",
    )


@pytest.mark.parametrize("value", ["ops", "a--b", "team-1"])
def test_namespace_format_valid(value: str) -> None:
    validate_entity(component(metadata__namespace=value))


@pytest.mark.parametrize("value", ["Ops", "a_b", "-a", "a-", "n" * 64])
def test_namespace_format_invalid(value: str) -> None:
    assert_rejected(
        component(metadata__namespace=value),
        format_message("metadata.namespace", DNS_LABEL, value),
        "metadata.namespace",
    )


@pytest.mark.parametrize(
    ("labels", "field", "expected", "found"),
    [
        ({"a/b/c": "x"}, "labels.a/b/c", PREFIX_SUFFIX, "a/b/c"),
        ({"Example.com/x": "x"}, "labels.Example.com/x", PREFIX_SUFFIX, "Example.com/x"),
        ({"": "x"}, "labels.", PREFIX_SUFFIX, ""),
        ({"tier": "not valid"}, "labels.tier", OBJECT_NAME, "not valid"),
        ({"tier": "-gold"}, "labels.tier", OBJECT_NAME, "-gold"),
    ],
)
def test_label_format_invalid(
    labels: dict[str, str], field: str, expected: str, found: str
) -> None:
    assert_rejected(
        component(metadata__labels=labels),
        format_message(field, expected, found),
        f"metadata.{field}",
    )


def test_annotation_keys_are_checked_but_not_values() -> None:
    validate_entity(component(metadata__annotations={"example.com/a_b": "  free text\n"}))
    assert_rejected(
        component(metadata__annotations={"a b": "x"}),
        format_message("annotations.a b", PREFIX_SUFFIX, "a b"),
        "metadata.annotations.a b",
    )


@pytest.mark.parametrize("value", ["java", "c++", "c#", "lang:go", "a-b", "t" * 63])
def test_tag_format_valid(value: str) -> None:
    validate_entity(component(metadata__tags=[value]))


@pytest.mark.parametrize("value", ["Java", "a_b", "a--b", "-a", "a b", "t" * 64])
def test_tag_format_invalid(value: str) -> None:
    assert_rejected(
        component(metadata__tags=["ok", value]),
        format_message("tags.1", TAG, value),
        "metadata.tags.1",
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/x",
        "http://example.com:8080/a?b#c",
        "HTTP:example.com",
        "mailto:team@example.com",
        "file:///tmp/x",
        "custom-scheme:anything",
        "http://[::1]:80/",
    ],
)
def test_link_url_valid(url: str) -> None:
    validate_entity(component(metadata__links=[{"url": url}]))


@pytest.mark.parametrize(
    "url",
    ["example.com", "/relative", "http://", "http://exa mple.com", "http://a:99999", "1http://a"],
)
def test_link_url_invalid(url: str) -> None:
    assert_rejected(
        component(metadata__links=[{"url": url}]),
        format_message("links.0.url", "a string that is a valid url", url),
        "metadata.links.0.url",
    )


@pytest.mark.parametrize("name", ["title", "icon"])
def test_link_title_and_icon_must_not_be_blank(name: str) -> None:
    validate_entity(component(metadata__links=[{"url": "https://a.example", name: "x"}]))
    assert_rejected(
        component(metadata__links=[{"url": "https://a.example", name: "  "}]),
        format_message(f"links.0.{name}", "a non empty string", "  "),
        f"metadata.links.0.{name}",
    )


def test_format_messages_stay_on_one_line_and_short() -> None:
    error = rejected(component(metadata__labels={"tier": "a\nb" + "x" * 1000}))
    assert "\n" not in str(error)
    assert len(str(error)) < 600


# --- kind validation ---------------------------------------------------------------------------


def no_processor(ref: str) -> str:
    return (
        f"No processor recognized the entity {ref} as valid, possibly caused by a foreign kind "
        "or apiVersion"
    )


@pytest.mark.parametrize(
    ("kind", "api_version"),
    [
        ("component", "backstage.io/v1alpha1"),
        ("Widget", "backstage.io/v1alpha1"),
        ("Component", "backstage.io/v2"),
        ("Component", "scaffolder.backstage.io/v1beta3"),
        ("Template", "backstage.io/v1alpha1"),
        ("AiResource", "backstage.io/v1alpha1"),
    ],
)
def test_unknown_kind_or_api_version(kind: str, api_version: str) -> None:
    entity = component(kind=kind, apiVersion=api_version, metadata__namespace="ops")
    assert_rejected(entity, no_processor(f"{kind.lower()}:ops/wayback-search"), "")


def test_built_in_kinds_accept_both_api_versions() -> None:
    validate_entity(component(apiVersion="backstage.io/v1beta1"))


def test_kind_requires_spec() -> None:
    assert_rejected(
        component(spec=None),
        "<root> must have required property 'spec' - missingProperty: spec",
        "spec",
    )


REQUIRED = {
    "API": ("type", "lifecycle", "owner", "definition"),
    "Component": ("type", "lifecycle", "owner"),
    "Resource": ("type", "owner"),
    "System": ("owner",),
    "Domain": ("owner",),
    "Group": ("type", "children"),
    "User": ("memberOf",),
}
MINIMAL = {
    "API": {"type": "openapi", "lifecycle": "production", "owner": "a", "definition": "openapi: 3"},
    "Component": {"type": "service", "lifecycle": "production", "owner": "a"},
    "Resource": {"type": "database", "owner": "a"},
    "System": {"owner": "a"},
    "Domain": {"owner": "a"},
    "Group": {"type": "team", "children": []},
    "User": {"memberOf": []},
    "Location": {},
}


@pytest.mark.parametrize("kind", sorted(MINIMAL))
def test_minimal_spec_of_each_kind_is_valid(kind: str) -> None:
    validate_entity(entity_of(kind, MINIMAL[kind]))


@pytest.mark.parametrize(("kind", "field"), [(k, f) for k, fs in REQUIRED.items() for f in fs])
def test_required_spec_fields(kind: str, field: str) -> None:
    spec = {key: value for key, value in MINIMAL[kind].items() if key != field}
    assert_rejected(
        entity_of(kind, spec),
        f"/spec must have required property '{field}' - missingProperty: {field}",
        f"spec.{field}",
    )


STRING_FIELDS = {
    "API": ("type", "lifecycle", "owner", "system", "definition"),
    "Component": ("type", "lifecycle", "owner", "system", "subcomponentOf"),
    "Resource": ("type", "owner", "system"),
    "System": ("owner", "domain", "type"),
    "Domain": ("owner", "subdomainOf", "type"),
    "Group": ("type", "parent"),
    "Location": ("type", "target"),
}


@pytest.mark.parametrize(("kind", "field"), [(k, f) for k, fs in STRING_FIELDS.items() for f in fs])
def test_spec_strings_are_non_empty_strings(kind: str, field: str) -> None:
    validate_entity(entity_of(kind, {**MINIMAL[kind], field: "x"}))
    assert_rejected(
        entity_of(kind, {**MINIMAL[kind], field: ""}),
        f"/spec/{field} must NOT have fewer than 1 characters - limit: 1",
        f"spec.{field}",
    )
    assert_rejected(
        entity_of(kind, {**MINIMAL[kind], field: 5}),
        f"/spec/{field} must be string - type: string",
        f"spec.{field}",
    )


ARRAY_FIELDS = {
    "Component": ("providesApis", "consumesApis", "dependsOn"),
    "Resource": ("dependsOn",),
    "Group": ("children", "members"),
    "User": ("memberOf",),
    "Location": ("targets",),
}


@pytest.mark.parametrize(("kind", "field"), [(k, f) for k, fs in ARRAY_FIELDS.items() for f in fs])
def test_spec_reference_arrays_hold_non_empty_strings(kind: str, field: str) -> None:
    validate_entity(entity_of(kind, {**MINIMAL[kind], field: ["a", "b"]}))
    assert_rejected(
        entity_of(kind, {**MINIMAL[kind], field: "a"}),
        f"/spec/{field} must be array - type: array",
        f"spec.{field}",
    )
    assert_rejected(
        entity_of(kind, {**MINIMAL[kind], field: ["a", ""]}),
        f"/spec/{field}/1 must NOT have fewer than 1 characters - limit: 1",
        f"spec.{field}.1",
    )


def test_spec_allows_unknown_fields() -> None:
    validate_entity(component(spec__dependencyOf=["component:x"], spec__custom={"any": [1]}))


@pytest.mark.parametrize("kind", ["Group", "User"])
def test_profile_fields_are_non_empty_strings(kind: str) -> None:
    profile = {"displayName": "A", "email": "a@example.com", "picture": "https://a.example/p"}
    validate_entity(entity_of(kind, {**MINIMAL[kind], "profile": profile}))
    assert_rejected(
        entity_of(kind, {**MINIMAL[kind], "profile": {"email": ""}}),
        "/spec/profile/email must NOT have fewer than 1 characters - limit: 1",
        "spec.profile.email",
    )


def test_location_presence_is_required_or_optional() -> None:
    for presence in ("required", "optional"):
        validate_entity(entity_of("Location", {"target": "./a.yaml", "presence": presence}))
    assert_rejected(
        entity_of("Location", {"presence": "maybe"}),
        "/spec/presence must be equal to one of the allowed values - allowedValues: "
        "required,optional",
        "spec.presence",
    )


def test_first_spec_error_follows_schema_order() -> None:
    spec = {"type": "", "lifecycle": 5}
    assert_rejected(
        entity_of("Component", spec),
        "/spec must have required property 'owner' - missingProperty: owner",
        "spec.owner",
    )
    spec = {**MINIMAL["Component"], "dependsOn": [""], "system": ""}
    assert_rejected(
        entity_of("Component", spec),
        "/spec/system must NOT have fewer than 1 characters - limit: 1",
        "spec.system",
    )


def test_mcp_server_api_needs_a_definition_without_model_layers() -> None:
    spec = {"type": "mcp-server", "lifecycle": "experimental", "owner": "a", "remotes": []}
    assert_rejected(
        entity_of("API", spec),
        "/spec must have required property 'definition' - missingProperty: definition",
        "spec.definition",
    )


# --- Template (scaffolder.backstage.io/v1beta3) ----------------------------------------------


def template(**spec: Any) -> dict[str, Any]:
    base = {"type": "service", "steps": [{"action": "fetch:template"}]}
    return entity_of("Template", {**base, **spec}, "scaffolder.backstage.io/v1beta3")


def test_template_valid() -> None:
    validate_entity(
        template(
            owner="user:guest",
            parameters=[{"title": "x", "properties": {}}],
            steps=[{"id": "a", "name": "A", "action": "x", "input": {}, "if": True}],
            output={"links": [{"url": "https://a.example", "title": "A"}], "extra": "text"},
        )
    )


def test_template_requires_type_and_steps() -> None:
    entity = template()
    del entity["spec"]["steps"]
    assert_rejected(
        entity, "/spec must have required property 'steps' - missingProperty: steps", "spec.steps"
    )


def test_template_steps_need_an_action() -> None:
    assert_rejected(
        template(steps=[{"id": "x"}]),
        "/spec/steps/0 must have required property 'action' - missingProperty: action",
        "spec.steps.0.action",
    )
    assert_rejected(
        template(steps=[{"action": "x", "if": 1}]),
        "/spec/steps/0/if must be string,boolean - type: string,boolean",
        "spec.steps.0.if",
    )


def test_template_parameters_are_an_object_or_a_list_of_objects() -> None:
    validate_entity(template(parameters={"properties": {}}))
    for parameters in ("x", [1]):
        assert_rejected(
            template(parameters=parameters),
            "/spec/parameters must be object - type: object",
            "spec.parameters",
        )


def test_template_output_extra_values_are_strings() -> None:
    assert_rejected(
        template(output={"links": 5, "extra": 1}),
        "/spec/output/extra must be string - type: string",
        "spec.output.extra",
    )


# --- stitching: keys that differ only in casing -------------------------------------------------


def test_rejects_keys_differing_only_in_casing() -> None:
    assert_rejected(
        component(metadata__annotations={"example.com/Foo": "a", "example.com/foo": "b"}),
        "Entity has duplicate keys that vary only in casing, "
        "'metadata.annotations.example.com/foo'",
        "metadata.annotations.example.com/foo",
    )
    assert_rejected(
        component(spec__Owner="b"),
        "Entity has duplicate keys that vary only in casing, 'spec.owner'",
        "spec.Owner",
    )


def test_array_items_differing_in_casing_are_fine() -> None:
    validate_entity(component(spec__providesApis=["Pets", "pets"]))


# --- any input ---------------------------------------------------------------------------------


def test_rejects_non_string_keys_with_their_path() -> None:
    assert_rejected(
        component(spec__custom=[{1: "a"}]),
        '"spec.custom.0" has a key of type int; keys must be strings',
        "spec.custom.0",
    )


def test_rejects_reference_cycles_and_deep_nesting() -> None:
    looped = component()
    looped["spec"]["self"] = looped
    deep: list[object] = []
    for _ in range(100_000):
        deep = [deep]
    for entity in (looped, component(spec__deep=deep)):
        assert str(rejected(entity)) == "Entity is nested too deeply or contains a reference cycle"


def test_huge_values_are_rejected_quickly() -> None:
    huge = "a" * 5_000_000
    assert rejected(component(metadata__name=huge)).field == "metadata.name"
    assert rejected(component(metadata__labels={huge: "x"})).field == f"metadata.labels.{huge}"


LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.binary(max_size=5)
    | st.dates()
)
JUNK = st.recursive(
    LEAVES,
    lambda children: (
        st.lists(children, max_size=4)
        | st.tuples(children, children)
        | st.dictionaries(st.text(max_size=8) | st.integers() | st.none(), children, max_size=4)
    ),
    max_leaves=12,
)
PLAUSIBLE = st.sampled_from(
    ["", "x", "Team-A", "user:guest", "a/b", "backstage.io/v1alpha1", "https://a.example", "c++"]
)
VALUES = PLAUSIBLE | JUNK | st.lists(PLAUSIBLE | JUNK, max_size=3)
SPEC_FIELDS = sorted(
    {
        field
        for fields in (*REQUIRED.values(), *STRING_FIELDS.values(), *ARRAY_FIELDS.values())
        for field in fields
    }
    | {"steps", "parameters", "output", "presence", "profile", "dependencyOf"}
)
ENTITY_LIKE = st.fixed_dictionaries(
    {
        "apiVersion": st.sampled_from(
            ["backstage.io/v1alpha1", "backstage.io/v1beta1", "scaffolder.backstage.io/v1beta3"]
        )
        | VALUES,
        "kind": st.sampled_from([*MINIMAL, "Template", "AiResource"]) | VALUES,
        "metadata": st.fixed_dictionaries(
            {"name": st.sampled_from(["a", "B.c", ""]) | VALUES},
            optional={
                key: VALUES | st.dictionaries(st.text(max_size=10), VALUES, max_size=3)
                for key in ("namespace", "labels", "annotations", "tags", "links", "title")
            },
        )
        | VALUES,
    },
    optional={
        "spec": st.dictionaries(st.sampled_from(SPEC_FIELDS), VALUES, max_size=6) | VALUES,
        "status": VALUES,
    },
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(JUNK | ENTITY_LIKE)
def test_never_raises_anything_but_entity_validation_error(entity: object) -> None:
    before = repr(entity)
    try:
        result = validate_entity(entity)
    except EntityValidationError as error:
        assert isinstance(error.field, str)
        assert "\n" not in str(error)
    else:
        assert isinstance(result, dict)
        try:
            derive_relations(result)
        except EntityValidationError:
            pass
    assert repr(entity) == before
