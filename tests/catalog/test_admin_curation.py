"""Admin curation: every change goes through catalog.services (so peers are restitched),
Django's raw bulk delete is gone, and the processing-error and orphan lists show what
needs attention, escaped."""

from __future__ import annotations

import pytest

from catalog.admin_models import EntityWithErrors, LocationWithErrors, OrphanEntity
from catalog.models import Entity, Location, LocationSource
from portal.models import Job
from tests.catalog.conftest import ORG, SERVICE, register, relations

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ENTITIES = "/admin/catalog/entity/"
LOCATIONS = "/admin/catalog/location/"
ORPHANS = "/admin/catalog/orphanentity/"
ENTITY_ERRORS = "/admin/catalog/entitywitherrors/"
LOCATION_ERRORS = "/admin/catalog/locationwitherrors/"


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def no_worker(monkeypatch):
    """Queued jobs stay rows: nothing is sent to a broker."""
    from portal import jobs

    monkeypatch.setattr(jobs, "_send", lambda job: None)


def action(client, url: str, name: str, pks: list) -> object:
    return client.post(
        url, {"action": name, "_selected_action": [str(pk) for pk in pks]}, follow=True
    )


def test_the_raw_delete_selected_action_is_gone(admin_client, files) -> None:
    register(files.write("catalog-info.yaml", ORG))
    for url in (ENTITIES, LOCATIONS, ORPHANS, ENTITY_ERRORS, LOCATION_ERRORS):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert 'value="delete_selected"' not in response.content.decode(), url
    assert 'value="delete_entities"' in admin_client.get(ENTITIES).content.decode()
    assert 'value="unregister_locations"' in admin_client.get(LOCATIONS).content.decode()


def test_changelists_keep_a_fixed_number_of_queries(
    admin_client, files, django_assert_max_num_queries
) -> None:
    for i in range(12):
        register(files.write(f"org-{i}.yaml", ORG.replace("team-", f"t{i}-")
                             .replace("alice", f"alice-{i}")))  # fmt: skip
    for url in (ENTITIES, LOCATIONS, ORPHANS, ENTITY_ERRORS, LOCATION_ERRORS):
        with django_assert_max_num_queries(12):
            assert admin_client.get(url).status_code == 200


def test_deleting_entities_restitches_their_peers(admin_client, files) -> None:
    register(files.write("catalog-info.yaml", ORG + "---\n" + SERVICE))
    assert ("ownerOf", "api:default/checkout-api") in relations("group:default/team-a")
    api = Entity.objects.get(ref="api:default/checkout-api")
    response = action(admin_client, ENTITIES, "delete_entities", [api.pk])
    assert "Deleted 1 entities" in response.content.decode()
    assert not Entity.objects.filter(ref="api:default/checkout-api").exists()
    # The engine's bookkeeping ran: team-a no longer claims to own what is gone.
    assert ("ownerOf", "api:default/checkout-api") not in relations("group:default/team-a")


def test_the_delete_view_goes_through_the_services_too(admin_client, files) -> None:
    register(files.write("catalog-info.yaml", ORG + "---\n" + SERVICE))
    api = Entity.objects.get(ref="api:default/checkout-api")
    response = admin_client.post(f"{ENTITIES}{api.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Entity.objects.filter(pk=api.pk).exists()
    assert ("ownerOf", "api:default/checkout-api") not in relations("group:default/team-a")


def test_refresh_action_queues_one_job_per_location(admin_client, files, no_worker) -> None:
    location = register(files.write("catalog-info.yaml", SERVICE))
    picked = list(Entity.objects.exclude(parent_ref="").values_list("pk", flat=True))
    assert len(picked) == 4
    response = action(admin_client, ENTITIES, "refresh_entities", picked)
    assert "Queued a refresh of 1 location(s)" in response.content.decode()
    job = Job.objects.get()
    assert job.runner == "catalog.refresh_location"
    assert job.params == {"location_id": str(location.pk)}


def test_location_actions_refresh_queue_and_unregister(admin_client, files, no_worker) -> None:
    path = files.write("catalog-info.yaml", SERVICE)
    location = register(path)
    path.write_text(SERVICE.split("---")[0])
    refreshed = action(admin_client, LOCATIONS, "refresh_locations", [location.pk])
    assert "&#x27;orphaned&#x27;: 3" in refreshed.content.decode()
    action(admin_client, LOCATIONS, "queue_refresh", [location.pk])
    assert Job.objects.filter(runner="catalog.refresh_location").count() == 1
    response = action(admin_client, LOCATIONS, "unregister_locations", [location.pk])
    assert "Unregistered" in response.content.decode()
    assert not Location.objects.exists() and not Entity.objects.exists()


def test_config_locations_are_not_unregistered_from_the_admin(admin_client, files) -> None:
    path = files.write("catalog-info.yaml", SERVICE)
    location = Location.objects.create(type="file", target=str(path),
                                       source=LocationSource.CONFIG)  # fmt: skip
    response = action(admin_client, LOCATIONS, "unregister_locations", [location.pk])
    assert "comes from app-config" in response.content.decode()
    assert admin_client.get(f"{LOCATIONS}{location.pk}/delete/").status_code == 403
    assert Location.objects.filter(pk=location.pk).exists()


def test_deleting_a_location_in_the_admin_unregisters_it(admin_client, files) -> None:
    location = register(files.write("catalog-info.yaml", SERVICE))
    response = admin_client.post(f"{LOCATIONS}{location.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Location.objects.exists() and not Entity.objects.exists()


def test_adding_a_location_registers_and_reads_it(admin_client, files) -> None:
    path = files.write("catalog-info.yaml", SERVICE)
    response = admin_client.post(f"{LOCATIONS}add/", {"type": "file", "target": str(path),
                                                      "presence": "required"})  # fmt: skip
    assert response.status_code == 302
    location = Location.objects.get()
    assert location.source == LocationSource.ADMIN
    assert Entity.objects.filter(ref="component:default/checkout").exists()


def test_orphans_are_listed_and_bulk_deleted_through_the_services(admin_client, files) -> None:
    path = files.write("catalog-info.yaml", ORG + "---\n" + SERVICE)
    location = register(path)
    path.write_text(ORG + "---\n" + SERVICE.split("---")[0])  # drops api, system, resource
    from catalog import services

    services.refresh(location)
    orphans = list(OrphanEntity.objects.order_by("ref").values_list("ref", flat=True))
    assert orphans == ["api:default/checkout-api", "resource:default/orders-db",
                       "system:default/shop"]  # fmt: skip
    listing = admin_client.get(ORPHANS).content.decode()
    assert all(ref in listing for ref in orphans) and "component:default/checkout" not in listing
    assert ("ownerOf", "api:default/checkout-api") in relations("group:default/team-a")
    pks = list(OrphanEntity.objects.values_list("pk", flat=True))
    response = action(admin_client, ORPHANS, "delete_entities", pks)
    assert "Deleted 3 entities" in response.content.decode()
    assert not OrphanEntity.objects.exists()
    assert Entity.objects.filter(ref="component:default/checkout").exists()
    assert ("ownerOf", "api:default/checkout-api") not in relations("group:default/team-a")


def test_processing_errors_show_their_messages_escaped(admin_client, files) -> None:
    path = files.write("catalog-info.yaml", SERVICE)
    location = register(path)
    # A newer document that breaks the rules: the entity keeps its last good state.
    path.write_text(SERVICE.replace("type: service", "type: 7"))
    from catalog import services

    services.refresh(location)
    broken = EntityWithErrors.objects.get()
    assert broken.ref == "component:default/checkout"
    listing = admin_client.get(ENTITY_ERRORS).content.decode()
    assert "component:default/checkout" in listing and "/spec/type must be string" in listing
    assert LocationWithErrors.objects.get().pk == location.pk
    assert "/spec/type must be string" in admin_client.get(LOCATION_ERRORS).content.decode()

    Entity.objects.filter(pk=broken.pk).update(
        errors=[{"name": "InputError", "message": SCRIPT}]
    )
    Location.objects.filter(pk=location.pk).update(last_error=SCRIPT, problems=[
        {"file": SCRIPT, "document": 0, "entity": "", "field": "", "message": SCRIPT}])  # fmt: skip
    for url in (ENTITY_ERRORS, LOCATION_ERRORS, f"{ENTITY_ERRORS}{broken.pk}/change/",
                f"{LOCATION_ERRORS}{location.pk}/change/"):  # fmt: skip
        body = admin_client.get(url).content.decode()
        assert SCRIPT not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body, url


def test_a_location_that_cannot_be_read_is_a_processing_error(admin_client, files) -> None:
    path = files.write("catalog-info.yaml", SERVICE)
    location = register(path)
    path.unlink()
    from catalog import services

    services.refresh(location)
    body = admin_client.get(LOCATION_ERRORS).content.decode()
    assert "does not exist" in body
    filtered = admin_client.get(LOCATIONS, {"problems": "yes"}).content.decode()
    assert str(path) in filtered
    assert str(path) not in admin_client.get(LOCATIONS, {"problems": "no"}).content.decode()


def test_curation_lists_need_staff(client, user) -> None:
    client.force_login(user)
    for url in (ORPHANS, ENTITY_ERRORS, LOCATION_ERRORS):
        assert client.get(url).status_code == 302


def test_adding_a_location_the_policy_forbids_is_a_form_error(admin_client, files) -> None:
    response = admin_client.post(f"{LOCATIONS}add/", {"type": "file", "target": "/etc/passwd",
                                                      "presence": "required"})  # fmt: skip
    assert response.status_code == 200
    assert "catalog.readableDirectories" in response.content.decode()
    assert not Location.objects.exists()
