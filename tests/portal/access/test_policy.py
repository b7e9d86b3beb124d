"""The permission decision on its own: roles, ownership, groups, rules, reasons."""

from __future__ import annotations

import pytest

from portal.access.permissions import PERMISSIONS
from portal.access.policy import Assignment, Policy, Principal, Resource
from portal.access.roles import ROLES

ALICE = Principal("alice", ("user:default/alice", "group:default/backend",
                            "group:default/engineering"))  # fmt: skip
BOB = Principal("bob", ("user:default/bob", "group:default/payments"))
CART = Resource("component:default/cart", "component", owners=("group:default/backend",))
LEDGER = Resource("component:default/ledger", "component", owners=("group:default/payments",))


def test_every_signed_in_user_is_a_member_unless_configured_otherwise() -> None:
    policy = Policy.from_config({}, [])
    decision = policy.decide(BOB, "catalog.location.create")
    assert decision and decision.reason == "role Member (default: everyone signed in)"
    viewers = Policy.from_config({"defaultRole": "viewer"}, [])
    assert not viewers.decide(BOB, "catalog.location.create")
    assert viewers.decide(BOB, "catalog.entity.read", CART)


def test_an_entity_owner_may_unregister_only_what_their_groups_own() -> None:
    policy = Policy.from_config({"roles": {"entity-owner": ["*"]}}, [])
    policy.assignments = [Assignment("entity-owner", "*")]
    assert policy.decide(ALICE, "catalog.entity.unregister", CART).reason.endswith(
        "on what they own")
    assert not policy.decide(ALICE, "catalog.entity.unregister", LEDGER)
    assert policy.decide(BOB, "catalog.entity.unregister", LEDGER)


def test_roles_assigned_to_a_group_reach_its_members_and_their_subgroups() -> None:
    policy = Policy.from_config({"roles": {"platform-admin": ["group:engineering"]}}, [])
    decision = policy.decide(ALICE, "portal.roles.manage")
    assert decision.reason == "role Platform admin (app-config: group:default/engineering)"
    assert not policy.decide(BOB, "portal.roles.manage")


def test_tasks_are_owned_by_whoever_started_them() -> None:
    policy = Policy.from_config({}, [])
    mine, theirs = Resource(creator="alice"), Resource(creator="bob")
    assert policy.decide(ALICE, "scaffolder.task.read", mine)
    assert not policy.decide(ALICE, "scaffolder.task.read", theirs)
    author = Policy.from_config({}, [Assignment("template-author", "user:alice")])
    assert author.decide(ALICE, "scaffolder.task.read", theirs)


def test_a_deny_rule_wins_over_roles_and_names_itself() -> None:
    config = {"rules": [
        {"permission": "scaffolder.template.run", "decision": "deny",
         "for": ["group:payments"], "when": {"tags": ["internal-only"]}},
        {"permission": "catalog.entity.read", "decision": "deny", "when": {"kind": ["resource"],
                                                                          "ownedByMe": False}},
    ]}  # fmt: skip
    policy = Policy.from_config(config, [])
    internal = Resource("template:default/db", "template", tags=("internal-only",))
    assert policy.decide(BOB, "scaffolder.template.run", internal).reason == (
        "denied by permission.rules[0]")
    assert policy.decide(ALICE, "scaffolder.template.run", internal)
    theirs = Resource("resource:default/db", "resource", owners=("group:default/payments",))
    assert not policy.decide(ALICE, "catalog.entity.read", theirs)
    assert policy.decide(BOB, "catalog.entity.read", theirs)


def test_an_allow_rule_grants_what_no_role_does() -> None:
    config = {"defaultRole": "viewer", "rules": [
        {"permission": "scaffolder.template.run", "for": ["group:backend"],
         "when": {"tags": ["golden-path"]}}]}  # fmt: skip
    policy = Policy.from_config(config, [])
    golden = Resource("template:default/svc", "template", tags=("golden-path",))
    assert policy.decide(ALICE, "scaffolder.template.run", golden).reason == (
        "allowed by permission.rules[0]")
    assert not policy.decide(BOB, "scaffolder.template.run", golden)
    assert not policy.decide(ALICE, "scaffolder.template.run", Resource(kind="template"))


def test_a_superuser_is_a_platform_admin() -> None:
    root = Principal("root", superuser=True)
    policy = Policy.from_config({"defaultRole": None}, [])
    assert all(policy.decide(root, name, CART) for name in PERMISSIONS)


def test_unknown_permissions_are_errors_not_silent_refusals() -> None:
    with pytest.raises(KeyError):
        Policy.from_config({"rules": [{"permission": "catalog.entity.reed"}]}, [])
    with pytest.raises(KeyError):
        Policy().decide(ALICE, "catalog.entity.reed")


def test_every_grant_names_a_real_permission() -> None:
    assert {g.permission for role in ROLES.values() for g in role.grants} <= set(PERMISSIONS)


def test_an_action_rule_matches_actions_by_id_only() -> None:
    config = {"rules": [{"permission": "scaffolder.action.run", "decision": "deny",
                         "when": {"action": ["publish:github"]},
                         "for": ["group:payments"]}]}  # fmt: skip
    policy = Policy.from_config(config, [])
    github = Resource("publish:github", "action")
    assert not policy.decide(BOB, "scaffolder.action.run", github)
    assert policy.decide(BOB, "scaffolder.action.run", Resource("publish:gitlab", "action"))
    assert policy.decide(ALICE, "scaffolder.action.run", github)  # not in payments
    viewers = Policy.from_config({"defaultRole": "viewer"}, [])
    assert not viewers.decide(ALICE, "scaffolder.action.run", github)


def test_a_decision_is_settled_for_every_object_only_when_nothing_depends_on_it() -> None:
    member = Policy.from_config({}, [])
    assert member.settled(ALICE, "catalog.entity.read")  # every object alike: no lookup
    assert member.settled(ALICE, "scaffolder.task.read") is None  # only their own runs
    ruled = Policy.from_config({"rules": [{"permission": "catalog.entity.read",
                                           "decision": "deny", "when": {"kind": ["api"]}}]}, [])
    assert ruled.settled(ALICE, "catalog.entity.read") is None
    others = Policy.from_config({"rules": [{"permission": "catalog.entity.read", "for": ["user:x"],
                                            "decision": "deny"}]}, [])  # fmt: skip
    assert others.settled(ALICE, "catalog.entity.read")  # the rule is not for her


def test_the_catalog_identity_is_looked_up_only_when_a_decision_needs_it() -> None:
    looked_up: list[str] = []

    def refs() -> tuple[str, ...]:
        looked_up.append("alice")
        return ("group:default/backend",)

    alice = Principal("alice", refs)
    policy = Policy.from_config({}, [])
    assert policy.decide(alice, "catalog.location.create") and looked_up == []
    assert policy.decide(alice, "catalog.entity.unregister", CART)
    owners = Policy.from_config({"defaultRole": None, "roles": {"entity-owner": ["*"]}}, [])
    assert owners.decide(alice, "catalog.entity.unregister", CART) and looked_up == ["alice"]
