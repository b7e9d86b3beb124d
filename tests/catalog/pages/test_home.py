"""The catalog's home page cards."""

from __future__ import annotations

from catalog.models import Entity, Star


def test_home_shows_health_starred_recent_and_team(signed_in, catalog, user):
    Star.objects.create(user=user, entity_ref="api:default/checkout-api")
    signed_in.get("/catalog/default/system/shop")
    Entity.objects.filter(ref="resource:default/orders-db").update(orphan=True)
    body = signed_in.get("/").content.decode()
    assert "Catalog at a glance" in body and "<strong>2</strong> <span>Groups</span>" in body
    assert "1 orphan" in body
    starred = body.split('id="home-starred"')[1].split("</section>")[0]
    assert 'href="/catalog/default/api/checkout-api"' in starred
    recent = body.split('id="home-recent"')[1].split("</section>")[0]
    assert 'href="/catalog/default/system/shop"' in recent
    team = body.split('id="home-team"')[1].split("</section>")[0]
    assert 'href="/catalog/default/component/checkout"' in team


def test_home_on_an_empty_catalog_and_without_a_user_entity(signed_in, db):
    body = signed_in.get("/").content.decode()
    assert "The catalog is empty" in body
    assert "There is no User entity for <strong>dev</strong>" in body
    assert "Star services and APIs you use often" in body


def test_a_starred_entity_that_is_gone_is_shown_as_gone(signed_in, db, user):
    Star.objects.create(user=user, entity_ref="component:default/gone")
    body = signed_in.get("/").content.decode()
    assert "component:default/gone (no longer in the catalog)" in body


def test_the_search_box_finds_entities_exact_names_first(signed_in, catalog):
    body = signed_in.get("/search/?q=checkout").content.decode()
    first = body.index('href="/catalog/default/component/checkout"')
    assert first < body.index('href="/catalog/default/api/checkout-api"')
    assert "Takes the money" in body
    assert "No results" in signed_in.get("/search/?q=zzz-nothing").content.decode()
