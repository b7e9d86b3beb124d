"""The catalog's side of the type-ahead (``catalog.services``): entity and tag
suggestions, refs checked against a filter, a user's ownership refs, and, on
PostgreSQL, the indexes the queries walk."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import services as catalog
from catalog import suggestions
from tests.scaffolder.fields.conftest import DEV

pytestmark = pytest.mark.django_db
PEOPLE = [{"kind": {"Group", "User"}}]


def refs(found) -> list[str]:
    return [summary.ref for summary in found]


def test_no_text_lists_the_filtered_entities_in_the_order_of_their_texts(org) -> None:
    assert refs(catalog.suggest_entities("", PEOPLE)) == [
        "user:default/alice", "user:default/dev", "group:ops/infra",
        "group:default/team-b", "group:default/platform-infra", "group:default/team-a"]
    assert refs(catalog.suggest_entities("", PEOPLE, limit=2)) == [
        "user:default/alice", "user:default/dev"]


def test_limits_are_bounded(org) -> None:
    assert catalog.suggest_entities("", [], limit=0) == []
    assert len(catalog.suggest_entities("", [], limit=10_000)) <= suggestions.MAX_SUGGESTIONS


def test_summaries_carry_what_the_list_shows(org) -> None:
    (shop,) = catalog.suggest_entities("shop", [{"kind": {"system"}}])
    assert (shop.ref, shop.kind, shop.namespace, shop.name, shop.title) == (
        "system:default/shop", "System", "default", "shop", "The Shop")
    (team,) = catalog.suggest_entities("platform b", PEOPLE)
    assert (team.ref, team.title) == ("group:default/team-b", "Platform Builders")


def test_filters_with_exists_and_several_sets(org) -> None:
    assert refs(catalog.suggest_entities("", [{"kind": {"component"},
                                               "spec.system": set()}])) == [
        "component:default/checkout"]  # fmt: skip
    assert refs(catalog.suggest_entities("pay", [{"kind": {"component"}},
                                                 {"kind": {"resource"}}])) == [
        "resource:default/payments-db", "component:default/paywall-ui"]  # fmt: skip


def test_refs_matching_is_canonical_and_filtered(org) -> None:
    assert catalog.refs_matching(["Group:Default/Team-A", "user:default/alice",
                                  "group:default/nope"], [{"kind": {"group"}}]) == {
        "group:default/team-a"}  # fmt: skip
    assert catalog.refs_matching([], [{"kind": {"group"}}]) == set()


def test_tags_of_kinds_by_count_or_in_order(org) -> None:
    assert catalog.suggest_tags("") == [("c++", 1), ("java", 1), ("payments", 3),
                                        ("postgres", 1), ("python", 2), ("typescript", 1)]
    assert catalog.suggest_tags("p", by_count=True) == [("payments", 3), ("python", 2),
                                                         ("postgres", 1)]  # fmt: skip
    assert catalog.suggest_tags("p", ["Component"], by_count=True) == [("payments", 2),
                                                                       ("python", 2)]
    assert catalog.suggest_tags("", ["Resource"]) == [("payments", 1), ("postgres", 1)]
    assert catalog.suggest_tags("", limit=2) == [("c++", 1), ("java", 1)]
    assert catalog.suggest_tags("ments") == [("payments", 3)]
    assert catalog.suggest_tags("nt") == []
    assert catalog.suggest_tags("zzz") == []


def test_ownership_refs_are_the_user_and_the_groups_it_is_in(org) -> None:
    # dev is in ops/infra by its own memberOf and in team-b by the group's members
    assert catalog.ownership_refs(DEV) == (DEV, "group:default/team-b", "group:ops/infra")
    assert catalog.ownership_refs(" User:Default/Alice ") == (
        "user:default/alice", "group:default/team-a")
    assert catalog.ownership_refs("user:default/nobody") == ("user:default/nobody",)
    assert catalog.ownership_refs("") == ()


def test_an_entity_suggestion_costs_a_fixed_number_of_queries(org) -> None:
    catalog.suggest_entities("a", PEOPLE)  # the served-JSON cache holds them now
    with CaptureQueriesContext(connection) as queries:
        catalog.suggest_entities("lic", PEOPLE)
    # prefix walk and contains walk (plus the transaction that turns JIT off on PostgreSQL)
    assert len([q for q in queries if q["sql"].startswith("SELECT")]) == 2


def test_the_migration_indexes_the_keys_the_queries_use() -> None:
    migration = importlib.import_module("catalog.migrations.0011_suggestion_indexes")
    assert migration.INDEXES == {"catalog_field_suggest": suggestions.SUGGESTED_FIELDS,
                                 "catalog_field_suggest_tags": (suggestions.TAGS,)}


@pytest.mark.postgres_only
def test_on_postgresql_the_walks_read_the_suggestion_indexes(org) -> None:
    with CaptureQueriesContext(connection) as queries:
        catalog.suggest_entities("te", PEOPLE)
        catalog.suggest_tags("p")
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a tiny table would be scanned
        for query in queries:
            if "catalog_entityfield" in query["sql"] and "jit" not in query["sql"]:
                cursor.execute("EXPLAIN " + query["sql"])
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
        cursor.execute("RESET enable_seqscan")
    assert "catalog_field_suggest " in plans[0] + " "
    assert any("catalog_field_suggest_tags" in plan for plan in plans[1:])
