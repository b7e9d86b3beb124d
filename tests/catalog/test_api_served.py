"""Served JSON through the per-process etag cache: never stale, bounded in bytes."""

from __future__ import annotations

import pytest

from catalog.api.served import CACHE, ByteCache, served_json, warm
from catalog.models import Entity
from tests.catalog.conftest import SERVICE, register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    CACHE.clear()
    yield
    CACHE.clear()


def names(api) -> list[str]:
    response = api.get("/api/catalog/entities", {"filter": "kind=component"})
    return [e["metadata"]["description"] for e in response.json()]


def test_a_changed_entity_is_served_changed(token_api, files, django_assert_num_queries) -> None:
    path = files.write("catalog-info.yaml", SERVICE)
    location = register(path)
    assert names(token_api) == ["Takes the money"]

    def everything():
        return Entity.objects.served().values_list("pk", "etag")

    with django_assert_num_queries(2):  # ids and etags, then the JSON not yet cached
        first = served_json(everything())
    with django_assert_num_queries(1):  # ids and etags only: the JSON comes from the cache
        assert served_json(everything()) == first
    path.write_text(SERVICE.replace("Takes the money", "Takes all the money"))
    from catalog import services

    services.refresh(location)
    assert names(token_api) == ["Takes all the money"]


def test_the_cache_is_bounded_and_evicts_the_least_recently_used() -> None:
    cache = ByteCache(limit=10)
    cache.put("a", b"aaaa")
    cache.put("b", b"bbbb")
    assert cache.get("a") == b"aaaa"  # now the most recently used
    cache.put("c", b"cccc")
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (b"aaaa", None, b"cccc")
    assert cache.size == 8
    cache.put("huge", b"x" * 11)
    assert cache.get("huge") is None and cache.size == 8


def test_an_entity_deleted_after_its_etag_was_read_is_left_out(token_api, files) -> None:
    register(files.write("catalog-info.yaml", SERVICE))
    pairs = list(Entity.objects.served().order_by("pk").values_list("pk", "etag"))
    Entity.objects.filter(pk=pairs[0][0]).delete()
    assert len(served_json(pairs)) == len(pairs) - 1


def test_facet_answers_follow_every_change_to_the_catalog(token_api, files) -> None:
    from catalog import services

    def kinds() -> dict[str, int]:
        body = token_api.get("/api/catalog/entity-facets", {"facet": "kind"}).json()
        return {bucket["value"]: bucket["count"] for bucket in body["facets"]["kind"]}

    path = files.write("catalog-info.yaml", SERVICE)
    location = register(path)
    assert kinds()["Resource"] == 1 and kinds() == kinds()
    path.write_text(SERVICE.replace("kind: Resource", "kind: Component"))
    services.refresh(location)
    assert kinds()["Resource"] == 1, "the resource is now an orphan, still served"
    tags = token_api.get("/api/catalog/entity-facets", {"facet": "metadata.tags"}).json()
    assert {b["value"] for b in tags["facets"]["metadata.tags"]} == {"python", "payments"}
    path.write_text(SERVICE.replace("[python, payments]", "[python, billing]"))
    services.refresh(location)
    tags = token_api.get("/api/catalog/entity-facets", {"facet": "metadata.tags"}).json()
    assert {b["value"] for b in tags["facets"]["metadata.tags"]} == {"python", "billing"}
    services.delete_entity(str(Entity.objects.get(ref="system:default/shop").uid))
    assert "System" not in kinds()
    other = register(files.write("other.yaml", SERVICE.split("---")[0].replace("checkout", "pay")))
    assert kinds()["Component"] == 2
    services.unregister_location(other)
    assert kinds()["Component"] == 1


def test_warming_fills_the_cache_until_it_is_full(files, monkeypatch, django_assert_num_queries):
    register(files.write("catalog-info.yaml", SERVICE))
    served = Entity.objects.served()
    assert warm() == served.count() and CACHE.size == sum(len(e.final_json) for e in served)
    with django_assert_num_queries(1):  # everything comes from the cache now
        served_json(Entity.objects.served().values_list("pk", "etag"))
    CACHE.clear()
    monkeypatch.setattr(CACHE, "limit", len(served.order_by("pk").first().final_json) + 1)
    assert warm() == 1
