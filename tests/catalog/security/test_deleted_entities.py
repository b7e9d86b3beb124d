"""Deleting an entity that its location still lists is undone by the next refresh, as
Backstage documents ("it would just reappear"): the deletion forgets the content hash
of the entity's file, so that file is read and processed again instead of skipped as
unchanged."""

from __future__ import annotations

import pytest

from catalog import services
from catalog.models import Entity, Location
from tests.catalog.conftest import SERVICE, component, location_doc, register

pytestmark = pytest.mark.django_db


def test_an_entity_deleted_through_the_api_comes_back_on_the_next_refresh(
    token_api, files
) -> None:
    location = register(files.write("catalog-info.yaml", SERVICE))
    deleted = Entity.objects.get(ref="api:default/checkout-api")
    response = token_api.delete(f"/api/catalog/entities/by-uid/{deleted.uid}")
    assert response.status_code == 204
    assert not Entity.objects.filter(ref="api:default/checkout-api").exists()
    summary = services.refresh(Location.objects.get(pk=location.pk))
    assert summary.added == ["api:default/checkout-api"]
    back = Entity.objects.get(ref="api:default/checkout-api")
    assert back.uid != deleted.uid and back.etag
    assert {"type": "apiProvidedBy", "targetRef": "component:default/checkout"} in (
        back.final["relations"])  # fmt: skip


def test_a_bulk_deletion_reads_only_the_files_of_the_deleted_entities_again(files) -> None:
    files.write("one.yaml", component("one"))
    files.write("two.yaml", component("two"))
    root = files.write("catalog-info.yaml", location_doc("parts", "./one.yaml", "./two.yaml"))
    location = register(root)
    uids = [str(Entity.objects.get(ref="component:default/one").uid),
            str(Entity.objects.get(ref="location:default/parts").uid)]  # fmt: skip
    assert services.delete_entities(uids) == ["component:default/one", "location:default/parts"]
    summary = services.refresh(Location.objects.get(pk=location.pk))
    assert sorted(summary.added) == ["component:default/one", "location:default/parts"]
    assert summary.unchanged >= 1 and not summary.updated  # two.yaml was skipped
    assert Entity.objects.filter(kind="component").count() == 2
