"""Entity references parse and print exactly as Backstage's parseEntityRef/stringifyEntityRef."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.model.errors import InvalidEntityRef
from catalog.model.refs import EntityRef, entity_ref, parse_entity_ref, stringify_entity_ref

NOT_ON_FORM = 'Entity reference "{}" was not on the form [<kind>:][<namespace>/]<name>'
MISSING_KIND = (
    'Entity reference "{}" had missing or empty kind (e.g. did not start with "component:" '
    "or similar)"
)


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("component:default/foo", ("component", "default", "foo")),
        ("Component:Default/Foo", ("Component", "Default", "Foo")),
        ("user:guest", ("user", "default", "guest")),
        ("group:ns/team-a", ("group", "ns", "team-a")),
        ("a/b:c", ("Group", "a", "b:c")),
        ("k:n/x/y", ("k", "n", "x/y")),
        ("k:n:x", ("k", "default", "n:x")),
        ("guest", ("Group", "default", "guest")),
        ("ns/guest", ("Group", "ns", "guest")),
    ],
)
def test_parses_string_references(ref: str, expected: tuple[str, str, str]) -> None:
    assert parse_entity_ref(ref, default_kind="Group") == EntityRef(*expected)


def test_fills_the_default_namespace_given_by_the_caller() -> None:
    assert parse_entity_ref("team-a", default_kind="Group", default_namespace="ops") == EntityRef(
        "Group", "ops", "team-a"
    )
    assert parse_entity_ref("user:team/x", default_namespace="ops").namespace == "team"
    assert parse_entity_ref("user:x", default_namespace="").namespace == "default"


@pytest.mark.parametrize("ref", [":a", "a:", "/a", "a/", "a:/b", "a:b/", "//", "::"])
def test_rejects_empty_parts(ref: str) -> None:
    with pytest.raises(InvalidEntityRef) as caught:
        parse_entity_ref(ref, default_kind="Group")
    assert str(caught.value) == NOT_ON_FORM.format(ref)


def test_rejects_a_missing_kind_without_default() -> None:
    with pytest.raises(InvalidEntityRef) as caught:
        parse_entity_ref("default/foo")
    assert str(caught.value) == MISSING_KIND.format("default/foo")


def test_rejects_an_empty_reference() -> None:
    for ref in ("", None):
        with pytest.raises(InvalidEntityRef) as caught:
            parse_entity_ref(ref)  # type: ignore[arg-type]
        assert str(caught.value) == "Entity reference must not be empty"


def test_messages_quote_references_like_json() -> None:
    with pytest.raises(InvalidEntityRef) as caught:
        parse_entity_ref('say "hi"')
    assert str(caught.value) == MISSING_KIND.format('say \\"hi\\"')


def test_messages_stay_on_one_line() -> None:
    with pytest.raises(InvalidEntityRef) as caught:
        parse_entity_ref("a:\n/")
    assert "\n" not in str(caught.value)


def test_parses_the_object_form() -> None:
    assert parse_entity_ref({"kind": "API", "name": "petstore"}) == EntityRef(
        "API", "default", "petstore"
    )
    assert parse_entity_ref(
        {"name": "x", "namespace": None}, default_kind="Group", default_namespace="ops"
    ) == EntityRef("Group", "ops", "x")


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        (
            {"name": "x"},
            'Entity reference {"name":"x"} had missing or empty kind '
            '(e.g. did not start with "component:" or similar)',
        ),
        (
            {"kind": "k", "namespace": "", "name": "x"},
            'Entity reference {"kind":"k","namespace":"","name":"x"} '
            "had missing or empty namespace",
        ),
        ({"kind": "k"}, 'Entity reference {"kind":"k"} had missing or empty name'),
        (
            {"kind": "k", "name": 5},
            'Entity reference {"kind":"k","name":5} was not on the form '
            "[<kind>:][<namespace>/]<name>",
        ),
        (5, "Entity reference 5 was not on the form [<kind>:][<namespace>/]<name>"),
    ],
)
def test_rejects_bad_object_references(ref: object, message: str) -> None:
    with pytest.raises(InvalidEntityRef) as caught:
        parse_entity_ref(ref)  # type: ignore[arg-type]
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        (EntityRef("Component", "Default", "Foo"), "component:default/foo"),
        ({"kind": "API", "name": "Pets"}, "api:default/pets"),
        ({"kind": "Group", "metadata": {"name": "Team-A"}}, "group:default/team-a"),
        ({"kind": "Group", "metadata": {"name": "a", "namespace": "Ops"}}, "group:ops/a"),
        ("User:guest", "user:default/guest"),
    ],
)
def test_stringifies_to_the_lower_cased_canonical_form(ref: object, expected: str) -> None:
    assert stringify_entity_ref(ref) == expected  # type: ignore[arg-type]


def test_stringify_applies_defaults_to_string_references() -> None:
    assert stringify_entity_ref("Team-A", default_kind="Group", default_namespace="ops") == (
        "group:ops/team-a"
    )
    with pytest.raises(InvalidEntityRef):
        stringify_entity_ref("team-a")


def test_entity_ref_and_str_are_canonical() -> None:
    entity = {"kind": "Component", "metadata": {"name": "Wayback-Search"}}
    assert entity_ref(entity) == "component:default/wayback-search"
    assert str(EntityRef("Group", "ns", "Team")) == "group:ns/team"


KINDS = st.from_regex(r"[a-zA-Z][a-zA-Z0-9]{0,20}", fullmatch=True)
NAMESPACES = st.from_regex(r"[a-z0-9]+(-[a-z0-9]+){0,3}", fullmatch=True)
NAMES = st.from_regex(r"([A-Za-z0-9][-A-Za-z0-9_.]{0,20})?[A-Za-z0-9]", fullmatch=True)


@given(st.builds(EntityRef, KINDS, NAMESPACES, NAMES))
def test_round_trips_valid_references(ref: EntityRef) -> None:
    canonical = stringify_entity_ref(ref)
    assert stringify_entity_ref(parse_entity_ref(canonical)) == canonical


@given(
    st.builds(
        EntityRef,
        st.text(st.characters(exclude_characters=":/"), min_size=1),
        st.text(st.characters(exclude_characters="/"), min_size=1),
        st.text(min_size=1),
    )
)
def test_round_trips_any_parseable_reference(ref: EntityRef) -> None:
    canonical = stringify_entity_ref(ref)
    assert stringify_entity_ref(parse_entity_ref(canonical)) == canonical


@given(st.text(), st.sampled_from([None, "Group"]), st.sampled_from(["default", "", "ns"]))
def test_parse_only_raises_invalid_entity_ref(text: str, kind: str | None, namespace: str) -> None:
    try:
        parsed = parse_entity_ref(text, default_kind=kind, default_namespace=namespace)
    except InvalidEntityRef:
        return
    assert all(isinstance(part, str) and part for part in parsed)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
        lambda children: st.lists(children) | st.dictionaries(st.text(), children),
        max_leaves=10,
    )
)
def test_parse_of_arbitrary_values_only_raises_invalid_entity_ref(value: object) -> None:
    try:
        parse_entity_ref(value, default_kind="Group")  # type: ignore[arg-type]
    except InvalidEntityRef:
        pass
