"""EntityPicker, OwnerPicker, OwnedEntityPicker and MyGroupsPicker against the
anchor's table: the stored value (a ref as ``stringifyEntityRef`` prints it, typed
text completed with ``defaultKind``/``defaultNamespace``), and the server check
(the value parses as a ref; with ``allowArbitraryValues: false`` it is an entity of
the catalog that the field's filter selects), messages included."""

from __future__ import annotations

import pytest

from scaffolder.fields import MISSING, field_extension
from scaffolder.fields.base import FieldContext
from tests.scaffolder.fields.conftest import DEV, TEMPLATE_REF, make_field, posted

pytestmark = pytest.mark.django_db

ENTITY, OWNER, OWNED, GROUPS = (field_extension(name) for name in (
    "EntityPicker", "OwnerPicker", "OwnedEntityPicker", "MyGroupsPicker"))  # fmt: skip
STRICT = {"allowArbitraryValues": False}


# Stored value --------------------------------------------------------------------------
def test_a_posted_ref_is_stored_as_stringify_entity_ref_prints_it() -> None:
    field = make_field("EntityPicker")
    assert ENTITY.read(posted(("f", " Component:Default/Checkout ")), field) == (
        "component:default/checkout")


def test_typed_text_is_completed_with_default_kind_and_namespace() -> None:
    field = make_field("EntityPicker", {"defaultKind": "Component"})
    assert ENTITY.read(posted(("f", "checkout")), field) == "component:default/checkout"
    field = make_field("EntityPicker", {"defaultKind": "Group", "defaultNamespace": "ops"})
    assert ENTITY.read(posted(("f", "infra")), field) == "group:ops/infra"
    # parts that are typed win over the defaults
    assert ENTITY.read(posted(("f", "user:default/alice")), field) == "user:default/alice"
    # defaultNamespace: false means the default namespace
    field = make_field("EntityPicker", {"defaultKind": "Group", "defaultNamespace": False})
    assert ENTITY.read(posted(("f", "team-a")), field) == "group:default/team-a"


def test_text_that_is_no_ref_is_kept_as_typed_for_the_check_to_explain() -> None:
    field = make_field("EntityPicker")
    assert ENTITY.read(posted(("f", "checkout")), field) == "checkout"
    assert ENTITY.check("checkout", field, FieldContext(None, DEV)) == [
        'Entity reference "checkout" had missing or empty kind (e.g. did not start with '
        '"component:" or similar)']


def test_an_emptied_input_is_an_empty_answer_and_an_absent_one_no_answer() -> None:
    field = make_field("EntityPicker")
    assert ENTITY.read(posted(("f", "  ")), field) == ""
    assert ENTITY.read(posted(("other", "x")), field) is MISSING
    assert ENTITY.check(MISSING, field, FieldContext(None, DEV)) == []


def test_the_review_shows_the_ref() -> None:
    field = make_field("EntityPicker")
    assert ENTITY.review("group:default/team-a", field) == "group:default/team-a"


# Server check ----------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "message"), [
    ("component:", 'Entity reference "component:" was not on the form '
                   "[<kind>:][<namespace>/]<name>"),
    ("", None),
    (42, "Must be an entity ref, e.g. group:default/team-a"),
])  # fmt: skip
def test_the_value_must_parse_as_an_entity_ref(value, message, dev_context) -> None:
    field = make_field("EntityPicker")
    assert ENTITY.check(value, field, dev_context) == ([message] if message else [])


def test_arbitrary_values_are_allowed_by_default(dev_context) -> None:
    field = make_field("EntityPicker", {"catalogFilter": {"kind": "System"}})
    assert ENTITY.check("component:default/not-in-the-catalog", field, dev_context) == []


def test_without_arbitrary_values_the_entity_must_exist_and_match(dev_context) -> None:
    field = make_field("EntityPicker", {"catalogFilter": {"kind": "System"}, **STRICT})
    assert ENTITY.check("system:default/shop", field, dev_context) == []
    assert ENTITY.check("System:default/Shop", field, dev_context) == []
    assert ENTITY.check("system:default/mall", field, dev_context) == [
        "system:default/mall is not in the catalog; choose one of the suggested entities"]
    assert ENTITY.check("component:default/checkout", field, dev_context) == [
        "component:default/checkout is not one of the entities this field offers"]


def test_the_filter_sets_are_ored_and_values_compared_case_insensitively(dev_context) -> None:
    field = make_field("EntityPicker", {**STRICT, "catalogFilter": [
        {"kind": "component", "spec.type": "Service"}, {"kind": "Resource"}]})  # fmt: skip
    assert ENTITY.check("component:default/checkout", field, dev_context) == []
    assert ENTITY.check("resource:default/payments-db", field, dev_context) == []
    assert ENTITY.check("component:default/paywall-ui", field, dev_context) == [
        "component:default/paywall-ui is not one of the entities this field offers"]


def test_exists_true_requires_the_key(dev_context) -> None:
    field = make_field("EntityPicker", {**STRICT, "catalogFilter": {
        "kind": "Component", "spec.system": {"exists": True}}})  # fmt: skip
    assert ENTITY.check("component:default/checkout", field, dev_context) == []
    assert ENTITY.check("component:default/ledger", field, dev_context) == [
        "component:default/ledger is not one of the entities this field offers"]


def test_allowed_kinds_still_filters(dev_context) -> None:
    field = make_field("EntityPicker", {**STRICT, "allowedKinds": ["System"]})
    assert ENTITY.check("system:default/shop", field, dev_context) == []
    assert ENTITY.check("group:default/team-a", field, dev_context) != []


def test_a_malformed_option_is_reported_instead_of_ignored(dev_context) -> None:
    field = make_field("EntityPicker", {"catalogFilter": {"kind": {"exists": False}}})
    assert ENTITY.check("group:default/team-a", field, dev_context) == [
        "This field's template options are invalid: ui:options.catalogFilter: kind must be a "
        "string, a list of strings or {exists: true}"]
    # typing still completes with the defaults
    assert ENTITY.read(posted(("f", "group:team-a")), field) == "group:default/team-a"


def test_one_check_is_one_query_whatever_the_filter(dev_context, django_assert_num_queries):
    field = make_field("EntityPicker", {**STRICT, "catalogFilter": [
        {"kind": "Component", "spec.type": "service", "metadata.tags": "payments"},
        {"kind": "Resource"}]})  # fmt: skip
    with django_assert_num_queries(1):
        assert ENTITY.check("component:default/ledger", field, dev_context) == []


# OwnerPicker -----------------------------------------------------------------------------
def test_owner_picker_offers_groups_and_users_and_completes_as_groups(dev_context) -> None:
    field = make_field("OwnerPicker", STRICT)
    assert OWNER.read(posted(("f", "team-a")), field) == "group:default/team-a"
    assert OWNER.check("group:default/team-a", field, dev_context) == []
    assert OWNER.check("user:default/alice", field, dev_context) == []
    assert OWNER.check("system:default/shop", field, dev_context) == [
        "system:default/shop is not one of the entities this field offers"]
    # defaultKind is always Group; defaultNamespace is honoured
    field = make_field("OwnerPicker", {"defaultKind": "User", "defaultNamespace": "ops"})
    assert OWNER.read(posted(("f", "infra")), field) == "group:ops/infra"


def test_owner_picker_allowed_kinds_and_catalog_filter(dev_context) -> None:
    field = make_field("OwnerPicker", {**STRICT, "allowedKinds": ["Group"]})
    assert OWNER.check("user:default/alice", field, dev_context) != []
    field = make_field("OwnerPicker", {**STRICT, "catalogFilter": {"kind": "User"}})
    assert OWNER.check("user:default/alice", field, dev_context) == []
    assert OWNER.check("group:default/team-a", field, dev_context) != []


def test_owner_picker_takes_free_text_by_default(dev_context) -> None:
    field = make_field("OwnerPicker", {"allowedKinds": ["Group"]})
    assert OWNER.check("group:default/not-yet-created", field, dev_context) == []


# OwnedEntityPicker ----------------------------------------------------------------------
def test_ownership_refs_are_the_user_and_their_groups(dev_context) -> None:
    assert dev_context.ownership_refs == (DEV, "group:default/team-b", "group:ops/infra")


def test_owned_entity_picker_offers_only_what_the_user_owns(dev_context) -> None:
    field = make_field("OwnedEntityPicker", STRICT)
    for owned in ("component:default/paywall-ui", "component:default/ledger",
                  "component:default/infra-tools"):  # fmt: skip
        assert OWNED.check(owned, field, dev_context) == [], owned
    assert OWNED.check("component:default/checkout", field, dev_context) == [
        "component:default/checkout is not owned by you or one of your groups, or this field "
        "does not offer it"]
    field = make_field("OwnedEntityPicker", {**STRICT, "allowedKinds": ["Component"],
                                             "catalogFilter": {"spec.type": "website"}})
    assert OWNED.check("component:default/paywall-ui", field, dev_context) == []
    assert OWNED.check("component:default/ledger", field, dev_context) != []


def test_owned_entity_picker_without_ownership_offers_nothing(org) -> None:
    nobody = FieldContext(user=None, user_ref="", ownership_refs=(), template_ref=TEMPLATE_REF)
    field = make_field("OwnedEntityPicker", STRICT)
    assert OWNED.check("component:default/paywall-ui", field, nobody) != []
    assert OWNED.listbox("", field, nobody).suggestions == []


# MyGroupsPicker -------------------------------------------------------------------------
def test_my_groups_picker_accepts_only_the_users_groups(dev_context) -> None:
    field = make_field("MyGroupsPicker")
    assert GROUPS.read(posted(("f", "team-b")), field) == "group:default/team-b"
    assert GROUPS.check("group:default/team-b", field, dev_context) == []
    assert GROUPS.check("group:ops/infra", field, dev_context) == []
    assert GROUPS.check("group:default/team-a", field, dev_context) == [
        "You are not a member of group:default/team-a; choose one of your groups"]
    assert [s.value for s in GROUPS.listbox("", field, dev_context).suggestions] == [
        "group:ops/infra", "group:default/team-b"]


def test_my_groups_picker_starts_with_the_only_group_of_a_required_field(org) -> None:
    alice = FieldContext(None, "user:default/alice", template_ref=TEMPLATE_REF)
    view = GROUPS.picker_view(make_field("MyGroupsPicker", required=True), alice)
    assert (view.text, view.fixed) == ("group:default/team-a", True)


# autoSelect of the only match -----------------------------------------------------------
def test_a_required_strict_field_with_one_match_starts_with_it_fixed(dev_context) -> None:
    field = make_field("EntityPicker", {**STRICT, "catalogFilter": {"kind": "System"}},
                       required=True)
    view = ENTITY.picker_view(field, dev_context)
    assert (view.text, view.fixed) == ("system:default/shop", True)
    for options, required in ((STRICT, True), ({"catalogFilter": {"kind": "System"}}, True),
                              ({**STRICT, "catalogFilter": {"kind": "System"}}, False)):
        field = make_field("EntityPicker", options, required=required)
        view = ENTITY.picker_view(field, dev_context)
        assert (view.text, view.fixed) == ("", False), (options, required)
