"""Ingestion end to end through the public services: create, stitch, refresh, fail."""

from __future__ import annotations

import pytest

from catalog import services
from catalog.models import Entity, EntityField, Location
from tests.catalog.conftest import (
    ORG,
    SERVICE,
    api_with_definition,
    location_doc,
    register,
    relations,
    served,
)

pytestmark = pytest.mark.django_db


def test_registering_a_file_ingests_every_entity_with_relations_both_ways(files) -> None:
    location = register(files.write("catalog-info.yaml", ORG + "---\n" + SERVICE))
    assert location.last_error == "" and location.problems == []
    refs = set(Entity.objects.values_list("ref", flat=True))
    assert {
        "component:default/checkout",
        "api:default/checkout-api",
        "group:default/team-a",
        "user:default/alice",
        "system:default/shop",
        "resource:default/orders-db",
    } <= refs
    assert relations("component:default/checkout") == {
        ("ownedBy", "group:default/team-a"),
        ("partOf", "system:default/shop"),
        ("providesApi", "api:default/checkout-api"),
        ("dependsOn", "resource:default/orders-db"),
    }
    assert ("ownerOf", "component:default/checkout") in relations("group:default/team-a")
    assert ("apiProvidedBy", "component:default/checkout") in relations("api:default/checkout-api")
    assert ("hasMember", "user:default/alice") in relations("group:default/team-a")
    assert ("dependencyOf", "component:default/checkout") in relations("resource:default/orders-db")


def test_served_entity_has_catalog_annotations_uid_and_etag_but_no_generation(files) -> None:
    path = files.write("catalog-info.yaml", SERVICE)
    register(path)
    entity = served("component:default/checkout")
    annotations = entity["metadata"]["annotations"]
    assert annotations["backstage.io/managed-by-location"] == f"file:{path}"
    assert annotations["backstage.io/managed-by-origin-location"] == f"file:{path}"
    assert len(entity["metadata"]["uid"]) == 36 and len(entity["metadata"]["etag"]) == 40
    assert "generation" not in entity["metadata"]
    assert entity["metadata"]["namespace"] == "default"
    assert "status" not in entity
    assert entity["relations"] == sorted(
        entity["relations"], key=lambda r: (r["type"], r["targetRef"])
    )


def test_the_registered_location_is_itself_a_location_entity(files) -> None:
    location = register(files.write("catalog-info.yaml", SERVICE))
    roots = Entity.objects.filter(kind="location", parent_ref="")
    assert roots.count() == 1
    root = served(roots.get().ref)
    assert root["spec"] == {"type": "file", "target": location.target}  # default presence omitted
    assert Entity.objects.get(ref="component:default/checkout").parent_ref == roots.get().ref


def test_field_index_rows_follow_backstage_search_rules(files) -> None:
    register(files.write("catalog-info.yaml", ORG + "---\n" + SERVICE))
    entity = Entity.objects.get(ref="component:default/checkout")
    rows = set(EntityField.objects.filter(entity=entity).values_list("key", "value"))
    assert ("kind", "component") in rows
    assert ("spec.type", "service") in rows
    assert ("metadata.tags", "payments") in rows and ("metadata.tags.payments", "true") in rows
    assert ("relations.ownedby", "group:default/team-a") in rows
    assert not any(
        key.startswith(("relations.", "status")) and "." not in key[10:]
        for key, _ in rows
        if key == "relations"
    )
    assert not any(key == "metadata.etag" for key, _ in rows)


def test_an_invalid_document_is_reported_and_its_neighbours_ingest(files) -> None:
    broken = SERVICE.replace("name: shop", "name: Shop Floor!")
    location = register(files.write("catalog-info.yaml", broken))
    assert Entity.objects.filter(ref="component:default/checkout").exists()
    assert not Entity.objects.filter(kind="system").exists()
    [problem] = location.problems
    assert problem["file"] == f"file:{files.root / 'catalog-info.yaml'}"
    assert problem["document"] == 2
    assert problem["field"] == "metadata.name"
    assert "is not valid" in problem["message"]


def test_unchanged_refresh_writes_nothing(files, django_assert_max_num_queries) -> None:
    location = register(files.write("catalog-info.yaml", ORG + "---\n" + SERVICE))
    before = dict(Entity.objects.values_list("ref", "final_json"))
    with django_assert_max_num_queries(12):
        summary = services.refresh(location)
    assert summary.added == [] and summary.updated == []
    assert summary.unchanged == len(before)
    assert dict(Entity.objects.values_list("ref", "final_json")) == before


def test_an_edit_updates_the_entity_and_its_relation_peers(files) -> None:
    path = files.write("catalog-info.yaml", ORG + "---\n" + SERVICE)
    location = register(path)
    old_etag = served("component:default/checkout")["metadata"]["etag"]
    uid = served("component:default/checkout")["metadata"]["uid"]
    path.write_text(
        path.read_text().replace(
            "  owner: team-a\n  system: shop", "  owner: team-b\n  system: shop"
        )
    )
    summary = services.refresh(location)
    assert summary.updated == ["component:default/checkout"]
    checkout = served("component:default/checkout")
    assert checkout["metadata"]["uid"] == uid and checkout["metadata"]["etag"] != old_etag
    assert ("ownedBy", "group:default/team-b") in relations("component:default/checkout")
    assert ("ownerOf", "component:default/checkout") not in relations("group:default/team-a")
    assert ("ownerOf", "component:default/checkout") in relations("group:default/team-b")


BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)
)
BREAKAGES = {
    "malformed": b"apiVersion: [unclosed\n",
    "not-utf8": b"kind: \xff\xfe\n",
    "alias bomb": BOMB.encode(),
    "python tag": b"!!python/object/apply:os.system ['touch /tmp/pwned']\n",
    "deep nesting": b"a: " + b"[" * 10000 + b"]" * 10000,
    "duplicate keys": b"kind: Component\nkind: API\n",
    "50 MB": b"a: " + b"x" * (50 * 1024 * 1024),
}


@pytest.mark.parametrize("breakage", ["delete", *BREAKAGES])
def test_an_unreadable_location_keeps_its_last_good_entities(files, breakage: str) -> None:
    import time

    path = files.write("catalog-info.yaml", ORG + "---\n" + SERVICE)
    location = register(path)
    before = dict(Entity.objects.values_list("ref", "final_json"))
    if breakage == "delete":
        path.unlink()
    else:
        path.write_bytes(BREAKAGES[breakage])
    started = time.perf_counter()
    services.refresh(location)
    assert time.perf_counter() - started < 2
    location.refresh_from_db()
    assert location.last_error
    assert location.last_refresh_at > location.last_success_at
    after = dict(Entity.objects.values_list("ref", "final_json"))
    root = Entity.objects.get(kind="location", parent_ref="").ref
    assert {ref: value for ref, value in after.items() if ref != root} == {
        ref: value for ref, value in before.items() if ref != root
    }
    assert not Entity.objects.filter(orphan=True).exists()
    assert served(root)["status"]["items"][0]["type"] == "backstage.io/catalog-processing"


def test_an_entity_that_becomes_invalid_keeps_its_last_good_state_with_an_error(files) -> None:
    path = files.write("catalog-info.yaml", SERVICE)
    location = register(path)
    good = served("component:default/checkout")
    path.write_text(
        SERVICE.replace(
            "  lifecycle: production\n  owner: team-a\n  system: shop",
            "  owner: team-a\n  system: shop",
            1,
        )
    )
    services.refresh(location)
    now = served("component:default/checkout")
    assert now["spec"] == good["spec"]
    [item] = now["status"]["items"]
    assert item["level"] == "error" and "lifecycle" in item["message"]
    assert not Entity.objects.get(ref="component:default/checkout").orphan
    path.write_text(SERVICE)
    services.refresh(location)
    assert "status" not in served("component:default/checkout")


def test_second_location_claiming_a_ref_gets_a_visible_conflict(files) -> None:
    first = register(files.write("a.yaml", SERVICE))
    before = served("component:default/checkout")
    second = register(files.write("b.yaml", SERVICE.replace("Takes the money", "Stolen")))
    assert served("component:default/checkout") == before
    messages = [p["message"] for p in second.problems]
    assert any("component:default/checkout is already provided by" in m for m in messages)
    assert Entity.objects.get(ref="component:default/checkout").location == first


def test_a_removed_document_becomes_an_orphan_and_is_kept(files) -> None:
    path = files.write("catalog-info.yaml", ORG + "---\n" + SERVICE)
    location = register(path)
    path.write_text(ORG)
    summary = services.refresh(location)
    assert "component:default/checkout" in summary.orphaned
    entity = served("component:default/checkout")
    assert entity["metadata"]["annotations"]["backstage.io/orphan"] == "true"
    path.write_text(ORG + "---\n" + SERVICE)
    services.refresh(location)
    assert (
        "backstage.io/orphan" not in served("component:default/checkout")["metadata"]["annotations"]
    )


def test_orphan_strategy_delete_removes_them(files, settings) -> None:
    path = files.write("catalog-info.yaml", ORG + "---\n" + SERVICE)
    location = register(path)
    settings.APP_CONFIG = {
        **settings.APP_CONFIG,
        "catalog": {**settings.APP_CONFIG["catalog"], "orphanStrategy": "delete"},
    }
    path.write_text(ORG)
    summary = services.refresh(location)
    assert "component:default/checkout" in summary.deleted
    assert not Entity.objects.filter(ref="component:default/checkout").exists()
    assert ("ownerOf", "component:default/checkout") not in relations("group:default/team-a")


def test_dangling_relation_targets_are_kept(files) -> None:
    register(files.write("catalog-info.yaml", SERVICE.replace("owner: team-a", "owner: ghosts", 1)))
    assert ("ownedBy", "group:default/ghosts") in relations("component:default/checkout")
    assert not Entity.objects.filter(ref="group:default/ghosts").exists()


def test_nested_locations_are_followed_and_cycles_reported(files) -> None:
    files.write("services/checkout.yaml", SERVICE)
    files.write("org.yaml", ORG)
    files.write("services/loop.yaml", location_doc("loop", "../all.yaml"))
    targets = ("./org.yaml", "./services/checkout.yaml", "./services/loop.yaml")
    location = register(files.write("all.yaml", location_doc("everything", *targets)))
    assert Entity.objects.filter(ref="component:default/checkout").exists()
    assert Entity.objects.filter(ref="user:default/alice").exists()
    assert any("cycle" in p["message"].lower() for p in location.problems)


def test_rules_reject_kinds_the_location_may_not_add(files, settings) -> None:
    settings.APP_CONFIG = {
        **settings.APP_CONFIG,
        "catalog": {
            **settings.APP_CONFIG["catalog"],
            "rules": [{"allow": ["Component", "API", "Location"]}],
        },
    }
    # As in Backstage, a file with a kind the rules refuse fails its Location as a
    # whole: a first read adds nothing, a later one keeps what was there.
    path = files.write("catalog-info.yaml", SERVICE.split("---")[0])
    location = register(path)
    assert Entity.objects.filter(ref="component:default/checkout").exists()
    path.write_text(SERVICE.split("---")[0] + "---\n" + ORG)
    services.refresh(location)
    location.refresh_from_db()
    assert "is not of an allowed kind" in location.last_error
    assert Entity.objects.filter(ref="component:default/checkout", orphan=False).exists()
    assert not Entity.objects.filter(kind__in=["group", "user"]).exists()
    fresh = register(files.write("other.yaml", ORG))
    assert "is not of an allowed kind" in fresh.last_error
    assert not Entity.objects.filter(location=fresh).exists()


def test_a_nested_location_with_a_refused_kind_fails_alone(files, settings) -> None:
    settings.APP_CONFIG = {
        **settings.APP_CONFIG,
        "catalog": {
            **settings.APP_CONFIG["catalog"],
            "rules": [{"allow": ["Component", "Location"]}],
        },
    }
    files.write("good.yaml", SERVICE.split("---")[0])
    files.write("org.yaml", ORG)
    files.write("org-list.yaml", location_doc("org-list", "./org.yaml"))
    location = register(
        files.write("all.yaml", location_doc("all", "./good.yaml", "./org-list.yaml"))
    )
    refs = set(Entity.objects.values_list("ref", flat=True))
    assert {"component:default/checkout", "location:default/all"} <= refs
    assert "location:default/org-list" not in refs, "the failing Location is not served"
    assert any("group:default/team-a" in p["message"] for p in location.problems)


def test_text_placeholder_is_resolved_relative_to_the_file(files) -> None:
    files.write("specs/checkout.yaml", "openapi: 3.0.0\ninfo: {title: Checkout}\n")
    register(
        files.write(
            "catalog-info.yaml",
            api_with_definition("checkout-api", "{$text: ./specs/checkout.yaml}"),
        )
    )
    assert served("api:default/checkout-api")["spec"]["definition"].startswith("openapi: 3.0.0")


def test_placeholder_escaping_the_location_is_refused(files) -> None:
    location = register(
        files.write(
            "catalog-info.yaml",
            api_with_definition("leak", "{$text: ../../../../../../etc/passwd}"),
        )
    )
    assert not Entity.objects.filter(ref="api:default/leak").exists()
    [problem] = location.problems
    assert problem["field"] == "spec.definition"
    assert "root:" not in problem["message"]


def test_unregister_removes_the_entities_and_updates_peers(files) -> None:
    register(files.write("org.yaml", ORG))
    services_location = register(files.write("service.yaml", SERVICE))
    assert ("ownerOf", "component:default/checkout") in relations("group:default/team-a")
    removed = services.unregister_location(services_location)
    assert "component:default/checkout" in removed
    assert not Location.objects.filter(pk=services_location.pk).exists()
    assert ("ownerOf", "component:default/checkout") not in relations("group:default/team-a")


def test_a_held_location_is_not_refreshed_twice(files) -> None:
    location = register(files.write("catalog-info.yaml", SERVICE))
    from django.utils import timezone

    Location.objects.filter(pk=location.pk).update(
        lease_until=timezone.now() + timezone.timedelta(minutes=5)
    )
    with pytest.raises(services.LocationBusy):
        services.refresh(location)


def test_query_count_does_not_grow_with_the_number_of_entities(
    files, django_assert_max_num_queries
) -> None:
    def catalog(n: int) -> str:
        return "\n---\n".join(
            SERVICE.split("---")[0].replace("name: checkout", f"name: svc-{i}") for i in range(n)
        )

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (20, 300):
        path = files.write(f"c{n}.yaml", catalog(n))
        with CaptureQueriesContext(connection) as queries:
            register(path)
        counts.append(len(queries))
    assert counts[1] <= counts[0] + 10, counts


@pytest.mark.postgres_only
def test_a_large_refresh_renews_the_planner_statistics(files) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from catalog.ingestion.bulk import STATISTICS_THRESHOLD

    def analyzed(entities: int) -> bool:
        docs = SERVICE.split("---")[0]
        path = files.write(f"n{entities}.yaml", "\n---\n".join(
            docs.replace("name: checkout", f"name: svc-{entities}-{i}") for i in range(entities)
        ))  # fmt: skip
        with CaptureQueriesContext(connection) as queries:
            register(path)
        return any("ANALYZE" in query["sql"] for query in queries)

    assert not analyzed(5)
    assert analyzed(STATISTICS_THRESHOLD)


def test_unchanged_files_are_skipped_but_their_locations_still_followed(files) -> None:
    nested = files.write("services/checkout.yaml", SERVICE)
    bad_group = ORG.split("---")[0].replace("name: team-a", "name: Bad Name")
    all_yaml = location_doc("everything", "./services/checkout.yaml") + "---\n" + bad_group
    location = register(files.write("all.yaml", all_yaml))
    assert len(location.problems) == 1
    services.refresh(location)
    location.refresh_from_db()
    assert f"file:{files.root / 'all.yaml'}" in str(location.file_hashes)
    assert len(location.problems) == 1  # the skipped file's problem is still shown
    nested.write_text(SERVICE.replace("Takes the money", "Takes all the money"))
    summary = services.refresh(location)
    assert summary.updated == ["component:default/checkout"]
    assert served("component:default/checkout")["metadata"]["description"] == "Takes all the money"


def test_a_rules_change_processes_unchanged_files_again(files, settings) -> None:
    location = register(files.write("catalog-info.yaml", ORG + "---\n" + SERVICE))
    settings.APP_CONFIG = {
        **settings.APP_CONFIG,
        "catalog": {
            **settings.APP_CONFIG["catalog"],
            "rules": [{"allow": ["Component", "API", "Location"]}],
        },
    }
    services.refresh(location)
    location.refresh_from_db()
    assert any("is not of an allowed kind" in p["message"] for p in location.problems)


def test_files_with_placeholders_are_always_processed(files) -> None:
    spec = files.write("spec.yaml", "openapi: 3.0.0\n")
    location = register(
        files.write(
            "catalog-info.yaml", api_with_definition("checkout-api", "{$text: ./spec.yaml}")
        )
    )
    spec.write_text("openapi: 3.1.0\n")
    services.refresh(location)
    assert served("api:default/checkout-api")["spec"]["definition"] == "openapi: 3.1.0\n"


@pytest.mark.parametrize(
    "target", ["../../../../../../../../etc/passwd", "/etc/passwd", "http://169.254.169.254/latest"]
)
def test_placeholders_reaching_for_secrets_leave_the_entity_untouched(files, target) -> None:
    path = files.write("catalog-info.yaml", SERVICE)
    location = register(path)
    before = served("api:default/checkout-api")
    path.write_text(
        SERVICE.replace('definition: "openapi: 3.0.0"', f"definition: {{$text: {target}}}")
    )
    services.refresh(location)
    location.refresh_from_db()
    assert served("api:default/checkout-api")["spec"] == before["spec"]
    [problem] = location.problems
    assert problem["field"] == "spec.definition"
    assert "root:" not in problem["message"] and "ami-" not in problem["message"]


def test_dangling_targets_are_marked_by_missing_refs(files) -> None:
    register(files.write("catalog-info.yaml", SERVICE))
    targets = {t for _, t in relations("component:default/checkout")}
    assert services.missing_refs(targets) == {"group:default/team-a"}


def test_scheduled_refresh_reads_only_due_locations_and_spreads_them(files, settings) -> None:
    from datetime import timedelta

    from django.utils import timezone

    first = register(files.write("a.yaml", ORG))
    second = register(files.write("b.yaml", SERVICE))
    interval = timedelta(minutes=5)
    for location in (first, second):
        assert (
            interval
            <= location.next_refresh_at - location.last_refresh_at
            <= interval * 1.5 + timedelta(seconds=1)
        )
    Location.objects.filter(pk=first.pk).update(
        next_refresh_at=timezone.now() - timedelta(seconds=1)
    )
    outcomes = services.refresh_due_locations()
    assert list(outcomes) == [first.ref]


def test_refresh_job_runs_through_the_job_runner(files) -> None:
    from portal.jobs import run_now
    from portal.models import JobStatus

    location = register(files.write("catalog-info.yaml", SERVICE))
    job = run_now("catalog.refresh_location", params={"location_id": str(location.pk)})
    assert job.status == JobStatus.COMPLETED and job.result["unchanged"] == 5
    missing = run_now("catalog.refresh_location", params={"location_id": "nope"})
    assert missing.status == JobStatus.FAILED


def test_config_locations_are_synced(files, settings) -> None:
    path = files.write("catalog-info.yaml", SERVICE)
    settings.APP_CONFIG = {
        **settings.APP_CONFIG,
        "catalog": {
            **settings.APP_CONFIG["catalog"],
            "locations": [{"type": "file", "target": str(path)}],
        },
    }
    assert services.sync_config_locations() == ([f"file:{path}"], [])
    settings.APP_CONFIG = {
        **settings.APP_CONFIG,
        "catalog": {**settings.APP_CONFIG["catalog"], "locations": []},
    }
    assert services.sync_config_locations() == ([], [f"file:{path}"])
